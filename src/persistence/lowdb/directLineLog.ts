import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFile, TextFile } from 'lowdb/node';
import { parseWatermark } from '../../directline/conversationLog.js';
import { RecentMap } from '../../recentMap.js';
import { KeyFiles, ShardFolders } from '../../storage/keyedFile.js';
import { ConversationListeners } from '../conversationListeners.js';
import {
  type ActivitySet,
  type ConversationEvent,
  type ConversationListener,
  ConversationNotFoundError,
  type DirectLineConversation,
  type DirectLineLog,
  type LoggedActivity,
  type StoredActivity,
} from '../types.js';

// The Direct Line transcripts of the embedded backend: every conversation in memory (one process
// owns DATA_DIR) and in its own file under DATA_DIR/directline, rewritten after each change, so a
// restart (kill -9 included) keeps every chat. A conversation goes when it has been idle for the
// retention period, never because others arrived; the activities of one are capped (oldest dropped).
// For the conversations in use, each activity's JSON text is kept beside it, so rewriting a
// transcript serialises only what is new (memory holds the activities as objects, which is smaller).

interface Entry {
  seq: number;
  activity: StoredActivity;
  /** Ephemeral entries (typing) are dropped after this time, epoch ms. */
  expiresAt?: number;
}

interface Conversation {
  id: string;
  userId: string;
  createdAt: number;
  lastActiveAt: number;
  started: boolean;
  nextSeq: number;
  entries: Entry[];
}

export interface FileDirectLineLogOptions {
  dir: string;
  retentionMs: number;
  maxActivitiesPerConversation?: number;
  now?: () => number;
}

/** Touches of a read-only client (polling) are written at most this often. */
const TOUCH_WRITE_MS = 60_000;

const newId = (prefix: string) => prefix + randomBytes(16).toString('base64url');

const conversationFile = (file: string) =>
  new DataFile<Conversation | null>(file, { parse: JSON.parse, stringify: JSON.stringify });

/** Conversations whose activities' JSON texts are kept (the ones in use; a few KB each). */
const CONVERSATIONS_WITH_TEXTS = 256;

/** One file write at a time per conversation; a change during a write is written right after it. */
class CoalescingWriter {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  request(write: () => Promise<void>): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const next: Promise<void> = previous
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.running = next;
        return write();
      })
      .finally(() => {
        if (this.running === next) this.running = undefined;
      });
    this.queued = next;
    return next;
  }

  idle(): Promise<void> {
    return (this.queued ?? this.running ?? Promise.resolve()).catch(() => undefined);
  }
}

export class FileDirectLineLog implements DirectLineLog {
  private readonly conversations = new Map<string, Conversation>();
  private readonly persistedActiveAt = new Map<string, number>();
  private readonly writers = new Map<string, CoalescingWriter>();
  private readonly shards = new ShardFolders();
  /** Conversation id → its entries' activities as JSON, for the recently written conversations. */
  private readonly entryTexts = new RecentMap<string, Map<Entry, string>>(CONVERSATIONS_WITH_TEXTS);
  private readonly files: KeyFiles;
  private readonly listeners = new ConversationListeners();
  private readonly maxActivities: number;
  private readonly now: () => number;

  private constructor(private readonly options: FileDirectLineLogOptions) {
    this.maxActivities = options.maxActivitiesPerConversation ?? 500;
    this.files = new KeyFiles(options.dir);
    this.now = options.now ?? Date.now;
    if (options.retentionMs <= 0 || this.maxActivities < 1)
      throw new Error('Direct Line log limits must be positive');
  }

