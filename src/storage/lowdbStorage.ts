import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreItem, StoreItems } from 'botbuilder';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { KeyedQueue } from '../keyedQueue.js';
import { ETagConflictError, type StateStorage, type StoredDocument } from '../persistence/types.js';
import { RecentMap } from '../recentMap.js';
import { KeyFiles, ShardFolders } from './keyedFile.js';

/** What one state file holds; a file that parses as something else is damaged. */
const stateRecordSchema = z.object({
  key: z.string(),
  eTag: z.string(),
  updatedAt: z.number(),
  document: z.record(z.string(), z.unknown()),
});
type StateRecord = z.infer<typeof stateRecordSchema>;

/**
 * A record as the cache keeps it: the document as JSON text. Serialising once per write is both the
 * file's content and the private copy (the caller keeps mutating its state object after the write);
 * a read parses it into a fresh object for the turn.
 */
interface CachedRecord {
  key: string;
  eTag: string;
  updatedAt: number;
  documentJson: string;
}

export interface LowdbStorageOptions {
  /** Folder for the state files (created on first write). */
  dir: string;
  /** Idle items older than this are treated as absent and removed. 0 or undefined: never expire. */
  ttlMs?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
  /** Most records kept in memory (recently used first); 0 turns the cache off. */
  cacheSize?: number;
  /** Told about each file set aside (damaged, or quarantined by the state layer). */
  logger?: { warn(obj: object, msg: string): void };
}

export { ETagConflictError };

const DEFAULT_CACHE_SIZE = 10_000;

// Compact JSON: state files are read by the bot, not by people, and pretty-printing costs CPU per turn.
const dataFile = (file: string) =>
  new DataFile<StateRecord | null>(file, { parse: JSON.parse, stringify: JSON.stringify });

// The file of a cached record, written as the stored shape without parsing the document again.
const recordFile = (file: string) =>
  new DataFile<CachedRecord>(file, {
    parse: (text) => toCached(JSON.parse(text) as StateRecord),
    stringify: (r) =>
      `{"key":${JSON.stringify(r.key)},"eTag":${JSON.stringify(r.eTag)},"updatedAt":${r.updatedAt},"document":${r.documentJson}}`,
  });

function toCached(record: StateRecord): CachedRecord {
  const { document, ...rest } = record;
  return { ...rest, documentJson: JSON.stringify(document ?? {}) };
}

/**
 * botbuilder `Storage` on lowdb: a file per key (written atomically by lowdb's temp-file-and-rename
 * writer), eTag optimistic concurrency as in botbuilder's MemoryStorage ('*' or no eTag overwrites,
 * a stale eTag is refused), and a time-to-live for idle items.
 *
 * The process owns DATA_DIR, so what it last wrote or read is kept in a bounded in-memory cache: a
 * turn then costs one atomic file write and no reads for an active conversation. Intended consequence
 * of that single-owner design: once a key is cached, changes made to its file by anyone else (another
 * process, an operator deleting it) are not seen until the key leaves the cache or the process restarts.
 */
export class LowdbStorage implements StateStorage {
  private readonly queue = new KeyedQueue();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cacheSize: number;
  /** key → record, or null for "no such file"; the least recently used go first. */
  private readonly cache: RecentMap<string, CachedRecord | null>;
  private readonly shards = new ShardFolders();
  private readonly files: KeyFiles;

