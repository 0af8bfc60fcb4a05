import type { Activity } from 'botbuilder';
import { TestAdapter } from 'botbuilder';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import type { MetricsSummary } from '../../src/persistence/types.js';
import { hashPassword } from '../../src/staff/passwords.js';
import { launchChromium, runBrowser } from '../support/browser.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

declare const document: {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  getElementById(id: string): { textContent: string | null } | null;
};
declare const window: {
  Chart: { getChart(id: string): { data: { labels: string[]; datasets: Array<{ data: unknown[] }> } } };
};

// The dashboard in headless Chromium after scripted conversations through the real bot: its tables
// and its charts show the counts those conversations made.

const tempDir = useTempDirs();
const STAFF_TOKEN = 'staff-token-for-tests-0123';
const STAFF_PASSWORD = 'dashboard password 2026';
const at = new Date('2026-11-26T14:00:00+09:00');

describe.skipIf(!runBrowser)('insight dashboard /staff/insights', () => {
  let app: App;
  let base: string;
  let browser: Browser;
  let api: MetricsSummary;

  beforeAll(async () => {
    app = await createApp(testConfig(await tempDir(), { STAFF_TOKEN }), { now: () => at });
    base = await app.listen(0, '127.0.0.1');
    await app.persistence.staff.addAccount({
      login: 'suzuki',
      name: '鈴木',
      role: 'agent',
      passwordHash: await hashPassword(STAFF_PASSWORD),
      disabled: false,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    });
    const member = (id: string) => {
      const adapter = new TestAdapter(async (context) => app.bot.run(context), {
        channelId: 'webchat',
        serviceUrl: 'https://test.invalid',
        conversation: { id, isGroup: false, conversationType: 'personal', name: '' },
        from: { id: `member-${id}`, name: 'Member', role: 'user' },
        recipient: { id: 'bot', name: 'Bot', role: 'bot' },
        locale: 'ja-JP',
      });
      for (const m of app.middleware) adapter.use(m);
      return (text: string) =>
        adapter.receiveActivity({ type: 'message', text, locale: 'ja-JP', timestamp: at } as Activity);
    };
    const a = member('dash-a');
    await a('ポイントサービスについて教えて');
    await a('はい');
    await a('今日の東京の天気はどうですか');
    const b = member('dash-b');
    await b('ログインのやり方を教えて');
    await b('カード番号');
    await b('いいえ');
    const e = member('dash-e');
    await e('担当者と話したい');
    await e('何度やってもログインできなくて困っています');
    await e('はい');
    const res = await fetch(
      `${base}/api/staff/metrics?from=2026-11-26T00:00:00%2B09:00&to=2026-11-27T00:00:00%2B09:00`,
      { headers: { authorization: `Bearer ${STAFF_TOKEN}` } },
    );
    api = (await res.json()) as MetricsSummary;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the scripted counts in its tables and charts, in Japanese', async () => {
    expect(api).toMatchObject({
      conversations: 3,
      contained: 2,
      handedOff: 1,
      csat: { positive: 1, negative: 1 },
    });
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });
    // Signed in as a staff account (the cookie the console's sign-in sets, shared with the page).
    const login = await page.request.post(`${base}/api/staff/login`, {
      data: { login: 'suzuki', password: STAFF_PASSWORD },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${base}/staff/insights?from=2026-11-26&to=2026-11-26`);
    await page.waitForSelector('body[data-loaded="true"]');
    const rows = (id: string) =>
      page.evaluate(
        (sel) =>
          Array.from(document.querySelectorAll(`${sel} tbody tr`)).map((tr) =>
            Array.from(
              (
                tr as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }
              ).querySelectorAll('td'),
            ).map((td) => td.textContent ?? ''),
          ),
        `#${id}`,
      );
    expect(await page.textContent('#kpi-conversations')).toBe('3');
    expect(await page.textContent('#kpi-contained')).toBe('66.7%');
    expect(await page.textContent('#kpi-handedoff')).toBe('33.3%');
    expect(await page.textContent('#kpi-csat')).toBe('50.0%');
    expect(await rows('table-series')).toEqual([
      ['2026-11-26', '3', '66.7%', '33.3%', String(api.fallbackTurns)],
    ]);
    const csat = await rows('table-csat');
    expect(csat).toContainEqual(['ポイントサービス', '1', '0', '100.0%']);
    expect(csat.map((r) => r[1])).toEqual(api.csatByTopic.map((t) => String(t.positive)));
    const topics = await rows('table-topics');
    expect(topics.map((r) => Number(r[1]))).toEqual(api.topics.map((t) => t.count));
    const hours = await rows('table-hours');
    expect(hours).toHaveLength(24);
    expect(hours[14]).toEqual(['14時', '3', '1']);
    const unanswered = await rows('table-unanswered');
    expect(unanswered[0]?.[0]).toContain('天気');
    expect(unanswered[0]?.[2]).toBe('ポイントサービス');

    // The charts draw the same numbers as the tables.
    const chart = (id: string) =>
      page.evaluate((cid) => {
        const c = window.Chart.getChart(cid);
        return { labels: c.data.labels, data: c.data.datasets.map((d) => d.data) };
      }, id);
    const topicChart = await chart('chart-topics');
    expect(topicChart.data[0]).toEqual(api.topics.map((t) => t.count));
    expect(topicChart.labels).toEqual(topics.map((r) => r[0]));
    const hourChart = await chart('chart-hours');
    expect(hourChart.data).toEqual([
      api.byHour.map((h) => h.conversations),
      api.byHour.map((h) => h.handedOff),
    ]);
    const csatChart = await chart('chart-csat');
    expect(csatChart.data).toEqual([
      api.csatByTopic.map((t) => t.positive),
      api.csatByTopic.map((t) => t.negative),
    ]);
    const seriesChart = await chart('chart-series');
    expect(seriesChart.data).toEqual([[66.7], [33.3], [api.fallbackTurns]]);
    await page.screenshot({ path: '/tmp/i18-insights-1366.png', fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('without a sign-in says to sign in at /staff', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(`${base}/staff/insights`);
    await page.waitForSelector('#alert:not([hidden])');
    expect(await page.textContent('#alert')).toContain('/staff でサインイン');
    await page.close();
  });
});
