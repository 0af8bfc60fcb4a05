import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type TurnContext,
  UserState,
} from 'botbuilder';
import restify from 'restify';
import { MainDialog } from '../dialogs/mainDialog.js';
import { checkIncomingActivity } from './activityGuard.js';
import { MemberHelpBot } from './bot.js';
import type { Config } from './config.js';
import { type Knowledge, loadKnowledge } from './knowledge/index.js';
import { detectLang } from './language.js';
import { createLogger, type Logger } from './logger.js';
import { LowdbStorage } from './storage/lowdbStorage.js';

export interface App {
  server: restify.Server;
  bot: MemberHelpBot;
  adapter: CloudAdapter;
  storage: LowdbStorage;
  knowledge: Knowledge;
  logger: Logger;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:3978. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops accepting requests, waits for pending storage writes. */
  close(): Promise<void>;
}

export interface AppOptions {
  logger?: Logger;
  knowledge?: Knowledge;
}

const MAX_BODY_BYTES = 256 * 1024;
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  const knowledge = options.knowledge ?? loadKnowledge();

  const storage = new LowdbStorage({
    dir: join(config.dataDir, 'state'),
    ttlMs: config.stateTtlHours * 60 * 60 * 1000,
  });
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const bot = new MemberHelpBot({
    conversationState,
    userState,
    dialog: new MainDialog(knowledge),
    knowledge,
  });

  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.microsoftAppId,
    MicrosoftAppPassword: config.microsoftAppPassword,
    MicrosoftAppType: config.microsoftAppType,
    MicrosoftAppTenantId: config.microsoftAppTenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'turn failed');
    const lang = detectLang(context.activity.text, context.activity.locale);
    await context.sendActivity(knowledge.conversation.error[lang]).catch(() => undefined);
    await conversationState.delete(context).catch(() => undefined);
  };

  const server = restify.createServer({ name: 'member-help-bot' });
  server.use(restify.plugins.queryParser());
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false }));

  server.post('/api/messages', async (req, res) => {
    const check = checkIncomingActivity(req.body);
    if (!check.ok) {
      res.send(400, { error: { code: 'BadArgument', message: check.message } });
      return;
    }
    await adapter.process(req, res, (context) => bot.run(context));
  });
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });

  const sweep = setInterval(() => {
    storage.sweepExpired().catch((err: unknown) => logger.warn({ err }, 'state sweep failed'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    server,
    bot,
    adapter,
    storage,
    knowledge,
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections would otherwise hold close() open.
        server.server.closeAllConnections?.();
      });
      await storage.flush();
    },
  };
}
