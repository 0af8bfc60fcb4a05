import { describe, expect, it } from 'vitest';
import { createHarness, hiddenButtons, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

describe('answers in the member’s own words', () => {
  it('ja: うん to "did you call?" means called; ううん to "were you able to log in?" means still failing', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('今朝カードを落としました');
    let r = await h.say('うん');
    expect(joined(r)).toContain('紛失届');
    expect(joined(r)).not.toContain('このあとすぐ');

    const login = await createHarness(await tempDir(), { at });
    await login.say('ログインできない');
    r = await login.say('カード番号');
    expect(joined(r)).toContain('ログインできましたか？');
    r = await login.say('ううん');
    expect(joined(r)).toContain('【確認2】');
  });

  it('en: "someone stole my card this morning" needs neither question; the theft report is named', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('hi, I think someone stole my card this morning');
    expect(joined(r)).not.toContain('lose the card, or was it stolen');
    expect(joined(r)).not.toContain('When did you notice');
    r = await h.say('yes');
    expect(joined(r)).toContain('report the theft');
  });

  it('ja: a plain はい takes the offer of a person after two misses', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('あれ');
    await h.say('うーん');
    const r = await h.say('はい、お願いします');
    expect(joined(r)).toContain('1つのメッセージで具体的に入力してください');
  });

  it('ja: help during the "when" question shows help and asks again; a time is always the answer', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('カードを盗まれた');
    let r = await h.say('ヘルプ');
    expect(joined(r)).toContain('次のようなご用件にお答えできます');
    expect(r.at(-1)?.text).toContain('いつごろ気づきましたか');
    r = await h.say('昨日の夜8時ごろ');
    expect(joined(r)).toContain('お電話はできましたか');
  });
});

describe('inquiries filed by what the member wrote', () => {
  it('ja: a payment question written as the description is refused with the phone number', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    const r = await h.say('返済が遅れそうです。どうしたらいいですか');
    expect(joined(r)).toContain('お電話');
    expect(joined(r)).toContain('0120-24-0365');
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });

  it('ja: a description about logging in is filed as login trouble (high priority)', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    await h.say('何度やってもログインできなくて困っています');
    await h.say('はい');
    const [inquiry] = await h.services.inquiries.list({});
    expect(inquiry).toMatchObject({ topic: 'login.trouble', priority: 'high' });
  });
});

describe('follow-ups read in context', () => {
  it('ja: 「電話で教えてもらえないの？」 right after the PIN answer is about the PIN, not support hours', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('暗証番号わすれました');
    const r = await h.say('電話で教えてもらえないの？');
    expect(joined(r)).toContain('電話・メール・チャットではお伝えも再設定もできません');
    expect(joined(r)).not.toContain('いちばん早く解決できるのはお電話です');
  });

  it('ja: naming another service after 瞬フリ is a new question, not a 瞬フリ follow-up', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('瞬フリについて教えて');
    const r = await h.say('口座振替にしたい');
    expect(joined(r)).toContain('口フリ（口座振替）');
    expect(joined(r)).not.toContain('PayPay銀行');
  });

  it('ja: 「Web-IDのメールが届きません」 goes straight to the mail checklist; 「まだ届かない」 then to the phone', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('webidのメールが届きません');
    expect(joined(r)).toContain('迷惑メールフォルダ');
    expect(joined(r)).not.toContain('発行手順');
    r = await h.say('まだ届かない');
    expect(joined(r)).toContain('プロミスコール（0120-24-0365');
  });

  it('ja: 「ゆうちょは使える？」 after internet repayment lists the five banks; 「チャットで教えてよ」 after payment stays phone only', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('インターネット返済について');
    let r = await h.say('ゆうちょは使える？');
    expect(joined(r)).toContain('5行');
    expect(joined(r)).toContain('対象ではありません');
    await h.say('返済日を知りたい');
    r = await h.say('チャットで教えてよ');
    expect(joined(r)).toContain('チャットやメールではお答えできません');
    expect(joined(r)).toContain('0120-24-0365');
  });

  it('ja: a forgotten password also explains the card-login password (PIN rules)', async () => {
    const h = await createHarness(await tempDir(), { at });
    const r = await h.say('パスワード忘れちゃった');
    expect(joined(r)).toContain('Web‐ID、パスワードをお忘れの方はコチラ');
    expect(joined(r)).toContain('カード番号でログインするときのパスワード');
    expect(hiddenButtons(r)).toEqual([]);
    expect(r.at(-1)).toEqual({ text: 'お役に立ちましたか？', buttons: ['はい', 'いいえ'] });
  });
});

