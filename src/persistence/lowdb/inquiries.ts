import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { KeyedQueue } from '../../keyedQueue.js';
import { inquirySchema } from '../../triage/inquirySchema.js';
import { isOverdue } from '../../triage/rules.js';
import type { Inquiry } from '../../triage/types.js';
import {
  DuplicateInquiryError,
  InquiryNotFoundError,
  type InquiryQuery,
  type InquiryRepository,
} from '../types.js';

// Inquiries are the one thing the bot promises a member ("staff will get back to you"), so each one
// is its own small file, written atomically (lowdb's writer: temp file + rename) and flushed to disk
// before a write resolves. An in-memory index, rebuilt from the folder at start-up, serves the queue.

interface Logger {
  warn(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

/** Flushes a file and its folder entry to disk: a power cut must not lose a promised inquiry. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on folders; the rename is still atomic.
  } finally {
    await handle.close();
  }
}

export function matchesQuery(q: Inquiry, query: InquiryQuery): boolean {
  const now = query.now ?? new Date();
  return (
    (!query.status?.length || query.status.includes(q.status)) &&
    (!query.priority?.length || query.priority.includes(q.priority)) &&
    (!query.topic?.length || query.topic.includes(q.topic)) &&
    (query.overdue === undefined || isOverdue(q, now) === query.overdue) &&
    (query.assignee === undefined || q.assignee === query.assignee)
  );
}

export class LowdbInquiryRepository implements InquiryRepository {
  private readonly index = new Map<string, Inquiry>();
  private readonly queue = new KeyedQueue();
  private unreadableFiles = 0;

  private constructor(
    private readonly dir: string,
    private readonly logger?: Logger,
  ) {}

  /** Opens the repository in `dir` (DATA_DIR/inquiries), loading every readable inquiry file. */
  static async open(dir: string, logger?: Logger): Promise<LowdbInquiryRepository> {
    const repo = new LowdbInquiryRepository(dir, logger);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir);
    // A crash mid-write leaves the writer's temp file (.<id>.json.tmp); the inquiry itself is either
    // the old complete file or was never promised, so the leftover can go.
    await Promise.all(
      entries
        .filter((n) => n.startsWith('.') && n.endsWith('.tmp'))
        .map((n) => rm(join(dir, n), { force: true })),
    );
    for (const name of entries.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const file = join(dir, name);
      try {
        const db = new Low<unknown>(new JSONFile(file), null);
        await db.read();
        const parsed = inquirySchema.safeParse(db.data);
        if (!parsed.success) {
          await repo.setAside(file, {
            issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          });
          continue;
        }
        repo.index.set(parsed.data.id, parsed.data as Inquiry);
      } catch (err) {
        await repo.setAside(file, { err: (err as Error).message });
      }
    }
    return repo;
  }

  get size(): number {
    return this.index.size;
  }

  get unreadable(): number {
    return this.unreadableFiles;
  }

  /**
   * A member was told this inquiry was received: never dropped quietly. The file is kept for a look
   * under another name (not read again), counted for staff (GET /api/staff/health), logged at error.
   */
  private async setAside(file: string, detail: object): Promise<void> {
    this.unreadableFiles += 1;
    const aside = `${file}.corrupt-${Date.now()}`;
    const moved = await rename(file, aside).then(
      () => true,
      () => false,
    );
    const log = { file: moved ? aside : file, ...detail };
    if (this.logger?.error) this.logger.error(log, 'inquiry file could not be read; set aside');
    else this.logger?.warn(log, 'inquiry file could not be read; set aside');
  }

  insert(inquiry: Inquiry): Promise<void> {
    return this.queue.run(inquiry.id, async () => {
      if (this.index.has(inquiry.id)) throw new DuplicateInquiryError(inquiry.id);
      const copy = structuredClone(inquiry);
      await this.save(copy);
      this.index.set(copy.id, copy);
    });
  }

  async get(id: string): Promise<Inquiry | undefined> {
    const found = this.index.get(id);
    return found ? structuredClone(found) : undefined;
  }

  async list(query: InquiryQuery = {}): Promise<Inquiry[]> {
    return [...this.index.values()]
      .filter((q) => matchesQuery(q, query))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.createdAt.localeCompare(b.createdAt))
      .map((q) => structuredClone(q));
  }

  update(id: string, change: (current: Inquiry) => Inquiry): Promise<Inquiry> {
    return this.queue.run(id, async () => {
      const current = this.index.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const next = structuredClone(change(structuredClone(current)));
      // Memory changes only after the file did: a failed write leaves both as they were.
      await this.save(next);
      this.index.set(id, next);
      return structuredClone(next);
    });
  }

  async openForConversation(conversationId: string): Promise<Inquiry[]> {
    return [...this.index.values()]
      .filter((q) => q.status !== 'resolved' && q.conversationReference.conversation?.id === conversationId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((q) => structuredClone(q));
  }

  /** Every inquiry (the lowdb outbox rebuilds its pending replies from them at start-up). */
  all(): Inquiry[] {
    return [...this.index.values()].map((q) => structuredClone(q));
  }

  flush(): Promise<void> {
    return this.queue.idle();
  }

  private async save(inquiry: Inquiry): Promise<void> {
    const file = join(this.dir, `${inquiry.id}.json`);
    await new Low<Inquiry>(new JSONFile(file), inquiry).write();
    await fsyncPath(file);
    await fsyncPath(this.dir);
  }
}
