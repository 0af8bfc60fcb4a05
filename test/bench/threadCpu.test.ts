import { describe, expect, it } from 'vitest';
import { mainThreadCpuMs, threadCpuMsFromStat } from '../../scripts/bench/lib/threadCpu.js';

describe('bench: the main thread’s CPU time', () => {
  it('reads utime + stime (ticks of 10 ms) from a /proc stat line, whatever the thread is called', () => {
    const line = '4242 (node (x) y) R 1 4242 1 0 -1 4194304 2155 0 11 0 812 37 0 0 20 0 7 0 5179984';
    expect(threadCpuMsFromStat(line)).toBe((812 + 37) * 10);
  });

  it('is NaN for a line it cannot read', () => {
    expect(threadCpuMsFromStat('garbage')).toBeNaN();
  });

  it.runIf(process.platform === 'linux')(
    'grows while the main thread works, and stays within the process’s',
    () => {
      const before = mainThreadCpuMs();
      const cpuBefore = process.cpuUsage();
      const spent = () => {
        const c = process.cpuUsage(cpuBefore);
        return (c.user + c.system) / 1000;
      };
      // Busy until the process has used 150 ms of CPU (not of wall time: the machine may be shared).
      let x = 0;
      while (spent() < 150) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
      const main = mainThreadCpuMs() - before;
      const cpu = process.cpuUsage(cpuBefore);
      expect(x).toBeGreaterThan(0);
      expect(main).toBeGreaterThanOrEqual(100);
      expect(main).toBeLessThanOrEqual((cpu.user + cpu.system) / 1000 + 20);
    },
  );
});
