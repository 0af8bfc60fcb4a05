import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { fill } from '../../src/knowledge/template.js';
import { call, startConversation } from '../directline/helpers.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerProcesses, type ServerProcess, startServerProcess } from '../support/serverProcess.js';
import { nextStaffEvent } from '../support/staffEvents.js';

// Two real server processes (A and B) on one PostgreSQL database, as behind a load balancer: a member's
// turns land on either, staff use either, and either may die. DIRECTLINE_TOKEN_SECRET is unset: both
// take the one the first of them generated and kept in the database.

const STAFF_TOKEN = 'staff-token-for-two-instances-0123';
const staffHeaders = { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' };
const REFERENCE = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/;

let postgres: TestPostgres;
let databaseUrl: string;
let connector: FakeConnector;
let a: ServerProcess;
let b: ServerProcess;

const env = () => ({
  STORAGE: 'postgres',
  DATABASE_URL: databaseUrl,
  STAFF_TOKEN,
  RATE_LIMIT_IP_REQUESTS: '0',
});

beforeAll(async () => {
  postgres = await startTestPostgres();
  databaseUrl = await postgres.createDatabase();
  connector = new FakeConnector();
  await connector.start();
  // One after the other: the second start-up finds the schema migrated and the secret made.
  a = await startServerProcess(env());
  b = await startServerProcess(env());
}, 180_000);

afterAll(async () => {
  killServerProcesses();
  await connector?.stop();
  await postgres?.destroy();
});

/** One Emulator-protocol message; resolves to the texts the bot sent for that conversation. */
async function say(server: ServerProcess, conversationId: string, text: string): Promise<string> {
  const path = `/v3/conversations/${encodeURIComponent(conversationId)}/activities`;
  const before = connector.calls.filter((c) => c.path.startsWith(path)).length;
  const res = await fetch(`${server.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      emulatorActivity(connector.url, { text, locale: 'ja-JP', conversation: { id: conversationId } }),
    ),
  });
  expect(res.status).toBeLessThan(300);
  return connector.calls
    .filter((c) => c.path.startsWith(path))
    .slice(before)
    .map((c) => String(c.body.text ?? ''))
    .join('\n');
}

async function staff(server: ServerProcess, path: string, body?: unknown) {
  const res = await fetch(`${server.base}/api/staff${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: staffHeaders,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A Direct Line stream: every activity pushed to it, in order. */
function openStream(streamUrl: string) {
  const ws = new WebSocket(streamUrl);
  const texts: string[] = [];
  let waiter: { text: string; resolve: () => void } | undefined;
  ws.on('message', (data: Buffer) => {
    const raw = data.toString();
    if (!raw) return;
    const frame = JSON.parse(raw) as { activities: Array<{ text?: string }> };
    for (const activity of frame.activities) if (activity.text) texts.push(activity.text);
    if (waiter && texts.some((t) => t.includes(waiter!.text))) waiter.resolve();
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    opened,
    texts,
    ws,
    /** Resolves when a pushed activity contains `text`. */
    waitFor(text: string): Promise<void> {
      if (texts.some((t) => t.includes(text))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" on the stream; got ${JSON.stringify(texts)}`)),
          15_000,
        );
        waiter = {
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
    close: () => ws.close(),
  };
}

async function post(server: ServerProcess, conversationId: string, token: string, text: string) {
  const res = await call(server.base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
    token,
    body: { type: 'message', text, locale: 'ja-JP', from: { id: 'member' } },
  });
  expect(res.status).toBe(200);
}

async function transcript(server: ServerProcess, conversationId: string, token: string): Promise<string[]> {
  const res = await call(server.base, 'GET', `/v3/directline/conversations/${conversationId}/activities`, {
    token,
  });
  expect(res.status).toBe(200);
  return (res.body.activities as Array<{ text?: string }>).map((x) => x.text ?? '').filter(Boolean);
}

describe('two instances on one PostgreSQL database', { timeout: 120_000 }, () => {
  it('Emulator turns alternating between A and B keep the dialog; the inquiry filed on B is in A’s queue', async () => {
    const conversation = 'two-instances-emulator';
    expect(await say(a, conversation, 'オペレーターにつないでください')).toContain(
      '1つのメッセージで具体的に入力してください',
    );
    expect(await say(b, conversation, 'Web-IDの登録メールが届きません')).toContain('よろしいですか');
    const told = await say(b, conversation, 'はい');
    const id = REFERENCE.exec(told)?.[1];
    expect(id, told).toBeDefined();
    const queue = await staff(a, '/inquiries');
    expect(queue.status).toBe(200);
    const listed = (queue.body.inquiries as Array<{ id: string; summary: string }>).find((q) => q.id === id);
    expect(listed?.summary).toBe('Web-IDの登録メールが届きません');
  });

  it('two simultaneous turns of one conversation on A and B are both applied (no lost update)', async () => {
    const conversation = 'two-instances-simultaneous';
    // Two misses in a row offer a person; were one turn's state lost, both would say "not understood".
    const replies = await Promise.all([say(a, conversation, 'あれ'), say(b, conversation, 'うーん')]);
    const offers = replies.filter((r) =>
      r.includes('担当者へのお問い合わせとして内容をお預かりすることもできます'),
    );
    expect(offers, JSON.stringify(replies)).toHaveLength(1);
  });

  it('Direct Line: a stream on A gets the replies to messages posted to B; the dialog follows the member; staff reply via A reaches a stream on B', async () => {
    const { token, conversationId, started } = await startConversation(a.base);
    expect(started.status).toBe(201);
    const onA = openStream(started.body.streamUrl as string);
    await onA.opened;
    await post(b, conversationId, token, '担当者と話したい');
    await onA.waitFor('1つのメッセージで具体的に入力してください');
    await post(a, conversationId, token, 'カードが届きません');
    await onA.waitFor('よろしいですか');
    await post(b, conversationId, token, 'はい');
    await onA.waitFor('受付番号');
    const id = REFERENCE.exec(onA.texts.join('\n'))?.[1];
    expect(id).toBeDefined();
    onA.close();

    // The member's page now streams from B (a reconnect landed there); staff answer on A.
    const again = await call(b.base, 'GET', `/v3/directline/conversations/${conversationId}`, { token });
    expect(again.status).toBe(200);
    const onB = openStream(again.body.streamUrl as string);
    await onB.opened;
    const reply = await staff(a, `/inquiries/${id}/replies`, {
      text: '新しいカードを発送しました。',
      author: '佐藤',
    });
    expect(reply.status).toBe(201);
    await onB.waitFor('新しいカードを発送しました。');
    // B's stream wrote it to the open socket: the shared store says pushed, whichever instance answered.
    const replyId = (reply.body.reply as { id: string }).id;
    await vi.waitFor(
      async () => {
        const detail = await staff(a, `/inquiries/${id}`);
        const replies = (detail.body.inquiry as { replies: Array<{ id: string; delivery: string }> }).replies;
        expect(replies.find((r) => r.id === replyId)?.delivery).toBe('pushed');
      },
      { timeout: 10_000, interval: 100 },
    );
    onB.close();
  });

  it('a member message on B reaches the staff event stream on A; a live chat taken over on A keeps the bot on B quiet', async () => {
    const conversation = 'two-instances-conversation';
    await say(b, conversation, 'オペレーターにつないでください');
    await say(b, conversation, 'Web-IDの登録メールが何度やっても届きません');
    const id = REFERENCE.exec(await say(b, conversation, 'はい'))?.[1];
    expect(id).toBeDefined();
    expect(
      (await staff(a, `/inquiries/${id}/replies`, { text: '迷惑メール設定をご確認ください。' })).status,
    ).toBe(201);

    let told = '';
    const event = await nextStaffEvent(
      a.base,
      staffHeaders,
      async () => {
        told = await say(b, conversation, 'まだ届きません');
      },
      (e) => e.kind === 'message',
    );
    expect(told).toContain('担当者にお伝えしました');
    expect(event).toMatchObject({
      inquiryId: id,
      status: 'member_replied',
      message: { from: 'member', text: 'まだ届きません' },
    });

    expect((await staff(a, `/inquiries/${id}/takeover`, {})).status).toBe(200);
    let quiet = 'unset';
    const live = await nextStaffEvent(
      a.base,
      staffHeaders,
      async () => {
        quiet = await say(b, conversation, '今どうなっていますか');
      },
      (e) => e.kind === 'message',
    );
    expect(quiet).toBe('');
    expect(live).toMatchObject({ inquiryId: id, message: { text: '今どうなっていますか' } });
    expect((await staff(b, `/inquiries/${id}/release`, {})).status).toBe(200);
    expect(await say(a, conversation, 'ログイン方法を教えて')).toContain('会員ログイン');
  });

  it('after kill -9 of A the history is intact; the member goes on on B, then on the restarted A', async () => {
    const { token, conversationId } = await startConversation(a.base);
    await post(a, conversationId, token, 'ログインの方法は？');
    const before = await transcript(a, conversationId, token);
    expect(before.length).toBeGreaterThanOrEqual(3); // welcome, the question, an answer
    const port = a.port;
    await a.kill();
    expect(await transcript(b, conversationId, token)).toEqual(before);
    await post(b, conversationId, token, 'ありがとう');
    const onB = await transcript(b, conversationId, token);
    expect(onB.slice(0, before.length)).toEqual(before);
    expect(onB).toContain('ありがとう');
    a = await startServerProcess(env(), port);
    expect(await transcript(a, conversationId, token)).toEqual(onB);
    await post(a, conversationId, token, 'カードをなくしました');
    expect((await transcript(a, conversationId, token)).length).toBeGreaterThan(onB.length + 1);
  });

  it('database lost while running: turns get the apology, the staff API a 503 JSON error; all recovers', async () => {
    const knowledge = loadKnowledge();
    const phone = knowledge.supportHours.contacts.promise_call?.phoneNumber ?? '';
    const apology = fill(knowledge.conversation.error.ja, { phone });
    await postgres.stop();
    try {
      expect(await say(a, 'two-instances-db-lost', 'ログインの方法は？')).toBe(apology);
      const queue = await staff(b, '/inquiries');
      expect(queue.status).toBe(503);
      expect(queue.body).toMatchObject({ error: { code: 'StorageUnavailable' } });
    } finally {
      await postgres.start();
    }
    expect(await say(a, 'two-instances-db-lost', 'ログインの方法は？')).toContain('ログイン');
    expect((await staff(b, '/inquiries')).status).toBe(200);
  });
});
