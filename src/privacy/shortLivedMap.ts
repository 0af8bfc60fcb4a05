// A bounded, short-lived map in this process's memory: for what must never reach conversation state
// or disk but is needed on the member's next message (a label announcing a secret, the question a
// "did you mean …?" is about). Each entry is read once; the oldest are dropped first.

export interface ShortLivedOptions {
  /** How long an entry stays readable. Default 2 minutes. */
  ttlMs?: number;
  /** Most entries kept at once; the oldest are dropped first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

export class ShortLivedMap<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  protected readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ShortLivedOptions = {}) {
    this.ttlMs = options.ttlMs ?? 2 * 60_000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: V): void {
    this.entries.delete(key); // re-insert: Map order is the eviction order
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(key, { value, expires: this.now() + this.ttlMs });
  }

  /** The value for `key`, if any and not expired; forgets it either way. */
  take(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    return entry.expires > this.now() ? entry.value : undefined;
  }

  private evict(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.entries.delete(key);
    }
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
