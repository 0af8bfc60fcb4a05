import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Next, Request, Response } from 'restify';
import type { Config } from './config.js';
import { clientAddress, type ProxyTrust } from './httpRequest.js';
import { detectLang } from './language.js';
import { MemoryRateLimitStores } from './persistence/memory.js';
import type { RateLimitStores } from './persistence/types.js';

// The limits, all made by `keyedLimiter` on the backend's rate-limit store (memory on lowdb;
// PostgreSQL, shared by the instances, with a memory insurance limiter):
// - per client address, on every HTTP route: a generous ceiling so one address cannot flood the
//   server (Web Chat's one-second polling is far below it); over it → 429 JSON with Retry-After;
// - per conversation, on what a member's client sends (messages, events, invokes; not typing): the
//   member who floods gets ONE polite message in their language, further activities are dropped
//   before the secret guard or the dialog run; other conversations are unaffected;
// - new Direct Line conversations per client address per minute;
// - inquiries filed per member and per client address per hour (src/triage/inquiryLimit.ts).
// Behind a reverse proxy, list it in TRUST_PROXY: the client is then read from X-Forwarded-For.

export type RateLimitConfig = Config['rateLimit'];

/** How long the per-address limit holds a refused request before its 429. */
const REJECTION_PAUSE_MS = 1000;

/** Paths never limited: the liveness probe must not get 429 while someone floods the server. */
const EXEMPT_PATHS = new Set(['/healthz']);

interface LogLike {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** `points` per key per `durationSeconds`: every limit of the bot is one of these. */
export function keyedLimiter(
  name: string,
  points: number,
  durationSeconds: number,
  stores: RateLimitStores = new MemoryRateLimitStores(),
): RateLimiterAbstract {
  return stores.create({ name, points, durationSeconds });
}

/**
 * Counts one use of `key`: undefined when allowed, else the rejection (consumedPoints, msBeforeNext).
 * A failing store lets the use through: better served than everyone locked out.
 */
export async function consumePoint(
  limiter: RateLimiterAbstract,
  key: string,
  logger?: Pick<LogLike, 'warn'>,
): Promise<RateLimiterRes | undefined> {
  try {
    await limiter.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection;
    logger?.warn({ err: rejection }, 'rate limiter failed; request let through');
    return undefined;
  }
}

/** The per-address limit: a restify `pre` handler, plus `check` for requests restify never sees. */
export interface IpRateLimit {
  (req: Request, res: Response, next: Next): void;
  /**
   * Counts one request of `address` against the same budget as the HTTP routes; resolves to
   * undefined when it is allowed, else to the seconds to wait. Used for WebSocket upgrades, which
   * bypass restify's handlers (src/directline/stream.ts).
   */
  check(address: string): Promise<number | undefined>;
}

/**
 * restify `pre` handler limiting requests per client address, or undefined when the limit is off
 * (RATE_LIMIT_IP_REQUESTS=0). Runs before routing and body parsing, so a flood costs little.
 */
export function createIpRateLimit(
  config: Pick<RateLimitConfig, 'ipRequests' | 'ipWindowSeconds'>,
  logger?: LogLike,
  stores: RateLimitStores = new MemoryRateLimitStores(),
  trust?: ProxyTrust,
): IpRateLimit | undefined {
  if (config.ipRequests <= 0) return undefined;
  const limiter = keyedLimiter('ip', config.ipRequests, config.ipWindowSeconds, stores);
  const check = async (key: string): Promise<number | undefined> => {
    const rejection = await consumePoint(limiter, key, logger);
    if (!rejection) return undefined;
    const retryAfter = retryAfterSeconds(rejection);
    // Log the first rejection of a window only: a flood must not become a log flood.
    if (rejection.consumedPoints === config.ipRequests + 1) {
      logger?.warn({ client: key, retryAfterSeconds: retryAfter }, 'IP rate limit reached');
    }
    return retryAfter;
  };
  const ipRateLimit = (req: Request, res: Response, next: Next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (EXEMPT_PATHS.has(path)) {
      next();
      return;
    }
    check(clientAddress(req, trust)).then((retryAfter) => {
      if (retryAfter === undefined) {
        next();
        return;
      }
      // Answered after a pause: a client that sends again as soon as it is answered (a flood on a
      // few connections) then costs a held socket per connection, not a request handled per turn.
      setTimeout(
        () => {
          res.header('Retry-After', String(retryAfter));
          res.header('Cache-Control', 'no-store');
          res.send(429, {
            error: {
              code: 'TooManyRequests',
              message: `Too many requests from this address; try again in ${retryAfter} seconds.`,
            },
          });
          next(false);
        },
        Math.min(REJECTION_PAUSE_MS, retryAfter * 1000),
      );
    });
  };
  return Object.assign(ipRateLimit, { check });
}

export interface ConversationRateLimitOptions {
  messages: number;
  windowSeconds: number;
  /** The polite message, in both languages ({phone} is filled by `fill`). */
  text: (lang: 'ja' | 'en') => string;
  logger?: LogLike;
  stores?: RateLimitStores;
}

/** Activity types a member's client sends that cost nothing worth limiting (typing) or are not theirs. */
const UNCOUNTED_TYPES = new Set<string>([ActivityTypes.Typing, ActivityTypes.ConversationUpdate]);

/**
 * botbuilder Middleware limiting what a member's client sends per conversation: messages, events,
 * invokes (typing and conversation updates are not counted). Register it before the secret guard, so
 * a dropped activity is never scanned; the polite reply is knowledge text, with nothing to mask.
 * The edges call `blocked` before any work of their own (Direct Line masks its transcript copy).
 */
export class ConversationRateLimitMiddleware implements Middleware {
  private readonly limiter: RateLimiterAbstract;

