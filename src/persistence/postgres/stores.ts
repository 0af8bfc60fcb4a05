import type { StoreItem, StoreItems } from 'botbuilder';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { KeyedQueue } from '../../keyedQueue.js';
import type { Inquiry } from '../../triage/types.js';
import {
  DuplicateInquiryError,
  ETagConflictError,
  type ExpiringKeys,
  InquiryNotFoundError,
  type InquiryQuery,
  type InquiryRepository,
  type OutboxEntry,
  type RateLimitSpec,
  type RateLimitStores,
  type ReplyOutbox,
  type SecretStore,
  type StateStorage,
  type StoredDocument,
  type TurnLock,
  type UnansweredGroup,
  type UnansweredSighting,
  type UnansweredStore,
} from '../types.js';
import { type Db, unavailable } from './db.js';

// The PostgreSQL side of each seam interface but the Direct Line log (directLineLog.ts). Instants are
// passed from the app's clock, not the server's, so both backends agree on "now".

type Clock = () => number;
const at = (ms: number) => new Date(ms);

/** Conversation state: JSONB documents, the version column is the eTag. */
export class PgStateStorage implements StateStorage {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: Clock,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when reading');
    if (keys.length === 0) return {};
    const { rows } = await this.db.query<{ key: string; document: object; version: string }>(
      'SELECT key, document, version FROM conversation_state WHERE key = ANY($1) AND updated_at > $2',
      [keys, this.freshSince()],
    );
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...row.document, eTag: row.version };
    return items;
  }

  async readDocument(key: string): Promise<StoredDocument | undefined> {
    const { rows } = await this.db.query<{ document: Record<string, unknown>; version: string }>(
      'SELECT document, version FROM conversation_state WHERE key = $1 AND updated_at > $2',
      [key, this.freshSince()],
    );
    const row = rows[0];
    // jsonb keeps its own key order, so the text is made from the object pg parsed, not from jsonb's.
    return row && { document: row.document, json: JSON.stringify(row.document), eTag: row.version };
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes || typeof changes !== 'object') throw new TypeError('Changes are required when writing');
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...document } = (item ?? {}) as StoreItem;
      const stored = await this.writeDocument(key, JSON.stringify(document), eTag);
      if (item && typeof item === 'object') (item as StoreItem).eTag = stored;
    }
  }

  async writeDocument(key: string, json: string, eTag?: string): Promise<string> {
    const checked = eTag !== undefined && eTag !== '*' && eTag !== '';
    const { rows } = await this.db.query<{ version: string }>(
      `INSERT INTO conversation_state (key, document, version, updated_at) VALUES ($1, $2::jsonb, 1, $3)
       ON CONFLICT (key) DO UPDATE SET document = EXCLUDED.document,
         version = conversation_state.version + 1, updated_at = EXCLUDED.updated_at
       WHERE NOT $4 OR conversation_state.version::text = $5
       RETURNING version`,
      [key, json, at(this.now()), checked, checked ? eTag : ''],
    );
    if (!rows[0]) throw new ETagConflictError(key);
    return rows[0].version;
  }

  private freshSince(): Date {
    return this.ttlMs > 0 ? at(this.now() - this.ttlMs) : at(0);
  }

  async delete(keys: string[]): Promise<void> {
    if (!Array.isArray(keys)) throw new TypeError('Keys are required when deleting');
    await this.db.query('DELETE FROM conversation_state WHERE key = ANY($1)', [keys]);
  }

  async quarantine(key: string): Promise<void> {
    await this.db.query(
      `WITH moved AS (DELETE FROM conversation_state WHERE key = $1 RETURNING key, document)
       INSERT INTO state_quarantine (key, document, quarantined_at) SELECT key, document, $2 FROM moved`,
      [key, at(this.now())],
    );
  }

  async sweepExpired(): Promise<number> {
    if (this.ttlMs <= 0) return 0;
    const { rowCount } = await this.db.query('DELETE FROM conversation_state WHERE updated_at <= $1', [
      at(this.now() - this.ttlMs),
    ]);
    return rowCount ?? 0;
  }
}

/** Inquiries as rows: the queue's filters and order are SQL; the record itself is JSONB. */
export class PgInquiryRepository implements InquiryRepository {
  /** Rows are validated before they are written and the table's columns hold their shape. */
  readonly unreadable = 0;

  constructor(private readonly db: Db) {}

