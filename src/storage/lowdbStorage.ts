import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { KeyedQueue } from '../keyedQueue.js';
import { fileForKey } from './keyedFile.js';

/** What one state file holds. */
interface StateRecord {
  key: string;
  eTag: string;
  updatedAt: number;
  document: Record<string, unknown>;
}

export interface LowdbStorageOptions {
  /** Folder for the state files (created on first write). */
  dir: string;
  /** Idle items older than this are treated as absent and removed. 0 or undefined: never expire. */
  ttlMs?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * botbuilder `Storage` on lowdb: a file per key (written atomically by lowdb's temp-file-and-rename
 * writer), eTag optimistic concurrency as in botbuilder's MemoryStorage ('*' or no eTag overwrites,
 * a stale eTag is refused), and a time-to-live for idle items.
 */
export class LowdbStorage implements Storage {
  private readonly queue = new KeyedQueue();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LowdbStorageOptions) {
    this.ttlMs = options.ttlMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when reading');
    const items: StoreItems = {};
    await Promise.all(
      keys.map((key) =>
        this.queue.run(key, async () => {
          const record = await this.load(key);
          if (record) items[key] = { ...record.document, eTag: record.eTag };
        }),
      ),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('Changes are required when writing');
    await Promise.all(
      Object.entries(changes).map(([key, item]) =>
        this.queue.run(key, async () => {
          const { eTag, ...document } = (item ?? {}) as StoreItem;
          const current = await this.load(key);
          if (current && eTag && eTag !== '*' && eTag !== current.eTag) throw new ETagConflictError(key);
          const record: StateRecord = { key, eTag: randomUUID(), updatedAt: this.now(), document };
          await this.save(key, record);
        }),
      ),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when deleting');
    await Promise.all(keys.map((key) => this.queue.run(key, () => rm(this.file(key), { force: true }))));
  }

  /** Waits for every queued read, write and delete: called before the process exits. */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  /** Removes every expired item; returns how many. Run now and then so abandoned chats leave no data. */
  async sweepExpired(): Promise<number> {
    if (this.ttlMs <= 0) return 0;
    let removed = 0;
    const shards = await readdir(this.options.dir).catch(() => [] as string[]);
    for (const shard of shards) {
      const files = await readdir(join(this.options.dir, shard)).catch(() => [] as string[]);
      for (const name of files.filter((f) => f.endsWith('.json'))) {
        const db = new Low<StateRecord | null>(new JSONFile(join(this.options.dir, shard, name)), null);
        const record = await db.read().then(
          () => db.data,
          () => null,
        );
        if (record?.key && this.isExpired(record)) {
          await this.queue.run(record.key, async () => {
            const fresh = await this.load(record.key);
            if (fresh === undefined) removed += 1;
          });
        }
      }
    }
    return removed;
  }

  private file(key: string): string {
    return fileForKey(this.options.dir, key);
  }

  private isExpired(record: StateRecord): boolean {
    return this.ttlMs > 0 && this.now() - record.updatedAt > this.ttlMs;
  }

  /** Reads a key's record; an expired one is deleted and reported absent. */
  private async load(key: string): Promise<StateRecord | undefined> {
    const file = this.file(key);
    const db = new Low<StateRecord | null>(new JSONFile(file), null);
    try {
      await db.read();
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // Writes are atomic, so this is damage from outside: keep the file for a look, start afresh.
      await rename(file, `${file}.corrupt-${this.now()}`);
      return undefined;
    }
    const record = db.data;
    if (!record) return undefined;
    if (this.isExpired(record)) {
      await rm(file, { force: true });
      return undefined;
    }
    return record;
  }

  private async save(key: string, record: StateRecord): Promise<void> {
    const file = this.file(key);
    await mkdir(dirname(file), { recursive: true });
    const db = new Low<StateRecord | null>(new JSONFile(file), record);
    await db.write();
  }
}
