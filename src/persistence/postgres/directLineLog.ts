import { randomBytes } from 'node:crypto';
import { clone, parseWatermark } from '../../directline/conversationLog.js';
import { KeyedQueue } from '../../keyedQueue.js';
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
import type { Db } from './db.js';
import type { NotificationListener } from './notificationListener.js';

// Direct Line transcripts in PostgreSQL. An append updates the conversation's row (taking its lock,
// so one conversation's appends commit in seq order), inserts the activity with that seq as its
// watermark, and NOTIFYs `dl_activity` in the same statement. Each instance's LISTEN connection
// (notificationListener.ts) hands it over, and this pushes the activity to the WebSockets it holds for that conversation.

const CHANNEL = 'dl_activity';
const SEQUENCE = 'dl_activities_seq_seq';
const TOUCH_WRITE_MS = 60_000;
const newId = (prefix: string) => prefix + randomBytes(16).toString('base64url');

interface ConversationRow {
  id: string;
  user_id: string;
  created_at: Date;
  started: boolean;
}

const view = (r: ConversationRow): DirectLineConversation => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at.getTime(),
  started: r.started,
});

export interface PgDirectLineLogOptions {
  db: Db;
  /** The instance's LISTEN connection. */
  notifications: NotificationListener;
  retentionMs: number;
  maxActivitiesPerConversation?: number;
  now?: () => number;
  logger?: { warn(obj: object, msg: string): void };
}

export class PgDirectLineLog implements DirectLineLog {
  private readonly listeners = new ConversationListeners();
  /** Fetches of notified activities, in notification order per conversation. */
  private readonly fetches = new KeyedQueue();
  private readonly now: () => number;
  private readonly db: Db;

  constructor(private readonly options: PgDirectLineLogOptions) {
    this.db = options.db;
    this.now = options.now ?? Date.now;
    options.notifications.on(CHANNEL, {
      onNotification: (payload) => this.onNotification(payload),
      // Readers may have missed activities meanwhile: they reconnect with their watermark.
      onInterrupted: () => {
        for (const id of this.listeners.conversations()) this.emit(id, { type: 'interrupted' });
      },
    });
  }

  /** Waits for the fetches of notified activities (the LISTEN connection is closed by its owner). */
  async close(): Promise<void> {
    await this.fetches.idle();
  }

  private cutoff(): Date {
    return new Date(this.now() - this.options.retentionMs);
  }

  async create(): Promise<DirectLineConversation> {
    const now = new Date(this.now());
    const { rows } = await this.db.query<ConversationRow>(
      `INSERT INTO dl_conversations (id, user_id, created_at, last_active_at) VALUES ($1, $2, $3, $3)
       RETURNING id, user_id, created_at, started`,
      [newId(''), newId('dl_'), now],
    );
    return view(rows[0]!);
  }

  async get(conversationId: string, options: { touch?: boolean } = {}) {
    const now = this.now();
    const { rows } = options.touch
      ? await this.db.query<ConversationRow>(
          // A touch is written at most once a minute; the row is returned either way.
          `WITH t AS (UPDATE dl_conversations SET last_active_at = $2
             WHERE id = $1 AND last_active_at > $3 AND last_active_at < $4 RETURNING id)
           SELECT id, user_id, created_at, started FROM dl_conversations WHERE id = $1 AND last_active_at > $3`,
          [conversationId, new Date(now), this.cutoff(), new Date(now - TOUCH_WRITE_MS)],
        )
      : await this.db.query<ConversationRow>(
          'SELECT id, user_id, created_at, started FROM dl_conversations WHERE id = $1 AND last_active_at > $2',
          [conversationId, this.cutoff()],
        );
    return rows[0] ? view(rows[0]) : undefined;
  }

