import { describe, expect, it } from 'vitest';
import { median, pairedRatio } from '../../scripts/bench/lib/stats.js';

describe('bench figures', () => {
  it('median: the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('pairedRatio: each round compared with its own pair, one disturbed round does not move the verdict', () => {
    // Round 3 ran while the machine was busy for ours only: the sum of rounds would read 0.83.
    const ours = [200, 300, 100, 250, 220];
    const ref = [200, 300, 200, 250, 220];
    const paired = pairedRatio(ours, ref);
    expect(paired.rounds).toEqual([1, 1, 0.5, 1, 1]);
    expect(paired.median).toBe(1);
  });

  it('pairedRatio refuses rounds that do not pair up', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/same rounds/);
  });
});
