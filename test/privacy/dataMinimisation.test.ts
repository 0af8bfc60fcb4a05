import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopicRecognition } from '../../src/nlu/recognizer.js';
import type { TopicId } from '../../src/topics.js';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

// Data minimisation: conversation state keeps no member text, except a handoff description waiting
// for the member's confirmation; the unanswered log keeps only the strict pass's output. Words the
// secret guard cannot know are secrets (a passphrase without a label) are the probe: they may reach
// staff only in what the member confirmed for them.

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

async function everyFile(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
}

describe('what conversation state and the unanswered log keep', () => {
  it('no member words at rest after topics, free-text answers and a message the bot did not get', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('合言葉はふくろうのもりです 8 3 1 7');
    await h.say('カードをなくした');
    const r = await h.say('昨日の夜、ふくろうのもりの近くで');
    expect(joined(r)).toContain('お電話はできましたか');
    await h.say('ログインできない');
    await h.services.flush();

    const all = await everyFile(h.dataDir);
    expect(all).not.toContain('ふくろうのもり');
    expect(all).not.toMatch(/8\s*3\s*1\s*7/);
    // What the bot understood is kept instead: the topics and the time it read.
    expect(all).toContain('（話題：カードの紛失・盗難）');
    expect(all).toContain('（時刻：');
  });

  it('the unanswered log keeps the strict form: digit runs and the word after a label masked', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('天気予報 2026年 十二月 三十一日 ７７７');
    await h.say('my pass is ocelot and the weather?');
    await h.services.flush();
    const examples = (await h.services.unanswered.list()).flatMap((g) => g.examples);
    expect(examples).toContain('天気予報 ****年 十二月 ***日 ***');
    expect(examples.join('\n')).not.toContain('ocelot');
  });

  it('a handoff description is kept only while it waits for the member’s yes', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    const asked = await h.say('合言葉ふくろうのもりでログインできない件');
    expect(joined(asked)).toContain('よろしいですか');
    await h.services.flush();
    expect(await everyFile(h.dataDir)).toContain('ふくろうのもり'); // waiting for confirmation

    const done = await h.say('はい');
    expect(joined(done)).toMatch(/受付番号/);
    await h.services.flush();
    const [inquiry] = await h.services.inquiries.list({});
    expect(inquiry?.summary).toBe('合言葉ふくろうのもりでログインできない件');
    // The excerpt: what the bot understood, the confirmation question without the description, then
    // the description as confirmed.
    expect(inquiry?.excerpt.at(-1)).toMatchObject({ from: 'member', text: inquiry?.summary });
    const earlier = inquiry?.excerpt.slice(0, -1).map((l) => l.text) ?? [];
    expect(earlier.join('\n')).not.toContain('ふくろうのもり');
    expect(earlier).toContain('（お問い合わせ内容を入力：受付内容を参照）');
    // Confirmed: it lives in the inquiry now, and conversation state forgot it.
    const stateFiles = (await readdir(h.dataDir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile() && !e.parentPath.includes('inquiries'))
      .map((e) => join(e.parentPath, e.name));
    for (const file of stateFiles) expect(await readFile(file, 'utf8'), file).not.toContain('ふくろうのもり');
  });

  it('a cancelled description leaves nothing behind', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('担当者と話したい');
    await h.say('合言葉ふくろうのもりでログインできない件');
    const r = await h.say('いいえ');
    expect(joined(r)).toContain('送信しませんでした');
    await h.services.flush();
    expect(await h.services.inquiries.list({})).toEqual([]);
    expect(await everyFile(h.dataDir)).not.toContain('ふくろうのもり');
  });

  it('the question behind "did you mean …?" is held in memory only, and still reaches the log', async () => {
    const score = (topic: TopicId, s: number) => ({ topic, score: s });
    const unsure = {
      recognizeText(text: string): TopicRecognition {
        const torn = text.includes('ID');
        return {
          text,
          normalized: text,
          top: torn ? score('webid.forgot', 0.45) : score('none', 1),
          runnerUp: torn ? score('login.trouble', 0.4) : null,
          ambiguous: torn,
          scores: [],
          noneKind: torn ? null : 'unclear',
        };
      },
    };
    const h = await createHarness(await tempDir(), { at, services: { recognizer: unsure } });
    const r = await h.say('IDの件 ふくろうのもり');
    expect(lastButtons(r)).toContain('どれでもない');
    await h.services.flush();
    expect(await everyFile(h.dataDir)).not.toContain('ふくろうのもり');
    await h.say('どれでもない');
    await h.services.flush();
    expect((await h.services.unanswered.list()).flatMap((g) => g.examples)).toContain(
      'IDの件 ふくろうのもり',
    );
  });
});
