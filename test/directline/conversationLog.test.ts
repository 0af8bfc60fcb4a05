import { describe, expect, it } from 'vitest';
import {
  ConversationLog,
  ConversationNotFoundError,
  InvalidWatermarkError,
} from '../../src/directline/conversationLog.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ConversationLog', () => {
  it('assigns increasing ids and returns what follows a watermark', () => {
    const log = new ConversationLog();
    const c = log.create('u1');
    const a = log.append(c.id, { type: 'message', text: 'a' });
    const b = log.append(c.id, { type: 'message', text: 'b' });
    expect(a.id).toBe(`${c.id}|0000001`);
    expect(b.id).toBe(`${c.id}|0000002`);
    expect(log.list(c.id).activities.map((x) => x.text)).toEqual(['a', 'b']);
    expect(log.list(c.id, '1')).toEqual({
      activities: [expect.objectContaining({ text: 'b' })],
      watermark: '2',
    });
    expect(log.list(c.id, '2')).toEqual({ activities: [], watermark: '2' });
    expect(() => log.list(c.id, '-1')).toThrow(InvalidWatermarkError);
    expect(() => log.list('nope')).toThrow(ConversationNotFoundError);
  });

  it('stores its own copy: what the sender changes afterwards does not reach the transcript', () => {
    const log = new ConversationLog();
    const c = log.create('u1');
    const sent = { type: 'message', text: 'original', from: { id: 'u1' } };
    log.append(c.id, sent);
    sent.text = 'changed';
    sent.from.id = 'someone else';
    expect(log.list(c.id).activities[0]).toMatchObject({ text: 'original', from: { id: 'u1' } });
  });

  it('stores copies: later changes by the caller do not leak into the transcript', () => {
    const log = new ConversationLog();
    const c = log.create();
    const activity = { type: 'message', text: 'original', timestamp: new Date(0) };
    log.append(c.id, activity);
    activity.text = 'changed';
    const [stored] = log.list(c.id).activities;
    expect(stored?.text).toBe('original');
    expect(stored?.timestamp).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps at most maxActivitiesPerConversation, dropping the oldest', () => {
    const log = new ConversationLog({ maxActivitiesPerConversation: 3 });
    const c = log.create();
    for (let i = 1; i <= 5; i++) log.append(c.id, { type: 'message', text: String(i) });
    const { activities, watermark } = log.list(c.id);
    expect(activities.map((a) => a.text)).toEqual(['3', '4', '5']);
    expect(watermark).toBe('5');
  });

  it('evicts the least recently used conversation when full, and idle ones after the TTL', () => {
    const time = clock();
    const log = new ConversationLog({ maxConversations: 2, idleTtlMs: 60_000, now: time.now });
    const a = log.create();
    time.advance(1);
    const b = log.create();
    time.advance(1);
    log.get(a.id); // a is now more recent than b
    const c = log.create();
    expect(log.has(a.id)).toBe(true);
    expect(log.has(b.id)).toBe(false);
    expect(log.has(c.id)).toBe(true);
    expect(log.size).toBe(2);

    time.advance(60_001);
    expect(log.has(a.id)).toBe(false);
    log.create();
    expect(log.size).toBe(1);
  });

  it('drops ephemeral entries (typing) after their lifetime; the watermark moves past them', () => {
    const time = clock();
    const log = new ConversationLog({ now: time.now });
    const c = log.create();
    log.append(c.id, { type: 'typing' }, { ephemeralMs: 1000 });
    log.append(c.id, { type: 'message', text: 'hi' });
    expect(log.list(c.id).activities.map((a) => a.type)).toEqual(['typing', 'message']);
    time.advance(1001);
    expect(log.list(c.id)).toEqual({ activities: [expect.objectContaining({ text: 'hi' })], watermark: '2' });
  });

  it('replace moves the new version past the watermark; remove hides it from new readers', () => {
    const log = new ConversationLog();
    const c = log.create();
    const a = log.append(c.id, { type: 'message', text: 'v1' });
    const seen = log.list(c.id).watermark;
    log.replace(c.id, a.id, { type: 'message', text: 'v2' });
    expect(log.list(c.id, seen).activities).toEqual([expect.objectContaining({ id: a.id, text: 'v2' })]);
    expect(log.list(c.id).activities).toHaveLength(1);
    expect(log.remove(c.id, a.id)).toBe(true);
    expect(log.list(c.id).activities).toEqual([]);
  });

  it('markStarted is true only the first time', () => {
    const log = new ConversationLog();
    const c = log.create();
    expect(log.markStarted(c.id)).toBe(true);
    expect(log.markStarted(c.id)).toBe(false);
  });
  it('tells subscribers about each append (with its watermark) and once when the conversation ends', () => {
    const c0 = clock();
    const log = new ConversationLog({ idleTtlMs: 1000, now: c0.now, maxConversations: 2 });
    const c = log.create('u1');
    log.append(c.id, { type: 'message', text: 'before' });
    const events: unknown[] = [];
    const unsubscribe = log.subscribe(c.id, (e) => events.push(e));
    log.append(c.id, { type: 'message', text: 'a' });
    log.append(c.id, { type: 'typing' }, { ephemeralMs: 10 });
    expect(events).toEqual([
      { type: 'activity', activity: expect.objectContaining({ text: 'a' }), watermark: '2' },
      { type: 'activity', activity: expect.objectContaining({ type: 'typing' }), watermark: '3' },
    ]);
    // A subscriber that throws does not fail the writer.
    log.subscribe(c.id, () => {
      throw new Error('socket gone');
    });
    expect(() => log.append(c.id, { type: 'message', text: 'b' })).not.toThrow();
    unsubscribe();
    log.append(c.id, { type: 'message', text: 'c' });
    expect(events).toHaveLength(3);

    // Ended: deleted, evicted for room, or idle.
    const ended: string[] = [];
    const d = log.create('u2');
    log.subscribe(d.id, (e) => ended.push(`d:${e.type}`));
    log.subscribe(c.id, (e) => ended.push(`c:${e.type}`));
    log.create('u3'); // maxConversations 2: the least recently used (c) makes room
    expect(ended).toEqual(['c:ended']);
    c0.advance(2000);
    expect(log.peek(d.id)).toBeUndefined();
    expect(ended).toEqual(['c:ended', 'd:ended']);
    expect(() => log.subscribe(d.id, () => undefined)).toThrow(ConversationNotFoundError);
  });
});
