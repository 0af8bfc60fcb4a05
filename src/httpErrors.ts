import type { Next, Request, Response, Server } from 'restify';
import type { Logger } from './logger.js';

// HTTP hardening shared by every route: one JSON error shape { error: { code, message } } with a
// clear message (restify's own errors included: 413 for an oversized body, 400 for bad JSON, 404,
// 405 …), no internals in a 5xx, only the content types the bot reads, and no absurdly nested JSON
// (zod, the secret guard and JSON.stringify all recurse).

/**
 * An error a route throws to answer with it: { error: { code, message, ...details } }, plus a
 * Retry-After header when given. The one such type of every route (Direct Line, staff API).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { retryAfterSeconds?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  get retryAfterSeconds(): number | undefined {
    return this.extra.retryAfterSeconds;
  }

  /** Sends it (no-store, Retry-After when set). */
  send(res: Response): void {
    if (this.extra.retryAfterSeconds !== undefined)
      res.header('Retry-After', String(this.extra.retryAfterSeconds));
    res.header('Cache-Control', 'no-store');
    res.send(this.status, { error: { code: this.code, message: this.message, ...this.extra.details } });
  }
}

/** Deepest JSON nesting accepted in a request body; activities and staff requests need < 10. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests objects/arrays deeper than `max` levels (iterative: never overflows). */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

interface RestifyLikeError extends Error {
  statusCode?: number;
  body?: { code?: string; message?: string };
}

function codeOf(err: RestifyLikeError): string {
  const code = err.body?.code ?? err.name?.replace(/Error$/, '');
  return typeof code === 'string' && /^[A-Za-z]{1,64}$/.test(code) ? code : 'Error';
}

/** The clear words for errors restify raises itself; others keep their (restify-written) message. */
function messageFor(status: number, code: string, err: RestifyLikeError, maxBodyBytes: number): string {
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  switch (code) {
    case 'PayloadTooLarge':
    case 'RequestEntityTooLarge':
      return `The request body is too large: at most ${maxBodyBytes} bytes (${Math.round(maxBodyBytes / 1024)} KiB).`;
    case 'InvalidContent':
      return 'The request body is not valid JSON.';
    case 'UnsupportedMediaType':
      return 'Unsupported content type: send JSON (Content-Type: application/json).';
    case 'ResourceNotFound':
    case 'NotFound':
      return 'No such endpoint.';
    case 'MethodNotAllowed':
      return 'This method is not allowed on this endpoint.';
    default:
      return err.message || 'The request could not be handled.';
  }
}

/**
 * restify formatter for application/json: an Error becomes { error: { code, message } } (5xx without
 * internals); an Error whose route gave it its own toJSON (Direct Line's shape) keeps it; anything
 * else is JSON.stringify'd, with a plain 500 body if that fails (e.g. a cycle).
 */
export function jsonFormatter(maxBodyBytes: number) {
  return function formatJson(_req: Request, res: Response, body: unknown): string {
    let data: string;
    try {
      if (body instanceof Error && !Object.hasOwn(body, 'toJSON')) {
        const err = body as RestifyLikeError;
        const status = err.statusCode ?? res.statusCode ?? 500;
        const code = status >= 500 ? 'InternalError' : codeOf(err);
        data = JSON.stringify({ error: { code, message: messageFor(status, code, err, maxBodyBytes) } });
      } else {
        data = body === undefined ? 'null' : JSON.stringify(body);
      }
    } catch {
      res.statusCode = 500;
      data = JSON.stringify({
        error: { code: 'InternalError', message: 'Something went wrong on our side.' },
      });
    }
    res.setHeader('Content-Length', Buffer.byteLength(data));
    return data;
  };
}

const READABLE_TYPES =
  /^(application\/json|application\/[a-z0-9.+-]+\+json|text\/plain|application\/x-www-form-urlencoded)$/;

function hasBody(req: Request): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return length > 0 || req.headers['transfer-encoding'] !== undefined;
}

function sendError(res: Response, status: number, code: string, message: string, next: Next): void {
  res.header('Cache-Control', 'no-store');
  res.send(status, { error: { code, message } });
  next(false);
}

/**
 * `use` handler before bodyParser: a body must be JSON (or text/form, which the routes reject or read
 * themselves). In particular multipart is refused: restify's parser would write uploads to /tmp.
 */
export function requireReadableContentType(req: Request, res: Response, next: Next): void {
  if (!hasBody(req) || req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const header = req.headers['content-type'];
  const type = typeof header === 'string' ? header.split(';')[0]!.trim().toLowerCase() : '';
  if (type === '' || READABLE_TYPES.test(type)) {
    next();
    return;
  }
  sendError(
    res,
    415,
    'UnsupportedMediaType',
    'Unsupported content type: send JSON (Content-Type: application/json).',
    next,
  );
}

/** `use` handler after bodyParser: refuses bodies nested deeper than MAX_JSON_DEPTH with a 400. */
export function rejectDeepBodies(req: Request, res: Response, next: Next): void {
  if (req.body !== undefined && typeof req.body === 'object' && exceedsDepth(req.body)) {
    sendError(
      res,
      400,
      'BadArgument',
      `The JSON body is nested too deeply (more than ${MAX_JSON_DEPTH} levels).`,
      next,
    );
    return;
  }
  next();
}

/**
 * Wraps an async route handler: a thrown error becomes a logged 500 JSON answer (or, when the reply
 * was already sent, only a log line) instead of restify's default, which echoes the error text.
 */
export function safeHandler(
  name: string,
  logger: Logger,
  handler: (req: Request, res: Response) => Promise<void>,
): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      logger.error({ err, route: name }, 'request handler failed');
      if (!res.headersSent) {
        res.header('Cache-Control', 'no-store');
        res.send(500, {
          error: { code: 'InternalError', message: 'Something went wrong on our side. Please try again.' },
        });
      }
    }
  };
}

/**
 * Gives restify's own errors the clear message before any `restifyError` listener (Direct Line's
 * shapes its paths' errors from `err.message`) sees them. Name-specific events: one listener each.
 */
export function clarifyRestifyErrors(server: Server, maxBodyBytes: number): void {
  for (const name of ['PayloadTooLarge', 'RequestEntityTooLarge', 'UnsupportedMediaType']) {
    server.on(name, (_req: Request, _res: Response, err: RestifyLikeError, callback: () => void) => {
      const message = messageFor(err.statusCode ?? 400, name, err, maxBodyBytes);
      err.message = message;
      if (err.body && typeof err.body === 'object') err.body.message = message;
      callback();
    });
  }
}
