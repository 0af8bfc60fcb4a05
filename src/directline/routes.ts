import type { IncomingMessage } from 'node:http';
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { idSchema, MAX_MESSAGE_CHARS, oversizedField } from '../activityGuard.js';
import { runForClient } from '../clientScope.js';
import { exceedsDepth, HttpError } from '../httpErrors.js';
import { clientAddress, ProxyTrust } from '../httpRequest.js';
import { type RateLimitStores, StoreUnavailableError } from '../persistence/types.js';
import { maskDeep } from '../privacy/secretGuard.js';
import { type ConversationRateLimitMiddleware, createResumeLimit, createStartLimit } from '../rateLimit.js';
import {
  ConversationNotFoundError,
  clone,
  type DirectLineConversation,
  type DirectLineLog,
  InvalidWatermarkError,
  type LoggedActivity,
  parseWatermark,
} from './conversationLog.js';
import {
  DIRECTLINE_BOT_ID,
  DIRECTLINE_CHANNEL_ID,
  DIRECTLINE_SERVICE_URL,
  DirectLineAdapter,
} from './directLineAdapter.js';
import { type DirectLineStreamOptions, DirectLineStreams } from './stream.js';
import {
  bearerToken,
  DEFAULT_TOKEN_TTL_SECONDS,
  type DirectLineTokenClaims,
  signResumeToken,
  signToken,
  TokenError,
  verifyResumeToken,
  verifyToken,
} from './tokens.js';

// Direct Line 3.0 REST endpoints (the subset Web Chat and botframework-directlinejs use) served by the
// bot itself, plus the WebSocket stream (stream.ts) whose `streamUrl` start and reconnect return. Errors use the Direct Line body shape { error: { code, message } }.

export const DIRECTLINE_BASE_PATH = '/v3/directline';

/** Largest activity a client may post, serialised. Members type sentences, not documents. */
const MAX_ACTIVITY_BYTES = 32 * 1024;
/** Ephemeral echo of what the client posted besides messages: Web Chat waits for every echo. */
const NON_MESSAGE_ECHO_TTL_MS = 60_000;

export interface DirectLineRouteOptions {
  bot: { run(context: TurnContext): Promise<void> };
  /** The transcripts (persistence seam); or pass an adapter built on them. */
  conversations?: DirectLineLog;
  adapter?: DirectLineAdapter;
  /** Proxies whose X-Forwarded-* headers are believed (client address, streamUrl). */
  trustProxy?: ProxyTrust;
  tokenSecret: string;
  tokenTtlSeconds?: number;
  logger?: Logger;
  /** The POST answers at the latest after this long even if the bot is still busy (replies still arrive). */
  turnTimeoutMs?: number;
  /**
   * New conversations per client address per minute (tokens/generate, conversations without token);
   * 0 turns the limit off (e.g. behind a proxy that already limits, where every member shares one address).
   */
  startsPerMinute?: number;
  /** Where the start limit counts (shared by the instances on PostgreSQL); memory when absent. */
  rateLimitStores?: RateLimitStores;
  /**
   * The per-conversation limit the adapter's middleware applies: a conversation over it whose member
   * was already told gets 429 here, before its activity is masked, stored or handed to the bot.
   */
  conversationLimit?: Pick<ConversationRateLimitMiddleware, 'blocked' | 'counts'>;
  /**
   * The WebSocket stream (limits, keep-alive); `false` turns it off (no `streamUrl`, clients poll).
   * Its sockets must be closed on shutdown: `adapter.streams.closeAll()`.
   */
  stream?: DirectLineStreamOptions | false;
  /**
   * Life of the resume credential (the transcript retention), seconds: the page keeps it to come back
   * to the conversation after its token expired. 0 or absent: no resume credentials.
   */
  resumeTtlSeconds?: number;
  /** Resume exchanges per client address per minute (default 20; 0 turns the limit off). */
  resumesPerMinute?: number;
  /** Activities a live connection took (a poll fetched them, a stream wrote them). */
  onFetched?: (activities: readonly LoggedActivity[]) => void;
}

const accountSchema = z.object({ id: idSchema.optional(), name: z.string().max(256).optional() });

