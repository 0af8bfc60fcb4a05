import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowser } from '../support/browser.js';
import { startTestServer, type TestServer } from './helpers.js';

// The page and the Direct Line endpoint together, in headless Chromium, with a small echo bot so the
// Web Chat behaviour (typing, cards, suggested actions, reload, language, fresh start) is tested on its own.
// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM lib).
declare const document: {
  documentElement: { lang: string };
  activeElement: { id: string; getAttribute(name: string): string | null } | null;
};
declare const localStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
};

describe.skipIf(!runBrowser)('Web Chat page with the local Direct Line (echo bot)', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // CSP violations and failed requests show up here.
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const transcript = () => page.locator('.webchat__basic-transcript').innerText();
  const sendBox = () => page.locator('[data-id="webchat-sendbox-input"]');
  const session = () =>
    page.evaluate(() => JSON.parse(localStorage.getItem('memberHelpChat.session') ?? 'null'));

  async function send(text: string): Promise<void> {
    await sendBox().fill(text);
    await sendBox().press('Enter');
  }

  it('opens in Japanese with the welcome, labelled controls and the send box', {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${t.baseUrl}/`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    expect(await page.title()).toBe('プロミス 会員サポート チャット');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('ようこそ。ご用件をどうぞ。');
    // Web Chat reads this conversation over the WebSocket stream, not by polling.
    const { conversationId } = await session();
    expect(t.adapter.streams?.acceptedFor(conversationId)).toBe(1);
    expect(t.adapter.streams?.openFor(conversationId)).toBe(1);
    expect(await page.getByRole('button', { name: '日本語' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('group', { name: '表示言語' }).count()).toBe(1);
    expect(await sendBox().getAttribute('placeholder')).toBe('メッセージを入力してください');
    // The skip link takes keyboard users straight to the send box.
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('skip-link');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-id')))
      .toBe('webchat-sendbox-input');
  });

  it('shows the typing indicator, cards and suggested actions', { timeout: 60_000 }, async () => {
    await send('slow');
    await page.locator('.webchat__typing-indicator').first().waitFor({ state: 'visible', timeout: 10_000 });
    await expect.poll(transcript, { timeout: 20_000 }).toContain('done thinking');

    await send('card');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('カードのご案内');
    await page.locator('.ac-pushButton', { hasText: 'はい' }).waitFor();
    const suggested = page.locator('.webchat__suggested-action', { hasText: 'カード紛失' });
    await suggested.waitFor({ timeout: 10_000 });
    await suggested.click();
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: カード紛失');
    // All of it pushed over the one socket opened at the start, none refused.
    expect(t.adapter.streams?.acceptedFor((await session()).conversationId)).toBe(1);
    expect(t.adapter.streams?.refusedCount).toBe(0);
  });

  it('a reload continues the same conversation without a second welcome', { timeout: 60_000 }, async () => {
    const before = await session();
    expect(before?.conversationId).toEqual(expect.any(String));
    const welcomes = t.bot.welcomes;
    await page.reload();
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: カード紛失');
    expect((await session()).conversationId).toBe(before.conversationId);
    await send('after reload');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: after reload');
    expect(t.bot.welcomes).toBe(welcomes);
    // One welcome bubble (innerText also holds screen-reader copies, so count bubbles).
    expect(await page.locator('.webchat__bubble__content', { hasText: 'ようこそ' }).count()).toBe(1);
  });

  it('switches to English: page, Web Chat and the locale the bot receives', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => sendBox().getAttribute('placeholder')).toBe('Type your message');
    await send('hello');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: hello');
    expect(t.bot.seen.at(-1)?.locale).toBe('en-US');
    // Re-rendering Web Chat in another language keeps the stream: no new socket, none refused.
    expect(t.adapter.streams?.acceptedFor((await session()).conversationId)).toBe(2); // 1 + the reload
    expect(t.adapter.streams?.refusedCount).toBe(0);
    // The choice survives a reload in the same tab.
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
  });

  it('"new conversation" starts over with an empty transcript', { timeout: 60_000 }, async () => {
    const before = await session();
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await expect.poll(async () => (await session())?.conversationId).not.toBe(before.conversationId);
    await expect.poll(transcript, { timeout: 20_000 }).toContain('Welcome! How can I help?');
    expect(await transcript()).not.toContain('echo: hello');
  });

  it('a stored token the server rejects leads to a fresh conversation, not a dead chat', {
    timeout: 60_000,
  }, async () => {
    const before = await session();
    // Same shape as a real token but signed with another key: the server answers 401.
    await page.evaluate((conversationId) => {
      const b64 = (o: object) =>
        btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
      const exp = Math.floor(Date.now() / 1000) + 600;
      const forged = `${b64({ alg: 'HS256' })}.${b64({ conv: conversationId, user: 'x', exp })}.c2lnbmF0dXJl`;
      localStorage.setItem('memberHelpChat.session', JSON.stringify({ token: forged, conversationId }));
    }, before.conversationId);
    await page.reload();
    await expect
      .poll(async () => (await session())?.conversationId, { timeout: 20_000 })
      .not.toBe(before.conversationId);
    await expect.poll(transcript, { timeout: 20_000 }).toContain('Welcome! How can I help?');
    await expect.poll(() => page.locator('#status').innerText()).toContain('new one has started');
    await send('still works');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: still works');
    // Only the deliberate 401 may appear as a failed request; nothing else went wrong (no CSP
    // violation, no failed WebSocket).
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    expect(t.adapter.streams?.acceptedFor((await session()).conversationId)).toBe(1);
  });
});

describe.skipIf(!runBrowser)('Web Chat page when the WebSocket stream is refused', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    // Every upgrade refused (503), as behind a proxy that does not pass WebSockets.
    t = await startTestServer({ stream: { maxSockets: 0 } });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('falls back to polling and the same conversation carries on', { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${t.baseUrl}/`);
    const transcript = () => page.locator('.webchat__basic-transcript').innerText();
    await expect.poll(transcript, { timeout: 20_000 }).toContain('ようこそ。ご用件をどうぞ。');
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill('polling works');
    await input.press('Enter');
    await expect.poll(transcript, { timeout: 20_000 }).toContain('echo: polling works');
    expect(t.adapter.streams?.refusedCount).toBe(1);
    expect(t.bot.welcomes).toBe(1);
    // One welcome bubble: the polling client replayed the transcript of the same conversation.
    expect(await page.locator('.webchat__bubble__content', { hasText: 'ようこそ' }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
