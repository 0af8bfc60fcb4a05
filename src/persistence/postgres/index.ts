import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { PROJECT_ROOT } from '../../paths.js';
import type { Persistence } from '../types.js';
import { createPool, Db, describeDatabaseUrl } from './db.js';
import { PgDirectLineLog } from './directLineLog.js';
import { PgInquiryEvents } from './inquiryEvents.js';
import { PgMetricsStore } from './metrics.js';
import { NotificationListener } from './notificationListener.js';
import { PgStaffStore } from './staff.js';
import {
  PgExpiringKeys,
  PgInquiryRepository,
  PgRateLimitStores,
  PgReplyOutbox,
  PgSecretStore,
  PgStateStorage,
  PgTurnLock,
  PgUnansweredStore,
} from './stores.js';

// The shared backend: any number of instances on one PostgreSQL database. The schema is created and
// migrated at start-up by node-pg-migrate (migrations/postgres, all pending ones in one transaction:
// one that fails leaves the schema as it was); concurrent start-ups wait for each other's migration.

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations', 'postgres');
const MAX_UNANSWERED_GROUPS = 2000;

/** Start-up could not use the database: the message names where it is, never the password. */
export class DatabaseStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseStartError';
  }
}

export interface PostgresPersistenceOptions {
  databaseUrl: string;
  poolMax: number;
  stateTtlMs: number;
  directLineRetentionMs: number;
  /** Counters older than this are dropped by sweep() (default 400 days). */
  metricsRetentionMs?: number;
  logger?: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  now?: () => number;
  migrationsDir?: string;
}

/** Applies every pending migration; throws DatabaseStartError naming the failing one. */
export async function migrate(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  const where = describeDatabaseUrl(databaseUrl);
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseStartError(`Cannot reach PostgreSQL at ${where}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    const applied = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      singleTransaction: true,
      advisoryLockMode: 'wait',
      checkOrder: true,
      log: () => undefined,
    });
    return applied.map((m) => m.name);
  } catch (err) {
    throw new DatabaseStartError(
      `Database migration failed on ${where} (schema left as it was): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function openPostgresPersistence(options: PostgresPersistenceOptions): Promise<Persistence> {
  const { databaseUrl, logger } = options;
  const now = options.now ?? Date.now;
  await migrate(databaseUrl, options.migrationsDir);

  const onPoolError = (err: Error) => logger?.warn({ err: err.message }, 'database connection dropped');
  const pool = createPool(databaseUrl, options.poolMax, onPoolError);
  // Turn locks hold a connection for a whole turn: their own pool, so turns never starve queries.
  const lockPool = createPool(databaseUrl, options.poolMax, onPoolError);
  const db = new Db(pool);
  const notifications = new NotificationListener({
    connect: () => new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 }),
    logger,
  });
  const directLine = new PgDirectLineLog({
    db,
    notifications,
    retentionMs: options.directLineRetentionMs,
    now,
    logger,
  });
  const inquiryEvents = new PgInquiryEvents({ db, notifications });
  try {
    await notifications.start();
  } catch (err) {
    await Promise.all([pool.end(), lockPool.end()]);
    throw new DatabaseStartError(
      `Cannot listen on PostgreSQL at ${describeDatabaseUrl(databaseUrl)}: ${(err as Error).message}`,
      { cause: err },
    );
  }

  const state = new PgStateStorage(db, options.stateTtlMs, now);
  const unanswered = new PgUnansweredStore(db, MAX_UNANSWERED_GROUPS);
  const keys = new PgExpiringKeys(db, now);
  const metrics = new PgMetricsStore(db, logger);
  const metricsRetentionMs = options.metricsRetentionMs ?? 400 * 24 * 60 * 60 * 1000;
  let closed: Promise<void> | undefined;
  return {
    backend: 'postgres',
    state,
    inquiries: new PgInquiryRepository(db),
    inquiryEvents,
    outbox: new PgReplyOutbox(db, now),
    unanswered,
    directLine,
    keys,
    turnLock: new PgTurnLock(lockPool),
    rateLimits: new PgRateLimitStores(pool),
    secrets: new PgSecretStore(db),
    staff: new PgStaffStore(db),
    metrics,
    async sweep() {
      await metrics.sweepBefore(new Date(now() - metricsRetentionMs));
      await state.sweepExpired();
      await directLine.sweepExpired();
      await keys.sweep();
      await unanswered.trim();
      await db.query('DELETE FROM rate_limits WHERE expire < $1', [now()]);
    },
    healthy() {
      return db.query('SELECT 1').then(
        () => true,
        () => false,
      );
    },
    // Every write but the buffered counters is committed before its promise resolves.
    flush: () => metrics.flush(),
    close() {
      closed ??= (async () => {
        await metrics
          .flush()
          .catch((err: unknown) =>
            logger?.warn({ err: (err as Error).message }, 'metrics not written at close'),
          );
        await notifications.close();
        await directLine.close();
        await Promise.all([pool.end(), lockPool.end()]);
      })();
      return closed;
    },
  };
}
