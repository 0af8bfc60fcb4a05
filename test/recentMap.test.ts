import { describe, expect, it } from 'vitest';
import { RecentMap } from '../src/recentMap.js';

describe('RecentMap', () => {
  it('keeps only the keys set most recently, up to its limit', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1).set('b', 2).set('c', 3);
    expect(m.size).toBe(2);
    expect(m.has('a')).toBe(false);
    expect([m.get('b'), m.get('c')]).toEqual([2, 3]);
  });

  it('setting a key again makes it the newest; reading it does not', () => {
    const m = new RecentMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    m.set('a', 10);
    m.set('c', 3);
    expect(m.has('b')).toBe(false);
    expect(m.get('a')).toBe(10);
    m.get('a');
    m.set('d', 4);
    expect(m.has('a')).toBe(false);
    expect(m.has('c') && m.has('d')).toBe(true);
  });

  it('keeps an undefined value apart from a missing key, and forgets a deleted one', () => {
    const m = new RecentMap<string, boolean | undefined>(3);
    m.set('x', undefined);
    expect(m.has('x')).toBe(true);
    expect(m.delete('x')).toBe(true);
    expect(m.has('x')).toBe(false);
    expect(() => new RecentMap(0)).toThrow();
  });
});
