import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/paths.js';
import { launchChromium } from './support/browser.js';

const run = promisify(execFile);

describe('browser tests', () => {
  it('fail, naming the fix, when Chromium is missing', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      /need Chromium at \/nonexistent\/chromium: run scripts\/setup-test-deps\.sh .* SKIP_BROWSER_TESTS=1/,
    );
  });

  it('are skipped only on purpose, and the run says how many', { timeout: 60_000 }, async () => {
    const { stdout } = await run(
      process.execPath,
      ['node_modules/vitest/vitest.mjs', 'run', 'test/triage/staffPage.browser.test.ts'],
      { cwd: PROJECT_ROOT, env: { ...process.env, SKIP_BROWSER_TESTS: '1', NO_COLOR: '1' } },
    );
    const skipped = /Tests\s+(\d+) skipped/.exec(stdout)?.[1];
    expect(Number(skipped)).toBeGreaterThan(0);
    expect(stdout).toContain(`SKIP_BROWSER_TESTS=1: skipped ${skipped} browser tests in 1 file.`);
  });
});
