import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileForKey } from '../../../src/storage/keyedFile.js';
import { LowdbStorage } from '../../../src/storage/lowdbStorage.js';
import { fmt, type Summary, summarise, table, verdict } from './stats.js';

// Storage scaling: per-turn state read + write with LowdbStorage holding 1k vs 100k conversations.
// The stores are filled by writing the state files directly, in LowdbStorage's own format and layout
// (fileForKey), which is what 100k turns would have left behind, only faster.

export interface StorageBenchOptions {
  /** Folder for the stores (removed by the caller). */
  dir: string;
  small: number;
  large: number;
  /** Turns timed per store, split over `rounds` alternating rounds (small, large, large, small, …). */
  turns: number;
  rounds: number;
  log?: (line: string) => void;
}

export interface StorageSizeResult {
  conversations: number;
  populateSeconds: number;
  perTurn: Summary;
}

export interface StorageBenchResult {
  small: StorageSizeResult;
  large: StorageSizeResult;
  /**
   * Per-turn time, large / small: the median over the alternating rounds of (mean time per turn in the
   * large store / in the small store), so a burst of load from other processes in one round does not
   * decide the figure.
   */
  ratio: number;
  rounds: number;
}

const keyOf = (i: number) => `emulator/conversations/bench-store-${i}/`;

/** A conversation state document like the bot's after a few turns of the lost-card flow (~3 KB). */
function stateDocument(i: number, turn: number): Record<string, unknown> {
  const at = new Date(Date.UTC(2026, 10, 26, 9, 0, turn)).toISOString();
  return {
    session: {
      misses: 0,
      lastTopic: 'card.lost',
      transcript: [
        { from: 'member', text: 'カードの紛失・盗難', at },
        {
          from: 'bot',
          text: 'カードの紛失・盗難ですね。第三者に使われないよう、すぐに手続きしましょう。',
          at,
        },
        { from: 'bot', text: 'カードはなくしましたか、それとも盗まれましたか？', at },
        { from: 'member', text: `盗まれた (${i})`, at },
        { from: 'bot', text: 'いつごろ気づきましたか？（例：昨日の夜、今朝、3日前）', at },
      ],
    },
    dialogState: {
      dialogStack: [
        {
          id: 'lostCard',
          state: {
            dialogs: {
              dialogStack: [
                {
                  id: 'steps',
                  state: {
                    options: { topic: 'card.lost', text: 'カードの紛失・盗難' },
                    values: { instanceId: randomUUID(), kind: 'stolen' },
                    stepIndex: turn % 5,
                  },
                },
                {
                  id: 'question',
                  state: {
                    options: {
                      question: {
                        ja: 'いつごろ気づきましたか？（例：昨日の夜、今朝、3日前）わからなければ「わからない」で大丈夫です。',
                        en: 'When did you notice? (e.g. yesterday evening, this morning, 3 days ago) "Not sure" is fine too.',
                      },
                      choices: [
                        {
                          value: 'unknown',
                          label: { ja: 'わからない', en: 'Not sure' },
                          synonyms: [
                            'わからない',
                            '分からない',
                            '不明',
                            '覚えてない',
                            'not sure',
                            "don't know",
                          ],
                        },
                      ],
                      retryText: {
                        ja: 'すみません、お答えを読み取れませんでした。下のボタンから選ぶか、言い方を変えて入力してください。',
                        en: "Sorry, I couldn't read that answer. Please pick a button below or put it another way.",
                      },
                      freeText: true,
                    },
                    state: { tries: 0 },
                  },
                },
              ],
            },
          },
        },
      ],
    },
  };
}

/** Writes `count` state files the way LowdbStorage lays them out, `parallel` at a time. */
async function populate(dir: string, count: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 256 }, (_, i) =>
      mkdir(join(dir, i.toString(16).padStart(2, '0')), { recursive: true }),
    ),
  );
  const now = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const key = keyOf(i);
      const record = { key, eTag: randomUUID(), updatedAt: now, document: stateDocument(i, 0) };
      // lowdb's JSONFile writes JSON.stringify(data, null, 2).
      await writeFile(fileForKey(dir, key), JSON.stringify(record, null, 2));
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return (performance.now() - started) / 1000;
}