  async insert(inquiry: Inquiry): Promise<void> {
    const { rows } = await this.db.query(
      `INSERT INTO inquiries (id, topic, priority, status, assignee, created_at, due_at, document, conversation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
      columns(inquiry),
    );
    if (!rows[0]) throw new DuplicateInquiryError(inquiry.id);
  }

  async get(id: string): Promise<Inquiry | undefined> {
    const { rows } = await this.db.query<{ document: Inquiry }>(
      'SELECT document FROM inquiries WHERE id = $1',
      [id],
    );
    return rows[0]?.document;
  }

  async list(query: InquiryQuery = {}): Promise<Inquiry[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.status?.length) where.push(`status = ANY(${param([...query.status])})`);
    if (query.priority?.length) where.push(`priority = ANY(${param([...query.priority])})`);
    if (query.topic?.length) where.push(`topic = ANY(${param([...query.topic])})`);
    if (query.assignee !== undefined) where.push(`assignee = ${param(query.assignee)}`);
    if (query.overdue !== undefined) {
      const overdue = `(status IN ('new', 'in_progress', 'member_replied') AND due_at < ${param(query.now ?? new Date())})`;
      where.push(query.overdue ? overdue : `NOT ${overdue}`);
    }
    const { rows } = await this.db.query<{ document: Inquiry }>(
      `SELECT document FROM inquiries ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY due_at, created_at, id`,
      values,
    );
    return rows.map((r) => r.document);
  }

  update(id: string, change: (current: Inquiry) => Inquiry): Promise<Inquiry> {
    return this.db.transaction(async (client) => {
      // FOR UPDATE: a concurrent update (another instance) waits for this one, so none is lost.
      const { rows } = await client.query<{ document: Inquiry }>(
        'SELECT document FROM inquiries WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!rows[0]) throw new InquiryNotFoundError(id);
      const next = change(rows[0].document);
      const [, topic, priority, status, assignee, createdAt, dueAt, document, conversationId] = columns(next);
      await client.query(
        `UPDATE inquiries SET topic = $2, priority = $3, status = $4, assignee = $5, created_at = $6,
           due_at = $7, document = $8::jsonb, conversation_id = $9 WHERE id = $1`,
        [id, topic, priority, status, assignee, createdAt, dueAt, document, conversationId],
      );
      return next;
    });
  }

  async openForConversation(conversationId: string): Promise<Inquiry[]> {
    // Indexed (migration inquiry-conversation): one cheap lookup per member turn.
    const { rows } = await this.db.query<{ document: Inquiry }>(
      `SELECT document FROM inquiries WHERE conversation_id = $1 AND status <> 'resolved'
       ORDER BY created_at DESC, id`,
      [conversationId],
    );
    return rows.map((r) => r.document);
  }
}

function columns(q: Inquiry): unknown[] {
  return [
    q.id,
    q.topic,
    q.priority,
    q.status,
    q.assignee,
    q.createdAt,
    q.dueAt,
    JSON.stringify(q),
    q.conversationReference.conversation?.id ?? null,
  ];
}

export class PgReplyOutbox implements ReplyOutbox {
  constructor(
    private readonly db: Db,
    private readonly now: Clock,
  ) {}

  async enqueue(entry: OutboxEntry, claimMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO reply_outbox (reply_id, inquiry_id, conversation_id, created_at, claimed_until)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reply_id) DO NOTHING`,
      [entry.replyId, entry.inquiryId, entry.conversationId, entry.createdAt, at(this.now() + claimMs)],
    );
  }

