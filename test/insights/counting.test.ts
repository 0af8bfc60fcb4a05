import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openPersistence } from '../../src/persistence/index.js';
import type { Persistence } from '../../src/persistence/types.js';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';

// Scripted conversations through the real bot move the counters by exactly what they did, on both
// backends; the unanswered question keeps the topic it followed.

const tempDir = useTempDirs();
const logger = createLogger({ logLevel: 'silent' });
const at = new Date('2026-11-26T14:00:00+09:00');
const from = new Date('2026-11-26T00:00:00+09:00');
const to = new Date('2026-11-27T00:00:00+09:00');

let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.destroy();
});

async function open(backend: 'lowdb' | 'postgres', dataDir: string): Promise<Persistence> {
  const databaseUrl = backend === 'postgres' ? await (postgres as TestPostgres).createDatabase() : '';
  return openPersistence(
    {
      storage: backend,
      databaseUrl,
      databasePoolMax: 4,
      dataDir,
      stateTtlHours: 24,
      directLineRetentionHours: 24,
    },
    logger,
  );
}

describe.each(['lowdb', 'postgres'] as const)('counting on %s', (backend) => {
  it('counts turns, fallbacks, CSAT per topic and an inquiry exactly', async () => {
    const dataDir = await tempDir();
    const persistence = await open(backend, dataDir);
    try {
      const member = (conversationId: string) =>
        createHarness(dataDir, { at, conversationId, services: { persistence, now: () => at } });

      // A: an answer, 「はい」, then a question the bot cannot answer (kept with the topic it followed).
      const a = await member('conv-a');
      let r = await a.say('ポイントサービスについて教えて');
      expect(r.at(-1)).toEqual({ text: 'お役に立ちましたか？', buttons: ['はい', 'いいえ'] });
      r = await a.say('はい');
      expect(joined(r)).toContain('ありがとうございます');
      await a.say('今日の東京の天気はどうですか');

      // B: the login how-to answered, then 「いいえ」: the menu and a person are offered.
      const b = await member('conv-b');
      await b.say('ログインのやり方を教えて');
      r = await b.say('カード番号');
      expect(lastButtons(r)).toEqual(['はい', 'いいえ']);
      r = await b.say('いいえ');
      expect(lastButtons(r)).toContain('担当者に問い合わせる');
      expect(lastButtons(r)).toContain('ログインできない');

      // C: payment is phone only: 「いいえ」 offers the menu, never a person.
      const c = await member('conv-c');
      r = await c.say('返済日を知りたい');
      expect(lastButtons(r)).toEqual(['はい', 'いいえ']);
      r = await c.say('いいえ');
      expect(lastButtons(r)).not.toContain('担当者に問い合わせる');
      expect(lastButtons(r).length).toBeGreaterThan(2);

      // D: nothing but misses.
      const d = await member('conv-d');
      await d.say('ほげほげぴよぴよ');
      await d.say('ふがふがもげもげ');

      // E: an inquiry filed (not contained); no CSAT after filing.
      const e = await member('conv-e');
      await e.say('担当者と話したい');
      await e.say('何度やってもログインできなくて困っています');
      r = await e.say('はい');
      expect(joined(r)).not.toContain('お役に立ちましたか');
      expect(await e.services.inquiries.list({})).toHaveLength(1);

      // A staff takeover (live chat) also takes a conversation out of "contained".
      a.services.metrics.recordTakeover('conv-d', at);

      const m = await persistence.metrics.summary(from, to);
      expect(m).toMatchObject({
        conversations: 5,
        contained: 3,
        handedOff: 2,
        fallbackOnly: 1,
        turns: 3 + 3 + 2 + 2 + 3,
        fallbackTurns: 3,
        csat: { positive: 1, negative: 2 },
      });
      expect(m.csatByTopic).toEqual([
        { topic: 'login.howto', positive: 0, negative: 1 },
        { topic: 'payment.inquiry', positive: 0, negative: 1 },
        { topic: 'service.points', positive: 1, negative: 0 },
      ]);
      expect(m.topics.find((t) => t.topic === 'service.points')?.count).toBe(2);
      expect(m.topics.find((t) => t.topic === 'none')?.count).toBe(3);
      expect(m.topics.find((t) => t.topic === 'handoff.human')?.count).toBe(3);
      expect(m.byHour[14]).toEqual({ hour: 14, conversations: 5, handedOff: 2 });
      expect(m.series).toEqual([
        {
          date: '2026-11-26',
          conversations: 5,
          contained: 3,
          handedOff: 2,
          fallbackTurns: 3,
          csatPositive: 1,
          csatNegative: 2,
        },
      ]);
      const weather = (await persistence.unanswered.list()).find((g) => g.examples[0]?.includes('天気'));
      expect(weather?.topic).toBe('service.points');
    } finally {
      await persistence.close();
    }
  }, 60_000);
});
