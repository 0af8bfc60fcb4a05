import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { summarize } from '../../insights/aggregate.js';
import { LOCALES } from '../../topics.js';
import type { MetricEvent, MetricsStore, MetricsSummary } from '../types.js';

// The counters in one lowdb file (DATA_DIR/metrics.json), held in memory and written a moment after
// a change, so a turn never waits for the disk; flush() (and close) writes what is pending.

const eventSchema = z.object({
  conversationId: z.string(),
  at: z.string(),
  kind: z.enum(['turn', 'csat', 'takeover']),
  topic: z.string().optional(),
  answered: z.boolean().optional(),
  fallback: z.boolean().optional(),
  didYouMean: z.boolean().optional(),
  handoff: z.boolean().optional(),
  cancel: z.boolean().optional(),
  secretWarning: z.boolean().optional(),
  lang: z.enum(LOCALES).optional(),
  channel: z.string().optional(),
  helpful: z.boolean().optional(),
});
const fileSchema = z.object({ version: z.literal(1), events: z.array(eventSchema) });
type FileData = z.infer<typeof fileSchema>;

export class LowdbMetricsStore implements MetricsStore {
  private events: MetricEvent[] = [];
  private readonly db: Low<FileData>;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    file: string,
    private readonly options: { debounceMs?: number; logger?: { warn(obj: object, msg: string): void } },
  ) {
    this.db = new Low<FileData>(new JSONFile(file), { version: 1, events: [] });
  }

  static async open(
    file: string,
    options: { debounceMs?: number; logger?: { warn(obj: object, msg: string): void } } = {},
  ): Promise<LowdbMetricsStore> {
    const store = new LowdbMetricsStore(file, options);
    await mkdir(dirname(file), { recursive: true });
    try {
      await store.db.read();
      const parsed = fileSchema.safeParse(store.db.data);
      if (parsed.success) store.events = parsed.data.events;
      else {
        options.logger?.warn({ file }, 'metrics file has an unexpected shape; starting afresh');
        await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
      }
    } catch (err) {
      options.logger?.warn({ file, err: (err as Error).message }, 'metrics file unreadable; starting afresh');
      await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
    }
    return store;
  }

  record(event: MetricEvent): void {
    this.events.push({ ...event });
    this.scheduleWrite();
  }

  async summary(from: Date, to: Date): Promise<MetricsSummary> {
    return summarize(this.events, from, to);
  }

  async sweepBefore(before: Date): Promise<number> {
    const cut = before.getTime();
    const kept = this.events.filter((e) => Date.parse(e.at) >= cut);
    const removed = this.events.length - kept.length;
    if (removed > 0) {
      this.events = kept;
      await this.writeNow();
    }
    return removed;
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) {
      await this.writeNow().catch((err: NodeJS.ErrnoException) => {
        // DATA_DIR itself is gone (removed under a running bot): nothing left to write the counts to,
        // and shutting down must not fail on it. Any other failure is the caller's to see.
        if (err.code !== 'ENOENT') throw err;
        this.options.logger?.warn({ err: err.message }, 'metrics not written: DATA_DIR is gone');
      });
    }
    await this.writing;
  }

  private scheduleWrite(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNow().catch((err: unknown) =>
        this.options.logger?.warn({ err: (err as Error).message }, 'metrics write failed'),
      );
    }, this.options.debounceMs ?? 500);
    this.timer.unref();
  }

  private writeNow(): Promise<void> {
    this.dirty = false;
    const next = this.writing.then(async () => {
      this.db.data = { version: 1, events: this.events };
      await this.db.write();
    });
    this.writing = next.catch(() => {
      this.dirty = true;
    });
    return next;
  }
}
