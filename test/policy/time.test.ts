import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/policy/clock.js';
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
  const fallback = new Date('2026-01-01T00:00:00Z');

  it('uses the activity timestamp (Date or ISO string)', () => {
    expect(instantOf({ timestamp: new Date('2026-11-26T12:00:00Z') }, fallback).toISOString()).toBe(
      '2026-11-26T12:00:00.000Z',
    );
    expect(instantOf({ timestamp: '2026-11-26T21:00:00+09:00' }, fallback).toISOString()).toBe(
      '2026-11-26T12:00:00.000Z',
    );
  });

  it('falls back when the timestamp is missing or invalid', () => {
    expect(instantOf({}, fallback)).toEqual(fallback);
    expect(instantOf({ timestamp: 'not a date' }, fallback)).toEqual(fallback);
    expect(instantOf({ timestamp: new Date(Number.NaN) }, fallback)).toEqual(fallback);
    expect(instantOf(undefined, fallback)).toEqual(fallback);
  });

  it('falls back to the server clock without a fallback', () => {
    const before = Date.now();
    const t = instantOf({}).getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('returns a copy, not the activity’s Date', () => {
    const ts = new Date('2026-11-26T12:00:00Z');
    const got = instantOf({ timestamp: ts });
    expect(got).toEqual(ts);
    expect(got).not.toBe(ts);
  });
});
