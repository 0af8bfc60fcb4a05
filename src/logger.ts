import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import type { Middleware, TurnContext } from 'botbuilder';
import { pino } from 'pino';
import type { Request, Response, Route, Server } from 'restify';
import type { Config } from './config.js';
import { redactLogArgs, redactLogObject } from './privacy/redactLogValue.js';

export type Logger = pino.Logger;

// Structured JSON logs (pino). Message text is never logged at info level: the access log has the
// route pattern, status and duration, never a body, URL or query; turn logs have ids, type and
// duration. As a second line of defence every log line passes the privacy secret guard (card numbers,
// PINs, passwords masked in any string, Errors included) and fields that could carry what a member
// typed are removed outright. Lines written while a request is handled carry its request id.

interface LogContext {
  reqId?: string;
  conversationId?: string;
}

const context = new AsyncLocalStorage<LogContext>();

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'member-help-bot' },
    redact: {
      paths: [
        'text',
        '*.text',
        'activity.text',
        'body',
        'req.body',
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
      ],
      censor: '[redacted]',
    },
    formatters: { log: redactLogObject },
    hooks: {
      logMethod(args, method) {
        return method.apply(this, redactLogArgs(args));
      },
    },
    mixin() {
      const store = context.getStore();
      if (!store) return {};
      const out: Record<string, string> = {};
      if (store.reqId) out.reqId = store.reqId;
      if (store.conversationId) out.conversationId = store.conversationId;
      return out;
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A client's X-Request-Id is reused when it looks like an id; anything else gets a fresh UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

function requestId(req: Request): string {
  const header = req.headers['x-request-id'];
  const presented = Array.isArray(header) ? header[0] : header;
  return typeof presented === 'string' && REQUEST_ID.test(presented) ? presented : randomUUID();
}

/** Successful polls (Web Chat asks every second) are logged at debug, everything else at info. */
function isPoll(req: Request, route: Route | undefined, status: number): boolean {
  return req.method === 'GET' && status < 400 && /\/activities$/.test(String(route?.path ?? ''));
}

/**
 * Request ids and the access log: every request gets an id (X-Request-Id, echoed in the response),
 * log lines written while it is handled carry it, and one line per request records method, route
 * pattern, status and duration. Register first (before rate limiting and body parsing).
 */
export function registerRequestLogging(server: Server, logger: Logger): void {
  server.pre(function assignRequestId(req, res, next) {
    const id = requestId(req);
    (req.id as unknown as (this: Request, id: string) => string).call(req, id);
    res.header('X-Request-Id', id);
    (req as Request & { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    // Everything the request triggers (turns, storage, errors) runs in this context.
    context.run({ reqId: id }, () => next());
  });

  server.on('after', (req: Request, res: Response, route: Route | undefined, err?: unknown) => {
    const started = (req as Request & { startedAt?: bigint }).startedAt;
    const durationMs =
      started === undefined ? undefined : Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    const status = res.statusCode;
    const line = {
      reqId: req.getId(),
      method: req.method,
      route: route?.path ? String(route.path) : '(no route)',
      status,
      durationMs,
    };
    if (status >= 500) logger.error({ ...line, err }, 'request failed');
    else if (isPoll(req, route, status)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  });
}

/**
 * `use` handler after bodyParser: body parsing runs in the socket's async context, so the request's
 * log context is entered again for the route handler and everything it awaits.
 */
export function requestContext(req: Request, _res: Response, next: () => void): void {
  context.run({ reqId: req.getId() }, () => next());
}

/** Where the router leaves the topic it chose for this turn, for the turn's log line. */
export const ROUTED_TOPIC_KEY = Symbol('routedTopic');

/**
 * botbuilder Middleware: one line per turn (conversation id, channel, activity type, topic, replies
 * sent, duration) at info, never the text; lines written during the turn carry the conversation id.
 */
export function createTurnLogMiddleware(logger: Logger): Middleware {
  return {
    async onTurn(turn: TurnContext, next: () => Promise<void>): Promise<void> {
      const started = process.hrtime.bigint();
      const activity = turn.activity;
      let replies = 0;
      turn.onSendActivities(async (_ctx, activities, sendNext) => {
        replies += activities.length;
        return sendNext();
      });
      const store: LogContext = { ...context.getStore(), conversationId: activity.conversation?.id };
      await context.run(store, async () => {
        try {
          await next();
        } finally {
          logger.info(
            {
              conversationId: activity.conversation?.id,
              channelId: activity.channelId,
              activityType: activity.type,
              locale: activity.locale,
              topic: turn.turnState.get(ROUTED_TOPIC_KEY),
              replies,
              durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
            },
            'turn',
          );
        }
      });
    },
  };
}

const CONSOLE_LEVELS = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  log: 'info',
  debug: 'debug',
  trace: 'debug',
} as const;
type ConsoleMethod = keyof typeof CONSOLE_LEVELS;

const consoleSinks: Logger[] = [];
let consoleOriginals: Partial<Record<ConsoleMethod, (...args: unknown[]) => void>> | undefined;
let inConsoleSink = false;

/**
 * Routes console.* into `logger` (libraries such as botbuilder write raw stack traces with
 * console.error): a JSON line with the redaction every log line gets, an Error as `err`. Returns the
 * function that undoes it; while several are active, the latest logger gets the lines.
 */
export function routeConsoleToLogger(logger: Logger): () => void {
  consoleSinks.push(logger);
  if (!consoleOriginals) {
    const originals: Partial<Record<ConsoleMethod, (...args: unknown[]) => void>> = {};
    for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
      const original = console[method] as (...args: unknown[]) => void;
      originals[method] = original;
      console[method] = (...args: unknown[]) => {
        const sink = consoleSinks.at(-1);
        if (!sink || inConsoleSink) return original.apply(console, args);
        inConsoleSink = true;
        try {
          const err = args.find((a) => a instanceof Error);
          const rest = err ? args.filter((a) => a !== err) : args;
          const message = rest.length > 0 ? format(...rest) : ((err as Error | undefined)?.message ?? '');
          sink[CONSOLE_LEVELS[method]]({ source: 'console', ...(err ? { err } : {}) }, message);
        } finally {
          inConsoleSink = false;
        }
      };
    }
    consoleOriginals = originals;
  }
  return () => {
    const at = consoleSinks.lastIndexOf(logger);
    if (at >= 0) consoleSinks.splice(at, 1);
    if (consoleSinks.length === 0 && consoleOriginals) {
      for (const [method, original] of Object.entries(consoleOriginals)) {
        console[method as ConsoleMethod] = original;
      }
      consoleOriginals = undefined;
    }
  };
}
