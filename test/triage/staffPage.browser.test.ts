import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/staff/passwords.js';
import { launchChromium, runBrowser } from '../support/browser.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { jst, newInquiry } from './helpers.js';
import { type StaffServer, startStaffServer } from './server.js';

const PASSWORD = 'console password 2026';

// Browser globals used inside page.evaluate callbacks (the project compiles without the DOM lib).
declare const document: {
  activeElement: { id: string; getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number };
  cookie: string;
};
declare const sessionStorage: { length: number };
declare const localStorage: { length: number };

// The staff console in headless Chromium against a real staff API (own small server, fake connector).

describe.skipIf(!runBrowser)('staff page /staff in the browser', () => {
  let s: StaffServer;
  let dataDir: string;
  let connector: FakeConnector;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const ids: Record<string, string> = {};
  // Due times follow staffed hours (an inquiry sent at night is due the next morning), so the queue is
  // shown as on a weekday morning, whatever the hour the tests run at; the server's clock runs on from it.
  const START = jst('2026-11-26T10:00:00');
  const startedAt = Date.now();
  const now = () => new Date(START.getTime() + (Date.now() - startedAt));

  beforeAll(async () => {
    connector = new FakeConnector();
    await connector.start();
    dataDir = await mkdtemp(join(tmpdir(), 'staff-page-'));
    s = await startStaffServer(dataDir, { now });
    for (const [login, role, name] of [
      ['sato', 'agent', '佐藤'],
      ['abe', 'supervisor', '阿部'],
    ] as const) {
      const at = now().toISOString();
      await s.staff.addAccount({
        login,
        name,
        role,
        passwordHash: await hashPassword(PASSWORD),
        disabled: false,
        createdAt: at,
        updatedAt: at,
      });
    }
    const minutesAgo = (m: number) => new Date(now().getTime() - m * 60_000);
    const ref = (id: string) => ({
      channelId: 'emulator',
      serviceUrl: connector.url,
      conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: 'user-1', name: 'User' },
      bot: { id: 'bot-1', name: 'Bot' },
    });
    // Normal, asked a few days ago at 23:30 JST and never handled: overdue.
    ids.old = (
      await s.inquiries.create(
        newInquiry({
          topic: 'service.points',
          summary: 'ポイントの使い方を教えてください',
          createdAt: jst('2026-11-20T23:30:00'),
          conversationReference: ref('conv-old'),
        }),
      )
    ).id;
    // Urgent, fresh: due in ~13 minutes.
    ids.lost = (
      await s.inquiries.create(
        newInquiry({
          topic: 'card.lost',
          summary: '財布ごとカードを落としました。カード番号 4980 1234 5678 9012',
          createdAt: minutesAgo(2),
          details: { lostOrStolen: 'lost' },
          excerpt: [
            { from: 'member', text: 'カードをなくしました', at: minutesAgo(3).toISOString() },
            { from: 'bot', text: 'すぐにプロミスコールへお電話ください。', at: minutesAgo(3).toISOString() },
          ],
          conversationReference: ref('conv-lost'),
        }),
      )
    ).id;
    ids.login = (
      await s.inquiries.create(
        newInquiry({
          topic: 'login.trouble',
          locale: 'en',
          summary: 'I cannot log in with my Web-ID',
          createdAt: minutesAgo(30),
          conversationReference: ref('conv-login'),
        }),
      )
    ).id;
    await s.unanswered.record('今日の天気は？', 'ja', now());
    await s.unanswered.record('今日の天気は', 'ja', now());
    await s.unanswered.record('What is the interest rate of a car loan', 'en', now());

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The page reckons "due in …" with its own clock: the same staffed-hours morning as the server's.
    await page.clock.setFixedTime(START);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
    await connector?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in once, shows the queue urgent first with overdue marked and JST times', async () => {
    const res = await page.goto(`${s.base}/staff`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    // Nothing but the sign-in form before signing in.
    await page.locator('#login').waitFor({ state: 'visible' });
    expect(await page.locator('#console').isHidden()).toBe(true);

    // Keyboard only: the login field, then the password field, then Enter.
    await page.locator('#login-name').focus();
    await page.keyboard.type('sato');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#queue tbody tr').first().waitFor();

    const rows = page.locator('#queue tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual([
      ids.lost,
      ids.login,
      ids.old,
    ]);
    const oldRow = page.locator(`#queue tbody tr[data-id="${ids.old}"]`);
    expect(await oldRow.getAttribute('class')).toContain('overdue');
    expect(await oldRow.textContent()).toContain('Overdue');
    // Overdue reads as time past due, never "in 0 min".
    expect(await oldRow.locator('td.due .rel').textContent()).toMatch(/\d+日超過/);
    expect(await page.locator(`#queue tbody tr[data-id="${ids.lost}"] td.due .rel`).textContent()).toMatch(
      /あと\d+分/,
    );
    // Asked 11/20 23:30 JST (web inquiries after 9:00), normal SLA 2 h: due 11/21 11:00 JST.
    expect(await oldRow.locator('td.due time').textContent()).toBe('11/21 11:00 JST');
    expect(await oldRow.locator('time.received').textContent()).toBe('11/20 23:30 JST');
    expect(await page.locator(`#queue tbody tr[data-id="${ids.lost}"]`).getAttribute('class')).not.toContain(
      'overdue',
    );
    // The session is an HttpOnly cookie: no script on the page can read it, nothing in storage.
    expect(await page.evaluate(() => document.cookie)).not.toContain('staff_session');
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect(await page.locator('#who-name').textContent()).toContain('佐藤');
    // Agents see neither the audit log nor re-filing.
    expect(await page.locator('#audit-section').isHidden()).toBe(true);

    await page.reload();
    await page.locator('#queue tbody tr').first().waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
  });

  it('opens an inquiry from the keyboard, assigns, changes status, adds a note and replies', async () => {
    const open = page.locator(`#queue button[data-id="${ids.lost}"]`);
    await open.focus();
    await page.keyboard.press('Enter');
    await page.locator('#detail-heading').filter({ hasText: ids.lost }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('detail-heading');
    const detail = page.locator('#detail');
    expect(await detail.locator('#detail-excerpt li').count()).toBe(2);
    expect(await detail.locator('#detail-summary').textContent()).not.toContain('4980 1234');
    // Flow facts labelled in Japanese, not raw keys.
    expect(await detail.locator('#detail-details').textContent()).toContain('紛失/盗難紛失');
    expect(await detail.textContent()).not.toContain('lostOrStolen');
    expect(await page.locator('#classify-form').isHidden()).toBe(true);
    // A canned reply for the topic fills the reply box.
    await page.locator('#canned-select').selectOption('lost-card');
    expect(await page.locator('#reply-text').inputValue()).toContain('24時間');

    await page.locator('#assign-me').click();
    await page.locator('#status').filter({ hasText: 'Assigned to 佐藤' }).waitFor();
    expect((await s.inquiries.get(ids.lost!))?.assignee).toBe('佐藤');

    await page.locator('#status-select').selectOption('in_progress');
    await page.locator('#status-form button[type="submit"]').click();
    await page.locator('#status').filter({ hasText: 'Status is now in_progress' }).waitFor();
    expect((await s.inquiries.get(ids.lost!))?.status).toBe('in_progress');
    // Only the moves allowed from in_progress are offered.
    expect(
      await page.locator('#status-select option').evaluateAll((os) => os.map((o) => o.getAttribute('value'))),
    ).toEqual(['waiting_member', 'resolved']);

    await page.locator('#note-text').fill('プロミスコールで停止済みを確認');
    await page.locator('#note-form button[type="submit"]').click();
    await page.locator('#detail-notes li').filter({ hasText: '停止済み' }).waitFor();

    await page.locator('#reply-text').fill('カードの利用停止を確認しました。再発行のご案内をお送りします。');
    await page.locator('#reply-form button[type="submit"]').click();
    await page.locator('#status').filter({ hasText: 'Reply reached' }).waitFor();
    await connector.waitFor(1);
    expect(connector.texts()).toEqual([
      '担当者からの返信: カードの利用停止を確認しました。再発行のご案内をお送りします。',
    ]);
    expect((await s.inquiries.get(ids.lost!))?.status).toBe('waiting_member');
    await page.locator('#detail-replies li').filter({ hasText: 'pushed' }).first().waitFor();

    // Escape goes back to the queue, focus on the row's button.
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-id')))
      .toBe(ids.lost);
  });

  it('filters the queue and lists unanswered questions grouped with counts', async () => {
    await page.locator('#f-overdue').check();
    await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr').length === 1);
    expect(await page.locator('#queue tbody tr').getAttribute('data-id')).toBe(ids.old);
    await page.locator('#f-overdue').uncheck();
    await page.waitForFunction(() => document.querySelectorAll('#queue tbody tr').length === 3);

    const groups = page.locator('#unanswered tbody tr');
    await expect.poll(() => groups.count()).toBe(2);
    expect(await groups.first().locator('td').first().textContent()).toBe('2');
    expect(await groups.first().textContent()).toContain('今日の天気は');

    await page.locator(`#queue button[data-id="${ids.old}"]`).click();
    await page.locator('#detail-heading').filter({ hasText: ids.old }).waitFor();
    await page.screenshot({ path: '/tmp/staff-console.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('signs out, refuses a wrong password, and shows a supervisor the audit log and re-filing', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.reload();
    await page.locator('#login').waitFor({ state: 'visible' });
    await page.locator('#login-name').fill('abe');
    await page.locator('#login-password').fill('not the password');
    await page.locator('#login-form button[type="submit"]').click();
    await page.locator('#alert', { hasText: 'パスワードが正しくありません' }).waitFor();

    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-form button[type="submit"]').click();
    await page.locator('#audit tbody tr').first().waitFor();
    const audit = await page.locator('#audit tbody').textContent();
    expect(audit).toContain('sato');
    expect(audit).toContain('閲覧');
    expect(audit).toContain('返信');

    await page.locator(`#queue button[data-id="${ids.login}"]`).click();
    await page.locator('#classify-form').waitFor({ state: 'visible' });
    await page.locator('#classify-topic').selectOption('webid.forgot');
    await page.locator('#classify-priority').selectOption('normal');
    await page.locator('#classify-form button[type="submit"]').click();
    await page.locator('#status', { hasText: 'Re-filed' }).waitFor();
    expect(await s.inquiries.get(ids.login!)).toMatchObject({ topic: 'webid.forgot', priority: 'normal' });
    await page.screenshot({ path: '/tmp/staff-console-supervisor.png', fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});
