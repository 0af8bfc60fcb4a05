import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { openLowdbPersistence } from './lowdb/index.js';
import type { Persistence } from './types.js';

export * from './types.js';

const HOUR_MS = 60 * 60 * 1000;

export type PersistenceConfig = Pick<
  Config,
  'storage' | 'databaseUrl' | 'databasePoolMax' | 'dataDir' | 'stateTtlHours' | 'directLineRetentionHours'
> &
  Partial<Pick<Config, 'metricsRetentionDays'>>;

/**
 * Opens the backend `STORAGE` names: lowdb under DATA_DIR ('' or 'lowdb'), or PostgreSQL at
 * DATABASE_URL ('postgres': schema migrated first; a database that cannot be reached stops start-up
 * with an error naming its host).
 */
export async function openPersistence(
  config: PersistenceConfig,
  logger: Logger,
  options: { now?: () => number } = {},
): Promise<Persistence> {
  const common = {
    stateTtlMs: config.stateTtlHours * HOUR_MS,
    directLineRetentionMs: config.directLineRetentionHours * HOUR_MS,
    metricsRetentionMs: (config.metricsRetentionDays ?? 400) * 24 * HOUR_MS,
    logger,
    now: options.now,
  };
  const storage = String(config.storage ?? '');
  if (storage === '' || storage === 'lowdb') {
    return openLowdbPersistence({ dataDir: config.dataDir, ...common });
  }
  if (storage === 'postgres') {
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: required with STORAGE=postgres']);
    const { openPostgresPersistence } = await import('./postgres/index.js');
    return openPostgresPersistence({
      databaseUrl: config.databaseUrl,
      poolMax: config.databasePoolMax,
      ...common,
    });
  }
  throw new ConfigError([`STORAGE: must be empty, 'lowdb' or 'postgres' (got ${JSON.stringify(storage)})`]);
}
