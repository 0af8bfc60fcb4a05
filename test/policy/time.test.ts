import { describe, expect, it } from 'vitest';
import { instantOf, MAX_TIMESTAMP_SKEW_MS } from '../../src/policy/clock.js';
import { formatJst, formatJstFrom, jstInstant, jstParts } from '../../src/policy/tokyoTime.js';

describe('Tokyo time helpers', () => {
  it('formats in JST in both languages', () => {
    const d = new Date('2026-11-27T00:00:00Z'); // 9:00 JST, Friday
    expect(formatJst(d, 'ja')).toBe('11月27日(金) 9:00');
    expect(formatJst(d, 'en')).toBe('Fri 27 Nov 9:00 JST');
    expect(formatJst(new Date('2026-01-01T14:59:00Z'), 'ja')).toBe('1月1日(木) 23:59');
  });

  it('says today / tomorrow relative to the Tokyo day of `from`', () => {
    const from = new Date('2026-11-26T23:30:00+09:00');
    expect(formatJstFrom(new Date('2026-11-26T23:45:00+09:00'), from, 'ja')).toBe('今日 23:45');
    expect(formatJstFrom(new Date('2026-11-27T09:00:00+09:00'), from, 'ja')).toBe('明日 11月27日(金) 9:00');
    expect(formatJstFrom(new Date('2026-11-27T09:00:00+09:00'), from, 'en')).toBe(
      'tomorrow (Fri 27 Nov) 9:00 JST',
    );
    expect(formatJstFrom(new Date('2026-11-30T09:00:00+09:00'), from, 'en')).toBe('Mon 30 Nov 9:00 JST');
    // 00:30 JST is still "yesterday" in UTC; the Tokyo date decides.
    expect(formatJstFrom(new Date('2026-11-27T00:30:00+09:00'), from, 'ja')).toBe('明日 11月27日(金) 0:30');
  });

  it('converts between instants and Tokyo wall clock', () => {
    expect(jstInstant(2026, 11, 27, 9, 0).toISOString()).toBe('2026-11-27T00:00:00.000Z');
    expect(jstParts(new Date('2026-11-26T15:00:00Z'))).toMatchObject({
      dateKey: '2026-11-27',
      weekday: 5,
      minuteOfDay: 0,
    });
  });
});

describe('instantOf(activity)', () => {
  const server = new Date('2026-11-26T12:00:00Z');

  it('uses the activity timestamp (Date or ISO string) when it is near the server clock', () => {
    expect(instantOf({ timestamp: new Date('2026-11-26T12:05:00Z') }, server).toISOString()).toBe(
      '2026-11-26T12:05:00.000Z',
    );
    expect(instantOf({ timestamp: '2026-11-26T20:50:00+09:00' }, server).toISOString()).toBe(
      '2026-11-26T11:50:00.000Z',
    );
  });

  it('trusts a timestamp up to MAX_TIMESTAMP_SKEW_MS (15 min) either way, not a millisecond more', () => {
    expect(MAX_TIMESTAMP_SKEW_MS).toBe(15 * 60 * 1000);
    const at = (ms: number) => ({ timestamp: new Date(server.getTime() + ms) });
    expect(instantOf(at(MAX_TIMESTAMP_SKEW_MS), server).getTime()).toBe(
      server.getTime() + MAX_TIMESTAMP_SKEW_MS,
    );
    expect(instantOf(at(-MAX_TIMESTAMP_SKEW_MS), server).getTime()).toBe(
      server.getTime() - MAX_TIMESTAMP_SKEW_MS,
    );
    expect(instantOf(at(MAX_TIMESTAMP_SKEW_MS + 1), server)).toEqual(server);
    expect(instantOf(at(-MAX_TIMESTAMP_SKEW_MS - 1), server)).toEqual(server);
  });

  it('ignores a client-chosen timestamp far from the server clock (old, far future, extreme years)', () => {
    for (const timestamp of [
      '1999-01-01T00:00:00Z',
      '2026-11-27T12:00:00Z',
      '+010000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '-000001-01-01T00:00:00Z',
    ]) {
      const got = instantOf({ timestamp }, server);
      expect(got).toEqual(server);
      expect(() => got.toISOString()).not.toThrow();
    }
  });

  it('falls back to the server clock when the timestamp is missing or invalid', () => {
    expect(instantOf({}, server)).toEqual(server);
    expect(instantOf({ timestamp: 'not a date' }, server)).toEqual(server);
    expect(instantOf({ timestamp: new Date(Number.NaN) }, server)).toEqual(server);
    expect(instantOf(undefined, server)).toEqual(server);
  });

  it('uses the real clock without an injected one', () => {
    const before = Date.now();
    const t = instantOf({}).getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    const recent = new Date(Date.now() - 60_000);
    expect(instantOf({ timestamp: recent })).toEqual(recent);
    expect(instantOf({ timestamp: '1999-01-01T00:00:00Z' }).getFullYear()).toBeGreaterThan(2000);
  });

  it('returns a copy, not the activity’s or the server clock’s Date', () => {
    const ts = new Date('2026-11-26T12:00:30Z');
    const got = instantOf({ timestamp: ts }, server);
    expect(got).toEqual(ts);
    expect(got).not.toBe(ts);
    expect(instantOf({}, server)).not.toBe(server);
  });
});
