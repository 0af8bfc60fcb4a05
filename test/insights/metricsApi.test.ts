import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import type { MetricsSummary } from '../../src/persistence/types.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
const STAFF_TOKEN = 'staff-token-for-tests-0123';
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(): Promise<string> {
  app = await createApp(testConfig(await tempDir(), { STAFF_TOKEN }));
  const base = await app.listen(0, '127.0.0.1');
  const at = (iso: string) => new Date(iso);
  const turn = {
    answered: false,
    fallback: false,
    didYouMean: false,
    handoff: false,
    cancel: false,
    secretWarning: false,
  };
  app.metrics.turn('c1', at('2026-11-26T01:00:00Z'), 'ja', 'webchat', {
    ...turn,
    topic: 'service.points',
    answered: true,
  });
  app.metrics.csat('c1', at('2026-11-26T01:01:00Z'), 'service.points', true);
  app.metrics.turn('c2', at('2026-11-26T02:00:00Z'), 'en', 'emulator', {
    ...turn,
    topic: 'none',
    fallback: true,
  });
  app.metrics.turn('c3', at('2026-11-27T03:00:00Z'), 'ja', 'webchat', {
    ...turn,
    topic: 'login.trouble',
    handoff: true,
  });
  return base;
}

const get = (base: string, path: string, token: string | null = STAFF_TOKEN) =>
  fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

const window = 'from=2026-11-26T00:00:00%2B09:00&to=2026-11-28T00:00:00%2B09:00';

describe('GET /api/staff/metrics', () => {
  it('answers the counters of the window with the service token, and 401 without it', async () => {
    const base = await start();
    expect((await get(base, `/api/staff/metrics?${window}`, null)).status).toBe(401);
    const res = await get(base, `/api/staff/metrics?${window}`);
    expect(res.status).toBe(200);
    const m = (await res.json()) as MetricsSummary;
    expect(Object.keys(m).sort()).toEqual(
      [
        'byHour',
        'contained',
        'conversations',
        'csat',
        'csatByTopic',
        'fallbackOnly',
        'fallbackTurns',
        'handedOff',
        'series',
        'topics',
        'turns',
      ].sort(),
    );
    expect(m).toMatchObject({
      conversations: 3,
      contained: 2,
      handedOff: 1,
      fallbackOnly: 1,
      turns: 3,
      fallbackTurns: 1,
      csat: { positive: 1, negative: 0 },
      csatByTopic: [{ topic: 'service.points', positive: 1, negative: 0 }],
    });
    expect(m.byHour[10]).toEqual({ hour: 10, conversations: 1, handedOff: 0 });
    expect(m.byHour[12]).toEqual({ hour: 12, conversations: 1, handedOff: 1 });
    expect(m.series.map((r) => [r.date, r.conversations])).toEqual([
      ['2026-11-26', 2],
      ['2026-11-27', 1],
    ]);
  });

  it('refuses a malformed instant, from after to, a window too long and an unknown parameter with 400', async () => {
    const base = await start();
    for (const query of [
      'from=yesterday&to=2026-11-28T00:00:00Z',
      'from=2026-11-26&to=2026-11-28T00:00:00Z',
      'from=2026-11-29T00:00:00Z&to=2026-11-28T00:00:00Z',
      'from=2024-01-01T00:00:00Z&to=2026-11-28T00:00:00Z',
      `${window}&topic=x`,
    ]) {
      for (const path of ['/api/staff/metrics', '/api/staff/metrics.csv']) {
        const res = await get(base, `${path}?${query}`);
        expect(res.status, `${path}?${query}`).toBe(400);
        const body = (await res.json()) as { error: { code: string } };
        expect(body.error.code).toBe('BadRequest');
      }
    }
  });

  it('exports the daily series and a total row as CSV', async () => {
    const base = await start();
    const res = await get(base, `/api/staff/metrics.csv?${window}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect((await res.text()).trim().split('\r\n')).toEqual([
      'date,conversations,contained,handedOff,fallbackTurns,csatPositive,csatNegative',
      '2026-11-26,2,2,0,1,1,0',
      '2026-11-27,1,0,1,0,0,0',
      'total,3,2,1,1,1,0',
    ]);
    expect((await get(base, `/api/staff/metrics.csv?${window}`, 'wrong-token-0123456789')).status).toBe(401);
  });
});