// What a client may say in an activity. Everything identifying (from, conversation, recipient, ids,
// timestamps, channel, serviceUrl) is set by the server; unknown fields are dropped.
const incomingActivitySchema = z.object({
  type: z.enum(['message', 'typing', 'event']),
  // The client's own id is replaced by the server's; a malformed one is still refused, as on /api/messages.
  id: idSchema.optional(),
  // The same limit as /api/messages (MAX_MESSAGE_CHARS), with the same clear message.
  text: z.string().max(MAX_MESSAGE_CHARS, `text is longer than ${MAX_MESSAGE_CHARS} characters`).optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  locale: z.string().optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  name: z.string().max(256).optional(),
  value: z.unknown().optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  entities: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
  attachments: z
    .array(
      z.object({
        contentType: z.string().max(256),
        contentUrl: z.string().max(2048).optional(),
        content: z.unknown().optional(),
        name: z.string().max(256).optional(),
        thumbnailUrl: z.string().max(2048).optional(),
      }),
    )
    .max(10)
    .optional(),
  replyToId: idSchema.optional(),
  from: accountSchema.optional(),
});

const resumeSchema = z.object({ resume: z.string().min(1).max(2048) });

const startSchema = z
  .object({ user: accountSchema.optional(), locale: z.string().optional() })
  .optional()
  .nullable();

function cleanLocale(locale: unknown): string | undefined {
  return typeof locale === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$/.test(locale)
    ? locale
    : undefined;
}

function sendJson(res: Response, status: number, body: unknown): void {
  res.header('Cache-Control', 'no-store');
  res.send(status, body);
}

/** The parsed JSON body, whether or not the server uses restify's bodyParser. */
async function readJsonBody(req: Request): Promise<unknown> {
  let raw: unknown = req.body;
  if (raw === undefined) {
    const msg = req as unknown as IncomingMessage;
    const hasBody =
      Number(msg.headers['content-length'] ?? 0) > 0 || msg.headers['transfer-encoding'] !== undefined;
    if (!hasBody || msg.readableEnded) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of msg) {
      size += (chunk as Buffer).length;
      if (size > MAX_ACTIVITY_BYTES)
        throw new HttpError(413, 'PayloadTooLarge', 'The request body is too large.');
      chunks.push(chunk as Buffer);
    }
    raw = Buffer.concat(chunks);
  }
  if (Buffer.isBuffer(raw)) raw = raw.toString('utf8');
  if (typeof raw === 'string') {
    if (raw.trim() === '') return undefined;
    if (raw.length > MAX_ACTIVITY_BYTES)
      throw new HttpError(413, 'PayloadTooLarge', 'The request body is too large.');
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new HttpError(400, 'BadSyntax', 'The request body is not valid JSON.');
    }
  }
  return raw;
}

function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body';
}

