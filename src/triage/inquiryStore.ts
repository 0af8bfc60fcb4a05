import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { z } from 'zod';
import { KeyedQueue } from '../keyedQueue.js';
import { LOCALES, TOPIC_IDS } from '../topics.js';
import { maskText } from './mask.js';
import { computeDueAt, type InquiryRules, priorityFor } from './rules.js';
import {
  INQUIRY_STATUSES,
  type Inquiry,
  type InquiryIntake,
  type InquiryReply,
  type InquiryStatus,
  type NewInquiry,
  PRIORITIES,
  type Priority,
} from './types.js';

// Inquiries are the one thing the bot promises a member ("staff will get back to you"), so each one
// is its own small file, written atomically (lowdb's writer: temp file + rename) and flushed to disk
// before `create` resolves. An in-memory index, rebuilt from the folder at start-up, serves the
// staff queue.

/** Moves staff may make with "change status". A reply moves any open inquiry to waiting_member. */
export const STATUS_TRANSITIONS: Record<InquiryStatus, readonly InquiryStatus[]> = {
  new: ['in_progress', 'resolved'],
  in_progress: ['waiting_member', 'resolved'],
  waiting_member: ['in_progress', 'resolved'],
  resolved: ['in_progress'],
};

const isoInstant = z.iso.datetime({ offset: true });
const MAX_TEXT = 4000;

export const inquirySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{6,64}$/),
  topic: z.enum(TOPIC_IDS),
  priority: z.enum(PRIORITIES),
  status: z.enum(INQUIRY_STATUSES),
  createdAt: isoInstant,
  dueAt: isoInstant,
  updatedAt: isoInstant,
  locale: z.enum(LOCALES),
  summary: z.string().max(MAX_TEXT),
  excerpt: z.array(
    z.object({ from: z.enum(['member', 'bot']), text: z.string().max(MAX_TEXT), at: isoInstant }),
  ),
  details: z.record(z.string(), z.string()),
  conversationReference: z.record(z.string(), z.unknown()),
  assignee: z.string().nullable(),
  notes: z.array(z.object({ at: isoInstant, author: z.string(), text: z.string() })),
  replies: z.array(
    z.object({
      id: z.string(),
      at: isoInstant,
      author: z.string(),
      text: z.string(),
      delivery: z.enum(['delivered', 'pending']),
      deliveredAt: isoInstant.optional(),
    }),
  ),
});

/** An inquiry that would not survive a reload (its own schema rejects it) is never written. */
export class InvalidInquiryError extends Error {
  constructor(
    readonly id: string,
    readonly issues: string[],
  ) {
    super(`Inquiry ${id} not saved: it would not pass its schema on reload (${issues.join('; ')})`);
    this.name = 'InvalidInquiryError';
  }
}

