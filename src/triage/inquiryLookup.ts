import { currentClient } from '../clientScope.js';
import type { RateLimitStores } from '../persistence/types.js';
import { consumePoint, keyedLimiter, retryAfterSeconds } from '../rateLimit.js';
import type { InquiryStatus } from './types.js';

// A member who gives a reference number (受付番号 Q20261202-ABCDEFGH) learns that inquiry's status,
// and nothing of its content: anyone may type a number. Lookups are limited per member and per
// client address (shared across instances by the persistence's RateLimitStores), and an unknown
// number gets an answer of the same shape, so numbers cannot be enumerated beyond the limit.

/** Same letters as src/triage/rules.ts newInquiryId (no I or O). */
const REFERENCE = /Q\s*[-‐‑–—ー−]?\s*(\d{8})\s*[-‐‑–—ー−]?\s*([A-HJ-NP-Z]{8})(?![A-Z])/;

/** The reference number in a member's message (full-width, lower case and spacing tolerated). */
export function findReference(text: string): string | undefined {
  const match = REFERENCE.exec(text.normalize('NFKC').toUpperCase());
  return match ? `Q${match[1]}-${match[2]}` : undefined;
}

export type LookupResult =
  | { kind: 'status'; id: string; status: InquiryStatus }
  | { kind: 'unknown'; id: string }
  | { kind: 'limited'; retryAfterSeconds: number };

/** Who asks: the member of a channel, plus the client address where from.id is not vouched for. */
export interface Asker {
  channelId: string;
  userId: string;
}

export type InquiryLookup = (id: string, asker: Asker) => Promise<LookupResult>;

export interface InquiryLookupOptions {
  /** Lookups per member and per address in `windowSeconds` (default 5 in 15 minutes). */
  points?: number;
  windowSeconds?: number;
  stores?: RateLimitStores;
  logger?: { warn(obj: object, msg: string): void };
}

export function createInquiryLookup(
  inquiries: { get(id: string): Promise<{ status: InquiryStatus } | undefined> },
  options: InquiryLookupOptions = {},
): InquiryLookup {
  const limiter = keyedLimiter(
    'inquiry-lookup',
    options.points ?? 5,
    options.windowSeconds ?? 15 * 60,
    options.stores,
  );
  return async (id, asker) => {
    const keys = [`member:${asker.channelId}/${asker.userId}`];
    const client = currentClient();
    if (client && !client.memberIdTrusted) keys.push(`address:${client.address}`);
    let wait = 0;
    for (const key of keys) {
      const rejection = await consumePoint(limiter, key, options.logger);
      if (rejection) wait = Math.max(wait, retryAfterSeconds(rejection));
    }
    if (wait > 0) {
      options.logger?.warn({ limit: 'inquiry-lookup' }, 'reference lookup limit reached');
      return { kind: 'limited', retryAfterSeconds: wait };
    }
    const found = await inquiries.get(id);
    return found ? { kind: 'status', id, status: found.status } : { kind: 'unknown', id };
  };
}
