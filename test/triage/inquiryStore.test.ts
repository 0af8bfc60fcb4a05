import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSupportHours } from '../../src/policy/index.js';
import type { TopicId } from '../../src/topics.js';
import { InvalidInquiryError, InvalidTransitionError } from '../../src/triage/inquiryStore.js';
import {
  computeDueAt,
  inquiryRulesFromPolicy,
  loadTriageRules,
  priorityFor,
} from '../../src/triage/rules.js';
import { useTempDirs } from '../support/tempDir.js';
import { jst, newInquiry, openInquiries, testRules } from './helpers.js';

const tempDir = useTempDirs();

describe('triage rules (knowledge/triage.json)', () => {
  const rules = testRules();

  it('makes a lost card urgent: due 15 minutes later at night only when night staffing is configured', () => {
    expect(loadTriageRules().priorityByTopic['card.lost']).toBe('urgent');
    const night = computeDueAt('card.lost', 'urgent', jst('2026-11-25T23:30:00'), {
      ...rules,
      nightStaffing: true,
    });
    expect(night.toISOString()).toBe(jst('2026-11-25T23:45:00').toISOString());
    const staffedHoursOnly = computeDueAt('card.lost', 'urgent', jst('2026-11-25T23:30:00'), rules);
    expect(staffedHoursOnly.toISOString()).toBe(jst('2026-11-26T09:15:00').toISOString());
  });

  it('starts the clock of a 23:30 web inquiry at 9:00 the next morning', () => {
    const high = computeDueAt('login.trouble', 'high', jst('2026-11-25T23:30:00'), rules);
    expect(high.toISOString()).toBe(jst('2026-11-26T10:00:00').toISOString());
    const normal = computeDueAt('service.points', 'normal', jst('2026-11-26T03:00:00'), rules);
    expect(normal.toISOString()).toBe(jst('2026-11-26T11:00:00').toISOString());
  });

  it('counts office time only: 20:30 + 2 h is 10:30 the next day', () => {
    const due = computeDueAt('service.points', 'normal', jst('2026-11-25T20:30:00'), rules);
    expect(due.toISOString()).toBe(jst('2026-11-26T10:30:00').toISOString());
  });

  it('inside office hours the SLA runs from the moment the member asked', () => {
    const due = computeDueAt('login.trouble', 'high', jst('2026-11-25T10:07:00'), rules);
    expect(due.toISOString()).toBe(jst('2026-11-25T11:07:00').toISOString());
  });

  it('a phone-only topic (payment) is worked in the general web-inquiry window', () => {
    const due = computeDueAt('payment.inquiry', 'high', jst('2026-11-25T22:00:00'), rules);
    expect(due.toISOString()).toBe(jst('2026-11-26T10:00:00').toISOString());
  });
});

describe('dueAt with the real support-hours policy (knowledge/support-hours.json)', () => {
  const rules = inquiryRulesFromPolicy(loadSupportHours());
  const due = (topic: TopicId, at: string) =>
    computeDueAt(topic, priorityFor(topic, rules.triage), jst(at), rules).toISOString();

  it('an inquiry left at 23:30 is due after 9:00; a lost card 15 minutes into the staffed hours', () => {
    expect(due('login.trouble', '2026-11-25T23:30:00')).toBe(jst('2026-11-26T10:00:00').toISOString());
    // No night staffing in knowledge/support-hours.json: the 24-hour phone line covers the night.
    expect(due('card.lost', '2026-11-25T23:30:00')).toBe(jst('2026-11-26T09:15:00').toISOString());
    expect(due('card.lost', '2026-11-26T03:10:00')).toBe(jst('2026-11-26T09:15:00').toISOString());
    expect(due('card.lost', '2026-11-26T14:10:00')).toBe(jst('2026-11-26T14:25:00').toISOString());
  });

  it('counts staffed time across the night and never exceeds what the member was promised', () => {
    // normal: 2 staffed hours from 20:30 → 10:30 next day.
    expect(due('service.points', '2026-11-25T20:30:00')).toBe(jst('2026-11-26T10:30:00').toISOString());
    // low (4 h) is capped at the policy's promised first response (9:00 + 2 h).
    expect(due('none', '2026-11-25T23:30:00')).toBe(jst('2026-11-26T11:00:00').toISOString());
    // Payment is phone only (no web window): worked in the general window, high priority.
    expect(due('payment.inquiry', '2026-11-25T22:00:00')).toBe(jst('2026-11-26T10:00:00').toISOString());
  });
});