/** One turn's storage work, as ConversationState does it: read the key, then write it back with its eTag. */
async function turn(storage: LowdbStorage, key: string, n: number): Promise<number> {
  const started = performance.now();
  const items = await storage.read([key]);
  const eTag = (items[key] as { eTag?: string } | undefined)?.eTag;
  if (!eTag) throw new Error(`storage bench: ${key} missing`);
  await storage.write({ [key]: { ...stateDocument(n, n), eTag } });
  return performance.now() - started;
}

export async function runStorageBench(options: StorageBenchOptions): Promise<StorageBenchResult> {
  const log = options.log ?? (() => undefined);
  const sizes = [options.small, options.large];
  const dirs = sizes.map((n) => join(options.dir, `store-${n}`));
  const populateSeconds: number[] = [];
  for (const [i, n] of sizes.entries()) {
    log(`storage: writing ${n} conversations …`);
    populateSeconds.push(await populate(dirs[i]!, n));
  }
  // Start both measurements with the new files on disk, not queued for write-back.
  try {
    execFileSync('sync');
  } catch {
    // No sync(1): the page cache then flushes on its own.
  }

  const stores = dirs.map((dir) => new LowdbStorage({ dir, ttlMs: 7 * 24 * 60 * 60 * 1000 }));
  const times: number[][] = [[], []];
  // Deterministic pseudo-random keys (same sequence for both stores), spread over all stored conversations.
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const warmup = Math.min(200, options.turns);
  for (const [s, storage] of stores.entries()) {
    for (let t = 0; t < warmup; t++) await turn(storage, keyOf(Math.floor(random() * sizes[s]!)), t);
  }
  const perRound = Math.ceil(options.turns / options.rounds);
  const roundRatios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order so neither store always runs first.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const roundMean = [0, 0];
    for (const s of order) {
      let sum = 0;
      for (let t = 0; t < perRound; t++) {
        const ms = await turn(stores[s]!, keyOf(Math.floor(random() * sizes[s]!)), t);
        times[s]!.push(ms);
        sum += ms;
      }
      roundMean[s] = sum / perRound;
    }
    roundRatios.push(roundMean[1]! / roundMean[0]!);
  }
  await Promise.all(stores.map((s) => s.flush()));
  const [small, large] = sizes.map((conversations, s) => ({
    conversations,
    populateSeconds: populateSeconds[s]!,
    perTurn: summarise(times[s]!),
  }));
  return { small: small!, large: large!, ratio: summarise(roundRatios).p50, rounds: options.rounds };
}

/** The storage part of the report: a table and the PASS/FAIL line. */
export function storageReport(result: StorageBenchResult, target = 1.5): string[] {
  const row = (r: StorageSizeResult) => [
    `${r.conversations.toLocaleString('en-US')} conversations`,
    fmt(r.perTurn.mean, 3),
    fmt(r.perTurn.p50, 3),
    fmt(r.perTurn.p99, 3),
    String(r.perTurn.count),
    fmt(r.populateSeconds, 1),
  ];
  return [
    table(
      ['stored', 'mean ms/turn', 'p50 ms', 'p99 ms', 'turns', 'fill s'],
      [row(result.small), row(result.large)],
    ),
    '',
    `${verdict(result.ratio <= target)}  storage scaling: per-turn read+write ${fmt(result.large.perTurn.mean, 3)} ms at ${result.large.conversations.toLocaleString('en-US')} vs ${fmt(result.small.perTurn.mean, 3)} ms at ${result.small.conversations.toLocaleString('en-US')} conversations (mean), ratio ${fmt(result.ratio, 2)} (median of ${result.rounds} alternating rounds; target <= ${target})`,
  ];
}
