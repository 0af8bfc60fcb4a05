import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openPersistence } from '../../src/persistence/index.js';
import {
  type ConversationEvent,
  ConversationNotFoundError,
  DuplicateAccountError,
  DuplicateInquiryError,
  ETagConflictError,
  InquiryNotFoundError,
  type MetricEvent,
  type Persistence,
} from '../../src/persistence/types.js';
import type { Inquiry } from '../../src/triage/types.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';

// One contract, every backend: what the bot relies on from persistence, run on lowdb files and on a
// real throwaway PostgreSQL. A backend "opened twice" is a restart (lowdb: same DATA_DIR) or a second
// instance (PostgreSQL: same database).

const tempDir = useTempDirs();
const logger = createLogger({ logLevel: 'silent' });
const HOUR = 60 * 60 * 1000;

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.destroy();
});

interface Backend {
  /** Opens the backend on the same place every call within one test. */
  open(now?: () => number): Promise<Persistence>;
}

async function lowdbBackend(): Promise<Backend> {
  const dataDir = await tempDir();
  return {
    open: (now) =>
      openPersistence(
        {
          storage: 'lowdb',
          databaseUrl: '',
          databasePoolMax: 4,
          dataDir,
          stateTtlHours: 1,
          directLineRetentionHours: 24,
        },
        logger,
        { now },
      ),
  };
}

async function postgresBackend(): Promise<Backend> {
  if (!postgres) throw new Error('test PostgreSQL not started');
  const databaseUrl = await postgres.createDatabase();
  const dataDir = await tempDir();
  return {
    open: (now) =>
      openPersistence(
        {
          storage: 'postgres',
          databaseUrl,
          databasePoolMax: 4,
          dataDir,
          stateTtlHours: 1,
          directLineRetentionHours: 24,
        },
        logger,
        { now },
      ),
  };
}

