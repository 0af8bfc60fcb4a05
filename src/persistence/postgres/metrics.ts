import { emptySummary } from '../../insights/aggregate.js';
import type { MetricEvent, MetricsStore, MetricsSummary } from '../types.js';
import type { Db } from './db.js';

// The counters on PostgreSQL. Turns are buffered and written in one multi-row INSERT a moment later
// (no extra round trip per turn); flush() and close write what is left. Aggregation runs in SQL.

const BATCH_MS = 1000;
const BATCH_MAX = 200;
/** Kept in memory while the database is away; the oldest go first beyond this. */
const BUFFER_MAX = 20_000;

const FIRSTS = `firsts AS (
  SELECT conversation_id, min(at) AS first_at FROM metric_events
  WHERE kind = 'turn' AND at < $2 AND conversation_id IN (
    SELECT conversation_id FROM metric_events WHERE kind = 'turn' AND at >= $1 AND at < $2)
  GROUP BY conversation_id HAVING min(at) >= $1)`;

export class PgMetricsStore implements MetricsStore {
  private buffer: MetricEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly logger?: { warn(obj: object, msg: string): void },
  ) {}

  record(event: MetricEvent): void {
    this.buffer.push({ ...event });
    if (this.buffer.length > BUFFER_MAX) this.buffer.splice(0, this.buffer.length - BUFFER_MAX);
    if (this.buffer.length >= BATCH_MAX) void this.write().catch(() => undefined);
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.write().catch((err: unknown) =>
          this.logger?.warn({ err: (err as Error).message }, 'metrics write failed; kept for the next one'),
        );
      }, BATCH_MS);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.write();
  }

  /** Serialised; a failed batch goes back to the front of the buffer. */
  private write(): Promise<void> {
    const next = this.writing.then(async () => {
      const batch = this.buffer;
      if (batch.length === 0) return;
      this.buffer = [];
      try {
        await this.insert(batch);
      } catch (err) {
        this.buffer = [...batch, ...this.buffer];
        throw err;
      }
    });
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async insert(batch: MetricEvent[]): Promise<void> {
    const col = <T>(f: (e: MetricEvent) => T) => batch.map(f);
    await this.db.query(
      `INSERT INTO metric_events (conversation_id, at, kind, topic, answered, fallback, did_you_mean,
         handoff, cancel, secret_warning, lang, channel, helpful)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bool[], $6::bool[],
         $7::bool[], $8::bool[], $9::bool[], $10::bool[], $11::text[], $12::text[], $13::bool[])`,
      [
        col((e) => e.conversationId),
        col((e) => e.at),
        col((e) => e.kind),
        col((e) => e.topic ?? null),
        col((e) => e.answered === true),
        col((e) => e.fallback === true),
        col((e) => e.didYouMean === true),
        col((e) => e.handoff === true),
        col((e) => e.cancel === true),
        col((e) => e.secretWarning === true),
        col((e) => e.lang ?? null),
        col((e) => e.channel ?? null),
        col((e) => e.helpful ?? null),
      ],
    );
  }

  async summary(from: Date, to: Date): Promise<MetricsSummary> {
    await this.flush();
    const window = [from, to];
    const groups = await this.db.query<{
      date: string;
      hour: number;
      conversations: number;
      handed_off: number;
      fallback_only: number;
      turns: number;
      fallback_turns: number;
      positive: number;
      negative: number;
    }>(
      `WITH ${FIRSTS}, conv AS (
         SELECT f.conversation_id, f.first_at,
           bool_or(e.kind = 'takeover' OR (e.kind = 'turn' AND e.handoff)) AS handed_off,
           count(*) FILTER (WHERE e.kind = 'turn') AS turns,
           count(*) FILTER (WHERE e.kind = 'turn' AND e.fallback) AS fallback_turns,
           count(*) FILTER (WHERE e.kind = 'csat' AND e.helpful) AS positive,
           count(*) FILTER (WHERE e.kind = 'csat' AND NOT e.helpful) AS negative
         FROM firsts f JOIN metric_events e USING (conversation_id)
         GROUP BY f.conversation_id, f.first_at)
       SELECT to_char(first_at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD') AS date,
         extract(hour FROM first_at AT TIME ZONE 'Asia/Tokyo')::int AS hour,
         count(*)::int AS conversations,
         count(*) FILTER (WHERE handed_off)::int AS handed_off,
         count(*) FILTER (WHERE turns = fallback_turns)::int AS fallback_only,
         sum(turns)::int AS turns, sum(fallback_turns)::int AS fallback_turns,
         sum(positive)::int AS positive, sum(negative)::int AS negative
       FROM conv GROUP BY 1, 2`,
      window,
    );
    const topics = await this.db.query<{ topic: string; count: number }>(
      `WITH ${FIRSTS}
       SELECT e.topic, count(*)::int AS count FROM firsts f JOIN metric_events e USING (conversation_id)
       WHERE e.kind = 'turn' AND e.topic IS NOT NULL GROUP BY e.topic ORDER BY count DESC, e.topic`,
      window,
    );
    const csat = await this.db.query<{ topic: string; positive: number; negative: number }>(
      `WITH ${FIRSTS}
       SELECT COALESCE(e.topic, 'none') AS topic, count(*) FILTER (WHERE e.helpful)::int AS positive,
         count(*) FILTER (WHERE NOT e.helpful)::int AS negative
       FROM firsts f JOIN metric_events e USING (conversation_id)
       WHERE e.kind = 'csat' AND e.helpful IS NOT NULL GROUP BY 1
       ORDER BY count(*) DESC, 1`,
      window,
    );
    const summary: MetricsSummary = {
      ...emptySummary(from, to),
      topics: topics.rows.map((r) => ({ topic: r.topic, count: r.count })),
      csatByTopic: csat.rows.map((r) => ({ topic: r.topic, positive: r.positive, negative: r.negative })),
    };
    const series = new Map(summary.series.map((row) => [row.date, row]));
    for (const g of groups.rows) {
      summary.conversations += g.conversations;
      summary.handedOff += g.handed_off;
      summary.contained += g.conversations - g.handed_off;
      summary.fallbackOnly += g.fallback_only;
      summary.turns += g.turns;
      summary.fallbackTurns += g.fallback_turns;
      summary.csat.positive += g.positive;
      summary.csat.negative += g.negative;
      const hour = summary.byHour[g.hour];
      if (hour) {
        hour.conversations += g.conversations;
        hour.handedOff += g.handed_off;
      }
      const row = series.get(g.date);
      if (!row) continue;
      row.conversations += g.conversations;
      row.handedOff += g.handed_off;
      row.contained += g.conversations - g.handed_off;
      row.fallbackTurns += g.fallback_turns;
      row.csatPositive += g.positive;
      row.csatNegative += g.negative;
    }
    return summary;
  }

  async sweepBefore(before: Date): Promise<number> {
    await this.flush().catch(() => undefined);
    const { rowCount } = await this.db.query('DELETE FROM metric_events WHERE at < $1', [before]);
    return rowCount ?? 0;
  }
}
