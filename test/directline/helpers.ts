import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityHandler, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import restify from 'restify';
import type { DirectLineAdapter } from '../../src/directline/directLineAdapter.js';
import { type DirectLineRouteOptions, registerDirectLine } from '../../src/directline/routes.js';
import { registerWebChatPage } from '../../src/directline/webChatPage.js';
import { FileDirectLineLog } from '../../src/persistence/lowdb/directLineLog.js';

/** The embedded Direct Line log in its own temp folder (removed by `remove`). */
export async function tempDirectLineLog(): Promise<{ log: FileDirectLineLog; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'member-help-dl-'));
  const log = await FileDirectLineLog.open({ dir, retentionMs: 24 * 60 * 60 * 1000 });
  return {
    log,
    remove: async () => {
      await log.flush();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** A small bot that shows what the endpoint must carry: welcome, typing, echo, cards, suggested actions. */
export class EchoBot extends ActivityHandler {
  readonly seen: TurnContext['activity'][] = [];
  welcomes = 0;

  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      for (const member of context.activity.membersAdded ?? []) {
        if (member.id === context.activity.recipient.id) continue;
        this.welcomes += 1;
        const english = (context.activity.locale ?? '').startsWith('en');
        await context.sendActivity(english ? 'Welcome! How can I help?' : 'ようこそ。ご用件をどうぞ。');
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      this.seen.push(context.activity);
      const text = context.activity.text ?? '';
      if (text === 'boom') throw new Error('bot exploded');
      await context.sendActivity({ type: 'typing' });
      if (text === 'slow') {
        // Long enough for the typing indicator to be seen in the browser.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        await context.sendActivity('done thinking');
      } else if (text === 'card') {
        const card = CardFactory.heroCard('カードのご案内', 'Card title', undefined, ['はい', 'いいえ']);
        await context.sendActivity(MessageFactory.attachment(card));
        await context.sendActivity(
          MessageFactory.suggestedActions(['ログイン', 'カード紛失'], '選んでください'),
        );
      } else {
        await context.sendActivity(`echo: ${text}`);
      }
      await next();
    });
  }
}

export interface TestServer {
  baseUrl: string;
  bot: EchoBot;
  adapter: DirectLineAdapter;
  /** The embedded log behind the adapter (ends conversations on demand). */
  log: FileDirectLineLog;
  server: restify.Server;
  close(): Promise<void>;
}

export async function startTestServer(
  options: Partial<Omit<DirectLineRouteOptions, 'bot'>> & { bot?: EchoBot } = {},
): Promise<TestServer> {
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser());
  server.use(restify.plugins.bodyParser());
  const bot = options.bot ?? new EchoBot();
  const temp = options.adapter || options.conversations ? undefined : await tempDirectLineLog();
  const adapter = registerDirectLine(server, {
    tokenSecret: TEST_SECRET,
    startsPerMinute: 1000,
    conversations: temp?.log,
    ...options,
    bot,
  });
  registerWebChatPage(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    bot,
    adapter,
    log: adapter.conversations as FileDirectLineLog,
    server,
    close: async () => {
      // Open WebSocket streams are not HTTP connections; they would hold close() open.
      const streamsClosed = adapter.streams?.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections alive; they would hold close() open.
        server.server.closeAllConnections?.();
      });
      await streamsClosed;
      await temp?.remove();
    },
  };
}

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the server, checked by each assertion
  body: any;
}

export async function call(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: response.status, body: parsed };
}

/** Starts a conversation the way Web Chat does: generate a token, then POST /conversations with it. */
export async function startConversation(baseUrl: string, locale = 'ja-JP') {
  const generated = await call(baseUrl, 'POST', '/v3/directline/tokens/generate');
  const started = await call(baseUrl, 'POST', '/v3/directline/conversations', {
    token: generated.body.token,
    body: { locale },
  });
  return {
    token: generated.body.token as string,
    conversationId: generated.body.conversationId as string,
    generated,
    started,
  };
}
