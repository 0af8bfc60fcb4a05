import { RateLimiterMemory } from 'rate-limiter-flexible';
import { KeyedQueue } from '../keyedQueue.js';
import type {
  ExpiringKeys,
  InquiryEvent,
  InquiryEventListener,
  InquiryEvents,
  OutboxEntry,
  RateLimitStores,
  ReplyOutbox,
  TurnLock,
} from './types.js';

// The parts of the embedded backend that need no file: one process owns them. Short-lived keys live
// minutes and rate-limit windows seconds, so a restart losing them costs nothing a member notices;
// the outbox is rebuilt from the inquiry files (their pending replies) at start-up.

type Clock = () => number;

export class MemoryExpiringKeys implements ExpiringKeys {
  private readonly entries = new Map<string, { value: string; expires: number }>();
  private sweeps = 0;

  constructor(private readonly now: Clock = Date.now) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    this.maybeSweep();
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return entry.expires > this.now() ? entry.value : undefined;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const entry = this.entries.get(key);
    if (entry && entry.expires > this.now()) return false;
    await this.set(key, '1', ttlMs);
    return true;
  }

  /** Drops expired entries; returns how many. */
  sweep(): number {
    const now = this.now();
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  private maybeSweep(): void {
    // Every 1,000 writes: keys nobody takes (a label never followed by a message) do not pile up.
    this.sweeps = (this.sweeps + 1) % 1000;
    if (this.sweeps === 0) this.sweep();
  }
}

export class LocalTurnLock implements TurnLock {
  private readonly queue = new KeyedQueue();
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(key, task);
  }
}

/** One memory limiter per limit: every user of the same limit in this process shares its counts. */
export class MemoryRateLimitStores implements RateLimitStores {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  create(spec: { name: string; points: number; durationSeconds: number }) {
    const key = `${spec.name}/${spec.points}/${spec.durationSeconds}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiterMemory({
        keyPrefix: spec.name,
        points: spec.points,
        duration: spec.durationSeconds,
      });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }
}

export class MemoryOutbox implements ReplyOutbox {
  private readonly entries = new Map<string, { entry: OutboxEntry; claimedUntil: number }>();

  constructor(
    initial: OutboxEntry[] = [],
    private readonly now: Clock = Date.now,
  ) {
    for (const entry of initial) this.entries.set(entry.replyId, { entry: { ...entry }, claimedUntil: 0 });
  }

  async enqueue(entry: OutboxEntry, claimMs: number): Promise<void> {
    this.entries.set(entry.replyId, { entry: { ...entry }, claimedUntil: this.now() + claimMs });
  }

  async claim(conversationId: string, claimMs: number): Promise<OutboxEntry[]> {
    const now = this.now();
    const claimed = [...this.entries.values()]
      .filter((e) => e.entry.conversationId === conversationId && e.claimedUntil <= now)
      .sort((a, b) => a.entry.createdAt.localeCompare(b.entry.createdAt));
    for (const e of claimed) e.claimedUntil = now + claimMs;
    return claimed.map((e) => ({ ...e.entry }));
  }

  async release(replyId: string): Promise<void> {
    const e = this.entries.get(replyId);
    if (e) e.claimedUntil = 0;
  }

  async complete(replyId: string): Promise<void> {
    this.entries.delete(replyId);
  }
}

/** Inquiry events within one process (the embedded backend serves one instance). */
export class LocalInquiryEvents implements InquiryEvents {
  private readonly listeners = new Set<InquiryEventListener>();

  async publish(event: InquiryEvent): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...event });
      } catch {
        // A listener's failure (a closed stream) never fails the writer.
      }
    }
  }

  subscribe(listener: InquiryEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
