import { request } from 'node:http';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { type App, type AppOptions, createApp } from '../../src/app.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { testConfig } from '../support/testConfig.js';

export const STAFF_TOKEN = 'reliability-staff-token-0123456789';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the server, checked by each assertion
  json(): any;
}

/**
 * One HTTP request with exact bytes (lone surrogates, invalid UTF-8, any content type) and, when
 * given, a chosen local address (127.0.0.x) so a test can play "another client".
 */
export function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; localAddress?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: options.localAddress,
        agent: false,
        headers: {
          ...(body === undefined ? {} : { 'content-length': String(body.length) }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A pino logger (our createLogger: redaction included) writing into memory. */
export function memoryLogger(level: 'info' | 'debug' | 'trace' = 'trace'): {
  logger: Logger;
  lines: () => string[];
  text: () => string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ logLevel: level }, stream);
  return {
    logger,
    lines: () => chunks.join('').split('\n').filter(Boolean),
    text: () => chunks.join(''),
  };
}

export interface Running {
  app: App;
  base: string;
  dataDir: string;
  connector: FakeConnector;
  stop(): Promise<void>;
  /** POST /api/messages with an Emulator-shaped activity (serviceUrl: the fake connector). */
  say(conversationId: string, text: string, extra?: Record<string, unknown>): Promise<Response>;
  staff(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  /** Direct Line: a started conversation (token + id). */
  directLine(locale?: string): Promise<DirectLineClient>;
}

export interface DirectLineClient {
  conversationId: string;
  token: string;
  send(text: string): Promise<Response>;
  /** Bot messages in the conversation so far. */
  botTexts(): Promise<string[]>;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.app.close();
    await r.connector.stop();
  }
});

/**
 * The real app (createApp) on a free port with its own DATA_DIR and a fake channel connector; closed
 * after each test, or, with `lifetime: 'manual'` (one app for a whole file), by `stop()`.
 */
export async function startApp(
  dataDir: string,
  env: Record<string, string> = {},
  options: AppOptions = {},
  lifetime: 'test' | 'manual' = 'test',
): Promise<Running> {
  const app = await createApp(testConfig(dataDir, { STAFF_TOKEN, ...env }), options);
  const base = await app.listen(0, '127.0.0.1');
  const connector = new FakeConnector();
  await connector.start();
  let seq = 0;
  const r: Running = {
    app,
    base,
    dataDir,
    connector,
    async stop() {
      await app.close();
      await connector.stop();
    },
    say(conversationId, text, extra = {}) {
      seq += 1;
      return fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          emulatorActivity(connector.url, {
            id: `${conversationId}-m${seq}`,
            conversation: { id: conversationId },
            from: { id: `user-${conversationId}`, name: 'Member', role: 'user' },
            locale: 'ja-JP',
            text,
            ...extra,
          }),
        ),
      });
    },
    staff(path, init = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${STAFF_TOKEN}` };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${base}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async directLine(locale = 'ja-JP') {
      const generated = (await (
        await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' })
      ).json()) as { token: string; conversationId: string };
      const auth = { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' };
      await fetch(`${base}/v3/directline/conversations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ locale }),
      });
      const activities = `${base}/v3/directline/conversations/${generated.conversationId}/activities`;
      return {
        ...generated,
        send: (text: string) =>
          fetch(activities, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ type: 'message', text, locale, from: { id: 'member' } }),
          }),
        async botTexts() {
          const list = (await (await fetch(activities, { headers: auth })).json()) as {
            activities: Array<{ from: { role?: string }; type: string; text?: string }>;
          };
          return list.activities
            .filter((a) => a.type === 'message' && a.from.role === 'bot')
            .map((a) => a.text ?? '');
        },
      };
    },
  };
  if (lifetime === 'test') running.push(r);
  return r;
}
