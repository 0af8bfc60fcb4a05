import { describe, expect, it } from 'vitest';
import { TopicRecognizer } from '../../src/nlu/recognizer.js';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');
const PHONE = '0120-24-0365';
const HUMAN = '担当者に問い合わせる';
const NOT_HERE = 'このチャットではご案内できません';

describe('handoff description', () => {
  it.each([['はい'], ['お願いします'], ['パスワード'], ['担当者と話したいです']])(
    '「%s」 says nothing: asked again with an example, nothing filed',
    async (empty) => {
      const h = await createHarness(await tempDir(), { at });
      await h.say('担当者と話したい');
      const r = await h.say(empty);
      expect(joined(r)).toContain('内容を文章で教えてください（例：');
      expect(joined(r)).not.toContain('よろしいですか');
      expect(await h.services.inquiries.list({})).toHaveLength(0);
    },
  );

  it('only masked secrets are asked again; after three empty descriptions nothing is sent', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    let r = await h.say('暗証番号は4821です');
    expect(joined(r)).toContain('入力しないでください');
    expect(joined(r)).toContain('具体的に入力してください');
    r = await h.say('はい');
    expect(joined(r)).toContain('例：');
    r = await h.say('お願いします');
    expect(joined(r)).toContain('例：');
    r = await h.say('うん');
    expect(joined(r)).toContain('お問い合わせは送信しませんでした');
    expect(joined(r)).toContain(PHONE);
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });

  it('a login problem that mentions the PIN in passing is filed, not answered with the PIN rules', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    let r = await h.say('ログインできません。暗証番号を何度か入れ直したらエラーになりました');
    expect(joined(r)).toContain('よろしいですか');
    expect(joined(r)).not.toContain('自動契約機');
    r = await h.say('はい');
    expect(joined(r)).toContain('お問い合わせを受け付けました');
    expect(await h.services.inquiries.list({})).toHaveLength(1);
  });
});

describe('no loops and no dead ends', () => {
  it('a payment question is refused with the phone, and no button leads back to the refusal', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('返済日を変更したい');
    expect(joined(r)).toContain(PHONE);
    expect(lastButtons(r)).not.toContain(HUMAN);
    r = await h.say('担当者と話したい');
    expect(joined(r)).toContain('お電話でのみ');
    expect(joined(r)).toContain(PHONE);
    expect(lastButtons(r)).not.toContain(HUMAN);
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });

  it('after the PIN rules, asking for a person takes the description instead of repeating the rules', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('暗証番号を忘れました');
    expect(joined(r)).toContain('自動契約機');
    r = await h.say(HUMAN);
    expect(joined(r)).toContain('具体的に入力してください');
  });
});

describe('secrets', () => {
  it('a message that is only a secret gets the warning and what to do, not the PIN flow', async () => {
    const h = await createHarness(await tempDir(), { at });
    const r = await h.say('暗証番号は4821です');
    expect(joined(r)).toContain('暗証番号はチャットに入力しないでください');
    expect(joined(r)).toContain('番号を入れずに文章で教えてください');
    expect(joined(r)).not.toContain('自動契約機');
    expect(lastButtons(r)).toContain('ログインできない');
  });

  it('a secret with a request gets the warning, then the request', async () => {
    const h = await createHarness(await tempDir(), { at });
    const r = await h.say('暗証番号4821を忘れてしまいました');
    expect(r[0]?.text).toContain('入力しないでください');
    expect(joined(r)).toContain('自動契約機');
  });
});

describe('follow-ups after each service', () => {
  it.each([
    ['瞬フリについて教えて', '手数料はかかりますか？', NOT_HERE],
    ['瞬フリについて教えて', '土日も振り込めますか', '土日・深夜'],
    ['瞬フリについて教えて', 'いくらまで借りられますか', NOT_HERE],
    ['瞬フリについて教えて', 'どのくらいで振り込まれる？', '10秒'],
    ['ポイントサービスについて', '有効期限は？', NOT_HERE],
    ['ポイントサービスについて', '何に使えますか', '提携ATM手数料無料'],
    ['インターネット返済について', '手数料は？', '無料'],
    ['インターネット返済について', 'どの銀行が使えますか', '楽天銀行'],
    ['インターネット返済について', '土日もできますか', NOT_HERE],
    ['口フリについて教えて', 'どの銀行が使えますか', NOT_HERE],
    ['口フリについて教えて', '手数料はかかりますか', NOT_HERE],
  ])('%s → 「%s」 → %s', async (service, question, expected) => {
    const h = await createHarness(await tempDir(), { at });
    await h.say(service);
    const r = await h.say(question);
    expect(joined(r)).toContain(expected);
    expect(joined(r)).not.toContain('うまく理解できませんでした');
    if (expected === NOT_HERE) expect(joined(r)).toContain(PHONE);
  });

  it('direct debit banks are not answered with the internet-repayment banks', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('口フリについて教えて');
    const r = await h.say('どの銀行が使えますか');
    expect(joined(r)).not.toContain('楽天銀行');
  });
});

