import type { Storage } from 'botbuilder';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Lang } from '../topics.js';
import type { AuditDetail, StaffRole } from '../triage/staffActor.js';
import type { Inquiry, InquiryStatus, Priority } from '../triage/types.js';

// The persistence seam: everything the bot keeps goes through these interfaces. Consumers (dialogs,
// Direct Line, triage, the staff API) depend on them only; src/persistence/lowdb and
// src/persistence/postgres implement them, and test/persistence runs one contract suite on both.

export type BackendName = 'lowdb' | 'postgres';

/** The backend cannot be reached (database down): callers answer 503 or apologise, nothing half-written. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A write whose eTag is no longer current: someone else changed the item since it was read. */
export class ETagConflictError extends Error {
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'ETagConflictError';
  }
}

/**
 * Conversation state, a botbuilder `Storage` with real optimistic concurrency: a write whose item
 * carries an eTag other than '*' fails with ETagConflictError unless it is still the stored one. After
 * a successful write the item passed in carries its new eTag (so a second save in one turn is not
 * refused as stale).
 */
export interface StateStorage extends Storage {
  /**
   * One item with its JSON text, for a caller that keeps the text as its "unchanged since read" mark
   * (the state layer): the backend hands over the text it holds instead of the caller serialising
   * the document again. Undefined when absent or expired.
   */
  readDocument(key: string): Promise<StoredDocument | undefined>;
  /**
   * Stores a document given as its JSON text (an object, no eTag in it): refused with
   * ETagConflictError when `eTag` is neither absent, '*' nor the stored one. Returns the new eTag.
   */
  writeDocument(key: string, json: string, eTag?: string): Promise<string>;
  /** Removes items idle longer than the TTL; returns how many. */
  sweepExpired(): Promise<number>;
  /**
   * Sets a damaged item aside: kept for a look (a `.corrupt-*` file on lowdb, the state_quarantine
   * table on PostgreSQL), no longer read; the key then reads as absent.
   */
  quarantine(key: string): Promise<void>;
}

/** A stored conversation-state document as `StateStorage.readDocument` gives it. */
export interface StoredDocument {
  /** A fresh object, the caller's to change; no eTag in it. */
  document: Record<string, unknown>;
  /** `JSON.stringify(document)` as it is now, key order included. */
  json: string;
  eTag: string;
}

/** What the staff queue filters on; every field optional, lists are "any of". */
export interface InquiryQuery {
  status?: readonly InquiryStatus[];
  priority?: readonly Priority[];
  topic?: readonly string[];
  /** true: only overdue ones; false: only those not overdue (both need `now`). */
  overdue?: boolean;
  assignee?: string;
  /** The instant "overdue" is judged at. */
  now?: Date;
}

/** Inquiries as records. The rules (ids, transitions, due times) live in src/triage, not here. */
export interface InquiryRepository {
  /** Stored inquiries that could not be read (set aside, never dropped quietly): shown to staff. */
  readonly unreadable: number;
  /** Stores a new inquiry durably; rejects with DuplicateInquiryError when the id exists. */
  insert(inquiry: Inquiry): Promise<void>;
  get(id: string): Promise<Inquiry | undefined>;
  /** Matching inquiries, earliest due first, then oldest. */
  list(query?: InquiryQuery): Promise<Inquiry[]>;
  /**
   * Read-modify-write of one inquiry, atomic against concurrent updates (other instances included).
   * `change` gets a copy and returns the new version (or throws to abort: nothing is written).
   * Rejects with InquiryNotFoundError when there is no such inquiry.
   */
  update(id: string, change: (current: Inquiry) => Inquiry): Promise<Inquiry>;
  /**
   * The inquiries filed from one conversation that are not resolved, newest first: asked on every
   * member turn (is the conversation taken over? is an answer to a staff reply due?), so it is cheap.
   */
  openForConversation(conversationId: string): Promise<Inquiry[]>;
}

