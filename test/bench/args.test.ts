import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../scripts/bench/lib/args.js';

describe('bench options', () => {
  it('--fresh: every run on new server processes, with the time limit to match', () => {
    const plain = parseBenchArgs([]);
    const fresh = parseBenchArgs(['--fresh']);
    expect(plain.fresh).toBe(false);
    expect(fresh.fresh).toBe(true);
    expect(fresh.timeLimitMs).toBe(2 * plain.timeLimitMs);
  });

  it('--fresh with --cpu-prof is refused: each new process would overwrite the last profile', () => {
    expect(() => parseBenchArgs(['--fresh', '--cpu-prof'])).toThrow(/--fresh.*--cpu-prof/);
  });

  it('refuses numbers out of range and unknown choices, naming the option', () => {
    expect(() => parseBenchArgs(['--rounds', '0'])).toThrow(/--rounds/);
    expect(() => parseBenchArgs(['--storage', 'redis'])).toThrow(/--storage/);
    expect(() => parseBenchArgs(['--server-flags', 'semi'])).toThrow(/--server-flags/);
  });
});
