import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { launchChromium, runBrowser, seenByPerson } from '../support/browser.js';

// 「お役に立ちましたか？」 in the member's Web Chat on a phone: the two buttons are in sight and work.

describe.skipIf(!runBrowser)('CSAT buttons in the member chat at 360x640', () => {
  let app: App;
  let url: string;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csat-phone-'));
    app = await createApp(
      parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN: '' }),
    );
    url = await app.listen(0, '127.0.0.1');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const sendBox = (page: Page) => page.locator('[data-id="webchat-sendbox-input"]');
  const botBubbles = (page: Page) =>
    page.locator('.webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content');
  const suggested = (page: Page) => page.locator('.webchat__suggested-action');
  const latest = async (page: Page, text: string) => {
    await expect.poll(() => botBubbles(page).last().innerText(), { timeout: 30_000 }).toContain(text);
  };

  it('asks after an answer with はい / いいえ in sight; いいえ offers the menu and a person', {
    timeout: 120_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 640 } });
    await page.goto(`${url}/`);
    await sendBox(page).waitFor({ timeout: 30_000 });
    await latest(page, 'プロミス会員サポート');
    await sendBox(page).fill('ポイントサービスについて教えて');
    await sendBox(page).press('Enter');
    await latest(page, 'お役に立ちましたか？');
    await expect
      .poll(() => suggested(page).allTextContents(), { timeout: 10_000 })
      .toEqual(['はい', 'いいえ']);
    await expect.poll(() => seenByPerson(suggested(page).nth(1)), { timeout: 5_000 }).toBe(true);
    expect(await seenByPerson(sendBox(page))).toBe(true);
    await page.screenshot({ path: '/tmp/i18-csat-360.png' });
    await suggested(page).nth(1).click();
    await latest(page, 'お役に立てず');
    await expect
      .poll(() => suggested(page).allTextContents(), { timeout: 10_000 })
      .toContain('担当者に問い合わせる');
    await page.screenshot({ path: '/tmp/i18-csat-no-360.png' });
    await page.close();
  });
});