  constructor(private readonly options: ConversationRateLimitOptions) {
    this.limiter = keyedLimiter('conversation', options.messages, options.windowSeconds, options.stores);
  }

  /** Counted activity types; the edges skip `blocked` for the others. */
  counts(type: string | undefined): boolean {
    return typeof type === 'string' && !UNCOUNTED_TYPES.has(type);
  }

  /**
   * Seconds to wait when the conversation is over its limit and the member was already told (so the
   * activity can be refused with no work at all), else undefined. Counts nothing.
   */
  async blocked(channelId: string, conversationId: string): Promise<number | undefined> {
    const res = await this.limiter.get(keyOf(channelId, conversationId)).catch(() => null);
    return res && res.consumedPoints > this.options.messages ? retryAfterSeconds(res) : undefined;
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const conversationId = activity.conversation?.id;
    if (!this.counts(activity.type) || !conversationId) return next();
    const rejection = await consumePoint(
      this.limiter,
      keyOf(activity.channelId ?? '', conversationId),
      this.options.logger,
    );
    if (!rejection) return next();
    const log = { conversationId, channelId: activity.channelId, activityType: activity.type };
    if (rejection.consumedPoints === this.options.messages + 1) {
      this.options.logger?.warn(log, 'conversation rate limit reached; telling the member once');
      const lang = detectLang(activity.text, activity.locale);
      await context.sendActivity(this.options.text(lang));
    } else {
      this.options.logger?.debug(log, 'activity dropped by the conversation rate limit');
    }
    if (activity.type === ActivityTypes.Invoke) {
      // An invoke waits for its answer: say why it got none.
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 429 } });
    }
    // The dialog does not run; a message's channel still gets its 200, so it does not retry.
  }
}

function keyOf(channelId: string, conversationId: string): string {
  return `${channelId}/${conversationId}`;
}

/** The conversation limit as Middleware, or undefined when it is off (RATE_LIMIT_CONVERSATION_MESSAGES=0). */
export function createConversationRateLimit(
  config: Pick<RateLimitConfig, 'conversationMessages' | 'conversationWindowSeconds'>,
  text: ConversationRateLimitOptions['text'],
  logger?: LogLike,
  stores?: RateLimitStores,
): ConversationRateLimitMiddleware | undefined {
  if (config.conversationMessages <= 0) return undefined;
  return new ConversationRateLimitMiddleware({
    messages: config.conversationMessages,
    windowSeconds: config.conversationWindowSeconds,
    text,
    logger,
    stores,
  });
}

/**
 * New conversations per client address per minute (Direct Line tokens/generate and conversations
 * without a token): resolves to the seconds to wait when over, else undefined. Undefined when off (0).
 */
export function createStartLimit(
  perMinute: number,
  logger?: LogLike,
  stores?: RateLimitStores,
): ((address: string) => Promise<number | undefined>) | undefined {
  if (perMinute <= 0) return undefined;
  const limiter = keyedLimiter('dl-start', perMinute, 60, stores);
  return async (address) => {
    const rejection = await consumePoint(limiter, address, logger);
    if (!rejection) return undefined;
    if (rejection.consumedPoints === perMinute + 1) {
      logger?.warn({ client: address }, 'Direct Line start limit reached');
    }
    return retryAfterSeconds(rejection);
  };
}

/**
 * Resume-credential exchanges per client address per minute (Direct Line tokens/resume): resolves to
 * the seconds to wait when over, else undefined. Undefined when off (0).
 */
export function createResumeLimit(
  perMinute: number,
  logger?: LogLike,
  stores?: RateLimitStores,
): ((address: string) => Promise<number | undefined>) | undefined {
  if (perMinute <= 0) return undefined;
  const limiter = keyedLimiter('dl-resume', perMinute, 60, stores);
  return async (address) => {
    const rejection = await consumePoint(limiter, address, logger);
    if (!rejection) return undefined;
    if (rejection.consumedPoints === perMinute + 1) {
      logger?.warn({ client: address }, 'Direct Line resume limit reached');
    }
    return retryAfterSeconds(rejection);
  };
}
