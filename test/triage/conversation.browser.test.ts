import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { hashPassword } from '../../src/staff/passwords.js';
import { launchChromium, runBrowser } from '../support/browser.js';

// Live chat in two browsers on the real app: the member in Web Chat on a phone (360x640), staff in
// the console on a desktop. The staff member sees the member's messages arrive without reloading;
// the member sees who joined, the staff message under that name, and the leave notice.

const STAFF_TOKEN = 'staff-token-for-browser-live-0123';
const STAFF_PASSWORD = 'live chat password 2026';
const SHOTS = process.env.SCREENSHOT_DIR;

describe.skipIf(!runBrowser)('live chat in the browser (member phone + staff console)', () => {
  let app: App;
  let url: string;
  let dataDir: string;
  let browser: Browser;
  let member: Page;
  let staff: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'live-chat-e2e-'));
    app = await createApp(parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN }));
    url = await app.listen(0, '127.0.0.1');
    const at = new Date().toISOString();
    await app.persistence.staff.addAccount({
      login: 'sato',
      name: '佐藤',
      role: 'agent',
      passwordHash: await hashPassword(STAFF_PASSWORD),
      disabled: false,
      createdAt: at,
      updatedAt: at,
    });
    browser = await launchChromium();
    member = await browser.newPage({ viewport: { width: 360, height: 640 } });
    staff = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    for (const p of [member, staff]) p.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function send(text: string): Promise<void> {
    const input = member.locator('[data-id="webchat-sendbox-input"]');
    await input.fill(text);
    await input.press('Enter');
  }
  const transcript = () => member.locator('.webchat__basic-transcript').innerText();

  it('takeover, live messages both ways, release', { timeout: 120_000 }, async () => {
    await member.goto(`${url}/`);
    await member.locator('[data-id="webchat-sendbox-input"]').waitFor({ timeout: 30_000 });
    await send('オペレーターにつないでください');
    await expect.poll(transcript, { timeout: 30_000 }).toContain('具体的に');
    await send('Web-IDの登録メールが何度やっても届きません');
    await expect.poll(transcript, { timeout: 30_000 }).toContain('よろしいですか');
    await send('はい');
    await expect.poll(transcript, { timeout: 30_000 }).toContain('受付番号');
    const id = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/.exec(await transcript())?.[1];
    expect(id).toBeDefined();

    await staff.goto(`${url}/staff`);
    await staff.locator('#login-name').fill('sato');
    await staff.locator('#login-password').fill(STAFF_PASSWORD);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.locator(`button[data-id="${id}"]`).click();
    const panel = staff.locator('#inquiry-conversation');
    await panel.getByRole('button', { name: /Take over/ }).click();
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('ライブチャット中');
    await expect.poll(transcript, { timeout: 15_000 }).toContain('がチャットに参加しました');

    // The member writes; the console shows it without a reload (the event stream).
    await send('よろしくお願いします');
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('よろしくお願いします');
    await panel.locator('textarea').fill('迷惑メールフォルダをご確認いただけますか？');
    await panel.getByRole('button', { name: /Send/ }).click();
    // Under the signed-in account's display name.
    await expect
      .poll(transcript, { timeout: 15_000 })
      .toContain('佐藤（担当者）: 迷惑メールフォルダをご確認いただけますか？');
    await send('ありました！');
    await expect.poll(() => panel.innerText(), { timeout: 15_000 }).toContain('ありました！');
    if (SHOTS) {
      await staff.screenshot({ path: join(SHOTS, 'staff-console-desktop.png') });
      // The detail column scrolls on its own: the panel itself, scrolled into view.
      await panel.screenshot({ path: join(SHOTS, 'staff-conversation-desktop.png') });
    }

    await panel.getByRole('button', { name: /Release/ }).click();
    await expect.poll(transcript, { timeout: 15_000 }).toContain('チャットから退出しました');
    if (SHOTS) {
      // Web Chat's own scroll-to-end may still be animating: go to the end for the picture.
      await member
        .locator('.webchat__basic-transcript__scrollable')
        .evaluate((el: { scrollTop: number; scrollHeight: number }) => {
          el.scrollTop = el.scrollHeight;
        });
      await member.waitForTimeout(300);
      await member.screenshot({ path: join(SHOTS, 'member-live-chat-360.png') });
    }
    // The bot only answered the cancel-free turns before the takeover and after the release.
    const text = await transcript();
    expect(text.indexOf('よろしくお願いします')).toBeGreaterThan(text.indexOf('がチャットに参加しました'));
    expect(pageErrors).toEqual([]);
  });
});