export function registerDirectLine(server: Server, opts: DirectLineRouteOptions): DirectLineAdapter {
  if (!opts.adapter && !opts.conversations)
    throw new Error('registerDirectLine: conversations or adapter required');
  const adapter =
    opts.adapter ??
    new DirectLineAdapter({ conversations: opts.conversations as DirectLineLog, logger: opts.logger });
  const trust = opts.trustProxy ?? new ProxyTrust();
  const log = adapter.conversations;
  const ttl = opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const turnTimeoutMs = opts.turnTimeoutMs ?? 15_000;
  // Starting conversations is free, flooding is not.
  const startLimit = createStartLimit(opts.startsPerMinute ?? 120, opts.logger, opts.rateLimitStores);
  const resumeLimit = createResumeLimit(opts.resumesPerMinute ?? 20, opts.logger, opts.rateLimitStores);
  const resumeTtl = opts.resumeTtlSeconds ?? 0;
  const logger = opts.logger;
  const base = DIRECTLINE_BASE_PATH;
  // Signing fails on a too-short secret: better at start-up than on the first member's request.
  if (opts.tokenSecret.length < 16)
    throw new Error('Direct Line token secret must be at least 16 characters');

  const streams =
    opts.stream === false
      ? undefined
      : new DirectLineStreams(log, opts.tokenSecret, logger, {
          trustProxy: trust,
          ...(opts.onFetched ? { onFetched: opts.onFetched } : {}),
          ...opts.stream,
        });
  if (streams) {
    streams.attach(server.server);
    adapter.streams = streams;
  }

  const runTurn = (context: TurnContext) => opts.bot.run(context);

  /** Runs a turn; answers the HTTP request after it or after turnTimeoutMs, whichever is first. */
  async function deliver(activity: Partial<Activity>): Promise<void> {
    const turn = adapter.processActivity(activity, runTurn);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), turnTimeoutMs);
    });
    try {
      const outcome = await Promise.race([turn.then(() => 'done' as const), timeout]);
      if (outcome === 'timeout') {
        // Keep the turn running; its replies are appended to the log when they come.
        turn.catch((err: unknown) => logger?.error({ err }, 'Direct Line turn failed after timeout'));
        logger?.warn(
          { conversationId: activity.conversation?.id },
          'Direct Line turn still running; answered early',
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tells the bot, once per conversation, that the member and the bot joined (welcome message). */
  async function ensureStarted(record: DirectLineConversation, locale?: string): Promise<void> {
    if (!(await log.markStarted(record.id))) return;
    const user = { id: record.userId, role: 'user' };
    const activity = {
      type: 'conversationUpdate',
      id: `${record.id}|start`,
      conversation: { id: record.id },
      from: user,
      recipient: { id: DIRECTLINE_BOT_ID, name: adapter.bot.name, role: 'bot' },
      membersAdded: [user, adapter.bot],
      locale,
      timestamp: new Date(),
      channelId: DIRECTLINE_CHANNEL_ID,
      serviceUrl: DIRECTLINE_SERVICE_URL,
    };
    await deliver(activity as unknown as Partial<Activity>);
  }

  /** A new token for the conversation (generate, refresh, start without a token). */
  async function issue(record: DirectLineConversation) {
    const { token, expiresIn } = await signToken(
      opts.tokenSecret,
      { conversationId: record.id, userId: record.userId },
      ttl,
    );
    const resume =
      resumeTtl > 0
        ? {
            resume: await signResumeToken(
              opts.tokenSecret,
              { conversationId: record.id, userId: record.userId },
              resumeTtl,
            ),
          }
        : {};
    return { conversationId: record.id, token, expires_in: expiresIn, ...resume };
  }

  /** The presented token handed back unchanged while it is valid, as the Azure service does. */
  function reuse(req: Request, record: DirectLineConversation, claims: DirectLineTokenClaims) {
    return {
      conversationId: record.id,
      token: bearerToken(req.headers.authorization),
      expires_in: Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000)),
    };
  }

  /** `streamUrl` for the start/reconnect answer (none when the stream is off). */
  async function withStream<T extends object>(
    req: Request,
    record: DirectLineConversation,
    body: T,
    watermark?: string | null,
  ): Promise<T & { streamUrl?: string }> {
    if (!streams) return body;
    const streamUrl = await streams.streamUrl(req as unknown as IncomingMessage, record, watermark);
    return { ...body, streamUrl };
  }

  async function authenticate(req: Request): Promise<DirectLineTokenClaims> {
    try {
      return await verifyToken(opts.tokenSecret, bearerToken(req.headers.authorization));
    } catch (err) {
      if (err instanceof TokenError) {
        const code =
          err.reason === 'expired'
            ? 'TokenExpired'
            : err.reason === 'missing'
              ? 'MissingToken'
              : 'InvalidToken';
        throw new HttpError(401, code, err.message);
      }
      throw err;
    }
  }

  /** Token valid, for this conversation (403 otherwise), and the conversation still exists (404). */
  async function authorise(
    req: Request,
  ): Promise<{ claims: DirectLineTokenClaims; record: DirectLineConversation }> {
    const conversationId = String(req.params?.conversationId ?? '');
    const id = idSchema.safeParse(conversationId);
    if (!id.success)
      throw new HttpError(400, 'BadArgument', `conversationId: ${id.error.issues[0]?.message}`);
    const claims = await authenticate(req);
    if (conversationId !== claims.conversationId) {
      throw new HttpError(403, 'Forbidden', 'The token does not grant access to this conversation.');
    }
    const record = await log.get(conversationId, { touch: true });
    if (!record) throw new HttpError(404, 'ConversationNotFound', 'The conversation has ended or expired.');
    return { claims, record };
  }

  function handle(name: string, fn: (req: Request, res: Response) => Promise<void>) {
    return async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof HttpError) {
          err.send(res);
        } else if (err instanceof ConversationNotFoundError) {
          new HttpError(404, 'ConversationNotFound', 'The conversation has ended or expired.').send(res);
        } else if (err instanceof InvalidWatermarkError) {
          new HttpError(400, 'BadArgument', err.message).send(res);
        } else if (err instanceof StoreUnavailableError) {
          logger?.warn({ err: err.message, route: name }, 'Direct Line store unavailable');
          new HttpError(
            503,
            'ServiceUnavailable',
            'The chat is briefly unavailable. Please try again in a moment.',
            { retryAfterSeconds: 5 },
          ).send(res);
        } else {
          logger?.error({ err, route: name }, 'Direct Line request failed');
          new HttpError(500, 'ServiceError', 'Something went wrong. Please try again.').send(res);
        }
      }
    };
  }

  async function createConversation(req: Request): Promise<DirectLineConversation> {
    const retryAfter = await startLimit?.(clientAddress(req, trust));
    if (retryAfter !== undefined) {
      throw new HttpError(
        429,
        'TooManyRequests',
        `Too many new conversations from this address; try again in ${retryAfter} seconds.`,
        { retryAfterSeconds: retryAfter },
      );
    }
    // Identity comes from the server: a client-chosen user id would let one member impersonate another.
    return log.create();
  }

  server.post(
    `${base}/tokens/generate`,
    handle('tokens/generate', async (req, res) => {
      await readJsonBody(req); // Optional body (e.g. { user }); still rejected when it is not JSON.
      const record = await createConversation(req);
      sendJson(res, 200, await issue(record));
    }),
  );

  server.post(
    `${base}/tokens/refresh`,
    handle('tokens/refresh', async (req, res) => {
      const claims = await authenticate(req);
      const record = await log.get(claims.conversationId, { touch: true });
      if (!record) throw new HttpError(404, 'ConversationNotFound', 'The conversation has ended or expired.');
      sendJson(res, 200, await issue(record));
    }),
  );

  // The Web Chat page coming back after its token expired: its resume credential (in the body, never
  // the URL) for a fresh token of the same conversation while the transcript is retained.
  server.post(
    `${base}/tokens/resume`,
    handle('tokens/resume', async (req, res) => {
      if (resumeTtl <= 0) throw new HttpError(404, 'NotFound', 'Resuming is not offered.');
      const retryAfter = await resumeLimit?.(clientAddress(req, trust));
      if (retryAfter !== undefined) {
        throw new HttpError(
          429,
          'TooManyRequests',
          `Too many attempts; try again in ${retryAfter} seconds.`,
          {
            retryAfterSeconds: retryAfter,
          },
        );
      }
      const parsed = resumeSchema.safeParse(await readJsonBody(req));
      if (!parsed.success) throw new HttpError(400, 'BadArgument', describeZodError(parsed.error));
      let claims: { conversationId: string; userId: string };
      try {
        claims = await verifyResumeToken(opts.tokenSecret, parsed.data.resume);
      } catch (err) {
        if (err instanceof TokenError)
          throw new HttpError(401, 'InvalidToken', 'The conversation cannot be resumed.');
        throw err;
      }
      const record = await log.get(claims.conversationId, { touch: true });
      // Bound to the conversation and its user: an expired transcript, or another user's, is not resumed.
      if (!record || record.userId !== claims.userId)
        throw new HttpError(404, 'ConversationNotFound', 'The conversation has ended or expired.');
      sendJson(res, 200, await issue(record));
    }),
  );

  server.post(
    `${base}/conversations`,
    handle('conversations', async (req, res) => {
      const parsed = startSchema.safeParse(await readJsonBody(req));
      if (!parsed.success) throw new HttpError(400, 'BadArgument', describeZodError(parsed.error));
      const locale = cleanLocale(parsed.data?.locale);
      if (req.headers.authorization) {
        const claims = await authenticate(req);
        const record = await log.get(claims.conversationId, { touch: true });
        if (!record)
          throw new HttpError(404, 'ConversationNotFound', 'The conversation has ended or expired.');
        const isNew = !record.started;
        await ensureStarted(record, locale);
        sendJson(res, isNew ? 201 : 200, await withStream(req, record, reuse(req, record, claims)));
        return;
      }
      const record = await createConversation(req);
      const body = await issue(record);
      await ensureStarted(record, locale);
      sendJson(res, 201, await withStream(req, record, body));
    }),
  );

  // Reconnect: what botframework-directlinejs calls when given an existing conversationId.
  server.get(
    `${base}/conversations/:conversationId`,
    handle('conversations/get', async (req, res) => {
      const { claims, record } = await authorise(req);
      const watermark = new URL(req.url ?? '', 'http://localhost').searchParams.get('watermark');
      parseWatermark(watermark); // 400 for a malformed one, before anything happens
      await ensureStarted(record);
      sendJson(res, 200, await withStream(req, record, reuse(req, record, claims), watermark));
    }),
  );

  server.get(
    `${base}/conversations/:conversationId/activities`,
    handle('activities/get', async (req, res) => {
      const { record } = await authorise(req);
      const watermark = new URL(req.url ?? '', 'http://localhost').searchParams.get('watermark');
      const set = await log.list(record.id, watermark);
      sendJson(res, 200, set);
      if (set.activities.length) opts.onFetched?.(set.activities);
    }),
  );

  server.post(
    `${base}/conversations/:conversationId/activities`,
    handle('activities/post', async (req, res) => {
      const { record } = await authorise(req);
      const body = await readJsonBody(req);
      if (body === undefined) throw new HttpError(400, 'MissingProperty', 'An activity is required.');
      // A text/plain body is parsed here, not by bodyParser: refuse deep nesting before anything recurses.
      if (exceedsDepth(body)) throw new HttpError(400, 'BadArgument', 'The activity is nested too deeply.');
      if (JSON.stringify(body).length > MAX_ACTIVITY_BYTES) {
        throw new HttpError(413, 'PayloadTooLarge', 'The activity is too large.');
      }
      const tooLarge = oversizedField(body);
      if (tooLarge) throw new HttpError(413, 'PayloadTooLarge', tooLarge.message);
      const parsed = incomingActivitySchema.safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'BadArgument', describeZodError(parsed.error));
      const { from: _clientFrom, id: _clientId, locale, ...fields } = parsed.data;
      const wait = opts.conversationLimit?.counts(fields.type)
        ? await opts.conversationLimit.blocked(DIRECTLINE_CHANNEL_ID, record.id)
        : undefined;
      if (wait !== undefined) {
        throw new HttpError(
          429,
          'TooManyRequests',
          `Too many messages in this conversation; try again in ${wait} seconds.`,
          { retryAfterSeconds: wait },
        );
      }
      await ensureStarted(record, cleanLocale(locale));

      const now = new Date();
      // The transcript Web Chat reads back holds the masked text; the bot gets the original once, so
      // its secret guard can warn the member (and masks it again before anything else sees it).
      const echo = await log.append(
        record.id,
        {
          // Only what the member sent: masking the server's random ids would garble one now and then
          // (a conversation id with a password-like run), and the bot's replies would then go nowhere.
          ...maskDeep(fields),
          ...(cleanLocale(locale) ? { locale: cleanLocale(locale) } : {}),
          channelId: DIRECTLINE_CHANNEL_ID,
          serviceUrl: DIRECTLINE_SERVICE_URL,
          conversation: { id: record.id },
          from: { id: record.userId, role: 'user' },
          recipient: { id: DIRECTLINE_BOT_ID, name: adapter.bot.name, role: 'bot' },
          timestamp: now.toISOString(),
        },
        fields.type === 'message' ? {} : { ephemeralMs: NON_MESSAGE_ECHO_TTL_MS },
      );
      try {
        // Direct Line ids are the server's, one per conversation: limits per member count the address too.
        const client = { address: clientAddress(req, trust), memberIdTrusted: false };
        await runForClient(client, () =>
          deliver(toBotActivity({ ...echo, text: fields.text, value: fields.value }, now)),
        );
      } catch (err) {
        // Only reached when onTurnError itself throws: the message was stored, the bot failed.
        logger?.error({ err, conversationId: record.id }, 'bot failed to handle a Direct Line activity');
        throw new HttpError(502, 'BotError', 'The bot could not handle the activity.');
      }
      sendJson(res, 200, { id: echo.id });
    }),
  );

  // Web Chat's upload button is hidden on our page; say clearly that uploads are not supported.
  server.post(
    `${base}/conversations/:conversationId/upload`,
    handle('upload', async (req, res) => {
      await authorise(req);
      new HttpError(501, 'NotSupported', 'File upload is not supported.').send(res);
    }),
  );

  // restify's own errors (e.g. bodyParser's 400 for malformed JSON) get the Direct Line error shape too.
  server.on(
    'restifyError',
    (req: Request, _res: Response, err: Error & Record<string, unknown>, callback: () => void) => {
      const path = typeof req.path === 'function' ? req.path() : (req.url ?? '');
      if (path.startsWith(base) && typeof err === 'object' && err) {
        const code = typeof err.name === 'string' ? err.name.replace(/Error$/, '') : 'ServiceError';
        const message = typeof err.message === 'string' && err.message ? err.message : 'Request failed.';
        err.toJSON = () => ({ error: { code: code === 'InvalidContent' ? 'BadSyntax' : code, message } });
      }
      callback();
    },
  );

  return adapter;
}

/** What the bot sees: the echoed activity with Date timestamps, as CloudAdapter would present it. */
function toBotActivity(echo: LoggedActivity, now: Date): Partial<Activity> {
  // A copy of the log's entry: the turn may change the activity, the member's transcript must not.
  const activity = clone(echo) as unknown as Partial<Activity> & Record<string, unknown>;
  activity.timestamp = now;
  activity.rawTimestamp = echo.timestamp;
  if (typeof echo.localTimestamp === 'string') {
    const local = new Date(echo.localTimestamp);
    activity.rawLocalTimestamp = echo.localTimestamp;
    if (!Number.isNaN(local.getTime())) activity.localTimestamp = local;
    else delete activity.localTimestamp;
  }
  return activity;
}
