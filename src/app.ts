import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import restify from 'restify';
import { checkIncomingActivity, checkServiceUrl } from './activityGuard.js';
import { type BotServices, createBotServices } from './botServices.js';
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
import { ProxyTrust } from './httpRequest.js';
import type { Knowledge } from './knowledge/index.js';
import { fill } from './knowledge/template.js';
import { detectLang } from './language.js';
import {
  createLogger,
  createTurnLogMiddleware,
  type Logger,
  registerRequestLogging,
  requestContext,
} from './logger.js';
import type { Persistence } from './persistence/types.js';
import { createConversationRateLimit, createIpRateLimit } from './rateLimit.js';
import { createReplyDelivery } from './triage/delivery.js';
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
}

const MAX_BODY_BYTES = 256 * 1024;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

/** The whole bot on one restify server: Emulator/channel endpoint, Web Chat, staff console. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
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
  // After services.middleware (secret guard first): a log line per turn, then the per-conversation
  // rate limit, whose polite reply names the phone number like the error message does.
  const conversationLimit = createConversationRateLimit(
    config.rateLimit,
    (lang) => fill(knowledge.conversation.rateLimited[lang], { phone }),
    logger,
    persistence.rateLimits,
  );
  const turnMiddleware = [createTurnLogMiddleware(logger), ...(conversationLimit ? [conversationLimit] : [])];
  // First of all: one turn per conversation at a time, across instances (state is read and saved per turn).
  const turnLock = createTurnLockMiddleware(persistence.turnLock);

  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = onTurnError;
  for (const m of [turnLock, ...services.middleware, ...turnMiddleware]) adapter.use(m);

  const server = restify.createServer({
    name: 'member-help-bot',
    // restify 11 logs through pino (its @types still say bunyan): use ours, redaction included.
    log: logger as unknown as restify.ServerOptions['log'],
    formatters: { 'application/json': jsonFormatter(MAX_BODY_BYTES) },
  });
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
        res.send(400, { error: { code: 'BadArgument', message: check.message } });
        return;
      }
      // No app id: no authentication, so replies may only go to a serviceUrl on this machine.
      const local = checkServiceUrl(req.body, config.microsoftAppId !== '');
      if (!local.ok) {
        res.send(403, { error: { code: 'Forbidden', message: local.message } });
        return;
      }
      await adapter.process(req, res, (context) => bot.run(context));
    }),
  );
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  const directLine = registerDirectLine(server, {
    bot,
    conversations: persistence.directLine,
    tokenSecret,
    logger,
    trustProxy: trust,
    // WebSocket upgrades bypass restify's handlers: the stream applies the same per-address limit.
    stream: { usedTokens: persistence.keys, ...(ipLimit ? { ipLimit: ipLimit.check } : {}) },
  });
  directLine.onTurnError = onTurnError;
  for (const m of [turnLock, ...services.middleware, ...turnMiddleware]) directLine.use(m);
  registerWebChatPage(server);

  registerStaffApi(server, {
    staffToken: config.staffToken,
    inquiries: services.inquiries,
    unanswered: services.unanswered,
    deliver: createReplyDelivery({
      cloudAdapter: adapter,
      botAppId: config.microsoftAppId,
      directLine: { adapter: directLine, serviceUrl: DIRECTLINE_SERVICE_URL },
      wording: knowledge.triage.staffReply,
      logger,
    }),
    logger,
  });
  registerStaffPage(server);

  const sweep = setInterval(() => {
    persistence.sweep().catch((err: unknown) => logger.warn({ err }, 'retention sweep failed'));
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
    },
  };
}
