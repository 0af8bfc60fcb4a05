import { afterEach, describe, expect, it } from 'vitest';
import { staffTextRefusal } from '../../src/privacy/staffTextCheck.js';
import type { DeliverReply } from '../../src/triage/delivery.js';
import { useTempDirs } from '../support/tempDir.js';
import { newInquiry } from '../triage/helpers.js';
import { type StaffServer, startStaffServer } from '../triage/server.js';

// Staff replies, live-chat messages and notes never ask a member for, nor carry, a card number, PIN
// or password: refused with a clear 4xx message (not silently masked), nothing stored or sent.

describe('staffTextRefusal', () => {
  it.each([
    ['暗証番号を教えてください', 'AsksForSecret', 'pin'],
    ['お手数ですが、カード番号をお知らせください。', 'AsksForSecret', 'card_number'],
    ['こちらにパスワードをご入力ください', 'AsksForSecret', 'password'],
    ['Could you tell me your PIN?', 'AsksForSecret', 'pin'],
    ['Please send us your full card number', 'AsksForSecret', 'card_number'],
    ['Type your password here and I will check it', 'AsksForSecret', 'password'],
    ['暗証番号は0812でお間違いないですか', 'SecretInStaffText', 'pin'],
    ['カード 4539 1488 0343 6467 を停止しました', 'SecretInStaffText', 'card_number'],
    ['仮パスワードは Tmp4821x です', 'SecretInStaffText', 'password'],
  ])('refuses %j (%s, %s)', (text, code, kind) => {
    const refusal = staffTextRefusal(text);
    expect(refusal).toMatchObject({ code, kind });
    expect(refusal?.message).toMatch(/card number|PIN|password/);
  });

  it.each([
    '暗証番号はチャットに入力しないでください。当社からお伺いすることはありません。',
    '暗証番号の再設定は、本人確認書類をお持ちのうえ店舗か自動契約機でお願いします。',
    'ログイン画面でWeb-IDとパスワードを入力してください。',
    'パスワードをお忘れの場合は「Web‐ID、パスワードをお忘れの方はコチラ」から再設定できます。',
    'カード番号の下4桁を教えていただけますか',
    'Never share your PIN or password with anyone, including us.',
    'Enter your password on the login page.',
    'お問い合わせ番号 Q20261201-ABCDEFGH の件、0120-24-0365 へお電話ください。',
  ])('lets %j through', (text) => {
    expect(staffTextRefusal(text)).toBeUndefined();
  });
});

describe('staff API: replies and notes with a secret', () => {
  const tempDir = useTempDirs();
  const running: StaffServer[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close();
  });

  it('refuses them with 422 and the reason; nothing is stored or delivered', async () => {
    const sent: string[] = [];
    const deliver: DeliverReply = async (_inquiry, reply) => {
      sent.push(reply.text);
      return 'pushed';
    };
    const s = await startStaffServer(await tempDir(), { deliver });
    running.push(s);
    const q = await s.inquiries.create(newInquiry());
    for (const [path, text] of [
      ['replies', '本人確認のため暗証番号を教えてください'],
      ['replies', 'your card 4539 1488 0343 6467 is stopped'],
      ['notes', 'member said PIN is 0812'],
    ] as const) {
      const res = await s.api(`/api/staff/inquiries/${q.id}/${path}`, { body: { text, author: 'sato' } });
      expect(res.status, text).toBe(422);
      const body = (await res.json()) as { error: { code: string; message: string; kind: string } };
      expect(['AsksForSecret', 'SecretInStaffText']).toContain(body.error.code);
      expect(body.error.message).toMatch(/never/);
    }
    const stored = await s.inquiries.get(q.id);
    expect(stored?.replies).toEqual([]);
    expect(stored?.notes).toEqual([]);
    expect(sent).toEqual([]);

    const ok = await s.api(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: '暗証番号の再設定は店舗か自動契約機でお願いします。', author: 'sato' },
    });
    expect(ok.status).toBe(201);
    expect(sent).toHaveLength(1);
  });
});
