import { setTimeout as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectStartupGarbage } from '../src/heapGrowth.js';

describe('collectStartupGarbage', () => {
  it('runs a full collection: start-up garbage no one holds is gone afterwards', async () => {
    const garbage = (() => new WeakRef({ model: new Array(100_000).fill('training data') }))();
    await tick(0); // a WeakRef keeps its target for the rest of the job that made it
    collectStartupGarbage();
    await tick(0);
    expect(garbage.deref()).toBeUndefined();
  });

  it('leaves what is still held', async () => {
    const held = { model: new Array(1_000).fill('live') };
    const ref = new WeakRef(held);
    await tick(0);
    collectStartupGarbage();
    await tick(0);
    expect(ref.deref()).toBe(held);
  });

  it('does not put gc() on the global object for the rest of the process', () => {
    collectStartupGarbage();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
