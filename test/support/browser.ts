import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (no browser download). The background-networking flags
// keep it from calling out of this closed network at start-up.
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Browser tests live in *.browser.test.ts files under `describe.skipIf(!runBrowser)`. They run unless
 * SKIP_BROWSER_TESTS=1 says otherwise on purpose (the run then prints how many were skipped); a
 * missing Chromium fails them, it never skips them.
 */
export const runBrowser = process.env.SKIP_BROWSER_TESTS !== '1';

export async function launchChromium(executablePath: string = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `The browser tests need Chromium at ${executablePath}: run scripts/setup-test-deps.sh ` +
        '(or apt-get install -y chromium), or skip them deliberately with SKIP_BROWSER_TESTS=1.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
