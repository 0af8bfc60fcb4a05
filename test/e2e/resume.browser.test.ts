import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { launchChromium, runBrowser } from '../support/browser.js';

// A member files an inquiry, closes the tab; staff answer meanwhile; the member opens the page again
// in the same browser and finds the answer in place, even once the 30-minute token has expired.

declare const localStorage: {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
};
const SESSION_KEY = 'memberHelpChat.session';
const STAFF_TOKEN = 'resume-browser-staff-token-0123';
const REPLY = '登録メールを再送しました。迷惑メールフォルダもご確認ください。';
const SHOTS = process.env.SCREENSHOT_DIR;

describe.skipIf(!runBrowser)('Web Chat remembers the conversation across closed tabs (real app)', () => {
  let app: App;
  let url: string;
  let dataDir: string;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'webchat-resume-'));
    app = await createApp(parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN }));
    url = await app.listen(0, '127.0.0.1');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const staff = (path: string, body?: unknown) =>
    fetch(`${url}/api/staff${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${STAFF_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const transcript = (page: Page) => page.locator('.webchat__basic-transcript').innerText();
  const session = (page: Page) =>
    page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), SESSION_KEY);
  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.locator('[data-id="webchat-sendbox-input"]').waitFor({ timeout: 30_000 });
    return page;
  }
  async function send(page: Page, text: string, expected: string): Promise<void> {
    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => transcript(page), { timeout: 30_000 }).toContain(expected);
  }

  for (const viewport of [
    { width: 360, height: 640 },
    { width: 1280, height: 900 },
  ]) {
    it(`the staff reply is in place when the member comes back (${viewport.width}x${viewport.height})`, {
      timeout: 120_000,
    }, async () => {
      const context = await browser.newContext({ viewport });
      try {
        const first = await open(context);
        await send(first, 'オペレーターにつないでください', '具体的に');
        await send(first, 'Web-IDの登録メールが何度やっても届きません', 'よろしいですか');
        await send(first, 'はい', '受付番号');
        const id = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/.exec(await transcript(first))?.[1];
        expect(id).toBeDefined();
        const { conversationId } = await session(first);
        await first.close();
        // The tab's stream is closed on the server too before staff answer.
        await expect.poll(() => app.directLine.streams?.openFor(conversationId)).toBe(0);

        // Nobody has the chat open: the reply waits, pending.
        const res = await staff(`/inquiries/${id}/replies`, { text: REPLY, author: 'sato' });
        expect(((await res.json()) as { delivery: string }).delivery).toBe('pending');

        // The member opens the page again in the same browser: same conversation, the reply in place.
        const second = await open(context);
        await expect.poll(() => transcript(second), { timeout: 30_000 }).toContain(REPLY);
        expect((await session(second)).conversationId).toBe(conversationId);
        await expect
          .poll(async () => {
            const detail = (await (await staff(`/inquiries/${id}`)).json()) as {
              inquiry: { replies: Array<{ delivery: string }> };
            };
            return detail.inquiry.replies[0]?.delivery;
          })
          .toBe('pushed');
        if (SHOTS) await second.screenshot({ path: join(SHOTS, `resume-${viewport.width}.png`) });

        // Hours later the token has expired: the resume credential still finds the conversation.
        await second.evaluate((key) => {
          const saved = JSON.parse(localStorage.getItem(key) ?? '{}');
          const b64 = (o: object) =>
            btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
          const expired = `${b64({ alg: 'HS256' })}.${b64({ conv: saved.conversationId, exp: 1 })}.c2ln`;
          localStorage.setItem(key, JSON.stringify({ ...saved, token: expired }));
        }, SESSION_KEY);
        await second.close();
        const third = await open(context);
        await expect.poll(() => transcript(third), { timeout: 30_000 }).toContain(REPLY);
        expect((await session(third)).conversationId).toBe(conversationId);

        // "Start a new conversation" forgets it: an empty chat, another conversation.
        await third.locator('#new-chat').click();
        await expect
          .poll(async () => (await session(third))?.conversationId, { timeout: 30_000 })
          .not.toBe(conversationId);
        await expect.poll(() => transcript(third), { timeout: 30_000 }).not.toContain(REPLY);
        if (SHOTS) await third.screenshot({ path: join(SHOTS, `new-chat-${viewport.width}.png`) });
      } finally {
        await context.close();
      }
    });
  }
});
