import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileMetricsStore } from '../../src/persistence/lowdb/metrics.js';
import type { MetricEvent } from '../../src/persistence/types.js';
import { useTempDirs } from '../support/tempDir.js';

// The embedded counters file: a JSON line per event, appended (never rewritten) as turns happen.

const tempDir = useTempDirs();
const from = new Date('2026-11-25T15:00:00.000Z');
const to = new Date('2026-11-27T15:00:00.000Z');
const turn = (conversationId: string, at: string): MetricEvent => ({
  conversationId,
  at,
  kind: 'turn',
  topic: 'card.lost',
  lang: 'ja',
  channel: 'webchat',
});

async function lines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('metrics on the embedded backend', () => {
  it('appends each flush’s new events to what the file holds, and reads them back after a reopen', async () => {
    const file = join(await tempDir(), 'metrics.jsonl');
    const store = await FileMetricsStore.open(file, { debounceMs: 60_000 });
    store.record(turn('c1', '2026-11-26T00:30:00.000Z'));
    await store.flush();
    const first = await readFile(file, 'utf8');
    store.record(turn('c2', '2026-11-26T01:30:00.000Z'));
    store.record(turn('c2', '2026-11-26T01:31:00.000Z'));
    await store.flush();
    const after = await readFile(file, 'utf8');
    expect(after.startsWith(first)).toBe(true);
    expect(await lines(file)).toHaveLength(3);

    const again = await FileMetricsStore.open(file);
    expect((await again.summary(from, to)).conversations).toBe(2);
    expect((await again.summary(from, to)).turns).toBe(3);
  });

  it('skips a line cut short by a crash and keeps the rest', async () => {
    const file = join(await tempDir(), 'metrics.jsonl');
    const whole = JSON.stringify(turn('c1', '2026-11-26T00:30:00.000Z'));
    await writeFile(file, `${whole}\n{"conversationId":"c2","at":"2026-11-2`);
    const warnings: object[] = [];
    const store = await FileMetricsStore.open(file, { logger: { warn: (o) => warnings.push(o) } });
    expect((await store.summary(from, to)).conversations).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ skipped: 1 })]);
    // The next append starts on a line of its own.
    store.record(turn('c3', '2026-11-26T02:00:00.000Z'));
    await store.flush();
    expect((await (await FileMetricsStore.open(file)).summary(from, to)).conversations).toBe(2);
  });

  it('carries the counters of the older metrics.json over, then removes it', async () => {
    const dir = await tempDir();
    const legacy = join(dir, 'metrics.json');
    await writeFile(
      legacy,
      JSON.stringify({ version: 1, events: [turn('old1', '2026-11-26T00:30:00.000Z')] }, null, 2),
    );
    const store = await FileMetricsStore.open(join(dir, 'metrics.jsonl'));
    expect((await store.summary(from, to)).conversations).toBe(1);
    await expect(readFile(legacy)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await lines(join(dir, 'metrics.jsonl'))).toEqual([
      expect.objectContaining({ conversationId: 'old1' }),
    ]);
  });

  it('rewrites the file without the swept events and keeps an event recorded meanwhile', async () => {
    const file = join(await tempDir(), 'metrics.jsonl');
    const store = await FileMetricsStore.open(file, { debounceMs: 60_000 });
    store.record(turn('old', '2026-01-01T00:00:00.000Z'));
    store.record(turn('c1', '2026-11-26T00:30:00.000Z'));
    await store.flush();
    const sweeping = store.sweepBefore(new Date('2026-06-01T00:00:00.000Z'));
    store.record(turn('c2', '2026-11-26T02:00:00.000Z'));
    expect(await sweeping).toBe(1);
    await store.flush();
    expect((await lines(file)).map((e) => (e as MetricEvent).conversationId)).toEqual(['c1', 'c2']);
  });
});