export class InquiryNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No inquiry ${id}`);
    this.name = 'InquiryNotFoundError';
  }
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: InquiryStatus,
    readonly to: InquiryStatus,
    readonly allowed: readonly InquiryStatus[],
  ) {
    super(`Cannot move an inquiry from ${from} to ${to}; allowed: ${allowed.join(', ') || 'none'}`);
    this.name = 'InvalidTransitionError';
  }
}

export class InquiryClosedError extends Error {
  constructor(readonly id: string) {
    super(`Inquiry ${id} is resolved; reopen it (status in_progress) before replying`);
    this.name = 'InquiryClosedError';
  }
}

export interface InquiryFilter {
  status?: readonly InquiryStatus[];
  priority?: readonly Priority[];
  topic?: readonly string[];
  /** true: only overdue ones; false: only those not overdue. */
  overdue?: boolean;
  assignee?: string;
}

/** Staff owe an answer on new and in-progress inquiries; waiting_member and resolved are not overdue. */
export function isOverdue(inquiry: Pick<Inquiry, 'status' | 'dueAt'>, now: Date): boolean {
  return (
    (inquiry.status === 'new' || inquiry.status === 'in_progress') &&
    Date.parse(inquiry.dueAt) < now.getTime()
  );
}

export interface StoreOptions {
  now?: () => Date;
  logger?: { warn(obj: object, msg: string): void; error?(obj: object, msg: string): void };
}

/** Where a member's message came from: all three must match an inquiry's stored reference. */
export interface ConversationAddress {
  conversationId: string;
  channelId?: string;
  serviceUrl?: string;
}

const RECORD_RETRY_MS = [1_000, 5_000, 30_000, 60_000];

const trimSlash = (url: string | undefined) => (url ?? '').replace(/\/+$/, '');

function sameConversation(
  reference: Inquiry['conversationReference'],
  address: ConversationAddress,
): boolean {
  return (
    reference.conversation?.id === address.conversationId &&
    !!reference.channelId &&
    reference.channelId === address.channelId &&
    !!reference.serviceUrl &&
    trimSlash(reference.serviceUrl) === trimSlash(address.serviceUrl)
  );
}

interface PendingClaim {
  inquiry: Inquiry;
  reply: InquiryReply;
}

const clip = (text: string) => maskText(text).slice(0, MAX_TEXT);

/** A Date whose ISO form the schema accepts (4-digit year); anything else is not a usable instant. */
function usableInstant(at: Date | undefined): at is Date {
  if (!(at instanceof Date)) return false;
  const t = at.getTime();
  if (Number.isNaN(t)) return false;
  const year = at.getUTCFullYear();
  return year >= 1000 && year <= 9999;
}

/** Letters only, without I and O: read out on the phone without mix-ups. */
const ID_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function newId(at: Date): string {
  // Short enough to read out on the phone, sortable by day, unguessable enough (24^8 ≈ 1.1e11 a day).
  // The random part has no digits: digits after the date could form a run the secret guard would
  // take for a card number and mask in the very message that tells the member the reference.
  const day = new Date(at.getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 10).replace(/-/g, ''); // JST date
  const random = [...randomBytes(8)].map((b) => ID_LETTERS[b % ID_LETTERS.length]).join('');
  return `Q${day}-${random}`;
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

export class LowdbInquiryStore implements InquiryIntake {
  private readonly index = new Map<string, Inquiry>();
  private readonly byConversation = new Map<string, Set<string>>();
  private readonly queue = new KeyedQueue();
  /** Replies being sent right now, so a proactive send and a next-visit send never both go out. */
  private readonly inFlight = new Set<string>();
  /** Inquiries with a reply delivered but not yet on disk (see markReplyDelivered). */
  private readonly unrecorded = new Set<string>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly now: () => Date;
  private readonly logger: StoreOptions['logger'];
  private unreadableFiles = 0;

  private constructor(
    private readonly dir: string,
    private readonly rules: InquiryRules,
    options: StoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
  }

  /** Opens the store in `dir` (e.g. DATA_DIR/inquiries), loading every readable inquiry file. */
  static async open(
    dir: string,
    rules: InquiryRules,
    options: StoreOptions = {},
  ): Promise<LowdbInquiryStore> {
    const store = new LowdbInquiryStore(dir, rules, options);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir);
    // A crash mid-write leaves the writer's temp file (.<id>.json.tmp); the inquiry itself is either
    // the old complete file or was never promised, so the leftover can go.
    await Promise.all(
      entries
        .filter((n) => n.startsWith('.') && n.endsWith('.tmp'))
        .map((n) => rm(join(dir, n), { force: true })),
    );
    const names = entries.filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    for (const name of names) {
      const file = join(dir, name);
      try {
        const db = new Low<unknown>(new JSONFile(file), null);
        await db.read();
        const parsed = inquirySchema.safeParse(db.data);
        if (!parsed.success) {
          await store.setAside(file, {
            issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
          });
          continue;
        }
        store.remember(parsed.data as Inquiry);
      } catch (err) {
        await store.setAside(file, { err: (err as Error).message });
      }
    }
    return store;
  }

  /** Inquiry files that could not be read at start-up (set aside as `<file>.corrupt-<time>`). */
  get unreadable(): number {
    return this.unreadableFiles;
  }

  /**
   * A member was told this inquiry was received: never dropped quietly. The file is kept for a look
   * under another name (not read again), counted for staff (GET /api/staff/health), logged at error.
   */
  private async setAside(file: string, detail: object): Promise<void> {
    this.unreadableFiles += 1;
    const aside = `${file}.corrupt-${this.now().getTime()}`;
    const moved = await rename(file, aside).then(
      () => true,
      () => false,
    );
    const log = { file: moved ? aside : file, ...detail };
    if (this.logger?.error) this.logger.error(log, 'inquiry file could not be read; set aside');
    else this.logger?.warn(log, 'inquiry file could not be read; set aside');
  }

  get size(): number {
    return this.index.size;
  }

  /** Resolves once the inquiry is on disk; rejects if it could not be written (tell the member so). */
  async create(input: NewInquiry): Promise<Inquiry> {
    // The caller passes the activity's instant (already bounded by instantOf); a value that cannot be
    // written and read back as an ISO instant falls back to the store's clock.
    const createdAt = usableInstant(input.createdAt) ? input.createdAt : this.now();
    const priority = priorityFor(input.topic, this.rules.triage);
    let dueAt = computeDueAt(input.topic, priority, createdAt, this.rules);
    if (!usableInstant(dueAt)) dueAt = createdAt;
    let id = newId(createdAt);
    while (this.index.has(id)) id = newId(createdAt);
    const inquiry: Inquiry = {
      id,
      topic: input.topic,
      priority,
      status: 'new',
      createdAt: createdAt.toISOString(),
      dueAt: dueAt.toISOString(),
      updatedAt: this.now().toISOString(),
      locale: input.locale,
      summary: clip(input.summary),
      excerpt: input.excerpt.slice(-20).map((line) => ({
        from: line.from,
        text: clip(line.text),
        at: isoInstant.safeParse(line.at).success ? line.at : createdAt.toISOString(),
      })),
      details: Object.fromEntries(
        Object.entries(input.details ?? {}).map(([k, v]) => [k.slice(0, 64), clip(String(v))]),
      ),
      conversationReference: JSON.parse(JSON.stringify(input.conversationReference ?? {})),
      assignee: null,
      notes: [],
      replies: [],
    };
    await this.queue.run(id, () => this.save(inquiry));
    this.remember(inquiry);
    return structuredClone(inquiry);
  }

  get(id: string): Inquiry | undefined {
    const found = this.index.get(id);
    return found ? structuredClone(found) : undefined;
  }

  /** Matching inquiries, earliest due first (then oldest). */
  list(filter: InquiryFilter = {}): Inquiry[] {
    const now = this.now();
    return [...this.index.values()]
      .filter(
        (q) =>
          (!filter.status?.length || filter.status.includes(q.status)) &&
          (!filter.priority?.length || filter.priority.includes(q.priority)) &&
          (!filter.topic?.length || filter.topic.includes(q.topic)) &&
          (filter.overdue === undefined || isOverdue(q, now) === filter.overdue) &&
          (filter.assignee === undefined || q.assignee === filter.assignee),
      )
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.createdAt.localeCompare(b.createdAt))
      .map((q) => structuredClone(q));
  }

  assign(id: string, assignee: string | null): Promise<Inquiry> {
    return this.update(id, (q) => {
      q.assignee = assignee === null ? null : clip(assignee).slice(0, 100);
    });
  }

  setStatus(id: string, status: InquiryStatus): Promise<Inquiry> {
    return this.update(id, (q) => {
      const allowed = STATUS_TRANSITIONS[q.status];
      if (!allowed.includes(status)) throw new InvalidTransitionError(q.status, status, allowed);
      q.status = status;
    });
  }

  addNote(id: string, note: { author: string; text: string }): Promise<Inquiry> {
    return this.update(id, (q) => {
      q.notes.push({
        at: this.now().toISOString(),
        author: clip(note.author).slice(0, 100),
        text: clip(note.text),
      });
    });
  }

  /**
   * Records a staff reply as pending and moves the inquiry to waiting_member. The reply is marked in
   * flight until `markReplyDelivered` or `releaseReply`, so the next-visit middleware leaves it alone.
   */
  async addReply(
    id: string,
    reply: { author: string; text: string },
  ): Promise<{ inquiry: Inquiry; reply: InquiryReply }> {
    const entry: InquiryReply = {
      id: randomUUID(),
      at: this.now().toISOString(),
      author: clip(reply.author).slice(0, 100),
      text: clip(reply.text),
      delivery: 'pending',
    };
    const inquiry = await this.update(id, (q) => {
      if (q.status === 'resolved') throw new InquiryClosedError(id);
      q.replies.push(entry);
      q.status = 'waiting_member';
      this.inFlight.add(entry.id);
    }).catch((err: unknown) => {
      this.inFlight.delete(entry.id);
      throw err;
    });
    return { inquiry, reply: structuredClone(entry) };
  }

  /**
   * Records that a reply reached the member. If the write fails, the reply is nevertheless kept as
   * delivered in memory (it WAS sent: sending it again would show the member the same answer twice),
   * the promise rejects so the caller can log it, and the write is retried in the background, on the
   * inquiry's next update and on `flush`. Only a restart before any retry succeeds can re-send it.
   */
  markReplyDelivered(id: string, replyId: string): Promise<Inquiry> {
    const deliveredAt = this.now().toISOString();
    const mark = (q: Inquiry) => {
      const reply = q.replies.find((r) => r.id === replyId);
      if (reply && reply.delivery !== 'delivered') {
        reply.delivery = 'delivered';
        reply.deliveredAt = deliveredAt;
      }
    };
    return this.update(id, mark).then(
      (inquiry) => {
        this.inFlight.delete(replyId);
        return inquiry;
      },
      (err: unknown) => {
        const current = this.index.get(id);
        if (current && !(err instanceof InvalidInquiryError)) {
          mark(current);
          this.unrecorded.add(id);
          this.scheduleRetry(id);
        }
        this.inFlight.delete(replyId);
        throw err;
      },
    );
  }

  /** Inquiries whose in-memory state (a delivered reply) is not on disk yet. */
  get unrecordedCount(): number {
    return this.unrecorded.size;
  }

  /** Gives a claimed reply back (sending failed): it stays pending for the member's next visit. */
  releaseReply(replyId: string): void {
    this.inFlight.delete(replyId);
  }

  /**
   * Pending, not-in-flight staff replies for a conversation, oldest first. The conversation must match
   * the inquiry's stored reference on all three of conversation id, channelId and serviceUrl: another
   * channel (or a forged serviceUrl) using the same conversation id gets nothing.
   */
  pendingRepliesFor(address: ConversationAddress): PendingClaim[] {
    const ids = this.byConversation.get(address.conversationId);
    if (!ids) return [];
    const pending: PendingClaim[] = [];
    for (const id of ids) {
      const q = this.index.get(id);
      if (!q || !sameConversation(q.conversationReference, address)) continue;
      for (const reply of q.replies) {
        if (reply.delivery === 'pending' && !this.inFlight.has(reply.id)) {
          pending.push({ inquiry: structuredClone(q), reply: structuredClone(reply) });
        }
      }
    }
    return pending.sort((a, b) => a.reply.at.localeCompare(b.reply.at));
  }

  /** Like pendingRepliesFor, but marks them in flight so two concurrent turns do not both send them. */
  claimPendingReplies(address: ConversationAddress): PendingClaim[] {
    const claimed = this.pendingRepliesFor(address);
    for (const c of claimed) this.inFlight.add(c.reply.id);
    return claimed;
  }

  /** Waits for queued writes (call before exit). */
  async flush(): Promise<void> {
    await Promise.all([...this.unrecorded].map((id) => this.record(id).catch(() => undefined)));
    await this.queue.idle();
  }

  /** Writes an inquiry's in-memory state (a delivered-but-unrecorded reply) to disk. */
  private record(id: string): Promise<void> {
    return this.queue.run(id, async () => {
      const current = this.index.get(id);
      if (!current || !this.unrecorded.has(id)) return;
      await this.save(current);
      this.unrecorded.delete(id);
    });
  }

  private scheduleRetry(id: string, attempt = 0): void {
    if (this.retries.has(id)) return;
    const delay = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]!;
    const timer = setTimeout(() => {
      this.retries.delete(id);
      this.record(id).catch((err: unknown) => {
        this.logger?.warn(
          { inquiryId: id, attempt: attempt + 1, err: (err as Error).message },
          'delivered reply still not recorded; retrying',
        );
        if (this.unrecorded.has(id)) this.scheduleRetry(id, attempt + 1);
      });
    }, delay);
    timer.unref();
    this.retries.set(id, timer);
  }

  private update(id: string, change: (q: Inquiry) => void): Promise<Inquiry> {
    return this.queue.run(id, async () => {
      const current = this.index.get(id);
      if (!current) throw new InquiryNotFoundError(id);
      const next = structuredClone(current);
      change(next);
      next.updatedAt = this.now().toISOString();
      // Memory changes only after the file did: a failed write leaves both as they were. (The one
      // exception, a delivered reply whose record failed, is in memory already and rides along here.)
      await this.save(next);
      this.unrecorded.delete(id);
      this.remember(next);
      return structuredClone(next);
    });
  }

  private remember(inquiry: Inquiry): void {
    this.index.set(inquiry.id, inquiry);
    const conversationId = inquiry.conversationReference.conversation?.id;
    if (conversationId) {
      const set = this.byConversation.get(conversationId) ?? new Set<string>();
      set.add(inquiry.id);
      this.byConversation.set(conversationId, set);
    }
  }

  private async save(inquiry: Inquiry): Promise<void> {
    // Validate before writing: a file the schema rejects would silently vanish on the next start.
    const checked = inquirySchema.safeParse(inquiry);
    if (!checked.success) {
      throw new InvalidInquiryError(
        inquiry.id,
        checked.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(inquiry)'}: ${i.message}`),
      );
    }
    const file = join(this.dir, `${inquiry.id}.json`);
    const db = new Low<Inquiry>(new JSONFile(file), inquiry);
    await db.write();
    await fsyncPath(file);
    await fsyncPath(this.dir);
  }
}