  /** Loads every conversation still inside its retention; files of expired ones are removed. */
  static async open(options: FileDirectLineLogOptions): Promise<FileDirectLineLog> {
    const log = new FileDirectLineLog(options);
    const shards = await readdir(options.dir).catch(() => [] as string[]);
    for (const shard of shards) {
      const folder = join(options.dir, shard);
      const names = await readdir(folder).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(folder, name);
        if (!name.endsWith('.json') || name.startsWith('.')) {
          if (name.endsWith('.tmp')) await rm(path, { force: true });
          continue;
        }
        const record = await conversationFile(path)
          .read()
          .catch(() => null);
        if (!record?.id || !Array.isArray(record.entries) || log.isExpired(record)) {
          await rm(path, { force: true });
          continue;
        }
        log.conversations.set(record.id, record);
        log.persistedActiveAt.set(record.id, record.lastActiveAt);
      }
    }
    return log;
  }

  get size(): number {
    return this.conversations.size;
  }

  async create(): Promise<DirectLineConversation> {
    const now = this.now();
    const record: Conversation = {
      id: newId(''),
      // Identity comes from the server: a client-chosen user id would let one member impersonate another.
      userId: newId('dl_'),
      createdAt: now,
      lastActiveAt: now,
      started: false,
      nextSeq: 1,
      entries: [],
    };
    this.conversations.set(record.id, record);
    await this.persist(record);
    return view(record);
  }

  async get(conversationId: string, options: { touch?: boolean } = {}) {
    const record = this.find(conversationId);
    if (!record) return undefined;
    if (options.touch) await this.touch(record);
    return view(record);
  }

  async markStarted(conversationId: string): Promise<boolean> {
    const record = this.require(conversationId);
    if (record.started) return false;
    record.started = true;
    await this.persist(record);
    return true;
  }

  async append(
    conversationId: string,
    activity: Record<string, unknown> & { type: string },
    options: { ephemeralMs?: number } = {},
  ): Promise<LoggedActivity> {
    const record = this.require(conversationId);
    const now = this.now();
    record.lastActiveAt = now;
    const seq = record.nextSeq++;
    const id =
      typeof activity.id === 'string' && activity.id
        ? activity.id
        : `${conversationId}|${String(seq).padStart(7, '0')}`;
    // A copy through JSON (later changes by the bot do not reach the log); its text is kept for the file.
    const json = JSON.stringify({ ...activity, id });
    const stored = JSON.parse(json) as StoredActivity;
    const entry: Entry = { seq, activity: stored };
    this.textsOf(conversationId).set(entry, json);
    if (options.ephemeralMs !== undefined) entry.expiresAt = now + options.ephemeralMs;
    record.entries = record.entries.filter((e) => e.expiresAt === undefined || e.expiresAt > now);
    record.entries.push(entry);
    if (record.entries.length > this.maxActivities) {
      record.entries.splice(0, record.entries.length - this.maxActivities);
    }
    this.emit(conversationId, { type: 'activity', activity: stored, watermark: String(seq) });
    await this.persist(record);
    return stored;
  }

  async replace(
    conversationId: string,
    activityId: string,
    activity: Record<string, unknown> & { type: string },
  ): Promise<LoggedActivity | undefined> {
    const record = this.require(conversationId);
    const index = record.entries.findIndex((e) => e.activity.id === activityId);
    if (index < 0) return undefined;
    record.entries.splice(index, 1);
    return this.append(conversationId, { ...activity, id: activityId });
  }

  async remove(conversationId: string, activityId: string): Promise<boolean> {
    const record = this.require(conversationId);
    const before = record.entries.length;
    record.entries = record.entries.filter((e) => e.activity.id !== activityId);
    if (record.entries.length === before) return false;
    await this.persist(record);
    return true;
  }

  async list(conversationId: string, watermark?: string | null): Promise<ActivitySet> {
    const after = parseWatermark(watermark);
    const record = this.require(conversationId);
    await this.touch(record);
    const now = this.now();
    const fresh = record.entries.filter(
      (e) => e.seq > after && (e.expiresAt === undefined || e.expiresAt > now),
    );
    // The watermark is the newest sequence number: it also moves past expired entries, so those are
    // never delivered late.
    return { activities: fresh.map((e) => e.activity), watermark: String(record.nextSeq - 1) };
  }

  subscribe(conversationId: string, listener: ConversationListener): () => void {
    return this.listeners.add(conversationId, listener);
  }

  async sweepExpired(): Promise<number> {
    let removed = 0;
    for (const record of [...this.conversations.values()]) {
      if (!this.isExpired(record)) continue;
      await this.drop(record.id);
      removed += 1;
    }
    return removed;
  }

  /** Waits for every pending file write. */
  async flush(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.idle()));
  }

  private isExpired(record: { lastActiveAt: number }): boolean {
    return this.now() - record.lastActiveAt > this.options.retentionMs;
  }

  private find(conversationId: string): Conversation | undefined {
    const record = this.conversations.get(conversationId);
    if (!record) return undefined;
    if (this.isExpired(record)) {
      void this.drop(conversationId);
      return undefined;
    }
    return record;
  }

  private require(conversationId: string): Conversation {
    const record = this.find(conversationId);
    if (!record) throw new ConversationNotFoundError(conversationId);
    return record;
  }

  private async touch(record: Conversation): Promise<void> {
    record.lastActiveAt = this.now();
    const persisted = this.persistedActiveAt.get(record.id) ?? 0;
    if (record.lastActiveAt - persisted >= TOUCH_WRITE_MS) await this.persist(record);
  }

  /** Ends a conversation now (its readers are told, its file removed). */
  end(conversationId: string): Promise<void> {
    return this.drop(conversationId);
  }

  private async drop(conversationId: string): Promise<void> {
    this.conversations.delete(conversationId);
    this.persistedActiveAt.delete(conversationId);
    this.entryTexts.delete(conversationId);
    this.emit(conversationId, { type: 'ended' });
    this.listeners.forget(conversationId);
    const writer = this.writerFor(conversationId);
    await writer.request(() => rm(this.file(conversationId), { force: true }));
    this.writers.delete(conversationId);
  }

  private emit(conversationId: string, event: ConversationEvent): void {
    this.listeners.emit(conversationId, event);
  }

  private file(conversationId: string): string {
    return this.files.path(conversationId);
  }

  private writerFor(conversationId: string): CoalescingWriter {
    let writer = this.writers.get(conversationId);
    if (!writer) {
      writer = new CoalescingWriter();
      this.writers.set(conversationId, writer);
    }
    return writer;
  }

  /** The kept JSON texts of a conversation's entries; it becomes the most recently used. */
  private textsOf(conversationId: string): Map<Entry, string> {
    const texts = this.entryTexts.get(conversationId) ?? new Map<Entry, string>();
    this.entryTexts.set(conversationId, texts);
    return texts;
  }

  private persist(record: Conversation): Promise<void> {
    const file = this.file(record.id);
    return this.writerFor(record.id).request(async () => {
      if (this.conversations.get(record.id) !== record) return; // dropped meanwhile
      const now = this.now();
      const { entries, ...fields } = record;
      const known = this.entryTexts.get(record.id);
      const kept = new Map<Entry, string>();
      const stored: string[] = [];
      for (const e of entries) {
        if (e.expiresAt !== undefined && e.expiresAt <= now) continue;
        const json = known?.get(e) ?? JSON.stringify(e.activity);
        kept.set(e, json);
        stored.push(
          `{"seq":${e.seq},"activity":${json}${e.expiresAt === undefined ? '' : `,"expiresAt":${e.expiresAt}`}}`,
        );
      }
      this.entryTexts.set(record.id, kept);
      await this.shards.ensureFor(file);
      // The stored shape, as JSON.stringify would write it, from the texts already made.
      await new TextFile(file).write(
        `${JSON.stringify(fields).slice(0, -1)},"entries":[${stored.join(',')}]}`,
      );
      this.persistedActiveAt.set(record.id, fields.lastActiveAt);
    });
  }
}

function view(record: Conversation): DirectLineConversation {
  return { id: record.id, userId: record.userId, createdAt: record.createdAt, started: record.started };
}
