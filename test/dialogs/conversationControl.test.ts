import { describe, expect, it } from 'vitest';
import type { TopicRecognition } from '../../src/nlu/recognizer.js';
import type { TopicId } from '../../src/topics.js';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

describe('conversation control', () => {
  it('answers in Japanese when Japanese is typed, even with the Emulator’s en-US locale', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    const ja = await h.say('こんにちは');
    expect(joined(ja)).toContain('会員サポート');
    const en = await h.say('hello');
    expect(joined(en)).toContain('member support');
  });

  it('a clear new topic interrupts the running flow', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('カードの紛失・盗難');
    const r = await h.say('Web-IDのパスワードを忘れました');
    expect(joined(r)).toContain('Web‐ID、パスワードをお忘れの方はコチラ');
    // The lost-card question is gone: an answer to it now is just a new message.
    const after = await h.say('ヘルプ');
    expect(joined(after)).not.toContain('盗まれましたか');
  });

  it('a sibling topic served by the same dialog also interrupts (how-to → can’t log in)', async () => {
    const ja = await createHarness(await tempDir(), { at });
    await ja.say('ログイン方法を教えて');
    const r = await ja.say('ログインできない');
    expect(joined(r)).toContain('ログインできない原因を');
    const en = await createHarness(await tempDir(), { locale: 'en-US', at });
    await en.say('how do I get a web id');
    const e = await en.say('I forgot my Web-ID');
    expect(joined(e)).toContain('Web‐ID、パスワードをお忘れの方はコチラ');
  });

  it('a secret typed as an answer: warned, told what to do, and the question comes back with its buttons', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログイン方法を教えて');
    for (let i = 0; i < 2; i++) {
      const r = await h.say('4980 1234 5678 9012');
      expect(joined(r)).toContain('入力しないでください');
      expect(joined(r)).toContain('番号を入れずに文章で教えてください');
      expect(joined(r)).toContain('どちらの方法でログインしますか');
      expect(lastButtons(r)).toEqual(['カード番号', 'Web-ID', 'わからない']);
    }
  });

  it('a message without text during a question asks the question again', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログイン方法を教えて');
    const r = await h.say('', { value: { pressed: 'something' } });
    expect(joined(r)).not.toContain('うまく理解できませんでした');
    expect(lastButtons(r)).toEqual(['カード番号', 'Web-ID', 'わからない']);
  });

  it('an answer that sounds like the flow’s own topic is taken as the answer, not as a restart', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('カードの紛失・盗難');
    const r = await h.say('盗まれました');
    expect(joined(r)).toContain('いつごろ気づきましたか');
  });

  it('「わからない」 to a question is an answer the question handles, never a new topic', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('カードを落としました');
    const r = await h.say('わからない');
    expect(joined(r)).toContain('お電話はできましたか');
    expect(joined(r)).not.toContain('Web‐ID');
  });

  it('cancel stops the flow and says so; with nothing running it says there is nothing to cancel', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    let r = await h.say('やめます');
    expect(joined(r)).toContain('中止しました');
    expect(lastButtons(r)).toContain('ログインできない');
    r = await h.say('キャンセル');
    expect(joined(r)).toContain('いま進めている手続きはありません');
  });

  it('help mid-flow shows the menu and asks the pending question again', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    await h.say("I can't log in");
    const r = await h.say('help');
    expect(joined(r)).toContain('Type "cancel"');
    expect(r.at(-1)?.text).toContain('Which way are you trying to log in?');
  });

  it('「最初から」 starts over from the menu', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインできない');
    const r = await h.say('最初から');
    expect(joined(r)).toContain('最初からご案内します');
    expect(lastButtons(r).length).toBeGreaterThanOrEqual(8);
  });

  it('a fallback with the menu after a miss, a person offered after two; misses are kept for staff', async () => {
    const h = await createHarness(await tempDir(), { at });
    let r = await h.say('あれ');
    expect(joined(r)).toContain('うまく理解できませんでした');
    expect(lastButtons(r)).not.toContain('担当者に問い合わせる');
    r = await h.say('うーん');
    expect(joined(r)).toContain('担当者へのお問い合わせとして内容をお預かりすることもできます');
    expect(lastButtons(r)).toContain('担当者に問い合わせる');
    r = await h.say('担当者に問い合わせる');
    expect(joined(r)).toContain('1つのメッセージで具体的に入力してください');
    await h.services.flush();
    const groups = await h.services.unanswered.list();
    expect(groups.map((g) => g.examples[0])).toEqual(expect.arrayContaining(['あれ', 'うーん']));
  });

  it('two unreadable answers to a question end the flow with the menu and a person', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('ログインのやり方');
    let r = await h.say('ぽよぽよ');
    expect(joined(r)).toContain('読み取れませんでした');
    r = await h.say('ふがふが');
    expect(joined(r)).toContain('担当者へのお問い合わせ');
    expect(lastButtons(r)).toContain('担当者に問い合わせる');
  });

  it('en: a person on request; the inquiry can be cancelled before it is sent', async () => {
    const h = await createHarness(await tempDir(), { locale: 'en-US', at });
    let r = await h.say('can I talk to a human please');
    expect(joined(r)).toContain('describe your question for our staff in one message');
    expect(lastButtons(r)).toEqual(['Cancel']);
    r = await h.say('My Web-ID mail never came although I tried three times');
    expect(joined(r)).toContain("I'll leave this inquiry for our staff. OK?");
    r = await h.say('no');
    expect(joined(r)).toContain("I haven't sent anything");
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });
});

describe('an unsure recognition', () => {
  // A recognizer that is torn between two topics, to test the router's question.
  const unsure = {
    recognizeText(text: string): TopicRecognition {
      const score = (topic: TopicId, s: number) => ({ topic, score: s });
      if (text === 'ID忘れた') {
        return {
          text,
          normalized: text,
          top: score('webid.forgot', 0.45),
          runnerUp: score('login.trouble', 0.4),
          ambiguous: true,
          scores: [score('webid.forgot', 0.45), score('login.trouble', 0.4)],
          noneKind: null,
        };
      }
      return {
        text,
        normalized: text,
        top: score('none', 1),
        runnerUp: null,
        ambiguous: false,
        scores: [],
        noneKind: 'unclear',
      };
    },
  };

  it('asks "did you mean A or B?" and follows the choice', async () => {
    const h = await createHarness(await tempDir(), { at, services: { recognizer: unsure } });
    let r = await h.say('ID忘れた');
    expect(joined(r)).toContain('次のどちらについてのご質問ですか');
    expect(lastButtons(r)).toEqual(['Web-ID・パスワードを忘れた', 'ログインできない', 'どれでもない']);
    r = await h.say('ログインできない');
    expect(joined(r)).toContain('ログインできない原因を');
  });

  it('"none of these" shows the menu without an apology and keeps the question for staff', async () => {
    const h = await createHarness(await tempDir(), { at, services: { recognizer: unsure } });
    await h.say('ID忘れた');
    const r = await h.say('どれでもない');
    expect(joined(r)).toBe('ご用件をお選びください。');
    expect(lastButtons(r)).toContain('ログインできない');
    await h.services.flush();
    expect((await h.services.unanswered.list()).map((g) => g.examples[0])).toContain('ID忘れた');
  });
});
