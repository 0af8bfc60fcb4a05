import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Next, Request, Response } from 'restify';
import type { Config } from './config.js';
import { clientAddress, type ProxyTrust } from './httpRequest.js';
import { detectLang } from './language.js';
import { MemoryRateLimitStores } from './persistence/memory.js';
import type { RateLimitStores } from './persistence/types.js';

// Two limits, counted in the backend's rate-limit store (memory on lowdb; PostgreSQL, shared by the
// instances, with a memory insurance limiter):
// - per client address, on every HTTP route: a generous ceiling so one address cannot flood the
//   server (Web Chat's one-second polling is far below it); over it → 429 JSON with Retry-After;
// - per conversation, on message turns: the member who floods gets ONE polite message in their
//   language, further messages are dropped without running the dialog (the channel still gets its
//   200, so it does not retry); other conversations are unaffected.
// Behind a reverse proxy, list it in TRUST_PROXY: the client is then read from X-Forwarded-For.

export type RateLimitConfig = Config['rateLimit'];

/** Paths never limited: the liveness probe must not get 429 while someone floods the server. */
const EXEMPT_PATHS = new Set(['/healthz']);

interface LogLike {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
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
  const limiter = stores.create({
    name: 'ip',
    points: config.ipRequests,
    durationSeconds: config.ipWindowSeconds,
  });
  const check = (key: string): Promise<number | undefined> =>
    limiter.consume(key).then(
      () => undefined,
      (rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) {
          // The store failed (and its insurance too): serve rather than lock everyone out.
          logger?.warn({ err: rejection }, 'IP rate limiter failed; request let through');
          return undefined;
        }
        const retryAfter = retryAfterSeconds(rejection);
        // Log the first rejection of a window only: a flood must not become a log flood.
        if (rejection.consumedPoints === config.ipRequests + 1) {
          logger?.warn({ client: key, retryAfterSeconds: retryAfter }, 'IP rate limit reached');
        }
        return retryAfter;
      },
    );
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
      res.header('Retry-After', String(retryAfter));
      res.header('Cache-Control', 'no-store');
      res.send(429, {
        error: {
          code: 'TooManyRequests',
          message: `Too many requests from this address; try again in ${retryAfter} seconds.`,
        },
      });
      next(false);
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

/**
 * botbuilder Middleware limiting message turns per conversation. Register it after the secret guard
 * (the polite reply then passes the guard's outgoing mask like every other reply).
 */
export class ConversationRateLimitMiddleware implements Middleware {
  private readonly limiter: RateLimiterAbstract;

  constructor(private readonly options: ConversationRateLimitOptions) {
    this.limiter = (options.stores ?? new MemoryRateLimitStores()).create({
      name: 'conversation',
      points: options.messages,
      durationSeconds: options.windowSeconds,
    });
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    const conversationId = activity.conversation?.id;
    if (activity.type !== ActivityTypes.Message || !conversationId) return next();
    const key = `${activity.channelId ?? ''}/${conversationId}`;
    try {
      await this.limiter.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const log = { conversationId, channelId: activity.channelId };
      if (rejection.consumedPoints === this.options.messages + 1) {
        this.options.logger?.warn(log, 'conversation rate limit reached; telling the member once');
        const lang = detectLang(activity.text, activity.locale);
        await context.sendActivity(this.options.text(lang));
      } else {
        this.options.logger?.debug(log, 'message dropped by the conversation rate limit');
      }
      return; // the dialog does not run; the channel still gets its 200
    }
    await next();
  }
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
