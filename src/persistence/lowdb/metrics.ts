import { appendFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { summarize } from '../../insights/aggregate.js';
import { LOCALES } from '../../topics.js';
import type { MetricEvent, MetricsStore, MetricsSummary } from '../types.js';

// The counters in one append-only file (DATA_DIR/metrics.jsonl, a JSON line per event), held in memory:
// new events are appended a moment after they happen, so a turn never waits for the disk and a write
// costs what the new events cost, however many months the file holds. Only the retention sweep
// rewrites the file (to a temporary one, then renamed over it).

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
/** The earlier format: every event in one JSON document, rewritten on each change. */
const legacyFileSchema = z.object({ version: z.literal(1), events: z.array(eventSchema) });

interface Options {
  debounceMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

export class FileMetricsStore implements MetricsStore {
  private events: MetricEvent[] = [];
  /** Lines recorded but not yet appended. */
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The file ends in a line cut short (a crash mid-append): the next append starts a new line. */
  private unterminated = false;
  /** Appends and rewrites, one after the other. */
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly options: Options,
  ) {}

  /** Opens `file` (…/metrics.jsonl); counters of the older `metrics.json` beside it are carried over. */
  static async open(file: string, options: Options = {}): Promise<FileMetricsStore> {
    const store = new FileMetricsStore(file, options);
    await mkdir(dirname(file), { recursive: true });
    store.events = await store.readLines();
    const legacy = await store.readLegacy();
    if (legacy.length > 0) {
      store.events.push(...legacy);
      await store.rewrite();
    }
    await rm(store.legacyFile, { force: true });
    return store;
  }

  record(event: MetricEvent): void {
    const copy = { ...event };
    this.events.push(copy);
    this.pending.push(JSON.stringify(copy));
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.appendPending().catch((err: unknown) =>
        this.options.logger?.warn({ err: (err as Error).message }, 'metrics write failed'),
      );
    }, this.options.debounceMs ?? 500);
    this.timer.unref();
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
      await this.rewrite();
    }
    return removed;
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.appendPending().catch((err: NodeJS.ErrnoException) => {
      // DATA_DIR itself is gone (removed under a running bot): nothing left to write the counts to,
      // and shutting down must not fail on it. Any other failure is the caller's to see.
      if (err.code !== 'ENOENT') throw err;
      this.options.logger?.warn({ err: err.message }, 'metrics not written: DATA_DIR is gone');
    });
  }

  private get legacyFile(): string {
    return this.file.replace(/\.jsonl$/, '.json');
  }

  private appendPending(): Promise<void> {
    return this.serially(async () => {
      if (this.pending.length === 0) return;
      const lines = this.pending;
      this.pending = [];
      try {
        await appendFile(this.file, `${this.unterminated ? '\n' : ''}${lines.join('\n')}\n`, 'utf8');
        this.unterminated = false;
      } catch (err) {
        this.pending = [...lines, ...this.pending]; // kept for the next write
        throw err;
      }
    });
  }

  /** The file as the events in memory say (every pending line included), replaced atomically. */
  private rewrite(): Promise<void> {
    return this.serially(async () => {
      const temp = `${this.file}.${process.pid}.tmp`;
      const text = this.events.map((e) => `${JSON.stringify(e)}\n`).join('');
      // Lines recorded while the file is being replaced are not in `text`: they stay pending.
      const written = this.pending.length;
      await writeFile(temp, text, 'utf8');
      await rename(temp, this.file);
      this.pending.splice(0, written);
      this.unterminated = false;
    });
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const next = this.writing.then(work);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async readLines(): Promise<MetricEvent[]> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    this.unterminated = text.length > 0 && !text.endsWith('\n');
    const events: MetricEvent[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const parsed = parseLine(line);
      if (parsed) events.push(parsed);
      else skipped += 1; // e.g. a line cut short by a crash mid-append: the others are intact
    }
    if (skipped > 0)
      this.options.logger?.warn({ file: this.file, skipped }, 'metrics lines unreadable; skipped');
    return events;
  }

  private async readLegacy(): Promise<MetricEvent[]> {
    const text = await readFile(this.legacyFile, 'utf8').catch(() => undefined);
    if (text === undefined) return [];
    const parsed = (() => {
      try {
        return legacyFileSchema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
    })();
    if (parsed?.success) return parsed.data.events;
    this.options.logger?.warn(
      { file: this.legacyFile },
      'old metrics file has an unexpected shape; set aside',
    );
    await rename(this.legacyFile, `${this.legacyFile}.corrupt-${Date.now()}`).catch(() => undefined);
    return [];
  }
}

function parseLine(line: string): MetricEvent | undefined {
  try {
    const parsed = eventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
