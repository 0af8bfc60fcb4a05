import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openPersistence } from '../../src/persistence/index.js';
import { MIGRATIONS_DIR, migrate } from '../../src/persistence/postgres/index.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { freePort, killServerProcesses, startServerProcess } from '../support/serverProcess.js';

// What an operator sees when the database is not there or a migration fails.

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  killServerProcesses();
  await postgres?.destroy();
});

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

describe('PostgreSQL faults', { timeout: 60_000 }, () => {
  it('an unreachable database stops start-up with a message naming the host, never the password', async () => {
    const port = await freePort();
    const url = `postgres://bot:s3cret-Pa55@127.0.0.1:${port}/memberhelp`;
    const logger = createLogger({ logLevel: 'silent' });
    const error = await openPersistence(
      {
        storage: 'postgres',
        databaseUrl: url,
        databasePoolMax: 2,
        dataDir: tmpdir(),
        stateTtlHours: 1,
        directLineRetentionHours: 24,
      },
      logger,
    ).then(
      () => new Error('opened'),
      (err: unknown) => err as Error,
    );
    expect(error.name).toBe('DatabaseStartError');
    expect(error.message).toContain(`127.0.0.1:${port}/memberhelp as bot`);
    expect(error.message).not.toContain('s3cret-Pa55');

    // The real command exits non-zero with that message.
    const started = await startServerProcess({ STORAGE: 'postgres', DATABASE_URL: url }).catch(
      (err: unknown) => (err as Error).message,
    );
    expect(started).toContain('Cannot reach PostgreSQL at 127.0.0.1');
    expect(started).not.toContain('s3cret-Pa55');
  });

  it('a migration that fails leaves the schema as it was', async () => {
    const url = await postgres.createDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'member-help-migrations-'));
    try {
      await copyFile(
        join(MIGRATIONS_DIR, '1764547200000_initial.sql'),
        join(dir, '1764547200000_initial.sql'),
      );
      await migrate(url, dir);
      const before = await tables(url);
      expect(before).toContain('dl_activities');
      // A later migration whose first statement works and second fails: neither may stay.
      await writeFile(
        join(dir, '1764633600000_broken.sql'),
        '-- Up Migration\nCREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
      );
      await expect(migrate(url, dir)).rejects.toThrow(/migration failed .*schema left as it was/i);
      expect(await tables(url)).toEqual(before);
      // A fresh database with both pending: none of the bot's tables is created (only the
      // migration tool's own bookkeeping table, still empty).
      const fresh = await postgres.createDatabase();
      await expect(migrate(fresh, dir)).rejects.toThrow(/migration failed/i);
      expect(await tables(fresh)).toEqual(['pgmigrations']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a dropped LISTEN connection comes back: readers are told, then pushes and inquiry events arrive again', async () => {
    const url = await postgres.createDatabase();
    const config = {
      storage: 'postgres' as const,
      databaseUrl: url,
      databasePoolMax: 2,
      dataDir: tmpdir(),
      stateTtlHours: 1,
      directLineRetentionHours: 24,
    };
    const logger = createLogger({ logLevel: 'silent' });
    const a = await openPersistence(config, logger);
    const b = await openPersistence(config, logger);
    try {
      const conversation = await b.directLine.create();
      const seenOnA: string[] = [];
      a.directLine.subscribe(conversation.id, (event) => {
        seenOnA.push(event.type === 'activity' ? String(event.activity.text) : event.type);
      });
      const inquiriesOnA: string[] = [];
      a.inquiryEvents.subscribe((event) => inquiriesOnA.push(event.inquiryId));

      // The database ends every LISTEN session (a failover, an operator, a network cut).
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const { rowCount } = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()",
      );
      await admin.end();
      expect(rowCount).toBe(2); // one connection per instance, for both channels
      await expect.poll(() => seenOnA, { timeout: 5_000 }).toContain('interrupted');

      // Once A listens again, what B appends and publishes reaches A.
      await expect
        .poll(
          async () => {
            await b.directLine.append(conversation.id, { type: 'message', text: 'after the cut' });
            await b.inquiryEvents.publish({ inquiryId: 'INQ-AFTER', kind: 'status' });
            return seenOnA.includes('after the cut') && inquiriesOnA.includes('INQ-AFTER');
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
