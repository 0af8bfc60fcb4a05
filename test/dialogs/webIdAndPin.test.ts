import { describe, expect, it } from 'vitest';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

describe('Web-ID', () => {
  it('ja: issuance steps with the link and button names, then help when the mail does not arrive', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('ウェブIDってどうやって作るの');
    const text = joined(r);
    expect(text).toContain('Webサービスを利用するためだけに使うID');
    expect(text).toContain('「Web‐IDをお持ちでない方はコチラ」');
    expect(text).toContain('「会員番号」と「メールアドレス」');
    expect(text).toContain('「実行」ボタン');
    expect(lastButtons(r)).toEqual([
      'できた',
      'メールが届かない',
      '会員番号がわからない',
      'ほかの理由でできない',
    ]);
    r = await h.say('メールが来ないです');
    expect(joined(r)).toContain('迷惑メールフォルダ');
    expect(joined(r)).toContain('0120-24-0365');
  });

  it('en: where to find the member number', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('how do I get a web id');
    expect(joined(r)).toContain('member number (会員番号) and your mail address');
    r = await h.say("Where's my member number?");
    expect(joined(r)).toContain('documents you received with your contract');
    expect(joined(r)).toContain("don't type your member or card number");
  });

  it('ja and en: a forgotten Web-ID goes to the reset link; card login still works meanwhile', async () => {
    const ja = await createHarness(await tempDir(), { at });
    const r = await ja.say('WebIDのパスワードを忘れてしまいました');
    expect(joined(r)).toContain('「Web‐ID、パスワードをお忘れの方はコチラ」');
    expect(joined(r)).toContain('カードの暗証番号は別のもの');
    const en = await createHarness(await tempDir(), { locale: 'en-US', at });
    const e = await en.say('I forgot my Web-ID');
    expect(joined(e)).toContain('「Web‐ID、パスワードをお忘れの方はコチラ」');
    expect(joined(e)).toContain('card number');
  });
});

describe('forgotten card PIN', () => {
  it('ja: in person only, with ID documents, never by phone, mail or chat', async () => {
    const h = await createHarness(await tempDir(), { at });
    const r = await h.say('暗唱番号わすれちゃった');
    const text = joined(r);
    expect(text).toContain('電話・メール・チャットでは照会も再設定もできません');
    expect(text).toContain('運転免許証、パスポート');
    expect(text).toContain('自動契約機（');
    expect(text).toContain('店舗（窓口）（');
    expect(text).not.toMatch(/0120-24-0365/);
  });

  it('en: tells the card PIN apart from the Web-ID password when the member says "password"', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('I want to reset my PIN or password, not sure which');
    // Torn between the two topics, the router asks first; the PIN flow then asks which secret it is.
    expect(lastButtons(r)).toEqual(['Forgot card PIN', 'Forgot Web-ID or password', 'None of these']);
    r = await h.say('Forgot card PIN');
    expect(joined(r)).toContain('card PIN (the number you use at ATMs), or your Web-ID password');
    expect(lastButtons(r)).toEqual(['Card PIN', 'Web-ID password']);
    r = await h.say('the web one');
    expect(joined(r)).toContain('A Web-ID password can be reset on the web');
    expect(joined(r)).toContain('「Web‐ID、パスワードをお忘れの方はコチラ」');
  });

  it('en: the card PIN answer lists the places with their hours', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    const r = await h.say('I forgot my card PIN');
    expect(joined(r)).toContain('cannot be told or reset by phone, mail or chat');
    expect(joined(r)).toContain("driver's license");
    expect(joined(r)).toMatch(/Where: .*automatic contract machine/i);
  });
});