  constructor(private readonly options: LowdbStorageOptions) {
    this.files = new KeyFiles(options.dir);
    this.ttlMs = options.ttlMs ?? 0;
    this.now = options.now ?? Date.now;
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.cache = new RecentMap(Math.max(1, this.cacheSize));
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when reading');
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const stored = await this.readDocument(key);
        if (stored) items[key] = Object.assign(stored.document, { eTag: stored.eTag });
      }),
    );
    return items;
  }

  readDocument(key: string): Promise<StoredDocument | undefined> {
    return this.queue.run(key, async () => {
      const record = await this.load(key);
      if (!record) return undefined;
      const document = JSON.parse(record.documentJson) as Record<string, unknown>;
      return { document, json: record.documentJson, eTag: record.eTag };
    });
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('Changes are required when writing');
    await Promise.all(
      Object.entries(changes).map(async ([key, item]) => {
        const { eTag, ...document } = (item ?? {}) as StoreItem;
        const stored = await this.writeDocument(key, JSON.stringify(document), eTag);
        // The caller's item now carries the stored eTag: a second save in the same turn is not stale.
        if (item && typeof item === 'object') (item as StoreItem).eTag = stored;
      }),
    );
  }

  writeDocument(key: string, json: string, eTag?: string): Promise<string> {
    return this.queue.run(key, async () => {
      const current = await this.load(key);
      if (current && eTag && eTag !== '*' && eTag !== current.eTag) throw new ETagConflictError(key);
      const record: CachedRecord = { key, eTag: randomUUID(), updatedAt: this.now(), documentJson: json };
      await this.save(key, record);
      return record.eTag;
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when deleting');
    await Promise.all(
      keys.map((key) =>
        this.queue.run(key, async () => {
          await rm(this.file(key), { force: true });
          this.remember(key, null);
        }),
      ),
    );
  }

  /** Moves the key's file aside as `<file>.corrupt-<time>` (removed by the sweep after the TTL). */
  async quarantine(key: string): Promise<void> {
    await this.queue.run(key, async () => {
      await this.moveAside(key);
      this.remember(key, null);
    });
  }

  /** Waits for every queued read, write and delete: called before the process exits. */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Removes every expired item; returns how many. Run now and then so abandoned chats leave no data.
   * Also removes what earlier runs left behind once it is older than the TTL (by file mtime): damaged
   * files set aside as `*.corrupt-*` and interrupted writes' temp files (`.*.tmp`). The sweep does not
   * count as use: it never moves a key up in the cache, so it cannot push out active conversations.
   */
  async sweepExpired(): Promise<number> {
    if (this.ttlMs <= 0) return 0;
    let removed = 0;
    const shards = await readdir(this.options.dir).catch(() => [] as string[]);
    for (const shard of shards) {
      const folder = join(this.options.dir, shard);
      const files = await readdir(folder).catch(() => [] as string[]);
      for (const name of files) {
        const path = join(folder, name);
        if (name.endsWith('.json') && !name.startsWith('.')) {
          const record = await dataFile(path)
            .read()
            .catch(() => null);
          if (record?.key && this.isExpired(record)) {
            const key = record.key;
            await this.queue.run(key, async () => {
              if (await this.removeIfExpired(key)) removed += 1;
            });
          }
        } else if (name.includes('.corrupt-') || (name.startsWith('.') && name.endsWith('.tmp'))) {
          const info = await stat(path).catch(() => undefined);
          if (info?.isFile() && this.now() - info.mtimeMs > this.ttlMs) await rm(path, { force: true });
        }
      }
    }
    return removed;
  }

  /** The sweep's check: like `load`, but without touching the cache's order. Runs in the key's queue. */
  private async removeIfExpired(key: string): Promise<boolean> {
    const cached = this.cache.get(key); // get does not reorder
    const current = cached !== undefined ? cached : await this.readFile(key);
    if (!current || !this.isExpired(current)) return false;
    await rm(this.file(key), { force: true });
    this.cache.delete(key);
    return true;
  }

  private file(key: string): string {
    return this.files.path(key);
  }

  private isExpired(record: { updatedAt: number }): boolean {
    return this.ttlMs > 0 && this.now() - record.updatedAt > this.ttlMs;
  }

  private remember(key: string, record: CachedRecord | null): void {
    if (this.cacheSize <= 0) return;
    this.cache.set(key, record);
  }

  /** Reads a key's record (cache, else disk); an expired one is deleted and reported absent. */
  private async load(key: string): Promise<CachedRecord | undefined> {
    let record = this.cache.get(key);
    if (record === undefined) {
      record = await this.readFile(key);
      this.remember(key, record);
    } else {
      this.remember(key, record);
    }
    if (!record) return undefined;
    if (this.isExpired(record)) {
      await rm(this.file(key), { force: true });
      this.remember(key, null);
      return undefined;
    }
    return record;
  }

  private async readFile(key: string): Promise<CachedRecord | null> {
    const file = this.file(key);
    const db = new Low<StateRecord | null>(dataFile(file), null);
    try {
      await db.read();
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // Writes are atomic, so this is damage from outside: keep the file for a look, start afresh.
      await this.moveAside(key);
      return null;
    }
    if (db.data === null) return null;
    const record = stateRecordSchema.safeParse(db.data);
    if (!record.success) {
      await this.moveAside(key);
      return null;
    }
    return toCached(record.data);
  }

  private async moveAside(key: string): Promise<void> {
    const file = this.file(key);
    const aside = `${file}.corrupt-${this.now()}`;
    try {
      await rename(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // nothing on disk to keep
      throw err;
    }
    this.options.logger?.warn({ file: aside }, 'state file set aside');
  }

  private async save(key: string, record: CachedRecord): Promise<void> {
    const file = this.file(key);
    await this.shards.ensureFor(file);
    // Not the synchronous writer: it measured cheaper alone, but under load a blocking write stalls
    // every conversation behind the disk.
    await new Low<CachedRecord>(recordFile(file), record).write();
    this.remember(key, record);
  }
}
