import { currentClient } from '../clientScope.js';
import type { RateLimitStores } from '../persistence/types.js';
import { consumePoint, keyedLimiter } from '../rateLimit.js';
import type { Inquiry, InquiryIntake, NewInquiry } from './types.js';

/** Thrown instead of filing: the member (or their address) filed the hour's allowance already. */
export class InquiryLimitReachedError extends Error {
  constructor() {
    super('Inquiry limit reached');
    this.name = 'InquiryLimitReachedError';
  }
}

interface LogLike {
  warn(obj: object, msg: string): void;
}

/**
 * Whose allowance an inquiry uses: the member (channel + from.id) always, and the client's address
 * too unless channel authentication vouches for from.id (local mode and Direct Line: a client can
 * pick a fresh id, or a fresh conversation, at will).
 */
export function inquiryLimitKeys(input: Pick<NewInquiry, 'conversationReference'>): string[] {
  const ref = input.conversationReference;
  const keys = [`member:${ref.channelId ?? ''}/${ref.user?.id ?? ref.conversation?.id ?? ''}`];
  const client = currentClient();
  if (client && !client.memberIdTrusted) keys.push(`address:${client.address}`);
  return keys;
}

/**
 * The intake the dialogs file through, with RATE_LIMIT_INQUIRIES_PER_HOUR applied: over it, `create`
 * throws InquiryLimitReachedError and nothing is filed. `perHour` 0: no limit (the intake itself).
 */
export function limitInquiries(
  intake: InquiryIntake,
  perHour: number,
  logger?: LogLike,
  stores?: RateLimitStores,
): InquiryIntake {
  if (perHour <= 0) return intake;
  const limiter = keyedLimiter('inquiry', perHour, 60 * 60, stores);
  return {
    async create(input: NewInquiry): Promise<Inquiry> {
      const keys = inquiryLimitKeys(input);
      const over: string[] = [];
      for (const key of keys) if (await consumePoint(limiter, key, logger)) over.push(key);
      if (over.length > 0) {
        // An allowance that let this one through must not pay for an inquiry that was not filed.
        for (const key of keys) if (!over.includes(key)) await limiter.reward(key, 1);
        logger?.warn({ limit: over.map((k) => k.split(':')[0]) }, 'inquiry limit reached; not filed');
        throw new InquiryLimitReachedError();
      }
      return intake.create(input);
    },
  };
}