describe('more answers from testing', () => {
  it('en: "never mind" stops a description for staff, "back" stops a question', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    await h.say('can I talk to a human please');
    let r = await h.say('never mind');
    expect(joined(r)).toContain("I've stopped that");
    expect(await h.services.inquiries.list({})).toHaveLength(0);
    await h.say("I can't log in");
    r = await h.say('back');
    expect(joined(r)).toContain("I've stopped that");
  });

  it('en: after the mail checklist, "still nothing arrived" offers staff and a plain yes takes it', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('the web id mail didnt come');
    expect(joined(r)).toContain('spam or junk folder');
    r = await h.say("it still hasn't arrived");
    expect(joined(r)).toContain('leave an inquiry for our staff');
    r = await h.say('yes please');
    expect(joined(r)).toContain('describe your question for our staff in one message');
  });

  it('ja: 「いつ解除されますか」 after the lock-out answer is about the lock', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    await h.say('カード番号');
    await h.say('まだできない');
    await h.say('まだできない');
    await h.say('はい');
    const r = await h.say('いつ解除されますか');
    expect(joined(r)).toContain('ロックの解除はプロミスコール');
  });

  it('en: "how fast is it really" after Shun-Furi is about Shun-Furi', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    await h.say('what is shunfuri');
    const r = await h.say('how fast is it really');
    expect(joined(r)).toContain('as little as 10 seconds');
  });
});

describe('one promised answer time per inquiry', () => {
  it('en: the time told at filing is the time the contact answer repeats; asking again does not duplicate', async () => {
    const evening = new Date('2026-11-26T19:21:00+09:00');
    const h = await createHarness(await tempDir(), { locale: 'en-US', at: evening });
    await h.say('I want to talk to a person');
    await h.say('my web id login fails every time with an error');
    let r = await h.say('yes');
    const told = /by about (.+? JST)\./.exec(joined(r))?.[1];
    expect(told).toBeDefined();
    r = await h.say('when will they reply?');
    expect(joined(r)).toContain(`by about ${told}`);
    r = await h.say('can I talk to a human');
    expect(joined(r)).toContain(`by about ${told}`);
    expect(joined(r)).toContain('leave another inquiry');
    r = await h.say('no');
    expect(await h.services.inquiries.list({})).toHaveLength(1);
  });

  it('ja: an urgent lost-card inquiry promises what the staffed hours can keep', async () => {
    // Staffed hours: 15 minutes after the member asked.
    const day = await createHarness(await tempDir(), { at: new Date('2026-11-26T14:00:00+09:00') });
    await day.say('カードを盗まれました');
    await day.say('昨日の夜');
    await day.say('電話した');
    expect(joined(await day.say('はい'))).toMatch(/担当者が今日 14:15ごろまでに優先して確認します/);
    // At 3:00 nobody works web inquiries (no night staffing): 15 minutes after 9:00, and the
    // 24-hour line is named as the thing to do now.
    const h = await createHarness(await tempDir(), { at: new Date('2026-11-26T03:00:00+09:00') });
    await h.say('カードを盗まれました');
    await h.say('昨日の夜');
    await h.say('電話した');
    const r = await h.say('はい');
    expect(joined(r)).toMatch(/担当者が今日 9:15ごろまでに優先して確認します/);
    expect(joined(r)).toContain('今すぐプロミスコール（0120-24-0365・24時間受付）');
  });
});

describe('lost card found, in-person hours', () => {
  it('ja: 「見つかりました！」 while the bot asks when ends the urgent flow kindly', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('カードを落としました');
    const r = await h.say('見つかりました！');
    expect(joined(r)).toContain('見つかってよかったです');
    expect(hiddenButtons(r)).toEqual([]);
    expect(lastButtons(r)).toEqual(['はい', 'いいえ']);
  });

  it('en: asking when the machines are open gives the in-person hours, not only the phone', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    const r = await h.say('what are the opening hours of your stores and contract machines?');
    expect(joined(r)).toContain('Stores and automatic contract machines, typical hours');
    expect(joined(r)).toContain('9:00–21:00');
  });
});
