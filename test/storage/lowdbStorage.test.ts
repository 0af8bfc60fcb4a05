import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileForKey } from '../../src/storage/keyedFile.js';
import { LowdbStorage } from '../../src/storage/lowdbStorage.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

describe('LowdbStorage (botbuilder Storage contract)', () => {
  it('reads back what was written, with a new eTag, and only the keys that exist', async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    await storage.write({ a: { count: 1 }, b: { nested: { list: [1, 2] } } });
    const items = await storage.read(['a', 'b', 'missing']);
    expect(Object.keys(items).sort()).toEqual(['a', 'b']);
    expect(items.a).toMatchObject({ count: 1 });
    expect(items.b).toMatchObject({ nested: { list: [1, 2] } });
    expect(typeof items.a?.eTag).toBe('string');
    expect(items.a?.eTag).not.toBe(items.b?.eTag);
  });

  it('deletes keys, and deleting a missing key is not an error', async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    await storage.write({ a: { v: 1 } });
    await storage.delete(['a', 'never-written']);
    expect(await storage.read(['a'])).toEqual({});
  });

  it("overwrites with eTag '*' or no eTag, accepts the current eTag, refuses a stale one", async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    await storage.write({ k: { v: 1 } });
    const first = (await storage.read(['k'])).k!;
    await storage.write({ k: { v: 2, eTag: first.eTag } });
    const second = (await storage.read(['k'])).k!;
    expect(second.v).toBe(2);
    expect(second.eTag).not.toBe(first.eTag);

    await expect(storage.write({ k: { v: 3, eTag: first.eTag } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['k'])).k?.v).toBe(2);

    await storage.write({ k: { v: 4, eTag: '*' } });
    await storage.write({ k: { v: 5 } });
    expect((await storage.read(['k'])).k?.v).toBe(5);
  });

  it('lets exactly one of two concurrent writers with the same eTag win', async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    await storage.write({ k: { owner: 'none' } });
    const { eTag } = (await storage.read(['k'])).k!;
    const results = await Promise.allSettled([
      storage.write({ k: { owner: 'first', eTag } }),
      storage.write({ k: { owner: 'second', eTag } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const winner = results[0]!.status === 'fulfilled' ? 'first' : 'second';
    expect((await storage.read(['k'])).k?.owner).toBe(winner);
  });

  it('keeps every update when many writers use eTag "*" at once', async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    await Promise.all(Array.from({ length: 50 }, (_, i) => storage.write({ [`key-${i}`]: { i } })));
    const items = await storage.read(Array.from({ length: 50 }, (_, i) => `key-${i}`));
    expect(Object.keys(items)).toHaveLength(50);
  });

  it('survives a restart: a new instance on the same folder reads the same data from disk', async () => {
    const dir = await tempDir();
    const before = new LowdbStorage({ dir });
    await before.write({ 'emulator/conversations/c1': { dialogState: { step: 2 } } });
    await before.flush();
    const after = new LowdbStorage({ dir });
    const items = await after.read(['emulator/conversations/c1']);
    expect(items['emulator/conversations/c1']).toMatchObject({ dialogState: { step: 2 } });
    // The data really is on disk, as JSON, one file per key.
    const onDisk = JSON.parse(await readFile(fileForKey(dir, 'emulator/conversations/c1'), 'utf8'));
    expect(onDisk.document).toEqual({ dialogState: { step: 2 } });
  });

  it('writes one small file per key, so a write does not rewrite other conversations', async () => {
    const dir = await tempDir();
    const storage = new LowdbStorage({ dir });
    await storage.write({ a: { v: 1 }, b: { v: 2 }, c: { v: 3 } });
    const shards = await readdir(dir);
    const files = (await Promise.all(shards.map((s) => readdir(join(dir, s))))).flat();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
  });

  it('treats idle items older than the TTL as absent and sweeps them from disk', async () => {
    const dir = await tempDir();
    let now = 1_000_000;
    const storage = new LowdbStorage({ dir, ttlMs: 60_000, now: () => now });
    await storage.write({ old: { v: 1 }, fresh: { v: 2 } });
    now += 30_000;
    await storage.write({ fresh: { v: 3 } });
    now += 40_000; // old: 70 s idle, fresh: 40 s idle
    expect(Object.keys(await storage.read(['old', 'fresh']))).toEqual(['fresh']);
    now += 30_000; // fresh: 70 s idle
    expect(await storage.sweepExpired()).toBe(1);
    const shards = await readdir(dir);
    const files = (await Promise.all(shards.map((s) => readdir(join(dir, s))))).flat();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(0);
  });

  it('sets a damaged file aside on start-up instead of failing every later turn', async () => {
    const dir = await tempDir();
    await new LowdbStorage({ dir }).write({ k: { v: 1 } });
    await writeFile(fileForKey(dir, 'k'), '{"key":"k","eTag":', 'utf8');
    const restarted = new LowdbStorage({ dir });
    expect(await restarted.read(['k'])).toEqual({});
    await restarted.write({ k: { v: 2 } });
    expect((await restarted.read(['k'])).k?.v).toBe(2);
    const names = await readdir(dirname(fileForKey(dir, 'k')));
    expect(names.some((n) => n.includes('.corrupt-'))).toBe(true);
  });

  it('keeps its own copy: changing an object after writing or reading it changes nothing stored', async () => {
    const storage = new LowdbStorage({ dir: await tempDir() });
    const state = { list: [1] };
    await storage.write({ k: state });
    state.list.push(2);
    const first = (await storage.read(['k'])).k as { list: number[] };
    expect(first.list).toEqual([1]);
    first.list.push(3);
    expect(((await storage.read(['k'])).k as { list: number[] }).list).toEqual([1]);
  });

  it('serves an active conversation from memory and the same data with the cache off', async () => {
    const dir = await tempDir();
    const cached = new LowdbStorage({ dir });
    const uncached = new LowdbStorage({ dir, cacheSize: 0 });
    await cached.write({ k: { v: 1 } });
    expect((await uncached.read(['k'])).k?.v).toBe(1);
    await uncached.write({ k: { v: 2 } });
    expect((await new LowdbStorage({ dir }).read(['k'])).k?.v).toBe(2);
  });

  describe('the in-memory cache (single owner of DATA_DIR)', () => {
    it('serves a second read from memory: a file deleted behind its back is still read (by design)', async () => {
      // The process owns DATA_DIR: nobody else changes its files, so the cache is never re-checked
      // against the disk. Deleting a file behind the storage's back is exactly what must NOT be done;
      // here it proves the second read did not touch the disk.
      const dir = await tempDir();
      const writer = new LowdbStorage({ dir });
      await writer.write({ k: { v: 1 } });
      const storage = new LowdbStorage({ dir });
      expect((await storage.read(['k'])).k?.v).toBe(1); // from disk, now cached
      await rm(fileForKey(dir, 'k'));
      expect((await storage.read(['k'])).k?.v).toBe(1); // from memory
      // With the cache off, every read goes to the disk.
      expect(await new LowdbStorage({ dir, cacheSize: 0 }).read(['k'])).toEqual({});
    });

    it('applies the TTL to a cached record and removes its file', async () => {
      const dir = await tempDir();
      let now = 1_000_000;
      const storage = new LowdbStorage({ dir, ttlMs: 60_000, now: () => now });
      await storage.write({ k: { v: 1 } });
      now += 59_000;
      expect((await storage.read(['k'])).k?.v).toBe(1);
      now += 2_000; // 61 s since the write (reads do not refresh it)
      expect(await storage.read(['k'])).toEqual({});
      await expect(readFile(fileForKey(dir, 'k'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('reads nothing after a delete, from memory or disk', async () => {
      const dir = await tempDir();
      const storage = new LowdbStorage({ dir });
      await storage.write({ k: { v: 1 } });
      expect((await storage.read(['k'])).k?.v).toBe(1);
      await storage.delete(['k']);
      expect(await storage.read(['k'])).toEqual({});
      expect(await new LowdbStorage({ dir }).read(['k'])).toEqual({});
      await storage.write({ k: { v: 2 } });
      expect((await storage.read(['k'])).k?.v).toBe(2);
    });

    it('a sweep does not move swept keys up in the cache (active ones stay cached)', async () => {
      const dir = await tempDir();
      let now = 1_000_000;
      const storage = new LowdbStorage({ dir, ttlMs: 60_000, now: () => now, cacheSize: 2 });
      await storage.write({ old: { v: 1 } });
      now += 50_000;
      await storage.write({ active: { v: 2 } }); // cache, least recent first: old, active
      now += 20_000; // old: 70 s idle (expired), active: 20 s
      expect(await storage.sweepExpired()).toBe(1);
      await storage.write({ other: { v: 3 } }); // one more key: must not push out `active`
      await rm(fileForKey(dir, 'active'));
      expect((await storage.read(['active'])).active?.v).toBe(2); // still served from memory
    });
  });

  it('sweeps set-aside damaged files and leftover temp files once older than the TTL (by mtime)', async () => {
    const dir = await tempDir();
    const storage = new LowdbStorage({ dir, ttlMs: 60 * 60 * 1000 });
    await storage.write({ k: { v: 1 }, keep: { v: 2 } });
    const shard = dirname(fileForKey(dir, 'k'));
    const oldCorrupt = join(shard, 'abc.json.corrupt-1');
    const oldTmp = join(shard, '.abc.json.tmp');
    const newCorrupt = join(shard, 'def.json.corrupt-2');
    const newTmp = join(shard, '.def.json.tmp');
    for (const f of [oldCorrupt, oldTmp, newCorrupt, newTmp]) await writeFile(f, '{', 'utf8');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    for (const f of [oldCorrupt, oldTmp]) await utimes(f, twoHoursAgo, twoHoursAgo);
    expect(await storage.sweepExpired()).toBe(0);
    const left = await readdir(shard);
    expect(left).not.toContain('abc.json.corrupt-1');
    expect(left).not.toContain('.abc.json.tmp');
    expect(left).toContain('def.json.corrupt-2');
    expect(left).toContain('.def.json.tmp');
    expect((await storage.read(['k', 'keep'])).keep?.v).toBe(2);
  });
});

describe('LowdbStorage quarantine', () => {
  it('quarantine(key) sets the file aside as .corrupt-*; the key then reads as absent', async () => {
    const dir = await tempDir();
    const storage = new LowdbStorage({ dir, now: () => 1_700_000_000_000 });
    await storage.write({ k: { v: 1 } });
    await storage.quarantine('k');
    expect(await storage.read(['k'])).toEqual({});
    const file = fileForKey(dir, 'k');
    const aside = await readdir(dirname(file));
    expect(aside).toContain(`${file.split('/').pop()}.corrupt-1700000000000`);
    // Quarantining a key that has no file is not an error.
    await expect(storage.quarantine('never-written')).resolves.toBeUndefined();
  });

  it('sets aside a file that parses but is not a state record (a hand edit, another program)', async () => {
    const dir = await tempDir();
    const warnings: object[] = [];
    const storage = new LowdbStorage({ dir, cacheSize: 0, logger: { warn: (o) => warnings.push(o) } });
    for (const content of ['[1,2]', '"text"', '{"key":"k","eTag":"e","updatedAt":1,"document":"oops"}']) {
      await storage.write({ k: { v: 1 } });
      await writeFile(fileForKey(dir, 'k'), content);
      expect(await storage.read(['k']), content).toEqual({});
    }
    expect(warnings).toHaveLength(3);
    const names = await readdir(dirname(fileForKey(dir, 'k')));
    expect(names.filter((n) => n.includes('.corrupt-')).length).toBeGreaterThanOrEqual(1);
  });
});
