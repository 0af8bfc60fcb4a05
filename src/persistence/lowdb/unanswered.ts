import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { LOCALES } from '../../topics.js';
import type { UnansweredGroup, UnansweredSighting, UnansweredStore } from '../types.js';

// The unanswered log in one lowdb file (DATA_DIR/unanswered.json), held in memory and written a
// moment after a change. Bounded: the least recently seen groups are dropped first.

const groupSchema = z.object({
  id: z.string(),
  normalized: z.string(),
  lang: z.enum(LOCALES),
  count: z.number().int().nonnegative(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  examples: z.array(z.string()),
  topic: z.string().optional(),
});
const fileSchema = z.object({ version: z.literal(1), groups: z.array(groupSchema) });
type FileData = z.infer<typeof fileSchema>;

export const MAX_EXAMPLES = 3;
export const MAX_UNANSWERED_GROUPS = 2000;

export interface UnansweredLogOptions {
  /** Most groups kept; the least recently seen go first. */
  maxGroups?: number;
  /** Writes are batched this long after a record. */
  debounceMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

export class LowdbUnansweredStore implements UnansweredStore {
  private readonly groups = new Map<string, UnansweredGroup>();
  private readonly db: Low<FileData>;
  private readonly maxGroups: number;
  private readonly debounceMs: number;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    file: string,
    private readonly options: UnansweredLogOptions,
  ) {
    this.db = new Low<FileData>(new JSONFile(file), { version: 1, groups: [] });
    this.maxGroups = options.maxGroups ?? MAX_UNANSWERED_GROUPS;
    this.debounceMs = options.debounceMs ?? 250;
  }

  /** Opens (or starts) the log at `file`, e.g. DATA_DIR/unanswered.json. A damaged file starts afresh. */
  static async open(file: string, options: UnansweredLogOptions = {}): Promise<LowdbUnansweredStore> {
    const log = new LowdbUnansweredStore(file, options);
    await mkdir(dirname(file), { recursive: true });
    try {
      await log.db.read();
      const parsed = fileSchema.safeParse(log.db.data);
      if (parsed.success) {
        const byRecency = parsed.data.groups.sort((a, b) => a.lastSeen.localeCompare(b.lastSeen));
        for (const g of byRecency) log.groups.set(g.id, g);
      } else options.logger?.warn({ file }, 'unanswered log has an unexpected shape; starting afresh');
    } catch (err) {
      options.logger?.warn(
        { file, err: (err as Error).message },
        'unanswered log unreadable; starting afresh',
      );
      // Keep the damaged file for a look instead of overwriting it on the next write.
      await rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
    }
    return log;
  }

  async add(s: UnansweredSighting): Promise<void> {
    const group = this.groups.get(s.id);
    if (group) {
      group.count += 1;
      if (s.at > group.lastSeen) group.lastSeen = s.at;
      group.examples = [s.masked, ...group.examples.filter((e) => e !== s.masked)].slice(0, MAX_EXAMPLES);
      if (s.topic) group.topic = s.topic;
      // Re-insert: Map order doubles as recency order for eviction.
      this.groups.delete(s.id);
      this.groups.set(s.id, group);
    } else {
      this.groups.set(s.id, {
        id: s.id,
        normalized: s.normalized,
        lang: s.lang,
        count: 1,
        firstSeen: s.at,
        lastSeen: s.at,
        examples: [s.masked],
        ...(s.topic ? { topic: s.topic } : {}),
      });
      this.evict();
    }
    this.scheduleWrite();
  }

  /** Groups, most frequent first, then most recent. */
  async list(): Promise<UnansweredGroup[]> {
    return [...this.groups.values()]
      .map((g) => structuredClone(g))
      .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen));
  }

  /** Removes a group once content covers it; false if there is no such group. */
  async dismiss(id: string): Promise<boolean> {
    const removed = this.groups.delete(id);
    if (removed) await this.writeNow();
    return removed;
  }

  /** Writes pending changes and waits for them (call before exit). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty) await this.writeNow();
    await this.writing;
  }

  private evict(): void {
    while (this.groups.size > this.maxGroups) {
      // Least recently seen first; Map iteration order is insertion (= last touch) order.
      const oldest = this.groups.keys().next();
      if (oldest.done) break;
      this.groups.delete(oldest.value);
    }
  }

  private scheduleWrite(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeNow().catch((err: unknown) =>
        this.options.logger?.warn({ err: (err as Error).message }, 'unanswered log write failed'),
      );
    }, this.debounceMs);
    this.timer.unref();
  }

  /** Serialised: each write waits for the previous one and writes the latest state. */
  private writeNow(): Promise<void> {
    this.dirty = false;
    const next = this.writing.then(async () => {
      this.db.data = { version: 1, groups: [...this.groups.values()] };
      await this.db.write();
    });
    this.writing = next.catch(() => {
      this.dirty = true;
    });
    return next;
  }
}