describe('InquiryService', () => {
  it('creates an inquiry on disk before resolving, with priority, dueAt and status new', async () => {
    const dir = join(await tempDir(), 'inquiries');
    const store = await openInquiries(dir, testRules());
    const created = await store.create(
      newInquiry({ topic: 'card.lost', createdAt: jst('2026-11-25T14:30:00') }),
    );
    expect(created).toMatchObject({ topic: 'card.lost', priority: 'urgent', status: 'new', assignee: null });
    expect(created.dueAt).toBe(jst('2026-11-25T14:45:00').toISOString());
    const onDisk = JSON.parse(await readFile(join(dir, `${created.id}.json`), 'utf8'));
    expect(onDisk).toEqual(created);
    // No temp files left behind by the atomic writer.
    expect((await readdir(dir)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('rejects create when the write fails, and keeps nothing half-made in the queue', async () => {
    const root = await tempDir();
    const dir = join(root, 'inquiries');
    const store = await openInquiries(dir, testRules());
    // The folder vanishes and a file takes its place: every write now fails.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    await expect(store.create(newInquiry())).rejects.toThrow();
    expect(await store.list()).toEqual([]);
  });

  it('masks secrets in everything it stores, including staff notes', async () => {
    const dir = join(await tempDir(), 'inquiries');
    const store = await openInquiries(dir, testRules());
    const q = await store.create(
      newInquiry({
        summary: 'カード番号 4980 1234 5678 9012 でログインできない',
        excerpt: [
          { from: 'member', text: 'パスワードは hunter2secret です', at: '2026-11-25T01:00:00.000Z' },
        ],
        details: { note: '暗証番号 1234' },
      }),
    );
    await store.addNote(q.id, { author: 'sato', text: 'member said card 4980123456789012' });
    const raw = await readFile(join(dir, `${q.id}.json`), 'utf8');
    for (const secret of ['4980 1234 5678 9012', '4980123456789012', 'hunter2secret', '1234"']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('rebuilds its index from the folder and skips damaged files without crashing', async () => {
    const dir = join(await tempDir(), 'inquiries');
    const first = await openInquiries(dir, testRules());
    const a = await first.create(newInquiry());
    const b = await first.create(newInquiry({ topic: 'card.lost', conversationReference: {} }));
    await first.assign(a.id, 'sato');
    await writeFile(join(dir, 'Q20261125-BROKEN.json'), '{"id": "Q2026', 'utf8');
    await writeFile(
      join(dir, 'Q20261125-WRONG.json'),
      JSON.stringify({ id: 'Q20261125-WRONG', topic: 'nope' }),
    );
    const warnings: object[] = [];
    const second = await openInquiries(dir, testRules(), {
      logger: { warn: (o) => warnings.push(o) },
    });
    expect(await second.list()).toHaveLength(2);
    expect((await second.get(a.id))?.assignee).toBe('sato');
    expect((await second.get(b.id))?.priority).toBe('urgent');
    expect(warnings).toHaveLength(2);
  });

  it('lists with filters, earliest due first', async () => {
    const now = jst('2026-11-25T12:00:00');
    const store = await openInquiries(join(await tempDir(), 'q'), testRules(), { now: () => now });
    const old = await store.create(
      newInquiry({ topic: 'service.points', createdAt: jst('2026-11-25T10:45:00') }),
    );
    const lost = await store.create(
      newInquiry({ topic: 'card.lost', createdAt: jst('2026-11-25T11:55:00') }),
    );
    const login = await store.create(
      newInquiry({ topic: 'login.trouble', createdAt: jst('2026-11-25T11:30:00') }),
    );
    expect((await store.list()).map((q) => q.id)).toEqual([lost.id, login.id, old.id]);
    expect((await store.list({ priority: ['urgent'] })).map((q) => q.id)).toEqual([lost.id]);
    expect((await store.list({ topic: ['service.points'] })).map((q) => q.id)).toEqual([old.id]);
    // lost due 12:10, login 12:30, old 12:45: none overdue at 12:00.
    expect(await store.list({ overdue: true })).toEqual([]);
    const later = await openInquiries(join(await tempDir(), 'q2'), testRules(), {
      now: () => jst('2026-11-25T12:20:00'),
    });
    const urgent = await later.create(
      newInquiry({ topic: 'card.lost', createdAt: jst('2026-11-25T11:55:00') }),
    );
    await later.create(newInquiry({ topic: 'service.points', createdAt: jst('2026-11-25T11:55:00') }));
    expect((await later.list({ overdue: true })).map((q) => q.id)).toEqual([urgent.id]);
    await later.setStatus(urgent.id, 'resolved');
    expect(await later.list({ overdue: true })).toEqual([]);
    expect((await later.list({ status: ['resolved'] })).map((q) => q.id)).toEqual([urgent.id]);
  });

  it('refuses invalid status moves and lists the allowed ones', async () => {
    const store = await openInquiries(join(await tempDir(), 'q'), testRules());
    const q = await store.create(newInquiry());
    await expect(store.setStatus(q.id, 'waiting_member')).rejects.toMatchObject({
      name: 'InvalidTransitionError',
      allowed: ['in_progress', 'resolved'],
    });
    await expect(store.setStatus(q.id, 'new')).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await store.setStatus(q.id, 'in_progress')).status).toBe('in_progress');
    expect((await store.setStatus(q.id, 'waiting_member')).status).toBe('waiting_member');
    expect((await store.setStatus(q.id, 'resolved')).status).toBe('resolved');
    await expect(store.setStatus(q.id, 'waiting_member')).rejects.toMatchObject({ allowed: ['in_progress'] });
    expect((await store.get(q.id))?.status).toBe('resolved');
  });

  it('serialises concurrent updates of one inquiry (no lost notes)', async () => {
    const dir = join(await tempDir(), 'q');
    const store = await openInquiries(dir, testRules());
    const q = await store.create(newInquiry());
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.addNote(q.id, { author: 'a', text: `note ${i}` })),
    );
    const reopened = await openInquiries(dir, testRules());
    expect((await reopened.get(q.id))?.notes.map((n) => n.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `note ${i}`),
    );
  });

  const here = { conversationId: 'conv-1', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9/' };

  it('hands a pending reply to one claimant only and keeps it until delivered', async () => {
    const store = await openInquiries(join(await tempDir(), 'q'), testRules());
    const q = await store.create(newInquiry());
    const { reply, inquiry } = await store.addReply(q.id, { author: 'sato', text: 'お待たせしました' });
    expect(inquiry.status).toBe('waiting_member');
    // In flight (being delivered proactively): not offered to the next-visit path.
    expect(await store.claimPendingReplies(here)).toEqual([]);
    await store.releaseReply(reply.id);
    const claimed = await store.claimPendingReplies(here);
    expect(claimed.map((c) => c.reply.text)).toEqual(['お待たせしました']);
    expect(await store.claimPendingReplies(here)).toEqual([]);
    await store.markReplyPushed(q.id, reply.id);
    expect((await store.get(q.id))?.replies[0]).toMatchObject({ delivery: 'pushed' });
    expect(await store.claimPendingReplies(here)).toEqual([]);
  });

  it('gives a pending reply only to the same conversation id AND channelId AND serviceUrl', async () => {
    const store = await openInquiries(join(await tempDir(), 'q'), testRules());
    const q = await store.create(newInquiry());
    const { reply } = await store.addReply(q.id, { author: 'sato', text: 'x' });
    await store.releaseReply(reply.id);
    expect(await store.claimPendingReplies({ ...here, channelId: 'webchat' })).toEqual([]);
    expect(await store.claimPendingReplies({ ...here, channelId: undefined })).toEqual([]);
    expect(await store.claimPendingReplies({ ...here, serviceUrl: 'https://attacker.example/' })).toEqual([]);
    expect(await store.claimPendingReplies({ ...here, serviceUrl: undefined })).toEqual([]);
    expect(await store.claimPendingReplies({ conversationId: 'conv-1' })).toEqual([]);
    // A trailing slash is not a different service.
    expect(
      (await store.claimPendingReplies({ ...here, serviceUrl: 'http://127.0.0.1:9' })).map((c) => c.reply.id),
    ).toEqual([reply.id]);
  });

  it('keeps a delivered reply delivered when recording it fails, never hands it out again, retries the write', async () => {
    const root = await tempDir();
    const dir = join(root, 'q');
    const store = await openInquiries(dir, testRules());
    const q = await store.create(newInquiry());
    const { reply } = await store.addReply(q.id, { author: 'sato', text: 'x' });
    await store.releaseReply(reply.id);
    expect(await store.claimPendingReplies(here)).toHaveLength(1);
    // The reply was sent; now the disk fails.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    await expect(store.markReplyPushed(q.id, reply.id)).rejects.toThrow();
    expect((await store.get(q.id))?.replies[0]?.delivery).toBe('pushed');
    await store.releaseReply(reply.id); // a caller that releases anyway changes nothing
    expect(await store.claimPendingReplies(here)).toEqual([]);
    expect(store.unrecordedCount).toBe(1);
    // The disk is back: flush writes what is only in memory.
    await rm(dir);
    await mkdir(dir);
    await store.flush();
    expect(store.unrecordedCount).toBe(0);
    const reopened = await openInquiries(dir, testRules());
    expect((await reopened.get(q.id))?.replies[0]?.delivery).toBe('pushed');
  });

  it('never writes an inquiry it could not read back: unusable instants fall back to its clock', async () => {
    const dir = join(await tempDir(), 'q');
    const now = jst('2026-11-26T10:00:00');
    const store = await openInquiries(dir, testRules(), { now: () => now });
    const made = [];
    for (const createdAt of [
      new Date('+010000-01-01T00:00:00Z'),
      new Date('+275760-09-13T00:00:00Z'),
      new Date('-000001-01-01T00:00:00Z'),
      new Date(Number.NaN),
    ]) {
      const q = await store.create(
        newInquiry({
          createdAt,
          excerpt: [{ from: 'member', text: 'x', at: '+010000-01-01T00:00:00.000Z' }],
        }),
      );
      expect(q.createdAt).toBe(now.toISOString());
      expect(q.id.startsWith('Q20261126-')).toBe(true);
      expect(q.excerpt[0]!.at).toBe(now.toISOString());
      made.push(q.id);
    }
    const reopened = await openInquiries(dir, testRules());
    expect((await reopened.list()).map((q) => q.id).sort()).toEqual(made.sort());
  });

  it('validates before writing: what its schema rejects is refused, not written', async () => {
    const dir = join(await tempDir(), 'q');
    const store = await openInquiries(dir, testRules());
    await expect(store.create(newInquiry({ topic: 'no.such.topic' as TopicId }))).rejects.toBeInstanceOf(
      InvalidInquiryError,
    );
    expect(await store.list()).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a reply on a resolved inquiry', async () => {
    const store = await openInquiries(join(await tempDir(), 'q'), testRules());
    const q = await store.create(newInquiry());
    await store.setStatus(q.id, 'resolved');
    await expect(store.addReply(q.id, { author: 'a', text: 'x' })).rejects.toMatchObject({
      name: 'InquiryClosedError',
    });
  });
});

describe('replies stored before "pushed"', () => {
  it('reads a stored "delivered" reply as pushed (with its instant), a pending one as pending', async () => {
    const dir = join(await tempDir(), 'inquiries');
    const store = await openInquiries(dir, testRules());
    const q = await store.create(newInquiry());
    const { reply } = await store.addReply(q.id, { author: 'sato', text: 'old answer' });
    await store.flush();
    const file = join(dir, `${q.id}.json`);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.replies = [
      { ...doc.replies[0], delivery: 'delivered', deliveredAt: '2026-11-20T01:00:00.000Z' },
      { ...doc.replies[0], id: `${reply.id}-2`, delivery: 'pending' },
    ];
    await writeFile(file, JSON.stringify(doc));
    const reopened = await openInquiries(dir, testRules());
    const replies = (await reopened.get(q.id))!.replies;
    expect(replies[0]).toMatchObject({ delivery: 'pushed', pushedAt: '2026-11-20T01:00:00.000Z' });
    expect(replies[0]).not.toHaveProperty('deliveredAt');
    expect(replies[1]?.delivery).toBe('pending');
  });
});
