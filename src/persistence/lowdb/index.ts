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
import { FileSecretStore } from './secrets.js';
import { LowdbUnansweredStore } from './unanswered.js';

// The embedded backend: lowdb files under DATA_DIR, for one process. Layout:
//   state/         conversation state, a file per key      inquiries/   a file per inquiry
//   directline/    a file per Web Chat conversation        unanswered.json
//   secrets/       generated secrets (0600)

export interface LowdbPersistenceOptions {
  dataDir: string;
  stateTtlMs: number;
  directLineRetentionMs: number;
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
  const keys = new MemoryExpiringKeys(now);
  const flush = async () => {
    await Promise.all([state.flush(), inquiries.flush(), unanswered.flush(), directLine.flush()]);
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
    async sweep() {
      await state.sweepExpired();
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

/** The outbox entries the stored inquiries imply: every reply still pending. */
export function pendingReplies(inquiries: readonly Inquiry[]): OutboxEntry[] {
  return inquiries.flatMap((q) =>
    q.replies
      .filter((r) => r.delivery === 'pending')
      .map((r) => ({
        replyId: r.id,
        inquiryId: q.id,
        conversationId: q.conversationReference.conversation?.id ?? '',
        createdAt: r.at,
      })),
  );
}
