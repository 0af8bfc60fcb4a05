import { createHash } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { type Lang, LOCALES } from '../topics.js';
import { maskText } from './mask.js';
import type { UnansweredLog } from './types.js';

// What members asked that the bot could not answer, grouped by a normalised form and counted, so
// staff see which content is missing. Bounded: the least recently seen groups are dropped first.

export interface UnansweredGroup {
  /** Stable id of the group (hash of the normalised form). */
  id: string;
  /** The normalised, masked form the group is keyed by. */
  normalized: string;
  lang: Lang;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to MAX_EXAMPLES distinct masked wordings, most recent first. */
  examples: string[];
}

const groupSchema = z.object({
  id: z.string(),
  normalized: z.string(),
  lang: z.enum(LOCALES),
  count: z.number().int().nonnegative(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  examples: z.array(z.string()),
});
const fileSchema = z.object({ version: z.literal(1), groups: z.array(groupSchema) });
type FileData = z.infer<typeof fileSchema>;

const MAX_EXAMPLES = 3;
const MAX_TEXT = 300;

/** NFKC (full-width letters, half-width kana), lower case, whitespace folded, end punctuation dropped. */
export function normalizeUtterance(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '')
    .trim();
}

export interface UnansweredLogOptions {
  /** Most groups kept; the least recently seen go first. */
  maxGroups?: number;
  /** Writes are batched this long after a record. */
  debounceMs?: number;
  logger?: { warn(obj: object, msg: string): void };
}

export class LowdbUnansweredLog implements UnansweredLog {
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
    this.maxGroups = options.maxGroups ?? 2000;
    this.debounceMs = options.debounceMs ?? 250;
  }

  /** Opens (or starts) the log at `file`, e.g. DATA_DIR/unanswered.json. A damaged file starts afresh. */
  static async open(file: string, options: UnansweredLogOptions = {}): Promise<LowdbUnansweredLog> {
    const log = new LowdbUnansweredLog(file, options);
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

  async record(text: string, lang: Lang, at: Date): Promise<void> {
    const masked = maskText(text).replace(/\s+/gu, ' ').trim().slice(0, MAX_TEXT);
    const normalized = normalizeUtterance(masked);
    if (!normalized) return;
    const id = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
    const when = (Number.isNaN(at.getTime()) ? new Date() : at).toISOString();
    const group = this.groups.get(id);
    if (group) {
      group.count += 1;
      if (when > group.lastSeen) group.lastSeen = when;
      group.examples = [masked, ...group.examples.filter((e) => e !== masked)].slice(0, MAX_EXAMPLES);
      // Re-insert: Map order doubles as recency order for eviction.
      this.groups.delete(id);
      this.groups.set(id, group);
    } else {
      this.groups.set(id, {
        id,
        normalized,
        lang,
        count: 1,
        firstSeen: when,
        lastSeen: when,
        examples: [masked],
      });
      this.evict();
    }
    this.scheduleWrite();
  }

  /** Groups, most frequent first, then most recent. */
  list(): UnansweredGroup[] {
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
