import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../reliability/helpers.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';

// A reference number given in another conversation shows only that inquiry's status, never its
// content; lookups are limited per member and per client address (shared through the persistence).

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

const SUMMARY = 'Web-IDの登録メールが何度やっても届きません';

describe.each(['lowdb', 'postgres'] as const)('reference number lookup (%s)', (backend) => {
  it('another conversation learns the status only; unknown numbers get the same shape; then the limit', async () => {
    const app = await startApp(await tempDir(), await env(backend), {
      now: () => new Date('2026-11-26T13:30:00+09:00'),
    });
    const first = await app.directLine('ja-JP');
    for (const text of ['オペレーターにつないでください', SUMMARY, 'はい'])
      expect((await first.send(text)).status).toBe(200);
    const id = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/.exec((await first.botTexts()).join('\n'))?.[1];
    expect(id).toBeDefined();

    const other = await app.directLine('ja-JP');
    const ask = async (text: string) => {
      const before = (await other.botTexts()).length;
      expect((await other.send(text)).status).toBe(200);
      return (await other.botTexts()).slice(before).join('\n');
    };
    const fresh = await ask(`受付番号 ${id} の状況を教えてください`);
    expect(fresh).toContain(`受付番号 ${id} のお問い合わせは受け付け済み`);
    expect(fresh).not.toContain('登録メール');
    expect(fresh).toContain('内容は表示しません');

    await app.staff(`/api/staff/inquiries/${id}/status`, { body: { status: 'in_progress' } });
    // Written in full-width, lower case: the same number.
    const working = await ask(
      id!.toLowerCase().replace(/[0-9a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)),
    );
    expect(working).toContain(`受付番号 ${id} のお問い合わせは、担当者が確認しています`);

    const unknown = await ask('Q20261126-ABCDEFGH');
    expect(unknown).toContain('受付番号 Q20261126-ABCDEFGH のお問い合わせは見つかりませんでした');
    expect(unknown.split('\n')).toHaveLength(fresh.split('\n').length);

    // The allowance (5 per 15 minutes) is used up: the member is told to wait, nothing is looked up.
    await ask('Q20261126-BBBBBBBB');
    await ask('Q20261126-CCCCCCCC');
    const limited = await ask(`${id}`);
    expect(limited).toContain('しばらくお受けできません');
    expect(limited).not.toContain('担当者が確認しています');
    // A new conversation from the same address does not get a fresh allowance.
    const third = await app.directLine('ja-JP');
    expect((await third.send(`${id}`)).status).toBe(200);
    expect((await third.botTexts()).join('\n')).toContain('しばらくお受けできません');
  });
});