/** What staff listeners are told about an inquiry: re-read it for the content. */
export interface InquiryEvent {
  inquiryId: string;
  kind: 'message' | 'status' | 'live';
  /** The message that was added (kind 'message'). */
  messageId?: string;
}

export type InquiryEventListener = (event: InquiryEvent) => void;

/**
 * Changes staff should see at once (a member's message, a takeover), from every instance: in-process
 * on lowdb, LISTEN/NOTIFY on PostgreSQL. Best effort: a missed event leaves the console to its refresh.
 */
export interface InquiryEvents {
  publish(event: InquiryEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: InquiryEventListener): () => void;
}

export class DuplicateInquiryError extends Error {
  constructor(readonly id: string) {
    super(`Inquiry ${id} exists already`);
    this.name = 'DuplicateInquiryError';
  }
}

export class InquiryNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No inquiry ${id}`);
    this.name = 'InquiryNotFoundError';
  }
}

/** A staff reply waiting to reach the member (proactively or on their next message). */
export interface OutboxEntry {
  replyId: string;
  inquiryId: string;
  conversationId: string;
  /** ISO instant the reply was written. */
  createdAt: string;
}

/**
 * Staff replies not yet delivered. A claim hides an entry from other claims until it is completed
 * (delivered), released (send failed), or the claim runs out (the claimer died).
 */
export interface ReplyOutbox {
  /** Adds an entry, already claimed by the caller for `claimMs` (it is about to try sending). */
  enqueue(entry: OutboxEntry, claimMs: number): Promise<void>;
  /** Claims every unclaimed entry of a conversation, oldest first, for `claimMs`. */
  claim(conversationId: string, claimMs: number): Promise<OutboxEntry[]>;
  release(replyId: string): Promise<void>;
  complete(replyId: string): Promise<void>;
}

/** A group of fallback utterances (what members asked that the bot could not answer). */
export interface UnansweredGroup {
  /** Stable id of the group (hash of the normalised form). */
  id: string;
  /** The normalised, masked form the group is keyed by. */
  normalized: string;
  lang: Lang;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Up to 3 distinct masked wordings, most recent first. */
  examples: string[];
  /** The topic the member was in at the most recent sighting, when there was one. */
  topic?: string;
}

/** One masked, normalised sighting, as src/triage/unansweredLog.ts prepares it. */
export interface UnansweredSighting {
  id: string;
  normalized: string;
  masked: string;
  lang: Lang;
  at: string;
  /** The topic the member was in when the bot missed (「有効期限は？」 after points). */
  topic?: string;
}

export interface UnansweredStore {
  add(sighting: UnansweredSighting): Promise<void>;
  /** Groups, most frequent first, then most recent. */
  list(): Promise<UnansweredGroup[]>;
  dismiss(id: string): Promise<boolean>;
}

/** A JSON-safe activity as delivered to Direct Line clients. */
export type StoredActivity = Record<string, unknown> & { id: string; type: string };
/** The log's own copy: never mutate it, copy first. */
export type LoggedActivity = Readonly<StoredActivity>;

export interface DirectLineConversation {
  readonly id: string;
  readonly userId: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** The bot has been told about this conversation (conversationUpdate sent). */
  readonly started: boolean;
}

export interface ActivitySet {
  activities: LoggedActivity[];
  watermark: string;
}

/** What a live reader (the WebSocket stream) is told about a conversation. */
export type ConversationEvent =
  | { type: 'activity'; activity: LoggedActivity; watermark: string }
  | { type: 'ended' }
  /** The push channel was interrupted: readers should reconnect with their watermark. */
  | { type: 'interrupted' };

export type ConversationListener = (event: ConversationEvent) => void;

export class ConversationNotFoundError extends Error {
  constructor(readonly conversationId: string) {
    super(`Direct Line conversation not found (ended or expired): ${conversationId.slice(0, 64)}`);
    this.name = 'ConversationNotFoundError';
  }
}

/**
 * The Direct Line transcripts: every activity with a watermark (a number that grows with each append
 * to a conversation), kept for the retention period after the conversation's last activity, never
 * dropped because other conversations arrived. Appends reach subscribers on every instance.
 */
export interface DirectLineLog {
  create(): Promise<DirectLineConversation>;
  /** The conversation, or undefined when unknown or expired. `touch`: counts as activity. */
  get(conversationId: string, options?: { touch?: boolean }): Promise<DirectLineConversation | undefined>;
  /** True the first time only: the caller then tells the bot the conversation has started. */
  markStarted(conversationId: string): Promise<boolean>;
  /**
   * Appends a copy of the activity with an id (`<conversationId>|<seq>`) unless it has one.
   * `ephemeralMs`: drop it after that long (typing indicators need not survive a reload).
   */
  append(
    conversationId: string,
    activity: Record<string, unknown> & { type: string },
    options?: { ephemeralMs?: number },
  ): Promise<LoggedActivity>;
  /** Replaces an activity by id; it moves to the end with a new watermark. Undefined when not found. */
  replace(
    conversationId: string,
    activityId: string,
    activity: Record<string, unknown> & { type: string },
  ): Promise<LoggedActivity | undefined>;
  remove(conversationId: string, activityId: string): Promise<boolean>;
  /** Activities after the watermark (all for an empty one) and the watermark to send next time. */
  list(conversationId: string, watermark?: string | null): Promise<ActivitySet>;
  /** Live events of one conversation, from every instance. Returns the unsubscribe function. */
  subscribe(conversationId: string, listener: ConversationListener): () => void;
  /** Removes conversations idle past the retention; returns how many. */
  sweepExpired(): Promise<number>;
}

/** Short-lived keys (pending secret labels, used stream tokens), shared by all instances. */
export interface ExpiringKeys {
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The value if present and not expired; removes it either way. */
  take(key: string): Promise<string | undefined>;
  /** Sets the key unless it is present and not expired; true when this call set it (single use). */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Serialises the turns of one conversation, across instances on a shared backend. */
export interface TurnLock {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
}

export interface RateLimitSpec {
  /** Distinguishes the limits sharing one store (e.g. 'ip', 'conversation', 'dl-start'). */
  name: string;
  points: number;
  durationSeconds: number;
}

/** Rate-limiter-flexible limiters on the backend's store (shared counts across instances). */
export interface RateLimitStores {
  create(spec: RateLimitSpec): RateLimiterAbstract;
}

/** Values made once and kept (the generated Direct Line token secret). */
export interface SecretStore {
  /** The stored value of `name`, storing `make()` first when there is none (first writer wins). */
  getOrCreate(name: string, make: () => string): Promise<string>;
}

/** A staff account. The password is kept only as a scrypt hash (src/staff/passwords.ts). */
export interface StaffAccount {
  login: string;
  name: string;
  role: StaffRole;
  passwordHash: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export class DuplicateAccountError extends Error {
  constructor(readonly login: string) {
    super(`A staff account "${login}" exists already`);
    this.name = 'DuplicateAccountError';
  }
}

/** A signed-in staff session; the id is kept only as its SHA-256 (a leaked store signs nobody in). */
export interface StaffSession {
  idHash: string;
  login: string;
  csrfToken: string;
  /** Epoch ms. */
  createdAt: number;
  lastSeenAt: number;
}

/** One audit entry; `seq` orders them (and pages the list). */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  inquiryId?: string;
  detail: AuditDetail;
}

export interface AuditQuery {
  inquiryId?: string;
  actor?: string;
  /** ISO instants, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Only entries older than this seq (the next page). */
  before?: number;
  limit: number;
}

/**
 * Staff accounts, sessions and the append-only audit log. Accounts are read from the store on every
 * sign-in and session check, so `npm run staff` changes (another process) apply at once.
 */
export interface StaffStore {
  addAccount(account: StaffAccount): Promise<void>;
  getAccount(login: string): Promise<StaffAccount | undefined>;
  listAccounts(): Promise<StaffAccount[]>;
  /** Rejects with Error when there is no such account. */
  updateAccount(
    login: string,
    change: Partial<Pick<StaffAccount, 'name' | 'role' | 'passwordHash' | 'disabled'>>,
  ): Promise<StaffAccount>;
  countAccounts(): Promise<number>;
  createSession(session: StaffSession): Promise<void>;
  getSession(idHash: string): Promise<StaffSession | undefined>;
  touchSession(idHash: string, lastSeenAt: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  deleteSessionsOf(login: string): Promise<void>;
  /** Removes sessions idle since before `idleBefore` or created before `createdBefore` (epoch ms). */
  sweepSessions(idleBefore: number, createdBefore: number): Promise<number>;
  appendAudit(entry: Omit<AuditEntry, 'seq'>): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

/**
 * One counted thing, never the member's words: a member turn (what happened in it), a CSAT answer,
 * or a staff takeover of the conversation.
 */
export interface MetricEvent {
  conversationId: string;
  /** ISO instant. */
  at: string;
  kind: 'turn' | 'csat' | 'takeover';
  /** The topic the turn was about (the flow it was in), or the topic a CSAT answer rates. */
  topic?: string;
  /** The flow reached its answer in this turn. */
  answered?: boolean;
  fallback?: boolean;
  didYouMean?: boolean;
  /** An inquiry was filed in this turn. */
  handoff?: boolean;
  cancel?: boolean;
  secretWarning?: boolean;
  lang?: Lang;
  channel?: string;
  /** CSAT: 「はい」 true, 「いいえ」 false. */
  helpful?: boolean;
}

/** What GET /api/staff/metrics returns (the insight issue defines each field). */
export interface MetricsSummary {
  conversations: number;
  contained: number;
  handedOff: number;
  fallbackOnly: number;
  turns: number;
  fallbackTurns: number;
  csat: { positive: number; negative: number };
  topics: Array<{ topic: string; count: number }>;
  csatByTopic: Array<{ topic: string; positive: number; negative: number }>;
  byHour: Array<{ hour: number; conversations: number; handedOff: number }>;
  series: Array<{
    date: string;
    conversations: number;
    contained: number;
    handedOff: number;
    fallbackTurns: number;
    csatPositive: number;
    csatNegative: number;
  }>;
}

/**
 * The counters. `record` is cheap (buffered, no round trip per turn); `flush` writes what is
 * buffered (close() flushes too). Everything of a conversation is counted in the window of its first
 * member message, so a summary flushes first.
 */
export interface MetricsStore {
  record(event: MetricEvent): void;
  flush(): Promise<void>;
  /** Conversations whose first member message is in [from, to). */
  summary(from: Date, to: Date): Promise<MetricsSummary>;
  /** Drops events older than the instant; returns how many. */
  sweepBefore(before: Date): Promise<number>;
}

export interface Persistence {
  readonly backend: BackendName;
  readonly state: StateStorage;
  readonly inquiries: InquiryRepository;
  readonly inquiryEvents: InquiryEvents;
  readonly outbox: ReplyOutbox;
  readonly unanswered: UnansweredStore;
  readonly directLine: DirectLineLog;
  readonly keys: ExpiringKeys;
  readonly turnLock: TurnLock;
  readonly rateLimits: RateLimitStores;
  readonly secrets: SecretStore;
  readonly staff: StaffStore;
  readonly metrics: MetricsStore;
  /** Removes what outlived its retention (state, transcripts, expired keys). */
  sweep(): Promise<void>;
  /** True when the backend can take writes now (DATA_DIR writable; the database answers). */
  healthy(): Promise<boolean>;
  /** Waits for pending writes. */
  flush(): Promise<void>;
  /** Flushes, then releases files, connections and listeners. */
  close(): Promise<void>;
}
