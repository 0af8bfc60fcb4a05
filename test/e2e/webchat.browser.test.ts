import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { launchChromium, runBrowser } from '../support/browser.js';

// The member's path end to end: the real app, the real page, Web Chat in headless Chromium.
// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM lib).
declare const document: {
  documentElement: { lang: string };
  activeElement: { id: string; getAttribute(name: string): string | null } | null;
};
declare const localStorage: { getItem(key: string): string | null };

describe.skipIf(!runBrowser)('Web Chat page in the browser (real app)', () => {
  let app: App;
  let url: string;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'webchat-e2e-'));
    const config = parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN: '' });
    app = await createApp(config);
    url = await app.listen(0, '127.0.0.1');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function send(text: string): Promise<void> {
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill(text);
    await input.press('Enter');
  }

  it('a member reports a lost card in Japanese and sees the call-center step', {
    timeout: 90_000,
  }, async () => {
    const response = await page.goto(`${url}/`);
    // The page may open its WebSocket stream, on its own host only.
    const host = new URL(url).host;
    expect(response?.headers()['content-security-policy']).toContain(
      `connect-src 'self' ws://${host} wss://${host}`,
    );
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ timeout: 30_000 });

    await send('カードをなくしました');
    const transcript = page.locator('.webchat__basic-transcript');
    // The call-center step: the free-dial number of the support line (from knowledge/).
    await expect.poll(() => transcript.innerText(), { timeout: 30_000 }).toContain('0120-24-0365');
    // The reply came over the Direct Line WebSocket stream.
    const { conversationId } = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('memberHelpChat.session') ?? '{}'),
    );
    expect(app.directLine.streams?.acceptedFor(conversationId)).toBe(1);
    expect(app.directLine.streams?.openFor(conversationId)).toBe(1);

    // A reload continues the same conversation: the transcript comes back from the server.
    await page.reload();
    await expect
      .poll(() => page.locator('.webchat__basic-transcript').innerText(), { timeout: 30_000 })
      .toContain('0120-24-0365');
    expect(pageErrors).toEqual([]);
  });

  it('switches the page and Web Chat to English', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect.poll(() => page.title()).toContain('Member Support');
    await expect
      .poll(() => page.locator('[data-id="webchat-sendbox-input"]').getAttribute('placeholder'))
      .toMatch(/Type your message/i);
    expect(pageErrors).toEqual([]);
  });
});