/** A clock the test moves. */
function clock(start = Date.parse('2026-11-26T01:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function inquiry(id: string, overrides: Partial<Inquiry> = {}): Inquiry {
  return {
    id,
    topic: 'login.trouble',
    priority: 'high',
    status: 'new',
    createdAt: '2026-11-26T01:00:00.000Z',
    dueAt: '2026-11-26T02:00:00.000Z',
    updatedAt: '2026-11-26T01:00:00.000Z',
    locale: 'ja',
    summary: 'ログインできません',
    excerpt: [],
    details: {},
    conversationReference: { conversation: { id: `conv-${id}` } as never, channelId: 'webchat' },
    assignee: null,
    notes: [],
    replies: [],
    ...overrides,
  };
}

describe.each([
  ['lowdb', lowdbBackend],
  ['postgres', postgresBackend],
] as const)('persistence contract on %s', (_name, makeBackend) => {
  async function withBackend(
    test: (p: Persistence, ctx: { backend: Backend; clock: ReturnType<typeof clock> }) => Promise<void>,
  ) {
    const backend = await makeBackend();
    const c = clock();
    const p = await backend.open(c.now);
    try {
      await test(p, { backend, clock: c });
    } finally {
      await p.close();
    }
  }

  describe('conversation state (botbuilder Storage)', () => {
    it('reads what was written with a fresh eTag, and refuses a stale eTag', () =>
      withBackend(async (p) => {
        expect(await p.state.read(['a'])).toEqual({});
        const item: Record<string, unknown> = { dialog: { step: 1 } };
        await p.state.write({ a: item });
        const first = (await p.state.read(['a'])).a as Record<string, unknown>;
        expect(first).toMatchObject({ dialog: { step: 1 } });
        expect(typeof first.eTag).toBe('string');
        // The written item now carries its stored eTag: a second save in the same turn is not stale.
        expect(item.eTag).toBe(first.eTag);
        await p.state.write({ a: { dialog: { step: 2 }, eTag: first.eTag } });
        await expect(p.state.write({ a: { dialog: { step: 3 }, eTag: first.eTag } })).rejects.toBeInstanceOf(
          ETagConflictError,
        );
        expect((await p.state.read(['a'])).a).toMatchObject({ dialog: { step: 2 } });
        await p.state.write({ a: { dialog: { step: 4 }, eTag: '*' } });
        expect((await p.state.read(['a'])).a).toMatchObject({ dialog: { step: 4 } });
        await p.state.delete(['a']);
        expect(await p.state.read(['a'])).toEqual({});
      }));

    it('hands a document over with its JSON text, and stores one given as text under the same eTag rules', () =>
      withBackend(async (p) => {
        expect(await p.state.readDocument('d')).toBeUndefined();
        const first = await p.state.writeDocument('d', JSON.stringify({ dialog: { step: 1 }, note: 'あ' }));
        const read = await p.state.readDocument('d');
        expect(read).toEqual({
          document: { dialog: { step: 1 }, note: 'あ' },
          json: JSON.stringify(read!.document),
          eTag: first,
        });
        // The document is the caller's own: changing it changes nothing stored.
        (read!.document.dialog as { step: number }).step = 9;
        expect((await p.state.readDocument('d'))!.document).toMatchObject({ dialog: { step: 1 } });
        // The botbuilder view of the same item.
        expect((await p.state.read(['d'])).d).toEqual({ dialog: { step: 1 }, note: 'あ', eTag: first });

        const second = await p.state.writeDocument('d', '{"dialog":{"step":2}}', first);
        expect(second).not.toBe(first);
        await expect(p.state.writeDocument('d', '{"dialog":{"step":3}}', first)).rejects.toBeInstanceOf(
          ETagConflictError,
        );
        expect((await p.state.readDocument('d'))!.document).toEqual({ dialog: { step: 2 } });
        await p.state.writeDocument('d', '{"dialog":{"step":4}}', '*');
        expect((await p.state.readDocument('d'))!).toMatchObject({ document: { dialog: { step: 4 } } });
      }));

    it('lets exactly one of two writers holding the same eTag win', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const other = await backend.open(c.now);
        try {
          await p.state.write({ k: { n: 0 } });
          const eTag = ((await p.state.read(['k'])).k as { eTag: string }).eTag;
          const results = await Promise.allSettled([
            p.state.write({ k: { n: 1, eTag } }),
            (p.backend === 'postgres' ? other : p).state.write({ k: { n: 2, eTag } }),
          ]);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
        } finally {
          await other.close();
        }
      }));

    it('forgets state idle past its TTL and sweeps it', () =>
      withBackend(async (p, { clock: c }) => {
        await p.state.write({ old: { x: 1 } });
        c.advance(2 * HOUR);
        await p.state.write({ fresh: { x: 2 } });
        expect(Object.keys(await p.state.read(['old', 'fresh']))).toEqual(['fresh']);
        expect(await p.state.sweepExpired()).toBeGreaterThanOrEqual(p.backend === 'postgres' ? 1 : 0);
        expect(Object.keys(await p.state.read(['old', 'fresh']))).toEqual(['fresh']);
      }));

    it('keeps state across a reopen', () =>
      withBackend(async (p, { backend, clock: c }) => {
        await p.state.write({ s: { kept: true } });
        await p.flush();
        const again = await backend.open(c.now);
        try {
          expect((await again.state.read(['s'])).s).toMatchObject({ kept: true });
        } finally {
          await again.close();
        }
      }));
  });

  describe('inquiry repository', () => {
    it('inserts, gets and refuses a duplicate id', () =>
      withBackend(async (p) => {
        await p.inquiries.insert(inquiry('Q1'));
        expect(await p.inquiries.get('Q1')).toEqual(inquiry('Q1'));
        expect(await p.inquiries.get('nope')).toBeUndefined();
        await expect(p.inquiries.insert(inquiry('Q1', { summary: 'other' }))).rejects.toBeInstanceOf(
          DuplicateInquiryError,
        );
        expect((await p.inquiries.get('Q1'))?.summary).toBe('ログインできません');
      }));

    it('lists with filters, earliest due first then oldest', () =>
      withBackend(async (p) => {
        await p.inquiries.insert(inquiry('QA', { dueAt: '2026-11-26T03:00:00.000Z', priority: 'normal' }));
        await p.inquiries.insert(
          inquiry('QB', { dueAt: '2026-11-26T02:00:00.000Z', createdAt: '2026-11-26T01:30:00.000Z' }),
        );
        await p.inquiries.insert(inquiry('QC', { dueAt: '2026-11-26T02:00:00.000Z', topic: 'card.lost' }));
        await p.inquiries.insert(
          inquiry('QD', { dueAt: '2026-11-26T00:30:00.000Z', status: 'resolved', assignee: 'sato' }),
        );
        const ids = async (q: Parameters<Persistence['inquiries']['list']>[0]) =>
          (await p.inquiries.list(q)).map((i) => i.id);
        expect(await ids({})).toEqual(['QD', 'QC', 'QB', 'QA']);
        expect(await ids({ status: ['new'] })).toEqual(['QC', 'QB', 'QA']);
        expect(await ids({ priority: ['normal'] })).toEqual(['QA']);
        expect(await ids({ topic: ['card.lost', 'service.points'] })).toEqual(['QC']);
        expect(await ids({ assignee: 'sato' })).toEqual(['QD']);
        const now = new Date('2026-11-26T02:30:00.000Z');
        expect(await ids({ overdue: true, now })).toEqual(['QC', 'QB']);
        expect(await ids({ overdue: false, now })).toEqual(['QD', 'QA']);
      }));

    it('applies concurrent updates one after another (no lost change), across instances too', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const other = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          await p.inquiries.insert(inquiry('QN'));
          await Promise.all(
            Array.from({ length: 10 }, (_, i) =>
              (i % 2 ? other : p).inquiries.update('QN', (q) => ({
                ...q,
                notes: [...q.notes, { at: q.createdAt, author: 'a', text: `note ${i}` }],
              })),
            ),
          );
          const notes = (await p.inquiries.get('QN'))?.notes.map((n) => n.text).sort();
          expect(notes).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`).sort());
        } finally {
          if (other !== p) await other.close();
        }
      }));

    it('writes nothing when the change throws, and names a missing inquiry', () =>
      withBackend(async (p) => {
        await p.inquiries.insert(inquiry('QX'));
        await expect(
          p.inquiries.update('QX', () => {
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await p.inquiries.get('QX')).toEqual(inquiry('QX'));
        await expect(p.inquiries.update('missing', (q) => q)).rejects.toBeInstanceOf(InquiryNotFoundError);
        const updated = await p.inquiries.update('QX', (q) => ({ ...q, status: 'in_progress' }));
        expect(updated.status).toBe('in_progress');
        expect((await p.inquiries.list({ status: ['in_progress'] })).map((q) => q.id)).toEqual(['QX']);
      }));

    it('finds the open inquiries of a conversation, newest first, and keeps messages and live-chat state', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const ref = (id: string) => ({ conversation: { id } as never, channelId: 'webchat' });
        await p.inquiries.insert(inquiry('QO1', { conversationReference: ref('conv-shared') }));
        await p.inquiries.insert(
          inquiry('QO2', {
            conversationReference: ref('conv-shared'),
            createdAt: '2026-11-26T01:30:00.000Z',
          }),
        );
        await p.inquiries.insert(
          inquiry('QO3', { conversationReference: ref('conv-shared'), status: 'resolved' }),
        );
        await p.inquiries.insert(inquiry('QO4', { conversationReference: ref('conv-other') }));
        const ids = async () => (await p.inquiries.openForConversation('conv-shared')).map((q) => q.id);
        expect(await ids()).toEqual(['QO2', 'QO1']);
        const message = {
          id: 'm1',
          from: 'member' as const,
          text: 'まだ届きません',
          at: '2026-11-26T02:00:00.000Z',
        };
        await p.inquiries.update('QO1', (q) => ({
          ...q,
          status: 'member_replied',
          messages: [message],
          liveChat: { login: 'sato', name: '佐藤', since: '2026-11-26T02:00:00.000Z' },
        }));
        await p.inquiries.update('QO2', (q) => ({ ...q, status: 'resolved' }));
        const reopened = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          const [found] = await reopened.inquiries.openForConversation('conv-shared');
          expect(found).toMatchObject({ id: 'QO1', status: 'member_replied', messages: [message] });
          expect(found?.liveChat?.name).toBe('佐藤');
          expect((await reopened.inquiries.list({ status: ['member_replied'] })).map((q) => q.id)).toEqual([
            'QO1',
          ]);
        } finally {
          if (reopened !== p) await reopened.close();
        }
        expect(await p.inquiries.openForConversation('conv-none')).toEqual([]);
      }));

    it('tells inquiry-event subscribers, from another instance too; an unsubscribed listener hears nothing', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const writer = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          const heard: unknown[] = [];
          const unsubscribe = p.inquiryEvents.subscribe((e) => heard.push(e));
          await writer.inquiryEvents.publish({ inquiryId: 'QE1', kind: 'message', messageId: 'm1' });
          await writer.inquiryEvents.publish({ inquiryId: 'QE1', kind: 'live' });
          await until(() => heard.length >= 2, 'two inquiry events');
          expect(heard).toEqual([
            { inquiryId: 'QE1', kind: 'message', messageId: 'm1' },
            { inquiryId: 'QE1', kind: 'live' },
          ]);
          unsubscribe();
          await writer.inquiryEvents.publish({ inquiryId: 'QE1', kind: 'status' });
          await new Promise((r) => setTimeout(r, 100));
          expect(heard).toHaveLength(2);
        } finally {
          if (writer !== p) await writer.close();
        }
      }));
  });

  describe('reply outbox', () => {
    const entry = (replyId: string, createdAt: string) => ({
      replyId,
      inquiryId: 'Q1',
      conversationId: 'conv-1',
      createdAt,
    });

    it('hides a claimed entry until it is released or its claim runs out; completed ones are gone', () =>
      withBackend(async (p, { clock: c }) => {
        await p.outbox.enqueue(entry('r2', '2026-11-26T01:00:02.000Z'), 60_000);
        await p.outbox.enqueue(entry('r1', '2026-11-26T01:00:01.000Z'), 60_000);
        expect(await p.outbox.claim('conv-1', 60_000)).toEqual([]);
        await p.outbox.release('r1');
        await p.outbox.release('r2');
        expect(await p.outbox.claim('conv-other', 60_000)).toEqual([]);
        const claimed = await p.outbox.claim('conv-1', 60_000);
        expect(claimed.map((e) => e.replyId)).toEqual(['r1', 'r2']);
        expect(claimed[0]).toEqual(entry('r1', '2026-11-26T01:00:01.000Z'));
        expect(await p.outbox.claim('conv-1', 60_000)).toEqual([]);
        c.advance(61_000); // the claimer died: the entries come back
        await p.outbox.complete('r1');
        expect((await p.outbox.claim('conv-1', 60_000)).map((e) => e.replyId)).toEqual(['r2']);
      }));
  });

  describe('unanswered log', () => {
    it('counts sightings per group with the latest distinct wordings first', () =>
      withBackend(async (p) => {
        const seen = (id: string, masked: string, at: string) =>
          p.unanswered.add({ id, normalized: id, masked, lang: 'ja', at });
        await seen('g1', '天気は', '2026-11-26T01:00:00.000Z');
        await seen('g2', '株価', '2026-11-26T01:00:01.000Z');
        await seen('g1', '天気は?', '2026-11-26T01:00:02.000Z');
        await seen('g1', '天気は!', '2026-11-26T01:00:03.000Z');
        await seen('g1', '天気は', '2026-11-26T01:00:04.000Z');
        await p.flush();
        const groups = await p.unanswered.list();
        expect(groups.map((g) => [g.id, g.count])).toEqual([
          ['g1', 4],
          ['g2', 1],
        ]);
        expect(groups[0]).toMatchObject({
          examples: ['天気は', '天気は!', '天気は?'],
          firstSeen: '2026-11-26T01:00:00.000Z',
          lastSeen: '2026-11-26T01:00:04.000Z',
        });
        await p.unanswered.add({
          id: 'g3',
          normalized: 'g3',
          masked: '有効期限は',
          lang: 'ja',
          at: '2026-11-26T01:00:05.000Z',
          topic: 'service.points',
        });
        await p.flush();
        expect((await p.unanswered.list()).find((g) => g.id === 'g3')?.topic).toBe('service.points');
        expect((await p.unanswered.list()).find((g) => g.id === 'g2')?.topic).toBeUndefined();
        await p.unanswered.dismiss('g3');
        expect(await p.unanswered.dismiss('g1')).toBe(true);
        expect(await p.unanswered.dismiss('g1')).toBe(false);
        expect((await p.unanswered.list()).map((g) => g.id)).toEqual(['g2']);
      }));
  });

  describe('metrics', () => {
    const DAY = 24 * HOUR;
    const turn = (conversationId: string, at: string, extra: Partial<MetricEvent> = {}): MetricEvent => ({
      conversationId,
      at,
      kind: 'turn',
      lang: 'ja',
      channel: 'webchat',
      ...extra,
    });
    function recordScenario(p: Persistence) {
      const events: MetricEvent[] = [
        // Before the window: its later turn inside the window does not bring it in.
        turn('c5', '2026-11-25T14:00:00.000Z', { topic: 'greeting' }),
        turn('c5', '2026-11-26T02:00:00.000Z', { topic: 'greeting' }),
        turn('c1', '2026-11-26T00:30:00.000Z', { topic: 'service.points', answered: true }),
        turn('c1', '2026-11-26T00:31:00.000Z', { topic: 'service.points', fallback: true }),
        {
          conversationId: 'c1',
          at: '2026-11-26T00:32:00.000Z',
          kind: 'csat',
          topic: 'service.points',
          helpful: true,
        },
        turn('c2', '2026-11-26T15:30:00.000Z', { topic: 'none', fallback: true }),
        turn('c2', '2026-11-26T15:31:00.000Z', { topic: 'none', fallback: true, secretWarning: true }),
        turn('c3', '2026-11-26T03:00:00.000Z', { topic: 'login.trouble', handoff: true }),
        {
          conversationId: 'c3',
          at: '2026-11-26T03:01:00.000Z',
          kind: 'csat',
          topic: 'login.trouble',
          helpful: false,
        },
        turn('c4', '2026-11-26T05:00:00.000Z', { topic: 'card.lost', answered: true }),
        { conversationId: 'c4', at: '2026-11-28T05:00:00.000Z', kind: 'takeover' },
        // No member message: not a conversation.
        { conversationId: 'c6', at: '2026-11-26T05:00:00.000Z', kind: 'takeover' },
      ];
      for (const e of events) p.metrics.record(e);
    }
    const from = new Date('2026-11-25T15:00:00.000Z'); // 11-26 00:00 JST
    const to = new Date('2026-11-27T15:00:00.000Z'); // 11-28 00:00 JST

    it('counts each conversation in the window of its first member message, hours and dates in JST', () =>
      withBackend(async (p) => {
        recordScenario(p);
        const m = await p.metrics.summary(from, to);
        expect(m).toMatchObject({
          conversations: 4,
          contained: 2,
          handedOff: 2,
          fallbackOnly: 1,
          turns: 6,
          fallbackTurns: 3,
          csat: { positive: 1, negative: 1 },
        });
        expect(m.topics).toEqual([
          { topic: 'none', count: 2 },
          { topic: 'service.points', count: 2 },
          { topic: 'card.lost', count: 1 },
          { topic: 'login.trouble', count: 1 },
        ]);
        expect(m.csatByTopic).toEqual([
          { topic: 'login.trouble', positive: 0, negative: 1 },
          { topic: 'service.points', positive: 1, negative: 0 },
        ]);
        expect(m.byHour).toHaveLength(24);
        expect(m.byHour.filter((h) => h.conversations > 0)).toEqual([
          { hour: 0, conversations: 1, handedOff: 0 },
          { hour: 9, conversations: 1, handedOff: 0 },
          { hour: 12, conversations: 1, handedOff: 1 },
          { hour: 14, conversations: 1, handedOff: 1 },
        ]);
        expect(m.series).toEqual([
          {
            date: '2026-11-26',
            conversations: 3,
            contained: 1,
            handedOff: 2,
            fallbackTurns: 1,
            csatPositive: 1,
            csatNegative: 1,
          },
          {
            date: '2026-11-27',
            conversations: 1,
            contained: 1,
            handedOff: 0,
            fallbackTurns: 2,
            csatPositive: 0,
            csatNegative: 0,
          },
        ]);
        const narrow = await p.metrics.summary(
          new Date('2026-11-26T03:00:00.000Z'),
          new Date('2026-11-26T05:00:00.000Z'),
        );
        expect(narrow).toMatchObject({ conversations: 1, handedOff: 1, turns: 1 });
        expect(narrow.series.map((r) => r.date)).toEqual(['2026-11-26']);
      }));

    it('keeps the counts across a close and reopen, and the sweep drops them after the retention', () =>
      withBackend(async (p, { backend, clock: c }) => {
        recordScenario(p);
        await p.close();
        const again = await backend.open(c.now);
        try {
          expect((await again.metrics.summary(from, to)).conversations).toBe(4);
          c.advance(399 * DAY);
          await again.sweep();
          expect((await again.metrics.summary(from, to)).conversations).toBe(4);
          c.advance(3 * DAY);
          await again.sweep();
          expect((await again.metrics.summary(from, to)).conversations).toBe(0);
        } finally {
          await again.close();
        }
      }));
  });

  describe('Direct Line log', () => {
    it('gives activities ids and watermarks, lists after a watermark, expires ephemeral ones', () =>
      withBackend(async (p, { clock: c }) => {
        const conv = await p.directLine.create();
        expect(conv.userId).toMatch(/^dl_/);
        expect(await p.directLine.markStarted(conv.id)).toBe(true);
        expect(await p.directLine.markStarted(conv.id)).toBe(false);
        expect((await p.directLine.get(conv.id))?.started).toBe(true);
        const a = await p.directLine.append(conv.id, { type: 'message', text: 'one' });
        expect(a.id.startsWith(`${conv.id}|`)).toBe(true);
        await p.directLine.append(conv.id, { type: 'typing' }, { ephemeralMs: 1000 });
        const first = await p.directLine.list(conv.id, '');
        expect(first.activities.map((x) => x.type)).toEqual(['message', 'typing']);
        await p.directLine.append(conv.id, { type: 'message', text: 'two', id: 'given-id' });
        const next = await p.directLine.list(conv.id, first.watermark);
        expect(next.activities.map((x) => [x.id, x.text])).toEqual([['given-id', 'two']]);
        expect(Number(next.watermark)).toBeGreaterThan(Number(first.watermark));
        c.advance(2000);
        expect((await p.directLine.list(conv.id, '')).activities.map((x) => x.text)).toEqual(['one', 'two']);
        await expect(p.directLine.list(conv.id, 'abc')).rejects.toThrow(/watermark/i);
      }));

    it('moves a replaced activity to the end with a new watermark; removes one by id', () =>
      withBackend(async (p) => {
        const conv = await p.directLine.create();
        const a = await p.directLine.append(conv.id, { type: 'message', text: 'draft' });
        await p.directLine.append(conv.id, { type: 'message', text: 'other' });
        const before = await p.directLine.list(conv.id, '');
        const replaced = await p.directLine.replace(conv.id, a.id, { type: 'message', text: 'final' });
        expect(replaced?.id).toBe(a.id);
        const after = await p.directLine.list(conv.id, before.watermark);
        expect(after.activities.map((x) => x.text)).toEqual(['final']);
        expect(await p.directLine.replace(conv.id, 'no-such', { type: 'message' })).toBeUndefined();
        expect(await p.directLine.remove(conv.id, a.id)).toBe(true);
        expect((await p.directLine.list(conv.id, '')).activities.map((x) => x.text)).toEqual(['other']);
      }));

    it('keeps a conversation for the retention after its last activity, however many others start', () =>
      withBackend(async (p, { clock: c }) => {
        const live = await p.directLine.create();
        const idle = await p.directLine.create();
        await p.directLine.append(live.id, { type: 'message', text: 'hello' });
        for (let i = 0; i < 300; i++) await p.directLine.create();
        c.advance(20 * HOUR);
        await p.directLine.append(live.id, { type: 'message', text: 'still here' });
        c.advance(5 * HOUR); // idle: 25 h since its last activity; live: 5 h
        expect(await p.directLine.get(idle.id)).toBeUndefined();
        await expect(p.directLine.append(idle.id, { type: 'message' })).rejects.toBeInstanceOf(
          ConversationNotFoundError,
        );
        expect((await p.directLine.list(live.id, '')).activities.map((x) => x.text)).toEqual([
          'hello',
          'still here',
        ]);
        // The idle one (and the 300 never used) are gone; the sweep removes whatever a read has not yet.
        expect(await p.directLine.sweepExpired()).toBeGreaterThanOrEqual(300);
        expect(await p.directLine.get(live.id)).toBeDefined();
      }));

    it('keeps every transcript across a reopen (restart or another instance)', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const conv = await p.directLine.create();
        await p.directLine.markStarted(conv.id);
        await p.directLine.append(conv.id, { type: 'message', text: 'before restart' });
        await p.flush();
        const again = await backend.open(c.now);
        try {
          expect(await again.directLine.get(conv.id)).toMatchObject({
            id: conv.id,
            userId: conv.userId,
            started: true,
          });
          const set = await again.directLine.list(conv.id, '');
          expect(set.activities.map((x) => x.text)).toEqual(['before restart']);
          await again.directLine.append(conv.id, { type: 'message', text: 'after' });
          const more = await again.directLine.list(conv.id, set.watermark);
          expect(more.activities.map((x) => x.text)).toEqual(['after']);
        } finally {
          await again.close();
        }
      }));

    it('pushes appends to subscribers, from another instance too, in order', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const writer = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          const conv = await p.directLine.create();
          const events: ConversationEvent[] = [];
          const unsubscribe = p.directLine.subscribe(conv.id, (e) => events.push(e));
          for (const text of ['a', 'b', 'c'])
            await writer.directLine.append(conv.id, { type: 'message', text });
          await until(() => events.length >= 3, 'three pushed activities');
          expect(events.map((e) => (e.type === 'activity' ? e.activity.text : e.type))).toEqual([
            'a',
            'b',
            'c',
          ]);
          const marks = events.map((e) => (e.type === 'activity' ? Number(e.watermark) : 0));
          expect([...marks].sort((x, y) => x - y)).toEqual(marks);
          expect(String(marks[2])).toBe((await p.directLine.list(conv.id, '')).watermark);
          unsubscribe();
          await writer.directLine.append(conv.id, { type: 'message', text: 'd' });
          await new Promise((r) => setTimeout(r, 100));
          expect(events).toHaveLength(3);
        } finally {
          if (writer !== p) await writer.close();
        }
      }));
  });

  describe('short-lived keys, turn lock, rate limits, secrets', () => {
    it('takes a key once, forgets it after its TTL, claims it once while it lives', () =>
      withBackend(async (p, { clock: c }) => {
        await p.keys.set('label:c1', 'pin', 1000);
        expect(await p.keys.take('label:c1')).toBe('pin');
        expect(await p.keys.take('label:c1')).toBeUndefined();
        await p.keys.set('label:c2', 'password', 1000);
        c.advance(1001);
        expect(await p.keys.take('label:c2')).toBeUndefined();
        expect(await p.keys.claim('token:1', 1000)).toBe(true);
        expect(await p.keys.claim('token:1', 1000)).toBe(false);
        c.advance(1001);
        expect(await p.keys.claim('token:1', 1000)).toBe(true);
      }));

    it('runs the turns of one conversation one at a time, across instances; others run alongside', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const other = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          const order: string[] = [];
          let releaseFirst: () => void = () => undefined;
          const firstHolds = new Promise<void>((r) => {
            releaseFirst = r;
          });
          let firstStarted: () => void = () => undefined;
          const started = new Promise<void>((r) => {
            firstStarted = r;
          });
          const first = p.turnLock.run('conv-1', async () => {
            order.push('first start');
            firstStarted();
            await firstHolds;
            order.push('first end');
          });
          await started;
          const second = other.turnLock.run('conv-1', async () => {
            order.push('second');
          });
          // Another conversation is not held up by conv-1's turn.
          await other.turnLock.run('conv-2', async () => {
            order.push('other conversation');
          });
          releaseFirst();
          await Promise.all([first, second]);
          expect(order).toEqual(['first start', 'other conversation', 'first end', 'second']);
        } finally {
          if (other !== p) await other.close();
        }
      }));

    it('lets the next turn in after a turn that failed, on this instance and on another', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const other = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          for (let i = 0; i < 3; i++) {
            await expect(
              p.turnLock.run('conv-f', async () => {
                throw new Error('turn failed');
              }),
            ).rejects.toThrow('turn failed');
          }
          await expect(p.turnLock.run('conv-f', async () => 'here')).resolves.toBe('here');
          // Would wait for ever if a lock taken above were still held.
          await expect(other.turnLock.run('conv-f', async () => 'there')).resolves.toBe('there');
        } finally {
          if (other !== p) await other.close();
        }
      }));

    it('counts rate-limit points in the shared store', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const other = p.backend === 'postgres' ? await backend.open(c.now) : p;
        try {
          const spec = { name: 'test', points: 3, durationSeconds: 60 };
          const a = p.rateLimits.create(spec);
          const b = other.rateLimits.create(spec);
          await a.consume('client');
          await b.consume('client');
          await a.consume('client');
          await expect(b.consume('client')).rejects.toMatchObject({ consumedPoints: 4 });
          await expect(a.consume('someone else')).resolves.toMatchObject({ consumedPoints: 1 });
        } finally {
          if (other !== p) await other.close();
        }
      }));

    it('makes a secret once and returns the same one after a reopen', () =>
      withBackend(async (p, { backend, clock: c }) => {
        const secret = await p.secrets.getOrCreate('directline-token-secret', () => 'first-made-secret');
        expect(secret).toBe('first-made-secret');
        expect(await p.secrets.getOrCreate('directline-token-secret', () => 'second')).toBe(
          'first-made-secret',
        );
        const again = await backend.open(c.now);
        try {
          expect(await again.secrets.getOrCreate('directline-token-secret', () => 'third')).toBe(
            'first-made-secret',
          );
        } finally {
          await again.close();
        }
      }));
  });

  describe('staff accounts, sessions and audit', () => {
    const account = (login: string, role: 'agent' | 'supervisor' = 'agent') => ({
      login,
      name: `Name ${login}`,
      role,
      passwordHash: 'scrypt$1$1$1$salt$hash',
      disabled: false,
      createdAt: '2026-11-26T01:00:00.000Z',
      updatedAt: '2026-11-26T01:00:00.000Z',
    });

    it('adds, lists, updates and counts accounts; a second add of a login is refused', () =>
      withBackend(async (p, { backend }) => {
        expect(await p.staff.countAccounts()).toBe(0);
        await p.staff.addAccount(account('sato'));
        await p.staff.addAccount(account('abe', 'supervisor'));
        await expect(p.staff.addAccount(account('sato'))).rejects.toBeInstanceOf(DuplicateAccountError);
        expect((await p.staff.listAccounts()).map((a) => a.login)).toEqual(['abe', 'sato']);
        const changed = await p.staff.updateAccount('sato', { disabled: true, name: '佐藤' });
        expect(changed).toMatchObject({ login: 'sato', name: '佐藤', disabled: true, role: 'agent' });
        expect(Date.parse(changed.updatedAt)).toBeGreaterThan(Date.parse('2026-11-26T01:00:00.000Z'));
        await expect(p.staff.updateAccount('nobody', { disabled: true })).rejects.toThrow(/nobody/);
        // Another process (npm run staff) sees the same accounts.
        const other = await backend.open();
        try {
          expect(await other.staff.getAccount('sato')).toMatchObject({ name: '佐藤', disabled: true });
          expect(await other.staff.countAccounts()).toBe(2);
        } finally {
          await other.close();
        }
      }));

    it('keeps sessions by id hash, touches, sweeps by idle and absolute age, and ends all of one login', () =>
      withBackend(async (p) => {
        await p.staff.addAccount(account('sato'));
        await p.staff.addAccount(account('abe'));
        const session = (idHash: string, login: string, createdAt: number, lastSeenAt = createdAt) => ({
          idHash,
          login,
          csrfToken: `csrf-${idHash}`,
          createdAt,
          lastSeenAt,
        });
        await p.staff.createSession(session('a', 'sato', 1_000));
        await p.staff.createSession(session('b', 'sato', 5_000));
        await p.staff.createSession(session('c', 'abe', 5_000));
        await p.staff.createSession(session('d', 'abe', 9_000));
        expect(await p.staff.getSession('b')).toEqual(session('b', 'sato', 5_000));
        await p.staff.touchSession('c', 9_500);
        expect((await p.staff.getSession('c'))?.lastSeenAt).toBe(9_500);
        // idle before 6_000 or created before 2_000: a (both), b (idle) go; c touched, d new stay.
        expect(await p.staff.sweepSessions(6_000, 2_000)).toBe(2);
        expect(await p.staff.getSession('a')).toBeUndefined();
        expect(await p.staff.getSession('b')).toBeUndefined();
        await p.staff.deleteSessionsOf('abe');
        expect(await p.staff.getSession('c')).toBeUndefined();
        expect(await p.staff.getSession('d')).toBeUndefined();
      }));

    it('appends audit entries and lists them newest first, filtered and paged', () =>
      withBackend(async (p) => {
        const at = (m: number) => new Date(Date.parse('2026-11-26T01:00:00Z') + m * 60_000).toISOString();
        await p.staff.appendAudit({ at: at(0), actor: 'sato', action: 'sign_in', detail: {} });
        await p.staff.appendAudit({ at: at(1), actor: 'sato', action: 'view', inquiryId: 'Q1', detail: {} });
        await p.staff.appendAudit({
          at: at(2),
          actor: 'abe',
          action: 'status',
          inquiryId: 'Q1',
          detail: { from: 'new', to: 'in_progress' },
        });
        await p.staff.appendAudit({ at: at(3), actor: 'sato', action: 'note', inquiryId: 'Q2', detail: {} });
        const all = await p.staff.listAudit({ limit: 10 });
        expect(all.map((e) => e.action)).toEqual(['note', 'status', 'view', 'sign_in']);
        expect(all[1]).toMatchObject({
          actor: 'abe',
          inquiryId: 'Q1',
          detail: { from: 'new', to: 'in_progress' },
        });
        expect(all[3]).not.toHaveProperty('inquiryId');
        expect((await p.staff.listAudit({ inquiryId: 'Q1', limit: 10 })).map((e) => e.action)).toEqual([
          'status',
          'view',
        ]);
        expect((await p.staff.listAudit({ actor: 'sato', limit: 10 })).length).toBe(3);
        expect((await p.staff.listAudit({ from: at(1), to: at(3), limit: 10 })).map((e) => e.action)).toEqual(
          ['status', 'view'],
        );
        const first = await p.staff.listAudit({ limit: 2 });
        const second = await p.staff.listAudit({ limit: 2, before: first.at(-1)!.seq });
        expect(second.map((e) => e.action)).toEqual(['view', 'sign_in']);
      }));
  });
});
