import { randomBytes } from 'node:crypto';

// In-memory transcript of each Direct Line conversation: what clients read with `?watermark=`.
// Everything is bounded: activities per conversation (oldest dropped), number of conversations (idle
// ones evicted first, then the least recently used), and short-lived entries (typing) expire on their own.

/** A JSON-safe activity as delivered to Direct Line clients. */
export type StoredActivity = Record<string, unknown> & { id: string; type: string };
/**
 * What the log hands out: its own stored copy, not a fresh one (readers only serialise it, and a copy
 * per reader and per poll was a measurable share of every turn). Never mutate it; copy first.
 */
export type LoggedActivity = Readonly<StoredActivity>;

export interface ConversationLogOptions {
  maxActivitiesPerConversation?: number;
  maxConversations?: number;
  /** A conversation nobody has read or written for this long is removed. */
  idleTtlMs?: number;
  now?: () => number;
}

interface Entry {
  seq: number;
  activity: StoredActivity;
  /** Ephemeral entries (typing) are dropped after this time, epoch ms. */
  expiresAt?: number;
}

export interface ConversationRecord {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  lastActiveAt: number;
  /** The bot has been told about this conversation (conversationUpdate sent). */
  started: boolean;
  nextSeq: number;
  entries: Entry[];
}

export interface ActivitySet {
  activities: LoggedActivity[];
  watermark: string;
}

/** What a live reader (the WebSocket stream) is told about a conversation. */
export type ConversationEvent =
  | { type: 'activity'; activity: LoggedActivity; watermark: string }
  | { type: 'ended' };

export type ConversationListener = (event: ConversationEvent) => void;

export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super(`Direct Line conversation not found (ended or expired): ${conversationId}`);
    this.name = 'ConversationNotFoundError';
  }
}

export class InvalidWatermarkError extends Error {
  constructor(watermark: string) {
    super(`Invalid watermark: ${JSON.stringify(watermark.slice(0, 40))}`);
    this.name = 'InvalidWatermarkError';
  }
}

function newId(prefix: string): string {
  return prefix + randomBytes(16).toString('base64url');
}

export function clone<T>(value: T): T {
  // JSON round-trip: Dates become ISO strings (as on the wire) and later mutation by the bot cannot leak in.
  return JSON.parse(JSON.stringify(value)) as T;
}

export function parseWatermark(watermark: string | null | undefined): number {
  if (watermark === undefined || watermark === null || watermark === '') return 0;
  if (!/^\d{1,15}$/.test(watermark)) throw new InvalidWatermarkError(watermark);
  return Number(watermark);
}

export class ConversationLog {
  readonly maxActivitiesPerConversation: number;
  readonly maxConversations: number;
  readonly idleTtlMs: number;
  private readonly now: () => number;
  // Map iteration order is insertion order; touching re-inserts, so the first key is the least recently used.
  private readonly conversations = new Map<string, ConversationRecord>();
  private readonly listeners = new Map<string, Set<ConversationListener>>();

  constructor(options: ConversationLogOptions = {}) {
    this.maxActivitiesPerConversation = options.maxActivitiesPerConversation ?? 500;
    this.maxConversations = options.maxConversations ?? 2000;
    this.idleTtlMs = options.idleTtlMs ?? 6 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
    if (this.maxActivitiesPerConversation < 1 || this.maxConversations < 1 || this.idleTtlMs <= 0) {
      throw new Error('ConversationLog limits must be positive');
    }
  }

  get size(): number {
    return this.conversations.size;
  }

