import type { AddressInfo } from 'node:net';
import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import restify from 'restify';
import { checkIncomingActivity, checkServiceUrl } from './activityGuard.js';
import { type BotServices, createBotServices } from './botServices.js';
import { createChannelAuth } from './channelAuth.js';
import { runForClient } from './clientScope.js';
import type { Config } from './config.js';
import { DIRECTLINE_SERVICE_URL, type DirectLineAdapter } from './directline/directLineAdapter.js';
import { registerDirectLine } from './directline/routes.js';
import { generateTokenSecret } from './directline/tokens.js';
import { registerWebChatPage } from './directline/webChatPage.js';
import {
  clarifyRestifyErrors,
  jsonFormatter,
  rejectDeepBodies,
  requireReadableContentType,
  safeHandler,
} from './httpErrors.js';
import { clientAddress, ProxyTrust } from './httpRequest.js';
import { registerMetricsApi } from './insights/metricsApi.js';
import type { Knowledge } from './knowledge/index.js';
import { fill } from './knowledge/template.js';
import { detectLang } from './language.js';
import {
  createLogger,
  createTurnLogMiddleware,
  type Logger,
  registerRequestLogging,
  requestContext,
  routeConsoleToLogger,
} from './logger.js';
import type { Persistence } from './persistence/types.js';
import { createConversationRateLimit, createIpRateLimit } from './rateLimit.js';
import { createReplyBatchMiddleware, sendOrHold } from './replyBatch.js';
import { createAuditLog, StaffAuth } from './staff/staffAuth.js';
import { loadCannedReplies } from './triage/cannedReplies.js';
import { createReplyDelivery } from './triage/delivery.js';
import { ReplyReceipts } from './triage/replyReceipts.js';
import { registerStaffApi } from './triage/staffApi.js';
import { registerStaffPage } from './triage/staffPage.js';
import { createTurnLockMiddleware } from './turnLock.js';

export interface App extends BotServices {
  server: restify.Server;
  adapter: CloudAdapter;
  directLine: DirectLineAdapter;
  logger: Logger;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:3978. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting requests and waits for pending writes. */
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  knowledge?: Knowledge;
  now?: () => Date;
  /** An opened backend (tests, benchmarks); by default the app opens the one the config names and closes it. */
  persistence?: Persistence;
  /** Replaces the bot that runs turns (same server, adapters, middleware); the benchmark's echo bot. */
  turnBot?: (services: BotServices) => { run(context: TurnContext): Promise<void> };
  /** HTTP timeouts (tests use tiny ones); defaults: DEFAULT_HTTP_TIMEOUTS. */
  httpTimeouts?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** Until a request's headers are in. */
  headersMs: number;
  /** Until the whole request, body included, is in: a trickled body is cut (408) after this. */
  requestMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
}

// Keep-alive below the header timeout: Node counts an idle keep-alive wait against the next headers.
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 15_000,
  requestMs: 30_000,
  keepAliveMs: 10_000,
};

