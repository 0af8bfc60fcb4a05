import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
const STAFF_TOKEN = 'staff-token-for-tests-0123';
let running: { app: App; connector: FakeConnector } | undefined;

afterEach(async () => {
  await running?.app.close();
  await running?.connector.stop();
  running = undefined;
});

describe('an inquiry from chat to staff and back', () => {
  it('the member leaves it over the Emulator protocol; staff see it, reply, and the reply reaches the chat', async () => {
    // The server clock agrees with the activities' timestamps (a far-off timestamp is not trusted).
    const app = await createApp(testConfig(await tempDir(), { STAFF_TOKEN }), {
      now: () => new Date('2026-11-26T23:30:00+09:00'),
    });
    const base = await app.listen(0, '127.0.0.1');
    const connector = new FakeConnector();
    await connector.start();
    running = { app, connector };

    const say = async (text: string) => {
      const before = connector.calls.length;
      const res = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          emulatorActivity(connector.url, {
            text,
            locale: 'ja-JP',
            conversation: { id: 'conv-round-trip' },
            timestamp: '2026-11-26T23:30:00+09:00',
          }),
        ),
      });
      expect(res.status).toBeLessThan(300);
      return connector.texts().slice(before).join('\n');
    };

    expect(await say('オペレーターにつないでください')).toContain(
      '1つのメッセージで具体的に入力してください',
    );
    expect(await say('Web-IDの登録メールが何度やっても届きません')).toContain('よろしいですか');
    const told = await say('はい');
    const id = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/.exec(told)?.[1];
    expect(id).toBeDefined();
    // Left at 23:30: staff handle it from 9:00 the next morning.
    expect(told).toContain('明日 11月27日(金)');

    const staff = { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' };
    const list = (await (await fetch(`${base}/api/staff/inquiries`, { headers: staff })).json()) as {
      inquiries: Array<{
        id: string;
        topic: string;
        status: string;
        summary: string;
        dueAt: string;
        locale: string;
      }>;
    };
    const inquiry = list.inquiries.find((i) => i.id === id);
    expect(inquiry).toMatchObject({
      status: 'new',
      locale: 'ja',
      summary: 'Web-IDの登録メールが何度やっても届きません',
    });
    expect(Date.parse(inquiry!.dueAt)).toBeGreaterThanOrEqual(Date.parse('2026-11-27T09:00:00+09:00'));

    const before = connector.calls.length;
    const reply = await fetch(`${base}/api/staff/inquiries/${id}/replies`, {
      method: 'POST',
      headers: staff,
      body: JSON.stringify({
        text: '迷惑メール設定をご確認のうえ、もう一度お試しください。',
        author: '佐藤',
      }),
    });
    expect(reply.status).toBeLessThan(300);
    await connector.waitFor(before + 1);
    const proactive = connector.calls.slice(before).map((c) => c);
    expect(proactive[0]?.path).toMatch(/^\/v3\/conversations\/conv-round-trip\/activities/);
    expect(String(proactive[0]?.body.text)).toContain('担当者からの返信: 迷惑メール設定をご確認のうえ');

    const after = (await (await fetch(`${base}/api/staff/inquiries/${id}`, { headers: staff })).json()) as {
      status?: string;
      inquiry?: { status: string };
    };
    expect(after.inquiry?.status ?? after.status).toBe('waiting_member');
  });
});