describe('language', () => {
  const joined_ = { type: 'conversationUpdate', membersAdded: [{ id: 'member-1', name: 'Member' }] };

  it('the welcome names the page button only on the page', async () => {
    const emulator = await createHarness(await tempDir(), { at, channelId: 'emulator' });
    const plain = joined(await emulator.say('', joined_));
    expect(plain).toContain('type “English”');
    expect(plain).not.toContain('button');
    const page = await createHarness(await tempDir(), { at, channelId: 'webchat' });
    expect(joined(await page.say('', joined_))).toContain('「English」 button');
  });

  it('「English」 typed, or the page switch, carries on the same conversation in English', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('English');
    expect(joined(r)).toContain('continue in English');
    expect(lastButtons(r)).toContain("I can't log in");
    // Latin text now gets English replies although the channel says ja-JP.
    r = await h.say('how do I log in');
    expect(joined(r)).toContain('blue');
    // The page switched back mid-question: the same question, in Japanese.
    r = await h.say('', { type: 'event', name: 'setLanguage', value: 'ja-JP' });
    expect(joined(r)).toContain('ここからは日本語でご案内します');
    expect(joined(r)).toContain('どちらの方法でログインしますか');
    expect(lastButtons(r)).toEqual(['カード番号', 'Web-ID', 'わからない']);
    r = await h.say('キャンセル');
    r = await h.say('', { type: 'event', name: 'setLanguage', value: 'en-US' });
    expect(joined(r)).toContain('continue in English');
    expect(lastButtons(r)).toContain("I can't log in");
  });

  it('switching mid-question asks the pending question again in the new language', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    const r = await h.say('', { type: 'event', name: 'setLanguage', value: 'en-US', locale: 'en-US' });
    expect(joined(r)).toContain('continue in English from here');
    expect(joined(r)).toContain('Which way are you trying to log in?');
    expect(lastButtons(r)).toEqual(['Card number', 'Web-ID', 'Not sure']);
    expect(joined(await h.say('card', { locale: 'en-US' }))).toContain('Check 1');
  });
});

describe('out of scope', () => {
  it('the weather is out of scope, said as such with what the chat does; a filler is "didn’t understand"', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('今日の天気は？');
    expect(joined(r)).toContain('その内容はこのチャットではお答えできません');
    expect(joined(r)).toContain('ログイン');
    expect(joined(r)).not.toContain('うまく理解できませんでした');
    r = await h.say('あれ');
    expect(joined(r)).toContain('うまく理解できませんでした');
    expect(joined(r)).not.toContain('お答えできません');
  });

  it('the dialog follows the recognizer’s noneKind (a bank’s cash card), in English too', async () => {
    const real = TopicRecognizer.fromKnowledge();
    const nearMiss = /銀行のキャッシュカード|other company/;
    const recognizer = {
      recognizeText(text: string) {
        const r = real.recognizeText(text);
        if (!nearMiss.test(text)) return r;
        return {
          ...r,
          top: { topic: 'none' as const, score: 0.9 },
          ambiguous: false,
          noneKind: 'out_of_scope' as const,
        };
      },
    };
    const h = await createHarness(await tempDir(), { at, services: { recognizer } });
    expect(joined(await h.say('銀行のキャッシュカードの暗証番号を忘れた'))).toContain(
      'その内容はこのチャットではお答えできません',
    );
    const en = await createHarness(await tempDir(), { at, locale: 'en-US', services: { recognizer } });
    expect(joined(await en.say('points of some other company card'))).toContain(
      "That's not something this chat can answer",
    );
  });
});

describe('the lost-card flow', () => {
  it.each([['やめる'], ['最初から'], ['キャンセル']])(
    'leaving it with 「%s」 still says to call the 24-hour line',
    async (leave) => {
      const h = await createHarness(await tempDir(), { at });
      await h.say('カードをなくしました');
      const r = await h.say(leave);
      expect(joined(r)).toContain(`今すぐプロミスコール（${PHONE}`);
      expect(joined(r)).toContain('24時間');
    },
  );
});

describe('follow-ups keep to their service', () => {
  it('a question about our support hours right after 瞬フリ is answered as one', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('瞬フリについて教えて');
    const r = await h.say('問い合わせの受付時間は？');
    expect(joined(r)).toContain('プロミスコール');
    expect(joined(r)).not.toContain('最短10秒');
  });
});
