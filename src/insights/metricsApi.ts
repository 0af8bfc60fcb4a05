import type { Request, Server } from 'restify';
import { z } from 'zod';
import { HttpError } from '../httpErrors.js';
import type { MetricsStore, MetricsSummary } from '../persistence/types.js';
import type { TopicId } from '../topics.js';
import type { StaffRoute } from '../triage/staffApi.js';

// The insight API under /api/staff (auth by the staff API's `route`): the counters for a window, as
// JSON for the dashboard and as CSV for a spreadsheet, plus the topic names the dashboard shows.

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest window asked at once: a year and a bit, the default retention. */
export const MAX_WINDOW_DAYS = 400;
const DEFAULT_WINDOW_DAYS = 30;

const instant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 instant, e.g. 2026-11-01T00:00:00+09:00',
});
const windowQuery = z
  .object({ from: instant.optional(), to: instant.optional() })
  .strict()
  .transform((q, ctx) => {
    const to = q.to ? new Date(q.to) : new Date();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (from.getTime() > to.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    } else if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the window is at most ${MAX_WINDOW_DAYS} days`,
      });
    }
    return { from, to };
  });

function parseWindow(req: Request): { from: Date; to: Date } {
  const parsed = windowQuery.safeParse(req.query ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const keys =
      issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.map(String).join('.') || '(query)'];
    for (const key of keys) {
      fields[key] = [
        ...(fields[key] ?? []),
        issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
      ];
    }
  }
  throw new HttpError(400, 'BadRequest', `Invalid query: ${Object.keys(fields).join(', ')}`, {
    details: { fields },
  });
}

const SERIES_COLUMNS = [
  'date',
  'conversations',
  'contained',
  'handedOff',
  'fallbackTurns',
  'csatPositive',
  'csatNegative',
] as const;

/** The daily series (JST dates) and a total row; values are numbers and ids, nothing to escape. */
export function metricsCsv(m: MetricsSummary): string {
  const lines = [SERIES_COLUMNS.join(',')];
  for (const row of m.series) lines.push(SERIES_COLUMNS.map((c) => String(row[c])).join(','));
  lines.push(
    [
      'total',
      m.conversations,
      m.contained,
      m.handedOff,
      m.fallbackTurns,
      m.csat.positive,
      m.csat.negative,
    ].join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}

export interface MetricsApiDeps {
  metrics: Pick<MetricsStore, 'summary'>;
  /** Topic id → the Japanese name staff read (knowledge/conversation.json). */
  topicLabels: Record<TopicId, { ja: string; en: string }>;
}

export function registerMetricsApi(server: Server, route: StaffRoute, deps: MetricsApiDeps): void {
  server.get(
    '/api/staff/metrics',
    route(async (req) => {
      const { from, to } = parseWindow(req);
      return { status: 200, body: await deps.metrics.summary(from, to) };
    }),
  );
  server.get(
    '/api/staff/metrics.csv',
    route(async (req) => {
      const { from, to } = parseWindow(req);
      return {
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        body: metricsCsv(await deps.metrics.summary(from, to)),
      };
    }),
  );
  server.get(
    '/api/staff/topic-labels',
    route(async () => ({
      status: 200,
      body: { labels: Object.fromEntries(Object.entries(deps.topicLabels).map(([t, l]) => [t, l.ja])) },
    })),
  );
}
