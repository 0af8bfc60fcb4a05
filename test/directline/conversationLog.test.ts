import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError, InvalidWatermarkError } from '../../src/directline/conversationLog.js';
import { FileDirectLineLog } from '../../src/persistence/lowdb/directLineLog.js';
import { useTempDirs } from '../support/tempDir.js';

// The embedded Direct Line log's own behaviour; what every backend shares is in test/persistence.

const tempDir = useTempDirs();

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function openLog(
  options: { maxActivitiesPerConversation?: number; now?: () => number; dir?: string } = {},
) {
  return FileDirectLineLog.open({ dir: options.dir ?? (await tempDir()), retentionMs: 60_000, ...options });
}

describe('FileDirectLineLog', () => {
  it('assigns increasing ids and returns what follows a watermark', async () => {
    const log = await openLog();
    const c = await log.create();
    const a = await log.append(c.id, { type: 'message', text: 'a' });
    const b = await log.append(c.id, { type: 'message', text: 'b' });
    expect(a.id).toBe(`${c.id}|0000001`);
    expect(b.id).toBe(`${c.id}|0000002`);
    expect((await log.list(c.id)).activities.map((x) => x.text)).toEqual(['a', 'b']);
    expect(await log.list(c.id, '1')).toEqual({
      activities: [expect.objectContaining({ text: 'b' })],
      watermark: '2',
    });
    expect(await log.list(c.id, '2')).toEqual({ activities: [], watermark: '2' });
    await expect(log.list(c.id, '-1')).rejects.toBeInstanceOf(InvalidWatermarkError);
    await expect(log.list('nope')).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('stores copies: later changes by the caller do not leak into the transcript', async () => {
    const log = await openLog();
    const c = await log.create();
    const activity = { type: 'message', text: 'original', timestamp: new Date(0), from: { id: 'u1' } };
    await log.append(c.id, activity);
    activity.text = 'changed';
    activity.from.id = 'someone else';
    const [stored] = (await log.list(c.id)).activities;
    expect(stored).toMatchObject({
      text: 'original',
      from: { id: 'u1' },
      timestamp: '1970-01-01T00:00:00.000Z',
    });
  });

  it('writes each transcript as one JSON document of its activities, and a restart reads it back', async () => {
    const dir = await tempDir();
    const time = clock();
    const log = await openLog({ dir, now: time.now });
    const c = await log.create();
    await log.markStarted(c.id);
    await log.append(c.id, {
      type: 'message',
      text: '「こんにちは」\n"quoted"',
      suggestedActions: { actions: [] },
    });
    await log.append(c.id, { type: 'typing' }, { ephemeralMs: 30_000 });
    await log.flush();
    const [shard] = await readdir(dir);
    const [name] = await readdir(join(dir, shard!));
    const onDisk = JSON.parse(await readFile(join(dir, shard!, name!), 'utf8'));
    expect(onDisk).toMatchObject({
      id: c.id,
      userId: c.userId,
      started: true,
      nextSeq: 3,
      entries: [
        { seq: 1, activity: { id: `${c.id}|0000001`, text: '「こんにちは」\n"quoted"' } },
        { seq: 2, activity: { type: 'typing' }, expiresAt: 1_000_000 + 30_000 },
      ],
    });
    const reopened = await openLog({ dir, now: time.now });
    expect(await reopened.get(c.id)).toMatchObject({ id: c.id, userId: c.userId, started: true });
    const { activities, watermark } = await reopened.list(c.id);
    expect(activities.map((a) => a.type)).toEqual(['message', 'typing']);
    expect(watermark).toBe('2');
    const next = await reopened.append(c.id, { type: 'message', text: 'after the restart' });
    expect(next.id).toBe(`${c.id}|0000003`);
    expect(await reopened.remove(c.id, `${c.id}|0000001`)).toBe(true);
    expect((await reopened.list(c.id)).activities.map((a) => a.text ?? a.type)).toEqual([
      'typing',
      'after the restart',
    ]);
  });

  it('keeps at most maxActivitiesPerConversation, dropping the oldest', async () => {
    const log = await openLog({ maxActivitiesPerConversation: 3 });
    const c = await log.create();
    for (let i = 1; i <= 5; i++) await log.append(c.id, { type: 'message', text: String(i) });
    const { activities, watermark } = await log.list(c.id);
    expect(activities.map((a) => a.text)).toEqual(['3', '4', '5']);
    expect(watermark).toBe('5');
  });

  it('keeps one file per conversation, and only while it is kept', async () => {
    const time = clock();
    const dir = await tempDir();
    const log = await openLog({ dir, now: time.now });
    const c = await log.create();
    await log.append(c.id, { type: 'message', text: 'kept' });
    const files = async () =>
      (await Promise.all((await readdir(dir)).map(async (s) => readdir(join(dir, s))))).flat().length;
    expect(await files()).toBe(1);
    time.advance(60_001);
    expect(await log.sweepExpired()).toBe(1);
    expect(await files()).toBe(0);
  });

  it('tells subscribers about each append (with its watermark) and once when the conversation ends', async () => {
    const log = await openLog();
    const c = await log.create();
    await log.append(c.id, { type: 'message', text: 'before' });
    const events: unknown[] = [];
    const unsubscribe = log.subscribe(c.id, (e) => events.push(e));
    await log.append(c.id, { type: 'message', text: 'a' });
    await log.append(c.id, { type: 'typing' }, { ephemeralMs: 10 });
    expect(events).toEqual([
      { type: 'activity', activity: expect.objectContaining({ text: 'a' }), watermark: '2' },
      { type: 'activity', activity: expect.objectContaining({ type: 'typing' }), watermark: '3' },
    ]);
    // A subscriber that throws does not fail the writer.
    log.subscribe(c.id, () => {
      throw new Error('socket gone');
    });
    await expect(log.append(c.id, { type: 'message', text: 'b' })).resolves.toBeDefined();
    unsubscribe();
    await log.append(c.id, { type: 'message', text: 'c' });
    expect(events).toHaveLength(3);

    const ended: string[] = [];
    log.subscribe(c.id, (e) => ended.push(e.type));
    await log.end(c.id);
    expect(ended).toEqual(['ended']);
    expect(await log.get(c.id)).toBeUndefined();
  });
});
