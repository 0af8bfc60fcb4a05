import { randomUUID } from 'node:crypto';
import {
  DuplicateInquiryError,
  type InquiryEvent,
  type InquiryEvents,
  InquiryNotFoundError,
  type InquiryQuery,
  type InquiryRepository,
  type OutboxEntry,
  type ReplyOutbox,
} from '../persistence/types.js';
import type { TopicId } from '../topics.js';
import { inquirySchema, isoInstant, MAX_TEXT } from './inquirySchema.js';
import { maskText } from './mask.js';
import {
  computeDueAt,
  type InquiryRules,
  isOverdue,
  newInquiryId,
  priorityFor,
  STATUS_TRANSITIONS,
} from './rules.js';
import type { StaffActor } from './staffActor.js';
import type {
  ConversationMessage,
  Inquiry,
  InquiryIntake,
  InquiryReply,
  InquiryStatus,
  NewInquiry,
  Priority,
} from './types.js';

// The inquiry rules over the persistence seam: ids, priority and due time on creation, status moves,
// masking and clipping of every text, and the life of a staff reply (stored pending, claimed while it
// is sent, marked delivered). Storage is the repository and the outbox (src/persistence).

export { inquirySchema } from './inquirySchema.js';
export { InquiryNotFoundError, isOverdue, STATUS_TRANSITIONS };
export type InquiryFilter = Omit<InquiryQuery, 'now'>;

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

/** A takeover of an inquiry someone else has taken over, or a release of one nobody has. */
export class LiveChatConflictError extends Error {
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = 'LiveChatConflictError';
  }
}

/** Statuses in which a member's message is an answer to staff (after a staff reply). */
const AWAITING_MEMBER: readonly InquiryStatus[] = ['waiting_member', 'member_replied'];
const MAX_MESSAGES = 500;

export interface MemberMessageResult {
  inquiry: Inquiry;
  /** The conversation is taken over: the bot stays quiet. */
  live: boolean;
}

export interface StoreOptions {
  /** Where staff listeners hear of changes (the persistence's inquiry events). */
  events?: InquiryEvents;
  now?: () => Date;
  logger?: { warn(obj: object, msg: string): void; error?(obj: object, msg: string): void };
  /** How long a claimed reply stays hidden from other claims if its claimer never reports back. */
  claimMs?: number;
}

/** Where a member's message came from: all three must match an inquiry's stored reference. */
export interface ConversationAddress {
  conversationId: string;
  channelId?: string;
  serviceUrl?: string;
}

const RECORD_RETRY_MS = [1_000, 5_000, 30_000, 60_000];
const DEFAULT_CLAIM_MS = 2 * 60_000;

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

export interface PendingClaim {
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

function checked(inquiry: Inquiry): Inquiry {
  // Validate before writing: a record the schema rejects would silently vanish on the next start.
  const result = inquirySchema.safeParse(inquiry);
  if (!result.success) {
    throw new InvalidInquiryError(
      inquiry.id,
      result.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(inquiry)'}: ${i.message}`),
    );
  }
  return inquiry;
}

export class InquiryService implements InquiryIntake {
  /** Delivered replies whose "delivered" mark is not stored yet: inquiry id → reply ids. */
  private readonly unrecorded = new Map<string, Set<string>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly pendingWork = new Set<Promise<unknown>>();
  private readonly now: () => Date;
  private readonly logger: StoreOptions['logger'];
  private readonly claimMs: number;
  private readonly events: InquiryEvents | undefined;

  constructor(
    private readonly repository: InquiryRepository,
    private readonly outbox: ReplyOutbox,
    private readonly rules: InquiryRules,
    options: StoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger;
    this.claimMs = options.claimMs ?? DEFAULT_CLAIM_MS;
    this.events = options.events;
  }

  /** Tells staff listeners (every instance); a lost event only delays the console until its refresh. */
  private async notify(event: InquiryEvent): Promise<void> {
    await this.events?.publish(event).catch((err: unknown) => {
      this.logger?.warn({ inquiryId: event.inquiryId, err: (err as Error).message }, 'inquiry event lost');
    });
  }

  private line(from: ConversationMessage['from'], text: string, author?: string): ConversationMessage {
    return {
      id: randomUUID(),
      from,
      text: clip(text),
      at: this.now().toISOString(),
      ...(author ? { author: clip(author).slice(0, 100) } : {}),
    };
  }

