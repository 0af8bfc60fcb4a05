import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const PHONE = '0120-24-0365';

describe('lost or stolen card', () => {
  it('ja: asks lost or stolen and when, then phone first, police second, and an urgent inquiry at 3 a.m.', async () => {
    const h = await createHarness(await tempDir(), { at: new Date('2026-11-26T03:00:00+09:00') });
    let r = await h.say('カードの紛失・盗難');
    // The call comes first, before any question, even at 3 a.m.
    const step1 = joined(r);
    expect(step1).toContain('まず今すぐ');
    expect(step1).toContain(PHONE);
    expect(step1).toContain('24時間');
    expect(step1.indexOf(PHONE)).toBeLessThan(step1.indexOf('盗まれましたか'));
    expect(lastButtons(r)).toEqual(['なくした', '盗まれた', 'わからない', '見つかった']);

    r = await h.say('財布ごと盗まれました');
    expect(joined(r)).toContain('いつごろ気づきましたか');

    r = await h.say('昨日の夜8時ごろ');
    expect(joined(r)).toContain('お電話はできましたか');
    expect(lastButtons(r)).toContain('電話した');

    r = await h.say('これから電話します');
    expect(joined(r)).toContain(`すぐ ${PHONE}`);
    expect(joined(r)).toContain('盗難届');
    expect(joined(r).indexOf(PHONE)).toBeLessThan(joined(r).indexOf('盗難届'));

    r = await h.say('はい');
    expect(joined(r)).toMatch(/至急のお問い合わせとして受け付けました（受付番号：Q\d{8}-[A-HJ-NP-Z]{8}）/);
    // Staff start at 9:00 (no night staffing): the promise is what the staffed hours can keep, and
    // the 24-hour line stays the first step.
    expect(joined(r)).toContain('今日 9:15ごろまでに優先して確認します');
    expect(joined(r)).not.toContain('3:15');
    expect(joined(r)).toContain('今すぐプロミスコール');
    expect(joined(r)).toContain('①プロミスコール');

    const [inquiry] = await h.services.inquiries.list({});
    expect(inquiry).toMatchObject({ topic: 'card.lost', priority: 'urgent', status: 'new', locale: 'ja' });
    expect(inquiry?.details).toMatchObject({ lostOrStolen: 'stolen', calledCallCenter: 'later' });
    // 昨日の夜8時 relative to 3:00 on the 26th (Tokyo) is 20:00 on the 25th.
    expect(inquiry?.details.lostAt).toBe(new Date('2026-11-25T20:00:00+09:00').toISOString());
    expect(inquiry?.summary).toContain('11月25日(水) 20:00');
    // Urgent: due 15 minutes into the staffed hours.
    expect(inquiry!.dueAt).toBe(new Date('2026-11-26T09:15:00+09:00').toISOString());
  });

  it('ja: skips the questions the first message already answers', async () => {
    const h = await createHarness(await tempDir(), { at: new Date('2026-11-26T14:00:00+09:00') });
    const r = await h.say('今朝カードを落としました');
    expect(joined(r)).not.toContain('盗まれましたか');
    expect(joined(r)).not.toContain('いつごろ');
    expect(joined(r)).toContain(PHONE);
    expect(joined(r)).toContain('お電話はできましたか');
    const r2 = await h.say('電話した');
    expect(joined(r2)).toContain('紛失届');
    const r3 = await h.say('いいえ');
    expect(joined(r3)).toContain('①プロミスコール');
    expect(await h.services.inquiries.list({})).toHaveLength(0);
  });

  it('en: the same steps in English, a loss report for a lost card', async () => {
    const h = await createHarness(await tempDir(), {
      locale: 'en-US',
      at: new Date('2026-11-26T23:30:00+09:00'),
    });
    let r = await h.say('Lost or stolen card');
    expect(joined(r)).toContain('lose the card, or was it stolen');
    expect(joined(r)).toContain(`call Promise Call at ${PHONE}`);
    expect(joined(r)).toContain('24 hours');
    r = await h.say('lost it');
    expect(joined(r)).toContain('When did you notice');
    r = await h.say('yesterday evening');
    expect(joined(r)).toContain('Have you been able to call?');
    r = await h.say('done');
    expect(joined(r)).toContain('loss report');
    r = await h.say('no thanks');
    expect(joined(r)).toContain('Summary: 1) call Promise Call');
  });
});

describe('secrets typed mid-flow', () => {
  it('warns, never echoes, and leaves no trace in DATA_DIR', async () => {
    const h = await createHarness(await tempDir(), { at: new Date('2026-11-26T14:00:00+09:00') });
    await h.say('カードを盗まれた');
    const r = await h.say('カード番号は4539 1488 0343 6467です');
    expect(joined(r)).toContain('入力しないでください');
    expect(joined(r)).not.toContain('4539');
    await h.say('わからない');
    await h.say('電話できない');
    const end = await h.say('はい');
    expect(joined(end)).toMatch(/受付番号/);
    await h.say('パスワードはHunter2xyz');
    await h.services.flush();

    const files = await readdir(h.dataDir, { recursive: true, withFileTypes: true });
    const contents = await Promise.all(
      files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name), 'utf8')),
    );
    expect(contents.length).toBeGreaterThan(0);
    const all = contents.join('\n');
    for (const secret of ['4539 1488 0343 6467', '4539148803436467', '1488 0343', 'Hunter2xyz']) {
      expect(all).not.toContain(secret);
    }
    // The excerpt keeps what the bot understood (the topic, the choices), not the member's words.
    expect(all).toContain('（話題：カードの紛失・盗難）');
    expect(all).not.toContain('カード番号は');
  });
});