  async markStarted(conversationId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE dl_conversations SET started = true WHERE id = $1 AND NOT started AND last_active_at > $2
       RETURNING id`,
      [conversationId, this.cutoff()],
    );
    if (rows[0]) return true;
    if (!(await this.get(conversationId))) throw new ConversationNotFoundError(conversationId);
    return false;
  }

  async append(
    conversationId: string,
    activity: Record<string, unknown> & { type: string },
    options: { ephemeralMs?: number } = {},
  ): Promise<LoggedActivity> {
    const stored = clone(activity) as StoredActivity;
    const given = typeof stored.id === 'string' && stored.id ? stored.id : null;
    const now = this.now();
    const expires = options.ephemeralMs !== undefined ? new Date(now + options.ephemeralMs) : null;
    const { rows } = await this.db.query<{ seq: string; activity_id: string }>(
      `WITH c AS (
         UPDATE dl_conversations SET last_seq = nextval('${SEQUENCE}'), last_active_at = $5
         WHERE id = $1 AND last_active_at > $6 RETURNING id, last_seq),
       ins AS (
         INSERT INTO dl_activities (seq, conversation_id, activity_id, activity, expires_at)
         SELECT c.last_seq, c.id, COALESCE($2, c.id || '|' || lpad(c.last_seq::text, 7, '0')), $3::jsonb, $4
         FROM c RETURNING seq, activity_id, conversation_id)
       SELECT seq, activity_id, pg_notify('${CHANNEL}', conversation_id || ' ' || seq) FROM ins`,
      [conversationId, given, JSON.stringify(stored), expires, new Date(now), this.cutoff()],
    );
    const row = rows[0];
    if (!row) throw new ConversationNotFoundError(conversationId);
    stored.id = row.activity_id;
    return stored;
  }

  async replace(
    conversationId: string,
    activityId: string,
    activity: Record<string, unknown> & { type: string },
  ): Promise<LoggedActivity | undefined> {
    const removed = await this.remove(conversationId, activityId);
    if (!removed) return undefined;
    return this.append(conversationId, { ...activity, id: activityId });
  }

  async remove(conversationId: string, activityId: string): Promise<boolean> {
    if (!(await this.get(conversationId))) throw new ConversationNotFoundError(conversationId);
    const { rowCount } = await this.db.query(
      'DELETE FROM dl_activities WHERE conversation_id = $1 AND activity_id = $2',
      [conversationId, activityId],
    );
    return (rowCount ?? 0) > 0;
  }

  async list(conversationId: string, watermark?: string | null): Promise<ActivitySet> {
    const after = parseWatermark(watermark);
    const record = await this.get(conversationId, { touch: true });
    if (!record) throw new ConversationNotFoundError(conversationId);
    const { rows } = await this.db.query<{
      last_seq: string;
      activity_id: string | null;
      activity: object | null;
    }>(
      `SELECT c.last_seq, a.activity_id, a.activity FROM dl_conversations c
       LEFT JOIN dl_activities a ON a.conversation_id = c.id AND a.seq > $2
         AND (a.expires_at IS NULL OR a.expires_at > $3)
       WHERE c.id = $1 ORDER BY a.seq`,
      [conversationId, after, new Date(this.now())],
    );
    if (!rows[0]) throw new ConversationNotFoundError(conversationId);
    const activities = rows
      .filter((r) => r.activity && r.activity_id)
      .map((r) => ({ ...(r.activity as object), id: r.activity_id }) as LoggedActivity);
    // The watermark is the newest seq: it also moves past expired entries, never delivered late.
    return { activities, watermark: rows[0].last_seq };
  }

  subscribe(conversationId: string, listener: ConversationListener): () => void {
    return this.listeners.add(conversationId, listener);
  }

  async sweepExpired(): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM dl_conversations WHERE last_active_at <= $1', [
      this.cutoff(),
    ]);
    const max = this.options.maxActivitiesPerConversation ?? 500;
    // Keep each conversation's newest activities only, and drop expired ephemeral ones.
    await this.db.query(
      `DELETE FROM dl_activities WHERE (expires_at IS NOT NULL AND expires_at <= $2) OR seq IN (
         SELECT seq FROM (SELECT seq, row_number() OVER (PARTITION BY conversation_id ORDER BY seq DESC) AS n
           FROM dl_activities) ranked WHERE n > $1)`,
      [max, new Date(this.now())],
    );
    return rowCount ?? 0;
  }

  private onNotification(payload: string): void {
    const [conversationId, seq] = payload.split(' ');
    if (!conversationId || !seq || !this.listeners.has(conversationId)) return;
    void this.fetches.run(conversationId, async () => {
      try {
        const { rows } = await this.db.query<{ activity_id: string; activity: object }>(
          'SELECT activity_id, activity FROM dl_activities WHERE seq = $1',
          [seq],
        );
        const row = rows[0];
        if (!row) return; // replaced or removed meanwhile
        const activity = { ...row.activity, id: row.activity_id } as LoggedActivity;
        this.emit(conversationId, { type: 'activity', activity, watermark: seq });
      } catch (err) {
        this.options.logger?.warn({ err: (err as Error).message }, 'notified activity not fetched');
        this.emit(conversationId, { type: 'interrupted' });
      }
    });
  }

  private emit(conversationId: string, event: ConversationEvent): void {
    this.listeners.emit(conversationId, event);
  }
}
