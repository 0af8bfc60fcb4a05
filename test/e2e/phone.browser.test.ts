import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { launchChromium, runBrowser, seenByPerson } from '../support/browser.js';

// The member's chat on a phone (and on a desktop): the message box and the bot's latest message stay
// in sight whatever the number of suggested actions; text (masks, 「・」 lists) shows as written.
const SIZES = [
  { width: 360, height: 640 },
  { width: 375, height: 812 },
  { width: 1280, height: 900 },
];

describe.skipIf(!runBrowser)('the chat on a phone-sized screen (real app)', () => {
  let app: App;
  let url: string;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'webchat-phone-'));
    const config = parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN: '' });
    app = await createApp(config);
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

  async function open(size: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport: size });
    await page.goto(`${url}/`);
    await sendBox(page).waitFor({ timeout: 30_000 });
    return page;
  }

  /** Waits until the bot's latest message contains `text`, then returns that message's text. */
  async function latestBotText(page: Page, text: string): Promise<string> {
    await expect.poll(() => botBubbles(page).last().innerText(), { timeout: 30_000 }).toContain(text);
    // Web Chat scrolls the new message's end (its question) into view; a message taller than the
    // transcript starts above it. Give the scroll a moment to settle.
    await expect.poll(() => seenByPerson(botBubbles(page).last(), 'end'), { timeout: 5_000 }).toBe(true);
    return botBubbles(page).last().innerText();
  }

  async function send(page: Page, text: string): Promise<void> {
    await sendBox(page).fill(text);
    await sendBox(page).press('Enter');
  }

  async function expectInSight(page: Page): Promise<void> {
    expect(await seenByPerson(sendBox(page))).toBe(true);
    expect(await seenByPerson(botBubbles(page).last())).toBe(true);
    // At least the first suggested action is reachable without scrolling the page.
    if ((await suggested(page).count()) > 0) expect(await seenByPerson(suggested(page).first())).toBe(true);
  }

  for (const size of SIZES) {
    const name = `${size.width}x${size.height}`;

    it(`${name}: the welcome with the whole menu, a list answer and a question keep message and box in sight`, {
      timeout: 120_000,
    }, async () => {
      const page = await open(size);
      await latestBotText(page, 'プロミス会員サポート');
      expect(await suggested(page).count()).toBeGreaterThanOrEqual(8);
      await expectInSight(page);

      // A Japanese list arrives as separate lines, not one run-on paragraph.
      await send(page, 'Webサービス');
      const overview = await latestBotText(page, '瞬フリ');
      expect(overview).toMatch(/\n・瞬フリ/);
      expect(overview).toMatch(/\n・ポイントサービス/);
      await expectInSight(page);

      // A question with its own buttons after an answer.
      await send(page, 'ログインできない');
      await send(page, 'カード番号');
      await latestBotText(page, 'ログインできましたか');
      await expectInSight(page);
      await page.close();
    });

    it(`${name}: a description with a password, a PIN and a card number is confirmed with its masks as written`, {
      timeout: 120_000,
    }, async () => {
      const page = await open(size);
      await latestBotText(page, 'プロミス会員サポート');
      await send(page, '担当者と話したい');
      await latestBotText(page, '具体的に入力してください');
      await send(
        page,
        'ログインできません。パスワードはabcd1234で、暗証番号は4821です。カードは4111 1111 1111 9010です',
      );
      const confirmation = await latestBotText(page, 'よろしいですか');
      expect(confirmation).toContain(
        'パスワードは********で、暗証番号は****です。カードは**** **** **** 9010です',
      );
      expect(confirmation).not.toContain('abcd1234');
      expect(confirmation).not.toContain('4821');
      await expectInSight(page);
      await page.close();
    });
  }

  it('360x640: switching to English mid-chat continues the same conversation in English with the menu', {
    timeout: 120_000,
  }, async () => {
    const page = await open({ width: 360, height: 640 });
    await latestBotText(page, 'プロミス会員サポート');
    await send(page, 'ポイントサービスについて');
    // The answer, then 「お役に立ちましたか？」 last (the language switch does not answer it).
    await latestBotText(page, 'お役に立ちましたか');
    expect(await page.locator('.webchat__basic-transcript').innerText()).toContain('ポイントが貯まります');
    await expect.poll(() => suggested(page).allInnerTexts(), { timeout: 10_000 }).toEqual(['はい', 'いいえ']);
    await page.getByRole('button', { name: 'English' }).click();
    await latestBotText(page, 'continue in English');
    await expect.poll(() => suggested(page).allInnerTexts(), { timeout: 10_000 }).toContain("I can't log in");
    await expectInSight(page);
    // The same conversation: the earlier Japanese answer is still in the transcript.
    expect(await page.locator('.webchat__basic-transcript').innerText()).toContain('ポイントサービス');
    await send(page, 'how do I log in?');
    await latestBotText(page, 'Which way would you like to log in?');
    expect(await page.locator('.webchat__basic-transcript').innerText()).toContain('blue');
    await page.close();
  });
});
