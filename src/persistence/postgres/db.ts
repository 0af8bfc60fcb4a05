import pg from 'pg';
import { StoreUnavailableError } from '../types.js';

// The query side of the PostgreSQL backend: a bounded pool, errors that mean "the database is not
// there" turned into StoreUnavailableError (callers answer 503 or apologise), transactions.

/** Connection-level failures (the server is down, restarting or unreachable), not bad queries. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  if (/^(08|57P0)/.test(code)) return true; // connection exception, admin/crash shutdown, cannot connect now
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'ENOENT'].includes(code)
  )
    return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    e?.message ?? '',
  );
}

export function unavailable(err: unknown): never {
  if (isConnectionError(err)) {
    throw new StoreUnavailableError(`database unavailable: ${(err as Error).message}`, { cause: err });
  }
  throw err;
}

/** Where a DATABASE_URL points, for messages: host, port, database and user, never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') ?? (decodeURIComponent(u.hostname) || 'localhost');
    const db = u.pathname.replace(/^\//, '') || '(default database)';
    return `${host}:${u.port || '5432'}/${db}${u.username ? ` as ${decodeURIComponent(u.username)}` : ''}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export type Queryable = Pick<pg.PoolClient, 'query'>;

export class Db {
  constructor(readonly pool: pg.Pool) {}

  async query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (err) {
      return unavailable(err);
    }
  }

  /** Runs `work` in one transaction: all of it is written, or none (a lost connection rolls back). */
  async transaction<T>(work: (client: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      return unavailable(err);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      broken = isConnectionError(err);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      return unavailable(err);
    } finally {
      client.release(broken);
    }
  }
}

export function createPool(databaseUrl: string, max: number, onError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    application_name: 'member-help-bot',
  });
  // An idle connection the server drops emits here; without a listener it would crash the process.
  pool.on('error', onError);
  return pool;
}