  create(userId: string = newId('dl_')): ConversationRecord {
    this.evictIdle();
    while (this.conversations.size >= this.maxConversations) {
      const oldest = this.conversations.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
    const now = this.now();
    const record: ConversationRecord = {
      id: newId(''),
      userId,
      createdAt: now,
      lastActiveAt: now,
      started: false,
      nextSeq: 1,
      entries: [],
    };
    this.conversations.set(record.id, record);
    return record;
  }

  /** The conversation, or undefined when unknown or idle too long. Does not count as activity. */
  peek(conversationId: string): ConversationRecord | undefined {
    const record = this.conversations.get(conversationId);
    if (!record) return undefined;
    if (this.now() - record.lastActiveAt > this.idleTtlMs) {
      this.delete(conversationId);
      return undefined;
    }
    return record;
  }

  /** Like peek, and marks the conversation as in use (a client is reading or writing it). */
  get(conversationId: string): ConversationRecord | undefined {
    const record = this.peek(conversationId);
    if (record) this.touch(record);
    return record;
  }

  has(conversationId: string): boolean {
    return this.peek(conversationId) !== undefined;
  }

  delete(conversationId: string): boolean {
    const deleted = this.conversations.delete(conversationId);
    if (deleted) this.emit(conversationId, { type: 'ended' });
    this.listeners.delete(conversationId);
    return deleted;
  }

  /**
   * Calls `listener` synchronously for every activity appended from now on (with its watermark) and
   * once with `ended` when the conversation is removed. Returns the unsubscribe function.
   */
  subscribe(conversationId: string, listener: ConversationListener): () => void {
    this.require(conversationId);
    let set = this.listeners.get(conversationId);
    if (!set) {
      set = new Set();
      this.listeners.set(conversationId, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(conversationId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(conversationId);
    };
  }

  private emit(conversationId: string, event: ConversationEvent): void {
    const set = this.listeners.get(conversationId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // A reader's failure (e.g. a socket that just closed) must never fail the writer.
      }
    }
  }

  /** Returns true the first time only: the caller then tells the bot the conversation has started. */
  markStarted(conversationId: string): boolean {
    const record = this.require(conversationId);
    if (record.started) return false;
    record.started = true;
    return true;
  }

  /**
   * Appends a copy of the activity with a Direct Line id (`<conversationId>|<seq>`) unless it has one.
   * `ephemeralMs`: drop the entry after that long (typing indicators need not survive a reload).
   */
  append(
    conversationId: string,
    activity: Record<string, unknown> & { type: string },
    options: { ephemeralMs?: number } = {},
  ): LoggedActivity {
    const record = this.require(conversationId);
    const now = this.now();
    this.touch(record);
    const seq = record.nextSeq++;
    const stored = clone(activity) as StoredActivity;
    if (typeof stored.id !== 'string' || !stored.id)
      stored.id = `${conversationId}|${String(seq).padStart(7, '0')}`;
    const entry: Entry = { seq, activity: stored };
    if (options.ephemeralMs !== undefined) entry.expiresAt = now + options.ephemeralMs;
    record.entries = record.entries.filter((e) => e.expiresAt === undefined || e.expiresAt > now);
    record.entries.push(entry);
    if (record.entries.length > this.maxActivitiesPerConversation) {
      record.entries.splice(0, record.entries.length - this.maxActivitiesPerConversation);
    }
    if (this.listeners.has(conversationId)) {
      this.emit(conversationId, { type: 'activity', activity: stored, watermark: String(seq) });
    }
    return stored;
  }

  /**
   * Replaces an activity by id. It moves to the end with a new sequence number so clients polling past
   * the old watermark see the new version (Web Chat replaces activities with the same id).
   */
  replace(
    conversationId: string,
    activityId: string,
    activity: Record<string, unknown> & { type: string },
  ): LoggedActivity | undefined {
    const record = this.require(conversationId);
    const index = record.entries.findIndex((e) => e.activity.id === activityId);
    if (index < 0) return undefined;
    record.entries.splice(index, 1);
    return this.append(conversationId, { ...activity, id: activityId });
  }

  remove(conversationId: string, activityId: string): boolean {
    const record = this.require(conversationId);
    const before = record.entries.length;
    record.entries = record.entries.filter((e) => e.activity.id !== activityId);
    return record.entries.length !== before;
  }

  /** Activities after the watermark (all for an empty one) and the watermark to send next time. */
  list(conversationId: string, watermark?: string | null): ActivitySet {
    const after = parseWatermark(watermark);
    const record = this.require(conversationId);
    this.touch(record);
    const now = this.now();
    const fresh = record.entries.filter(
      (e) => e.seq > after && (e.expiresAt === undefined || e.expiresAt > now),
    );
    // The watermark is the newest sequence number: it also moves past expired entries, so those are
    // never delivered late.
    return { activities: fresh.map((e) => e.activity), watermark: String(record.nextSeq - 1) };
  }

  private require(conversationId: string): ConversationRecord {
    const record = this.peek(conversationId);
    if (!record) throw new ConversationNotFoundError(conversationId);
    return record;
  }

  private touch(record: ConversationRecord): void {
    record.lastActiveAt = this.now();
    this.conversations.delete(record.id);
    this.conversations.set(record.id, record);
  }

  private evictIdle(): void {
    const cutoff = this.now() - this.idleTtlMs;
    for (const [id, record] of this.conversations) {
      // LRU order: once one is recent enough, the rest are too.
      if (record.lastActiveAt >= cutoff) break;
      this.delete(id);
    }
  }
}