  /**
   * A member's message in a conversation with an open inquiry that is taken over (live chat) or
   * awaits the member's answer to a staff reply: attached (masked) to that inquiry, which moves from
   * waiting_member to member_replied; `notice` (what the bot tells the member) is kept as a bot line.
   * Undefined when no inquiry of that conversation (same channel and serviceUrl) wants it.
   */
  async attachMemberMessage(
    address: ConversationAddress,
    text: string,
    at: Date,
    notice?: (inquiry: Inquiry) => string,
  ): Promise<MemberMessageResult | undefined> {
    const open = (await this.repository.openForConversation(address.conversationId)).filter((q) =>
      sameConversation(q.conversationReference, address),
    );
    const target = open.find((q) => q.liveChat) ?? open.find((q) => AWAITING_MEMBER.includes(q.status));
    if (!target) return undefined;
    const message: ConversationMessage = {
      ...this.line('member', text),
      at: (usableInstant(at) ? at : this.now()).toISOString(),
    };
    let live = false;
    const inquiry = await this.update(target.id, (q) => {
      live = !!q.liveChat;
      const messages = q.messages ?? [];
      messages.push(message);
      if (!live && notice) messages.push(this.line('bot', notice(q)));
      q.messages = messages.slice(-MAX_MESSAGES);
      if (q.status === 'waiting_member') q.status = 'member_replied';
    });
    await this.notify({ inquiryId: inquiry.id, kind: 'message', messageId: message.id });
    return { inquiry, live };
  }

  /** Starts a live chat: the bot goes quiet in the member's conversation; an open inquiry is in progress. */
  async takeOver(id: string, actor: StaffActor, notice: string): Promise<Inquiry> {
    const inquiry = await this.update(id, (q) => {
      if (q.status === 'resolved') throw new InquiryClosedError(id);
      if (q.liveChat && q.liveChat.login !== actor.login) {
        throw new LiveChatConflictError(id, `Inquiry ${id} is already taken over by ${q.liveChat.name}`);
      }
      q.liveChat = {
        login: actor.login,
        name: clip(actor.name).slice(0, 100),
        since: this.now().toISOString(),
      };
      q.status = 'in_progress';
      q.messages = [...(q.messages ?? []), this.line('bot', notice)].slice(-MAX_MESSAGES);
    });
    await this.notify({ inquiryId: id, kind: 'live' });
    return inquiry;
  }

  /** Ends a live chat (staff, or the member cancelling): the bot answers again. */
  async release(id: string, notice: string): Promise<Inquiry> {
    const inquiry = await this.update(id, (q) => {
      if (!q.liveChat) throw new LiveChatConflictError(id, `Inquiry ${id} is not taken over`);
      q.liveChat = null;
      q.messages = [...(q.messages ?? []), this.line('bot', notice)].slice(-MAX_MESSAGES);
    });
    await this.notify({ inquiryId: id, kind: 'live' });
    return inquiry;
  }

  /** Inquiries that could not be read back from storage (set aside): shown to staff. */
  get unreadable(): number {
    return this.repository.unreadable;
  }

  /** Resolves once the inquiry is stored durably; rejects if it could not be (tell the member so). */
  async create(input: NewInquiry): Promise<Inquiry> {
    // The caller passes the activity's instant (already bounded by instantOf); a value that cannot be
    // written and read back as an ISO instant falls back to the store's clock.
    const createdAt = usableInstant(input.createdAt) ? input.createdAt : this.now();
    const priority = priorityFor(input.topic, this.rules.triage);
    let dueAt = computeDueAt(input.topic, priority, createdAt, this.rules);
    if (!usableInstant(dueAt)) dueAt = createdAt;
    for (;;) {
      const inquiry = checked({
        id: newInquiryId(createdAt),
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
      });
      try {
        await this.repository.insert(inquiry);
        return inquiry;
      } catch (err) {
        if (!(err instanceof DuplicateInquiryError)) throw err;
      }
    }
  }

  async get(id: string): Promise<Inquiry | undefined> {
    const found = await this.repository.get(id);
    return found && this.withUnrecorded(found);
  }

  /** Matching inquiries, earliest due first (then oldest). */
  async list(filter: InquiryFilter = {}): Promise<Inquiry[]> {
    return (await this.repository.list({ ...filter, now: this.now() })).map((q) => this.withUnrecorded(q));
  }