  async claim(conversationId: string, claimMs: number): Promise<OutboxEntry[]> {
    const now = this.now();
    const { rows } = await this.db.query<{
      reply_id: string;
      inquiry_id: string;
      conversation_id: string;
      created_at: Date;
    }>(
      `UPDATE reply_outbox SET claimed_until = $3 WHERE reply_id IN (
         SELECT reply_id FROM reply_outbox
         WHERE conversation_id = $1 AND (claimed_until IS NULL OR claimed_until <= $2)
         FOR UPDATE SKIP LOCKED)
       RETURNING reply_id, inquiry_id, conversation_id, created_at`,
      [conversationId, at(now), at(now + claimMs)],
    );
    return rows
      .map((r) => ({
        replyId: r.reply_id,
        inquiryId: r.inquiry_id,
        conversationId: r.conversation_id,
        createdAt: r.created_at.toISOString(),
      }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async release(replyId: string): Promise<void> {
    await this.db.query('UPDATE reply_outbox SET claimed_until = NULL WHERE reply_id = $1', [replyId]);
  }

  async complete(replyId: string): Promise<void> {
    await this.db.query('DELETE FROM reply_outbox WHERE reply_id = $1', [replyId]);
  }
}

export class PgUnansweredStore implements UnansweredStore {
  constructor(
    private readonly db: Db,
    private readonly maxGroups: number,
  ) {}

  async add(s: UnansweredSighting): Promise<void> {
    // The new wording first, then the earlier distinct ones, three at most.
    await this.db.query(
      `INSERT INTO unanswered_groups (id, normalized, lang, count, first_seen, last_seen, examples, topic)
       VALUES ($1, $2, $3, 1, $4, $4, jsonb_build_array($5::text), $6)
       ON CONFLICT (id) DO UPDATE SET count = unanswered_groups.count + 1,
         topic = COALESCE(EXCLUDED.topic, unanswered_groups.topic),
         last_seen = GREATEST(unanswered_groups.last_seen, EXCLUDED.last_seen),
         examples = jsonb_build_array($5::text) || COALESCE((
           SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(unanswered_groups.examples)
             WITH ORDINALITY AS t(e, n)
           WHERE e <> to_jsonb($5::text) AND n <= 2), '[]'::jsonb)`,
      [s.id, s.normalized, s.lang, s.at, s.masked, s.topic ?? null],
    );
  }

  async list(): Promise<UnansweredGroup[]> {
    const { rows } = await this.db.query<{
      id: string;
      normalized: string;
      lang: UnansweredGroup['lang'];
      count: number;
      first_seen: Date;
      last_seen: Date;
      examples: string[];
      topic: string | null;
    }>('SELECT * FROM unanswered_groups ORDER BY count DESC, last_seen DESC LIMIT $1', [this.maxGroups]);
    return rows.map((r) => ({
      id: r.id,
      normalized: r.normalized,
      lang: r.lang,
      count: r.count,
      firstSeen: r.first_seen.toISOString(),
      lastSeen: r.last_seen.toISOString(),
      examples: r.examples,
      ...(r.topic ? { topic: r.topic } : {}),
    }));
  }

  async dismiss(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM unanswered_groups WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Keeps the most recently seen groups only. */
  async trim(): Promise<void> {
    await this.db.query(
      `DELETE FROM unanswered_groups WHERE id IN (
         SELECT id FROM unanswered_groups ORDER BY last_seen DESC OFFSET $1)`,
      [this.maxGroups],
    );
  }
}

export class PgExpiringKeys implements ExpiringKeys {
  constructor(
    private readonly db: Db,
    private readonly now: Clock,
  ) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO expiring_keys (key, value, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
      [key, value, at(this.now() + ttlMs)],
    );
  }

  async take(key: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ value: string; expires_at: Date }>(
      'DELETE FROM expiring_keys WHERE key = $1 RETURNING value, expires_at',
      [key],
    );
    const row = rows[0];
    return row && row.expires_at.getTime() > this.now() ? row.value : undefined;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    const { rows } = await this.db.query(
      `INSERT INTO expiring_keys (key, value, expires_at) VALUES ($1, '1', $3)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at
       WHERE expiring_keys.expires_at <= $2 RETURNING key`,
      [key, at(now), at(now + ttlMs)],
    );
    return rows.length > 0;
  }

  async sweep(): Promise<void> {
    await this.db.query('DELETE FROM expiring_keys WHERE expires_at <= $1', [at(this.now())]);
  }
}

export class PgSecretStore implements SecretStore {
  constructor(private readonly db: Db) {}

  async getOrCreate(name: string, make: () => string): Promise<string> {
    await this.db.query(
      'INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, make()],
    );
    const { rows } = await this.db.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [
      name,
    ]);
    if (!rows[0]) throw new Error(`secret ${name} missing after insert`);
    return rows[0].value;
  }
}

/**
 * Turns of one conversation, one at a time across every instance: a session-level advisory lock on
 * the key's hash (lock and unlock: two round trips a turn, no transaction; it also excludes a
 * transaction-scoped lock on the same key, should an instance take one), held on a connection of its own
 * pool (the turn's queries use the main pool, so a full lock pool can never starve the turns that
 * hold it). A connection whose unlock failed is destroyed, and a dropped connection releases its lock.
 */
export class PgTurnLock implements TurnLock {
  private readonly local = new KeyedQueue();

  constructor(private readonly lockPool: pg.Pool) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // Same-instance turns queue here first, so they do not each hold a lock connection.
    return this.local.run(key, async () => {
      let client: pg.PoolClient;
      try {
        client = await this.lockPool.connect();
      } catch (err) {
        return unavailable(err);
      }
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      } catch (err) {
        client.release(true);
        return unavailable(err);
      }
      let broken = false;
      try {
        return await task();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => {
          broken = true;
        });
        client.release(broken);
      }
    });
  }
}

/** rate-limiter-flexible's PostgreSQL store (table from the migrations), memory as insurance. */
export class PgRateLimitStores implements RateLimitStores {
  constructor(private readonly pool: pg.Pool) {}

  create(spec: RateLimitSpec) {
    return new RateLimiterPostgres({
      storeClient: this.pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: spec.name,
      points: spec.points,
      duration: spec.durationSeconds,
      // While the database is away, each instance counts on its own instead of failing requests.
      insuranceLimiter: new RateLimiterMemory({ points: spec.points, duration: spec.durationSeconds }),
    });
  }
}