const MAX_BODY_BYTES = 256 * 1024;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** The whole bot on one restify server: Emulator/channel endpoint, Web Chat, staff console. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  // botbuilder writes stack traces with console.error: they become log lines like any other.
  const restoreConsole = routeConsoleToLogger(logger);
  const services = await createBotServices(config, logger, options);
  const { knowledge, persistence } = services;
  // Unset: generated once and kept by the backend, so tokens outlive a restart (and every instance agrees).
  const tokenSecret =
    config.directLineTokenSecret ||
    (await persistence.secrets.getOrCreate('directline-token-secret', generateTokenSecret));
  const trust = new ProxyTrust(config.trustProxy);
  const bot = options.turnBot?.(services) ?? services.bot;

  // The number an error or a throttled member is pointed to (knowledge/support-hours.json).
  const phone = knowledge.supportHours.contacts.promise_call?.phoneNumber ?? '';
  const onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'turn failed');
    const lang = detectLang(context.activity.text, context.activity.locale);
    await context.sendActivity(fill(knowledge.conversation.error[lang], { phone })).catch(() => undefined);
  };

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const authenticate = createChannelAuth(auth, { appId: config.microsoftAppId, logger });
  // A log line per turn, then the per-conversation rate limit (whose polite reply names the phone
  // number like the error message does), then services.middleware (secret guard first): a dropped
  // activity is never scanned.
  const conversationLimit = createConversationRateLimit(
    config.rateLimit,
    (lang) => fill(knowledge.conversation.rateLimited[lang], { phone }),
    logger,
    persistence.rateLimits,
  );
  const turnMiddleware = [
    createTurnLogMiddleware(logger),
    ...(conversationLimit ? [conversationLimit] : []),
    ...services.middleware,
  ];
  // First of all: one turn per conversation at a time, across instances (state is read and saved per turn).
  const turnLock = createTurnLockMiddleware(persistence.turnLock);
  // Inside the lock: a turn's messages are sent, merged, before the next turn of the conversation.
  const replyBatch = createReplyBatchMiddleware();

  const adapter = new ChannelAdapter(auth);
  adapter.onTurnError = onTurnError;
  for (const m of [turnLock, replyBatch, ...turnMiddleware]) adapter.use(m);

  const server = restify.createServer({
    name: 'member-help-bot',
    // restify 11 logs through pino (its @types still say bunyan): use ours, redaction included.
    log: logger as unknown as restify.ServerOptions['log'],
    formatters: { 'application/json': jsonFormatter(MAX_BODY_BYTES) },
  });
  applyHttpTimeouts(server, { ...DEFAULT_HTTP_TIMEOUTS, ...options.httpTimeouts });
  // Request id + access log, then the per-address limit, before routing and body parsing.
  registerRequestLogging(server, logger);
  const ipLimit = createIpRateLimit(config.rateLimit, logger, persistence.rateLimits, trust);
  if (ipLimit) server.pre(ipLimit);
  clarifyRestifyErrors(server, MAX_BODY_BYTES);
  server.use(requireReadableContentType);
  server.use(restify.plugins.queryParser());
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));
  server.use(rejectDeepBodies);
  server.use(requestContext);

  server.post(
    '/api/messages',
    safeHandler('api/messages', logger, async (req, res) => {
      const check = checkIncomingActivity(req.body);
      if (!check.ok) {
        const status = check.status ?? 400;
        const code = status === 413 ? 'PayloadTooLarge' : 'BadArgument';
        res.send(status, { error: { code, message: check.message } });
        return;
      }
      // No app id: no authentication, so replies may only go to a serviceUrl on this machine.
      const local = checkServiceUrl(req.body, config.microsoftAppId !== '');
      if (!local.ok) {
        res.send(403, { error: { code: 'Forbidden', message: local.message } });
        return;
      }
      const activity = withDates(req.body as Record<string, unknown>);
      const authenticated = await authenticate(activity, req.headers.authorization);
      if (!authenticated.ok) {
        res.header('Cache-Control', 'no-store');
        if (authenticated.status === 401) res.header('WWW-Authenticate', 'Bearer');
        if (authenticated.retryAfterSeconds)
          res.header('Retry-After', String(authenticated.retryAfterSeconds));
        res.send(authenticated.status, {
          error: { code: authenticated.code, message: authenticated.message },
        });
        return;
      }
      // Over its limit and already told: dropped before any turn work (a message still gets its 200,
      // so the channel does not retry; an invoke, which waits for an answer, gets 429).
      const wait = conversationLimit?.counts(activity.type)
        ? await conversationLimit.blocked(activity.channelId, activity.conversation.id)
        : undefined;
      if (wait !== undefined) {
        if (activity.type === 'invoke') {
          res.header('Retry-After', String(wait));
          res.send(429, {
            error: { code: 'TooManyRequests', message: 'Too many activities in this conversation.' },
          });
        } else {
          res.send(200);
        }
        return;
      }
      const client = { address: clientAddress(req, trust), memberIdTrusted: config.microsoftAppId !== '' };
      const invokeResponse = await runForClient(client, () =>
        adapter.runAuthenticated(authenticated.result, activity, (context) => bot.run(context)),
      );
      if (invokeResponse?.body === undefined) {
        res.status(invokeResponse?.status ?? 200);
        res.end();
      } else {
        res.send(invokeResponse.status, invokeResponse.body);
      }
    }),
  );
  // Minimal on purpose (public): ok, or 503 when DATA_DIR cannot be written (gone, read-only disk).
  server.get('/healthz', async (_req, res) => {
    const healthy = await persistence.healthy();
    res.send(healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable' });
  });

  // Staff replies in a transcript become pushed when a live connection takes them.
  const receipts = new ReplyReceipts(services.inquiries, logger);
  const directLine = registerDirectLine(server, {
    bot,
    onFetched: (activities) => receipts.fetched(activities),
    // The page may come back to its conversation as long as the transcript is kept.
    resumeTtlSeconds: config.directLineRetentionHours * 3600,
    conversations: persistence.directLine,
    tokenSecret,
    logger,
    trustProxy: trust,
    startsPerMinute: config.rateLimit.directLineStartsPerMinute,
    rateLimitStores: persistence.rateLimits,
    conversationLimit,
    // WebSocket upgrades bypass restify's handlers: the stream applies the same per-address limit.
    stream: { usedTokens: persistence.keys, ...(ipLimit ? { ipLimit: ipLimit.check } : {}) },
  });
  directLine.onTurnError = onTurnError;
  for (const m of [turnLock, replyBatch, ...turnMiddleware]) directLine.use(m);
  registerWebChatPage(server);

  const now = options.now ?? (() => new Date());
  const audit = createAuditLog(persistence.staff, now);
  const staffAuth = new StaffAuth({
    store: persistence.staff,
    rateLimits: persistence.rateLimits,
    audit,
    settings: { serviceToken: config.staffToken, ...config.staffAuth },
    now,
  });
  const directLineDelivery = {
    adapter: directLine,
    serviceUrl: DIRECTLINE_SERVICE_URL,
    receipts,
    liveSockets: (conversationId: string) => directLine.streams?.openFor(conversationId) ?? 0,
  };
  // Live-chat lines are worded by the staff API already: sent as they are.
  const liveDelivery = (settle: boolean) =>
    createReplyDelivery({
      cloudAdapter: adapter,
      botAppId: config.microsoftAppId,
      directLine: directLineDelivery,
      ...(settle ? { inquiries: services.inquiries } : {}),
      wording: { ja: '{text}', en: '{text}' },
      logger,
    });
  const staffApi = registerStaffApi(server, {
    auth: staffAuth,
    audit,
    accounts: persistence.staff,
    cannedReplies: loadCannedReplies(),
    trust,
    inquiries: services.inquiries,
    unanswered: services.unanswered,
    deliver: createReplyDelivery({
      cloudAdapter: adapter,
      botAppId: config.microsoftAppId,
      directLine: directLineDelivery,
      inquiries: services.inquiries,
      wording: knowledge.triage.staffReply,
      logger,
    }),
    liveChat: { wording: knowledge.triage.liveChat, send: liveDelivery(true), notify: liveDelivery(false) },
    events: persistence.inquiryEvents,
    onTakeover: (conversationId) => services.metrics.recordTakeover(conversationId),
    serviceName: knowledge.triage.liveChat.serviceName,
    logger,
  });
  registerMetricsApi(server, staffApi.route, {
    metrics: persistence.metrics,
    topicLabels: knowledge.conversation.topicLabels,
  });
  registerStaffPage(server);

  const sweep = setInterval(() => {
    persistence.sweep().catch((err: unknown) => logger.warn({ err }, 'retention sweep failed'));
    staffAuth.sweep().catch((err: unknown) => logger.warn({ err }, 'staff session sweep failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    ...services,
    server,
    adapter,
    directLine,
    logger,
    listen(port = config.port, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
          resolve(`http://${shownHost}:${address.port}`);
        });
      });
    },
    async close() {
      clearInterval(sweep);
      // Web Chat's WebSocket streams are not HTTP connections: close them, or they hold close() open.
      const streamsClosed = directLine.streams?.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections (Web Chat polling) would otherwise hold close() open.
        server.server.closeAllConnections?.();
      });
      await streamsClosed;
      await services.flush();
      if (!options.persistence) await persistence.close();
      restoreConsole();
    },
  };
}

/** CloudAdapter, given a request this server authenticated itself (src/channelAuth.ts). */
class ChannelAdapter extends CloudAdapter {
  runAuthenticated(...args: Parameters<CloudAdapter['processActivity']>) {
    return this.processActivity(...args);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]) {
    return sendOrHold(context, activities, (ready) => super.sendActivities(context, ready));
  }
}

/** What CloudAdapter.process does to a posted activity: timestamps as Dates, the raw strings kept. */
function withDates(body: Record<string, unknown>): Activity {
  const activity = body as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}

/**
 * Node's header and request (body) timeouts are checked every `connectionsCheckingInterval`, 30 s by
 * default: checked more often, a trickled request is cut close to its deadline. Set before listen.
 */
function applyHttpTimeouts(server: restify.Server, timeouts: HttpTimeouts): void {
  const http = server.server as typeof server.server & { connectionsCheckingInterval: number };
  http.headersTimeout = timeouts.headersMs;
  http.requestTimeout = timeouts.requestMs;
  http.keepAliveTimeout = timeouts.keepAliveMs;
  http.connectionsCheckingInterval = Math.max(
    10,
    Math.min(1000, timeouts.headersMs / 4, timeouts.requestMs / 4),
  );
}
