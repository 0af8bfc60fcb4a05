import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LowdbStorage } from '../../storage/lowdbStorage.js';
import type { Inquiry } from '../../triage/types.js';
import {
  LocalInquiryEvents,
  LocalTurnLock,
  MemoryExpiringKeys,
  MemoryOutbox,
  MemoryRateLimitStores,
} from '../memory.js';
import type { OutboxEntry, Persistence } from '../types.js';
import { FileDirectLineLog } from './directLineLog.js';
import { LowdbInquiryRepository } from './inquiries.js';
import { FileMetricsStore } from './metrics.js';
import { FileSecretStore } from './secrets.js';
import { LowdbStaffStore } from './staff.js';
import { LowdbUnansweredStore } from './unanswered.js';

// The embedded backend: lowdb files under DATA_DIR, for one process. Layout:
//   state/         conversation state, a file per key      inquiries/   a file per inquiry
//   directline/    a file per Web Chat conversation        unanswered.json
//   secrets/       generated secrets (0600)                 staff/       accounts, sessions, audit
//   metrics.jsonl  counters, no member text (append-only)

/** METRICS_RETENTION_DAYS' default, 400 days. */
export const DEFAULT_METRICS_RETENTION_MS = 400 * 24 * 60 * 60 * 1000;

export interface LowdbPersistenceOptions {
  dataDir: string;
  stateTtlMs: number;
  directLineRetentionMs: number;
  /** Counters older than this are dropped by sweep(). */
  metricsRetentionMs?: number;
  logger?: { warn(obj: object, msg: string): void };
  now?: () => number;
}

export async function openLowdbPersistence(options: LowdbPersistenceOptions): Promise<Persistence> {
  const { dataDir, logger } = options;
  const now = options.now ?? Date.now;
  const state = new LowdbStorage({ dir: join(dataDir, 'state'), ttlMs: options.stateTtlMs, now, logger });
  const inquiries = await LowdbInquiryRepository.open(join(dataDir, 'inquiries'), logger);
  // The outbox is what the inquiry files say is pending: nothing else to keep on disk.
  const outbox = new MemoryOutbox(pendingReplies(inquiries.all()), now);
  const unanswered = await LowdbUnansweredStore.open(join(dataDir, 'unanswered.json'), { logger });
  const directLine = await FileDirectLineLog.open({
    dir: join(dataDir, 'directline'),
    retentionMs: options.directLineRetentionMs,
    now,
  });
  const metrics = await FileMetricsStore.open(join(dataDir, 'metrics.jsonl'), { logger });
  const keys = new MemoryExpiringKeys(now);
  const staff = await LowdbStaffStore.open(join(dataDir, 'staff'));
  const flush = async () => {
    await Promise.all([
      state.flush(),
      inquiries.flush(),
      unanswered.flush(),
      directLine.flush(),
      metrics.flush(),
    ]);
  };
  return {
    backend: 'lowdb',
    state,
    inquiries,
    inquiryEvents: new LocalInquiryEvents(),
    outbox,
    unanswered,
    directLine,
    keys,
    turnLock: new LocalTurnLock(),
    rateLimits: new MemoryRateLimitStores(),
    secrets: new FileSecretStore(join(dataDir, 'secrets')),
    staff,
    metrics,
    async sweep() {
      await state.sweepExpired();
      await metrics.sweepBefore(
        new Date(now() - (options.metricsRetentionMs ?? DEFAULT_METRICS_RETENTION_MS)),
      );
      await directLine.sweepExpired();
      keys.sweep();
    },
    healthy() {
      return access(dataDir, constants.W_OK).then(
        () => true,
        () => false,
      );
    },
    flush,
    close: flush,
  };
}

/** The outbox entries the stored inquiries imply: every reply still pending and not in a transcript. */
export function pendingReplies(inquiries: readonly Inquiry[]): OutboxEntry[] {
  return inquiries.flatMap((q) =>
    q.replies
      .filter((r) => r.delivery === 'pending' && !r.inTranscript)
      .map((r) => ({
        replyId: r.id,
        inquiryId: q.id,
        conversationId: q.conversationReference.conversation?.id ?? '',
        createdAt: r.at,
      })),
  );
}
