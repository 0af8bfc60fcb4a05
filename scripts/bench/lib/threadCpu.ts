import { readFileSync } from 'node:fs';

// The main thread's own CPU time, so the bench can tell the JavaScript thread from the rest of the
// process (libuv's file-system pool, V8's garbage-collection helpers), which process.cpuUsage() sums.

/** Linux reports thread times in USER_HZ ticks, which the kernel fixes at 100 per second. */
const TICK_MS = 10;

/** CPU ms (user + system) the main thread has used so far; NaN where /proc is not available. */
export function mainThreadCpuMs(): number {
  try {
    return threadCpuMsFromStat(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** utime + stime of a /proc/<pid>/task/<tid>/stat line, in ms (fields 14 and 15, after the name). */
export function threadCpuMsFromStat(stat: string): number {
  // The thread's name, in parentheses, may itself hold spaces or parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return Number.NaN;
  return (utime + stime) * TICK_MS;
}
