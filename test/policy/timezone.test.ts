import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import { loadSupportHours } from '../../src/policy/supportHoursRules.js';
import { formatJst } from '../../src/policy/tokyoTime.js';
import { CASES, summarise } from './fixtures/cases.js';

const run = promisify(execFile);
const rules = loadSupportHours();
const probe = fileURLToPath(new URL('./fixtures/tzProbe.ts', import.meta.url));

describe('same decisions whatever the server TZ', () => {
  it('a child process with TZ=America/New_York gives exactly the table’s decisions', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe], {
      env: { ...process.env, TZ: 'America/New_York' },
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const out = JSON.parse(stdout) as {
      tz: string;
      offsetMinutes: number;
      decisions: unknown[];
      formatted: string[][];
    };
    // Proves the child really ran on New York local time (UTC-5 in November).
    expect(out.tz).toBe('America/New_York');
    expect(out.offsetMinutes).toBe(300);
    const here = CASES.map((c) => decide(c.topic, new Date(c.at), rules));
    expect(out.decisions).toEqual(JSON.parse(JSON.stringify(here)));
    // And each matches the expected summary (Dates arrive as ISO strings).
    out.decisions.forEach((d, i) => {
      const revived = JSON.parse(JSON.stringify(d), (k, v) =>
        ['at', 'nextOpenAt', 'closesAt', 'handledFrom', 'expectedFirstResponseAt'].includes(k) && v
          ? new Date(v)
          : v,
      );
      expect(summarise(revived)).toEqual(CASES[i]?.expected);
    });
    expect(out.formatted[0]).toEqual(['11月26日(木) 20:59', 'Thu 26 Nov 20:59 JST']);
  }, 30_000);

  describe('in-process, switching process.env.TZ', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each(['America/New_York', 'Pacific/Kiritimati', 'UTC', 'Asia/Tokyo'])('TZ=%s', (tz) => {
      process.env.TZ = tz;
      // Node re-reads TZ on assignment; check it took effect so the test is not vacuous.
      const offset = new Date('2026-11-26T12:00:00Z').getTimezoneOffset();
      expect(offset).toBe(
        { 'America/New_York': 300, 'Pacific/Kiritimati': -840, UTC: 0, 'Asia/Tokyo': -540 }[tz],
      );
      for (const c of CASES) {
        const d = decide(c.topic, new Date(c.at), rules);
        expect(summarise(d)).toEqual(c.expected);
      }
      expect(formatJst(new Date('2026-11-26T21:00:00+09:00'), 'ja')).toBe('11月26日(木) 21:00');
    });
  });
});
