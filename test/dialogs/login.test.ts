import { describe, expect, it } from 'vitest';
import { createHarness, hiddenButtons, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

describe('login help', () => {
  it('ja: where the button is, the two ways, then the chosen way from free text', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('ログインのやり方を教えて');
    expect(joined(r)).toContain('右上にある青い「会員ログイン」ボタン');
    expect(joined(r)).toContain('カード番号＋パスワード');
    expect(joined(r)).toContain('Web-ID＋パスワード');
    expect(lastButtons(r)).toEqual(['カード番号', 'Web-ID', 'わからない']);
    r = await h.say('ｶｰﾄﾞ番号でお願いします');
    expect(joined(r)).toContain('カード発行時に設定したもの');
    // The answer, then 「お役に立ちましたか？」 with the turn's only buttons; 「メニュー」 typed brings the menu back.
    expect(hiddenButtons(r)).toEqual([]);
    expect(r.at(-1)).toEqual({ text: 'お役に立ちましたか？', buttons: ['はい', 'いいえ'] });
    r = await h.say('メニュー');
    expect(lastButtons(r)).toContain('ログインできない');
  });

  it('en: the Web-ID way points to the issuance link', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('how do I log in to the member site?');
    expect(joined(r)).toContain('blue');
    r = await h.say('Web-ID');
    expect(joined(r)).toContain('Web‐IDをお持ちでない方はコチラ');
  });

  it('ja: no registration is needed', async () => {
    const h = await createHarness(await tempDir(), { at });
    const r = await h.say('会員登録しないと使えませんか？');
    expect(joined(r)).toContain('「会員登録」は必要ありません');
  });

  it('ja: can-not-log-in checks the causes in order and ends at lock-out with the phone number', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('ログインできません');
    expect(joined(r)).toContain('よくある順');
    r = await h.say('カード');
    expect(joined(r)).toContain('【確認1】カード番号');
    r = await h.say('まだだめです');
    expect(joined(r)).toContain('【確認2】');
    r = await h.say('まだできない');
    expect(joined(r)).toContain('【確認3】');
    expect(lastButtons(r)).toEqual(['はい', 'いいえ']);
    r = await h.say('うん');
    expect(joined(r)).toContain('ロックの解除はプロミスコール（0120-24-0365、毎日9:00〜21:00）');
  });

  it('ja: a forgotten card password is routed to the PIN rules (in person only)', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    await h.say('カード番号');
    await h.say('まだできない');
    await h.say('まだできない');
    await h.say('いや');
    const r = await h.say('はい、忘れました');
    expect(joined(r)).toContain('電話・メール・チャットでは照会や再設定ができません');
    expect(joined(r)).toContain('自動契約機または店舗');
    expect(joined(r)).toContain('運転免許証');
  });

  it('en: a forgotten Web-ID password goes to the reset link; solved ends politely', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    await h.say("I can't log in");
    await h.say('Web-ID');
    await h.say('still failing');
    await h.say('still');
    await h.say('nope');
    const r = await h.say('yes');
    expect(joined(r)).toContain('Web‐ID、パスワードをお忘れの方はコチラ');

    const h2 = await createHarness(await tempDir(), { locale: 'en-US', at });
    await h2.say("I can't log in");
    await h2.say('card number');
    const done = await h2.say("I'm in now");
    expect(joined(done)).toContain("Glad you're in");
  });

  it('ja: nothing matches → leaves an inquiry for staff with the answer time', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    await h.say('Web-ID');
    await h.say('まだ');
    await h.say('まだ');
    await h.say('いいえ');
    let r = await h.say('いいえ');
    expect(lastButtons(r)).toEqual(['問い合わせを残す', '電話します']);
    r = await h.say('問い合わせを残す');
    expect(joined(r)).toContain('1つのメッセージで具体的に入力してください');
    r = await h.say('昨日からWeb-IDでログインするとエラー画面になります');
    expect(joined(r)).toContain('よろしいですか');
    r = await h.say('お願いします');
    expect(joined(r)).toMatch(/受付番号：Q\d{8}-[A-HJ-NP-Z]{8}/);
    // 14:00 on a weekday: staff are working, so the answer is due today.
    expect(joined(r)).toMatch(/今日 1\d:\d\dごろまで/);
    const [inquiry] = await h.services.inquiries.list({});
    expect(inquiry).toMatchObject({ topic: 'login.trouble', status: 'new' });
    expect(inquiry?.summary).toBe('昨日からWeb-IDでログインするとエラー画面になります');
    expect(inquiry?.excerpt.some((l) => l.from === 'member' && l.text === '問い合わせを残す')).toBe(true);
    expect(inquiry?.excerpt.some((l) => l.from === 'bot' && l.text.includes('【確認4】'))).toBe(true);
  });
});
