import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { startApp } from '../reliability/helpers.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';

// A staff reply into Web Chat is `pushed` only when a live connection took it: an open Direct Line
// stream that wrote it, or a poll that fetched it. With nobody reading it stays `pending` in the
// durable transcript, and becomes pushed when the member's client comes back and reads it.

const tempDir = useTempDirs();
let postgres: TestPostgres | undefined;
afterAll(async () => {
  await postgres?.stop();
});

async function env(backend: 'lowdb' | 'postgres'): Promise<Record<string, string>> {
  if (backend === 'lowdb') return {};
  postgres ??= await startTestPostgres();
  return { STORAGE: 'postgres', DATABASE_URL: await postgres.createDatabase() };
}

type Detail = { inquiry: { replies: Array<{ id: string; delivery: string; pushedAt?: string }> } };

describe.each(['lowdb', 'postgres'] as const)('staff reply delivery into Web Chat (%s)', (backend) => {
  it('no client connected → pending; a poll then fetches it → pushed, and it is never sent twice', async () => {
    const app = await startApp(await tempDir(), await env(backend), {
      now: () => new Date('2026-11-26T23:30:00+09:00'),
    });
    const dl = await app.directLine('ja-JP');
    for (const text of [
      'オペレーターにつないでください',
      'Web-IDの登録メールが何度やっても届きません',
      'はい',
    ])
      expect((await dl.send(text)).status).toBe(200);
    const list = (await (await app.staff('/api/staff/inquiries')).json()) as {
      inquiries: Array<{ id: string }>;
    };
    const id = list.inquiries[0]!.id;

    const res = await app.staff(`/api/staff/inquiries/${id}/replies`, {
      body: { text: '登録メールを再送しました。', author: 'sato' },
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { delivery: string; reply: { id: string; delivery: string } };
    expect(body.delivery).toBe('pending');
    expect(body.reply.delivery).toBe('pending');
    const detail = async () =>
      ((await (await app.staff(`/api/staff/inquiries/${id}`)).json()) as Detail).inquiry.replies[0]!;
    expect((await detail()).delivery).toBe('pending');

    // The member's client polls (GET activities): it fetches the reply, which is now pushed.
    expect((await dl.botTexts()).filter((t) => t.includes('登録メールを再送しました。'))).toHaveLength(1);
    await vi.waitFor(async () => expect((await detail()).delivery).toBe('pushed'), { timeout: 10_000 });
    expect((await detail()).pushedAt).toBeDefined();

    // The member writes again: the reply is in the transcript once, not sent a second time.
    expect((await dl.send('ありがとう')).status).toBe(200);
    expect((await dl.botTexts()).filter((t) => t.includes('登録メールを再送しました。'))).toHaveLength(1);
  });

  it('with an open WebSocket stream → pushed at once', async () => {
    const app = await startApp(await tempDir(), await env(backend), {
      now: () => new Date('2026-11-26T23:30:00+09:00'),
    });
    const dl = await app.directLine('ja-JP');
    for (const text of [
      'オペレーターにつないでください',
      'Web-IDの登録メールが何度やっても届きません',
      'はい',
    ])
      expect((await dl.send(text)).status).toBe(200);
    const list = (await (await app.staff('/api/staff/inquiries')).json()) as {
      inquiries: Array<{ id: string }>;
    };
    const id = list.inquiries[0]!.id;

    const reconnect = (await (
      await fetch(`${app.base}/v3/directline/conversations/${dl.conversationId}`, {
        headers: { authorization: `Bearer ${dl.token}` },
      })
    ).json()) as { streamUrl: string };
    const ws = new WebSocket(reconnect.streamUrl);
    const texts: string[] = [];
    ws.on('message', (data: Buffer) => {
      const raw = data.toString();
      if (!raw) return;
      for (const a of (JSON.parse(raw) as { activities: Array<{ text?: string }> }).activities)
        if (a.text) texts.push(a.text);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      const res = await app.staff(`/api/staff/inquiries/${id}/replies`, {
        body: { text: '登録メールを再送しました。', author: 'sato' },
      });
      const body = (await res.json()) as { delivery: string; reply: { delivery: string; pushedAt?: string } };
      expect(body.delivery).toBe('pushed');
      expect(body.reply.delivery).toBe('pushed');
      expect(texts.some((t) => t.includes('登録メールを再送しました。'))).toBe(true);
    } finally {
      ws.close();
    }
  });
});

describe('the promise made when an inquiry is filed says where and how to read the answer', () => {
  it('Web Chat at 3 a.m.: the page may be closed; reopen it in this browser within the retention, or use the number', async () => {
    const app = await startApp(
      await tempDir(),
      { DIRECTLINE_RETENTION_HOURS: '24' },
      {
        now: () => new Date('2026-11-27T03:00:00+09:00'),
      },
    );
    const dl = await app.directLine('ja-JP');
    for (const text of [
      'オペレーターにつないでください',
      'Web-IDの登録メールが何度やっても届きません',
      'はい',
    ])
      expect((await dl.send(text)).status).toBe(200);
    const filed = (await dl.botTexts()).find((t) => t.includes('受付番号'))!;
    expect(filed).toContain('このページは閉じてもかまいません');
    expect(filed).toContain('この端末・ブラウザで24時間以内');
    expect(filed).toContain('受付番号を送っていただくと対応状況をお知らせします');
    expect(filed).not.toContain('このチャットでご連絡します');
  });

  it('another channel (Emulator): the answer comes to this chat, or ask with the number', async () => {
    const app = await startApp(await tempDir(), {}, { now: () => new Date('2026-11-27T03:00:00+09:00') });
    const said: string[] = [];
    for (const text of [
      'オペレーターにつないでください',
      'Web-IDの登録メールが何度やっても届きません',
      'はい',
    ]) {
      const before = app.connector.calls.length;
      await app.say('conv-promise', text, { timestamp: '2026-11-27T03:00:00+09:00' });
      said.push(...app.connector.texts().slice(before));
    }
    const filed = said.find((t) => t.includes('受付番号'))!;
    expect(filed).toContain('回答はこのチャットにお送りします');
    expect(filed).not.toContain('ブラウザ');
  });
});
