import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { nextStaffEvent } from '../support/staffEvents.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

// The two-way conversation and live chat, end to end through the app on both backends: a member on
// the Emulator protocol (a fake connector receives what the bot and staff send), staff on the API.

const tempDir = useTempDirs();
const STAFF_TOKEN = 'staff-token-for-conversation-0123';
const staff = { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' };
const REFERENCE = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/;
// A Thursday afternoon: staff are on duty (web inquiries 9:00-21:00 JST).
const STAFFED = '2026-11-26T14:00:00+09:00';
const NIGHT = '2026-11-26T23:30:00+09:00';

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.destroy();
});

const running: Array<{ app: App; connector: FakeConnector }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.app.close();
    await r.connector.stop();
  }
});

interface Message {
  from: string;
  text: string;
  at: string;
  author?: string;
}
interface Detail {
  status: string;
  messages: Message[];
  liveChat: { name: string } | null;
}

async function start(storage: 'lowdb' | 'postgres', at: string) {
  const env: Record<string, string> = { STAFF_TOKEN };
  if (storage === 'postgres') {
    env.STORAGE = 'postgres';
    env.DATABASE_URL = await postgres!.createDatabase();
  }
  const app = await createApp(testConfig(await tempDir(), env), { now: () => new Date(at) });
  const base = await app.listen(0, '127.0.0.1');
  const connector = new FakeConnector();
  await connector.start();
  running.push({ app, connector });
  const conversationId = `conv-${storage}-${Math.random().toString(36).slice(2)}`;

  /** One member message; resolves to what the bot sent in that turn. */
  const say = async (text: string) => {
    const before = connector.calls.length;
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        emulatorActivity(connector.url, {
          text,
          locale: 'ja-JP',
          conversation: { id: conversationId },
          timestamp: at,
        }),
      ),
    });
    expect(res.status).toBeLessThan(300);
    return connector.texts().slice(before).join('\n');
  };
  /** A staff call; resolves to the JSON and what reached the member's chat meanwhile. */
  const call = async (path: string, body?: unknown) => {
    const before = connector.calls.length;
    const res = await fetch(`${base}/api/staff${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: staff,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      json: (await res.json()) as Record<string, unknown>,
      chat: () => connector.texts().slice(before).join('\n'),
    };
  };
  const inquiry = async (id: string) => (await call(`/inquiries/${id}`)).json.inquiry as Detail;
  const fileInquiry = async () => {
    await say('オペレーターにつないでください');
    await say('Web-IDの登録メールが何度やっても届きません');
    const told = await say('はい');
    const id = REFERENCE.exec(told)?.[1];
    expect(id).toBeDefined();
    return { id: id!, told };
  };
  return { app, base, connector, say, call, inquiry, fileInquiry };
}

describe.each(['lowdb', 'postgres'] as const)('conversation with staff (%s)', (storage) => {
  it('attaches the member answer to a staff reply: member_replied, staff told live, the member told it was passed on', async () => {
    const m = await start(storage, STAFFED);
    const { id } = await m.fileInquiry();
    const reply = await m.call(`/inquiries/${id}/replies`, { text: '迷惑メール設定をご確認ください。' });
    expect(reply.status).toBe(201);

    const answer = 'ありがとうございます、試しましたがまだ届きません';
    let told = '';
    const event = await nextStaffEvent(
      m.base,
      staff,
      async () => {
        told = await m.say(answer);
      },
      (e) => e.kind === 'message',
    );
    expect(told).toContain('担当者にお伝えしました');
    expect(told).toContain(id);
    expect(told).not.toContain('ご利用ありがとうございました');
    expect(event).toMatchObject({
      inquiryId: id,
      status: 'member_replied',
      message: { from: 'member', text: answer },
    });

    const detail = await m.inquiry(id);
    expect(detail.status).toBe('member_replied');
    expect(detail.messages.map((x) => x.from)).toEqual(['staff', 'member', 'bot']);
    expect(detail.messages[0]).toMatchObject({
      text: '迷惑メール設定をご確認ください。',
      author: 'サポート担当',
    });
    expect(detail.messages[1]?.text).toBe(answer);

    // In the open filter; staff move it on.
    const open = (await m.call('/inquiries?status=open')).json.inquiries as Array<{ id: string }>;
    expect(open.map((q) => q.id)).toContain(id);
    expect((await m.call(`/inquiries/${id}/status`, { status: 'in_progress' })).status).toBe(200);
    // Not waiting for the member any more: the next message goes to the bot as usual.
    expect(await m.say('ログイン方法を教えて')).toContain('会員ログイン');
    expect((await m.inquiry(id)).messages).toHaveLength(3);
  });

  it('live chat: the bot goes quiet (secret warning and cancel aside), staff talk under their name, join/leave shown', async () => {
    const m = await start(storage, STAFFED);
    const { id, told } = await m.fileInquiry();
    expect(told).toContain('担当者がこのチャットに参加'); // offered: staff are on duty

    const take = await m.call(`/inquiries/${id}/takeover`, {});
    expect(take.status).toBe(200);
    expect(take.json.delivery).toBe('pushed');
    expect(take.chat()).toContain('担当者のサポート担当がチャットに参加しました');
    expect((take.json.inquiry as Detail).liveChat?.name).toBe('サポート担当');
    expect((take.json.inquiry as Detail).status).toBe('in_progress');

    // Quiet: no bot answer, the message reaches staff.
    expect(await m.say('ログイン方法を教えて')).toBe('');
    // The secret guard still warns; what staff see is masked.
    const warned = await m.say('カード番号は4980123456789012です');
    expect(warned).toMatch(/カード番号/);
    expect(warned).not.toContain('4980123456789012');
    let detail = await m.inquiry(id);
    const memberLines = detail.messages.filter((x) => x.from === 'member').map((x) => x.text);
    expect(memberLines[0]).toBe('ログイン方法を教えて');
    expect(memberLines[1]).not.toContain('4980123456789012');

    const live = await m.call(`/inquiries/${id}/replies`, {
      text: 'お調べしますので少々お待ちください。',
      author: 'ignored',
    });
    expect(live.status).toBe(201);
    expect(live.chat()).toContain('サポート担当（担当者）: お調べしますので少々お待ちください。');
    expect(live.chat()).not.toContain('担当者からの返信');
    // A second takeover by the same actor is fine; a release twice is a conflict.
    const released = await m.call(`/inquiries/${id}/release`, {});
    expect(released.status).toBe(200);
    expect(released.chat()).toContain('担当者のサポート担当がチャットから退出しました');
    expect((await m.call(`/inquiries/${id}/release`, {})).status).toBe(409);

    // The bot answers again.
    expect(await m.say('ログイン方法を教えて')).toContain('会員ログイン');
    detail = await m.inquiry(id);
    expect(detail.liveChat).toBeNull();
    expect(detail.messages.some((x) => x.from === 'staff' && x.author === 'サポート担当')).toBe(true);
  });

  it('live chat: the member cancelling ends it, and the bot answers the cancel', async () => {
    const m = await start(storage, STAFFED);
    const { id } = await m.fileInquiry();
    expect((await m.call(`/inquiries/${id}/takeover`, {})).status).toBe(200);
    const told = await m.say('キャンセル');
    expect(told).toContain('担当者とのチャットを終了しました');
    expect((await m.inquiry(id)).liveChat).toBeNull();
    expect(await m.say('ポイントについて教えて')).not.toBe('');
  });
});

describe('live chat offer', () => {
  it('is made only during staffed hours (fixed clock, the support-hours schedule)', async () => {
    const night = await start('lowdb', NIGHT);
    const { told } = await night.fileInquiry();
    expect(told).not.toContain('担当者がこのチャットに参加');
    const day = await start('lowdb', STAFFED);
    expect((await day.fileInquiry()).told).toContain('担当者がこのチャットに参加');
  });

  it('takeover of a resolved inquiry is refused; unknown ids are 404', async () => {
    const m = await start('lowdb', STAFFED);
    const { id } = await m.fileInquiry();
    expect((await m.call(`/inquiries/${id}/status`, { status: 'resolved' })).status).toBe(200);
    expect((await m.call(`/inquiries/${id}/takeover`, {})).status).toBe(409);
    expect((await m.call('/inquiries/Q20261126-NOSUCHID/takeover', {})).status).toBe(404);
  });
});