  /** An inquiry as staff must see it: replies delivered but not yet recorded count as delivered. */
  private withUnrecorded(q: Inquiry): Inquiry {
    const ids = this.unrecorded.get(q.id);
    return ids?.size ? markPushed(q, [...ids], this.now().toISOString()) : q;
  }

  assign(id: string, assignee: string | null): Promise<Inquiry> {
    return this.update(id, (q) => {
      q.assignee = assignee === null ? null : clip(assignee).slice(0, 100);
    });
  }

  /** Re-files an inquiry under another topic and priority; the due time follows the new priority. */
  classify(id: string, change: { topic: TopicId; priority: Priority }): Promise<Inquiry> {
    return this.update(id, (q) => {
      q.topic = change.topic;
      if (q.priority !== change.priority) {
        q.priority = change.priority;
        const dueAt = computeDueAt(change.topic, change.priority, new Date(q.createdAt), this.rules);
        if (usableInstant(dueAt)) q.dueAt = dueAt.toISOString();
      }
    });
  }

  setStatus(id: string, status: InquiryStatus): Promise<Inquiry> {
    return this.update(id, (q) => {
      const allowed = STATUS_TRANSITIONS[q.status];
      if (!allowed.includes(status)) throw new InvalidTransitionError(q.status, status, allowed);
      q.status = status;
    }).then(async (q) => {
      await this.notify({ inquiryId: id, kind: 'status' });
      return q;
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
   * Records a staff reply as pending and moves the inquiry to waiting_member. The reply goes into the
   * outbox already claimed by the caller (who sends it now) until `markReplyPushed` or
   * `releaseReply`, so a next-visit turn on any instance leaves it alone meanwhile.
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
    const current = await this.repository.get(id);
    if (!current) throw new InquiryNotFoundError(id);
    if (current.status === 'resolved') throw new InquiryClosedError(id);
    const conversationId = current.conversationReference.conversation?.id ?? '';
    // Outbox first: should the inquiry's write then fail, the entry points at a reply that does not
    // exist, and claims drop it. The other way round a pending reply could have no outbox entry.
    const outboxEntry: OutboxEntry = {
      replyId: entry.id,
      inquiryId: id,
      conversationId,
      createdAt: entry.at,
    };
    await this.outbox.enqueue(outboxEntry, this.claimMs);
    try {
      const inquiry = await this.update(id, (q) => {
        if (q.status === 'resolved') throw new InquiryClosedError(id);
        q.replies.push(entry);
        q.messages = [
          ...(q.messages ?? []),
          { id: entry.id, from: 'staff' as const, text: entry.text, at: entry.at, author: entry.author },
        ].slice(-MAX_MESSAGES);
        // In a live chat the conversation goes on: it stays in progress.
        if (!q.liveChat) q.status = 'waiting_member';
      });
      return { inquiry, reply: structuredClone(entry) };
    } catch (err) {
      await this.outbox.complete(entry.id).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Records that a reply reached the member. If the write fails, the reply is nevertheless treated as
   * delivered (it WAS sent: sending it again would show the member the same answer twice): it leaves
   * the outbox, the promise rejects so the caller can log it, and the write is retried in the
   * background, on `flush`, and before the inquiry's next change.
   */
  async markReplyPushed(id: string, replyId: string): Promise<Inquiry> {
    const pushedAt = this.now().toISOString();
    await this.outbox.complete(replyId).catch((err: unknown) => {
      this.logger?.warn({ inquiryId: id, err: (err as Error).message }, 'outbox entry not completed');
    });
    try {
      const inquiry = await this.repository.update(id, (q) => markPushed(q, [replyId], pushedAt));
      this.forgetUnrecorded(id, replyId);
      return inquiry;
    } catch (err) {
      if (!(err instanceof InquiryNotFoundError)) {
        const ids = this.unrecorded.get(id) ?? new Set<string>();
        ids.add(replyId);
        this.unrecorded.set(id, ids);
        this.scheduleRetry(id);
      }
      throw err;
    }
  }

  /**
   * The reply is written into the member's durable transcript (Direct Line), where their client
   * fetches it on return: it leaves the outbox (no second copy on the next message) and stays pending
   * until a live connection takes it (`markReplyPushed`).
   */
  async settleInTranscript(id: string, replyId: string): Promise<void> {
    await this.outbox.complete(replyId);
    await this.update(id, (q) => {
      const reply = q.replies.find((r) => r.id === replyId);
      if (reply && reply.delivery === 'pending') reply.inTranscript = true;
    });
  }

  /** Inquiries with a delivered reply whose mark is not stored yet. */
  get unrecordedCount(): number {
    return this.unrecorded.size;
  }

  /** Gives a claimed reply back (sending failed): it stays pending for the member's next visit. */
  releaseReply(replyId: string): Promise<void> {
    return this.outbox.release(replyId);
  }

  /**
   * Claims the pending staff replies of a conversation, oldest first, so concurrent turns (on any
   * instance) do not both send them. The conversation must match the inquiry's stored reference on
   * all three of conversation id, channelId and serviceUrl: another channel (or a forged serviceUrl)
   * using the same conversation id gets nothing.
   */
  async claimPendingReplies(address: ConversationAddress): Promise<PendingClaim[]> {
    const entries = await this.outbox.claim(address.conversationId, this.claimMs);
    const claims: PendingClaim[] = [];
    for (const entry of entries) {
      const inquiry = await this.repository.get(entry.inquiryId);
      const reply = inquiry?.replies.find((r) => r.id === entry.replyId);
      if (
        !inquiry ||
        !reply ||
        reply.delivery !== 'pending' ||
        reply.inTranscript ||
        this.isUnrecorded(inquiry.id, reply.id)
      ) {
        await this.outbox.complete(entry.replyId); // nothing (more) to deliver
        continue;
      }
      if (!sameConversation(inquiry.conversationReference, address)) {
        await this.outbox.release(entry.replyId);
        continue;
      }
      claims.push({ inquiry, reply });
    }
    return claims;
  }

  /** Waits for pending writes and retries unrecorded delivery marks (call before exit). */
  async flush(): Promise<void> {
    await Promise.all([...this.unrecorded.keys()].map((id) => this.record(id).catch(() => undefined)));
    await Promise.allSettled([...this.pendingWork]);
  }

  private isUnrecorded(id: string, replyId: string): boolean {
    return this.unrecorded.get(id)?.has(replyId) ?? false;
  }

  private forgetUnrecorded(id: string, replyId?: string): void {
    const ids = this.unrecorded.get(id);
    if (!ids) return;
    if (replyId) ids.delete(replyId);
    if (!replyId || ids.size === 0) this.unrecorded.delete(id);
  }

  /** Stores the delivered marks kept in memory for an inquiry. */
  private async record(id: string): Promise<void> {
    const ids = this.unrecorded.get(id);
    if (!ids?.size) return;
    const pushedAt = this.now().toISOString();
    await this.repository.update(id, (q) => markPushed(q, [...ids], pushedAt));
    this.forgetUnrecorded(id);
  }

  private scheduleRetry(id: string, attempt = 0): void {
    if (this.retries.has(id)) return;
    const delay = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)]!;
    const timer = setTimeout(() => {
      this.retries.delete(id);
      const work = this.record(id).catch((err: unknown) => {
        this.logger?.warn(
          { inquiryId: id, attempt: attempt + 1, err: (err as Error).message },
          'delivered reply still not recorded; retrying',
        );
        if (this.unrecorded.has(id)) this.scheduleRetry(id, attempt + 1);
      });
      this.pendingWork.add(work);
      void work.finally(() => this.pendingWork.delete(work));
    }, delay);
    timer.unref();
    this.retries.set(id, timer);
  }

  private update(id: string, change: (q: Inquiry) => void): Promise<Inquiry> {
    const pushedAt = this.now().toISOString();
    const unrecorded = [...(this.unrecorded.get(id) ?? [])];
    return this.repository
      .update(id, (current) => {
        const next = markPushed(current, unrecorded, pushedAt);
        change(next);
        next.updatedAt = this.now().toISOString();
        return checked(next);
      })
      .then((inquiry) => {
        // The delivered marks kept in memory rode along with this write.
        for (const replyId of unrecorded) this.forgetUnrecorded(id, replyId);
        return inquiry;
      });
  }
}

function markPushed(q: Inquiry, replyIds: readonly string[], pushedAt: string): Inquiry {
  for (const reply of q.replies) {
    if (replyIds.includes(reply.id) && reply.delivery !== 'pushed') {
      reply.delivery = 'pushed';
      reply.pushedAt = pushedAt;
    }
  }
  return q;
}
