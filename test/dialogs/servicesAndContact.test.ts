import { describe, expect, it } from 'vitest';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const afternoon = new Date('2026-11-26T14:00:00+09:00');
const lateNight = new Date('2026-11-26T23:30:00+09:00');

describe('web services', () => {
  it('ja: overview offers each service as a button; a button gives that service', async () => {
    const h = await createHarness(await tempDir(), { at: afternoon });
    let r = await h.say('Webサービスって何があるの');
    expect(joined(r)).toContain('瞬フリ');
    expect(lastButtons(r)).toEqual(['瞬フリ', 'ポイント', 'インターネット返済', '口フリ']);
    r = await h.say('瞬フリ');
    expect(joined(r)).toContain('最短10秒');
    expect(joined(r)).toContain('三井住友銀行');
  });

  it('ja: 「どの銀行？」 right after internet repayment is answered in context, so is 「手数料は？」', async () => {
    const h = await createHarness(await tempDir(), { at: afternoon });
    let r = await h.say('ネットで返済したい');
    expect(joined(r)).toContain('手数料は無料');
    r = await h.say('どの銀行？');
    expect(joined(r)).toContain('5行');
    expect(joined(r)).toContain('みずほ銀行');
    r = await h.say('手数料は？');
    expect(joined(r)).toBe('インターネット返済の手数料は無料です。');
  });

  it('ja: the same question after 瞬フリ gets the 瞬フリ banks', async () => {
    const h = await createHarness(await tempDir(), { at: afternoon });
    await h.say('瞬フリについて教えて');
    const r = await h.say('どの銀行？');
    expect(joined(r)).toContain('PayPay銀行');
    expect(joined(r)).not.toContain('みずほ');
  });

  it('en: points, then what they can be spent on', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at: afternoon });
    let r = await h.say('tell me about the points');
    expect(joined(r)).toContain('income certificate');
    r = await h.say('what can I use them for?');
    expect(joined(r)).toContain('free partner-ATM fees');
  });

  it('en: direct debit, with the call center as next step', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at: afternoon });
    const r = await h.say('can I set up direct debit for my repayments');
    expect(joined(r)).toContain('Kuchi-Furi');
    expect(joined(r)).toContain('0120-24-0365');
  });
});

describe('contact and payment (policy module)', () => {
  it('ja afternoon: phone open now, a web inquiry answered today', async () => {
    const h = await createHarness(await tempDir(), { at: afternoon });
    const r = await h.say('問い合わせの電話番号を教えて');
    const text = joined(r);
    expect(text).toContain('0120-24-0365');
    expect(text).toContain('いまは電話受付時間内です');
    expect(text).toMatch(/今日 1[56]:\d\dごろまでに回答/);
  });

  it('ja 23:30: phone closed until 9:00, a web inquiry answered tomorrow morning', async () => {
    const h = await createHarness(await tempDir(), { at: lateNight });
    const r = await h.say('サポートの受付時間は？');
    const text = joined(r);
    expect(text).toContain('いまは電話受付時間外です。次の受付開始は明日 11月27日(金) 9:00');
    expect(text).toContain('明日 11月27日(金) 11:00ごろまでに回答');
    expect(text).toContain('紛失・盗難は24時間');
  });

  it('en: payment questions are phone only, with number and hours', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at: afternoon });
    const r = await h.say('when is my next repayment due?');
    expect(joined(r)).toContain('by phone only');
    expect(joined(r)).toContain('0120-24-0365');
    expect(joined(r)).toContain('9:00–21:00 daily');
  });

  it('ja: a payment question cannot become a web inquiry; the member is sent to the phone', async () => {
    const h = await createHarness(await tempDir(), { at: afternoon });
    await h.say('返済額を知りたい');
    const r = await h.say('担当者と話したい');
    expect(joined(r)).toContain('お電話');
    expect(joined(r)).toContain('0120-24-0365');
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });
});
