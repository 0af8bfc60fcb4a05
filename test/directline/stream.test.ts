import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { signStreamToken, signToken } from '../../src/directline/tokens.js';
import { ProxyTrust } from '../../src/httpRequest.js';
import { createIpRateLimit } from '../../src/rateLimit.js';
import { call, startConversation, startTestServer, TEST_SECRET, type TestServer } from './helpers.js';

// The Direct Line 3.0 WebSocket stream with a real server and the `ws` client, the way
// botframework-directlinejs uses it: start (or reconnect) over HTTP, open `streamUrl`, receive
// ActivitySet frames; activities are still POSTed over HTTP.

const DL = '/v3/directline';

interface Frame {
  activities: Array<{ type: string; text?: string; id: string; from: { id: string; role?: string } }>;
  watermark: string;
}

interface Stream {
  ws: WebSocket;
  frames: Frame[];
  /** Empty text messages (the server's keep-alive). */
  empties: number;
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once the frames received so far satisfy `done`. */
  until(done: (frames: Frame[]) => boolean, timeoutMs?: number): Promise<Frame[]>;
}

function openStream(url: string, options: WebSocket.ClientOptions = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const frames: Frame[] = [];
    const waiters: Array<() => void> = [];
    const stream: Stream = {
      ws,
      frames,
      empties: 0,
      closed: new Promise((done) => ws.on('close', (code, reason) => done({ code, reason: String(reason) }))),
      until(done, timeoutMs = 5000) {
        return new Promise((ok, fail) => {
          const check = () => {
            if (!done(frames)) return false;
            clearTimeout(timer);
            ok(frames);
            return true;
          };
          const timer = setTimeout(
            () => fail(new Error(`frames so far: ${JSON.stringify(frames).slice(0, 2000)}`)),
            timeoutMs,
          );
          if (!check()) waiters.push(() => void check());
        });
      },
    };
    ws.on('message', (data) => {
      const text = String(data);
      if (text === '') stream.empties += 1;
      else frames.push(JSON.parse(text) as Frame);
      for (const waiter of waiters) waiter();
    });
    ws.once('open', () => resolve(stream));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** The HTTP status an upgrade is refused with (throws if it is accepted). */
function refusal(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => undefined);
  });
}

const messages = (frames: Frame[]) => frames.flatMap((f) => f.activities).filter((a) => a.type === 'message');
const texts = (frames: Frame[]) => messages(frames).map((a) => a.text);

async function post(baseUrl: string, conversationId: string, token: string, text: string) {
  const r = await call(baseUrl, 'POST', `${DL}/conversations/${conversationId}/activities`, {
    token,
    body: { type: 'message', text, locale: 'ja-JP' },
  });
  expect(r.status).toBe(200);
  return r.body.id as string;
}

async function reconnect(baseUrl: string, conversationId: string, token: string, watermark = '') {
  const r = await call(baseUrl, 'GET', `${DL}/conversations/${conversationId}?watermark=${watermark}`, {
    token,
  });
  expect(r.status).toBe(200);
  return r.body.streamUrl as string;
}

function streamUrlWith(url: string, changes: Record<string, string>): string {
  const u = new URL(url);
  for (const [key, value] of Object.entries(changes)) u.searchParams.set(key, value);
  return u.toString();
}

describe('Direct Line WebSocket stream', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ stream: { heartbeatMs: 200 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('start returns a streamUrl; the socket gets the backlog, then the echo and the reply as they come', async () => {
    const { token, conversationId, started } = await startConversation(t.baseUrl);
    const streamUrl = started.body.streamUrl as string;
    const port = new URL(t.baseUrl).port;
    expect(streamUrl).toMatch(
      new RegExp(
        `^ws://127\\.0\\.0\\.1:${port}/v3/directline/conversations/${conversationId}/stream\\?watermark=0&t=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`,
      ),
    );

    const stream = await openStream(streamUrl);
    // First frame: everything so far (the welcome) and its watermark.
    await stream.until((f) => f.length >= 1);
    expect(texts(stream.frames)).toEqual(['ようこそ。ご用件をどうぞ。']);
    const first = Number(stream.frames[0]?.watermark);
    expect(first).toBeGreaterThan(0);

    const echoId = await post(t.baseUrl, conversationId, token, 'こんにちは');
    await stream.until((f) => texts(f).includes('echo: こんにちは'));
    const pushed = stream.frames.slice(1);
    // One activity per frame: the member's own echo, the bot's typing, the reply.
    expect(pushed.every((f) => f.activities.length === 1)).toBe(true);
    const kinds = pushed.map((f) => `${f.activities[0]?.type}:${f.activities[0]?.from.role}`);
    expect(kinds).toEqual(['message:user', 'typing:bot', 'message:bot']);
    expect(pushed[0]?.activities[0]?.id).toBe(echoId);
    expect(pushed[0]?.activities[0]?.text).toBe('こんにちは');
    const marks = stream.frames.map((f) => Number(f.watermark));
    expect(marks).toEqual([...marks].sort((a, b) => a - b));
    expect(new Set(marks).size).toBe(marks.length);
    expect(t.adapter.streams?.acceptedFor(conversationId)).toBe(1);

    // Polling still sees the same transcript with the same watermark.
    const polled = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, {
      token,
    });
    expect(polled.body.watermark).toBe(stream.frames.at(-1)?.watermark);

    // Keep-alive: empty messages, which directlinejs ignores; the socket stays open.
    await expect.poll(() => stream.empties, { timeout: 3000 }).toBeGreaterThan(1);
    expect(stream.ws.readyState).toBe(WebSocket.OPEN);
    stream.ws.close();
    await stream.closed;
    await expect.poll(() => t.adapter.streams?.openFor(conversationId)).toBe(0);
  });

  it('reconnect with a watermark streams only what came after it', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    await post(t.baseUrl, conversationId, token, 'one');
    const polled = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, {
      token,
    });
    const watermark = polled.body.watermark as string;

    const streamUrl = await reconnect(t.baseUrl, conversationId, token, watermark);
    expect(new URL(streamUrl).searchParams.get('watermark')).toBe(watermark);
    const stream = await openStream(streamUrl);
    await stream.until((f) => f.length >= 1);
    expect(stream.frames[0]).toEqual({ activities: [], watermark });

    await post(t.baseUrl, conversationId, token, 'two');
    await stream.until((f) => texts(f).includes('echo: two'));
    expect(texts(stream.frames)).toEqual(['two', 'echo: two']);
    stream.ws.close();

    // Without a watermark: the whole transcript.
    const all = await openStream(await reconnect(t.baseUrl, conversationId, token));
    await all.until((f) => f.length >= 1);
    expect(texts(all.frames)).toEqual(['ようこそ。ご用件をどうぞ。', 'one', 'echo: one', 'two', 'echo: two']);
    all.ws.close();
  });

  it('refuses tokens of another conversation, expired, forged, reused or of the wrong kind', async () => {
    const a = await startConversation(t.baseUrl);
    const b = await startConversation(t.baseUrl);
    const urlA = a.started.body.streamUrl as string;
    const urlB = b.started.body.streamUrl as string;
    const tokenB = new URL(urlB).searchParams.get('t') as string;

    // B's stream token on A's stream path.
    const crossed = await refusal(streamUrlWith(urlA, { t: tokenB }));
    expect(crossed.status).toBe(403);
    expect(JSON.parse(crossed.body).error.code).toBe('Forbidden');

    const expired = await signStreamToken(
      TEST_SECRET,
      { conversationId: a.conversationId, userId: 'dl_x' },
      60,
      new Date(Date.now() - 5 * 60_000),
    );
    const tooLate = await refusal(streamUrlWith(urlA, { t: expired }));
    expect(tooLate.status).toBe(401);
    expect(JSON.parse(tooLate.body).error.code).toBe('TokenExpired');

    const forged = await signStreamToken('another-secret-0123456789abcdef', {
      conversationId: a.conversationId,
      userId: 'dl_x',
    });
    expect((await refusal(streamUrlWith(urlA, { t: forged }))).status).toBe(401);
    expect((await refusal(streamUrlWith(urlA, { t: '' }))).status).toBe(401);
    // The conversation's own bearer token is not a stream token (it must never travel in a URL)...
    expect((await refusal(streamUrlWith(urlA, { t: a.token }))).status).toBe(401);
    // ...and a stream token is not a bearer token.
    const tokenA = new URL(urlA).searchParams.get('t') as string;
    const asBearer = await call(t.baseUrl, 'GET', `${DL}/conversations/${a.conversationId}/activities`, {
      token: tokenA,
    });
    expect(asBearer.status).toBe(401);

    // A stream token opens one socket only.
    const first = await openStream(urlA);
    const reused = await refusal(urlA);
    expect(reused.status).toBe(401);
    first.ws.close();

    // Malformed watermark; a conversation that no longer exists.
    const c = await startConversation(t.baseUrl);
    expect(
      (await refusal(streamUrlWith(c.started.body.streamUrl as string, { watermark: 'abc' }))).status,
    ).toBe(400);
    const d = await startConversation(t.baseUrl);
    await t.log.end(d.conversationId);
    expect((await refusal(d.started.body.streamUrl as string)).status).toBe(404);
    // Another path → 404, not left hanging.
    expect((await refusal(`ws://127.0.0.1:${new URL(t.baseUrl).port}/api/messages`)).status).toBe(404);
  });

  it('streamUrl follows Host, believes X-Forwarded-Proto/-Host only from a trusted proxy, ignores a malformed Host', async () => {
    const get = (base: string, conversationId: string, token: string, headers: Record<string, string>) =>
      new Promise<{ streamUrl: string }>((resolve, reject) => {
        const req = httpRequest(
          `${base}${DL}/conversations/${conversationId}`,
          { headers: { Authorization: `Bearer ${token}`, ...headers } },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => {
              body += chunk.toString();
            });
            res.on('end', () => resolve(JSON.parse(body)));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const { token, conversationId } = await startConversation(t.baseUrl);
    // No TRUST_PROXY: anyone could send X-Forwarded-*, so they are ignored.
    const direct = await get(t.baseUrl, conversationId, token, {
      Host: 'chat.example.jp',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'evil.example',
    });
    expect(direct.streamUrl).toMatch(/^ws:\/\/chat\.example\.jp\/v3\/directline\/conversations\//);
    const odd = await get(t.baseUrl, conversationId, token, { Host: 'evil.example"; connect-src *' });
    expect(odd.streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\//);

    const behindProxy = await startTestServer({ trustProxy: new ProxyTrust(['127.0.0.1']) });
    try {
      const c = await startConversation(behindProxy.baseUrl);
      const proxied = await get(behindProxy.baseUrl, c.conversationId, c.token, {
        Host: 'internal:3978',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'chat.example.jp',
      });
      expect(proxied.streamUrl).toMatch(/^wss:\/\/chat\.example\.jp\/v3\/directline\/conversations\//);
    } finally {
      await behindProxy.close();
    }
  });

  it('bounds sockets per conversation and closes on client data beyond the heartbeat', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const open: Stream[] = [];
    for (let i = 0; i < 3; i++)
      open.push(await openStream(await reconnect(t.baseUrl, conversationId, token)));
    const fourth = await refusal(await reconnect(t.baseUrl, conversationId, token));
    expect(fourth.status).toBe(429);

    // An empty message is directlinejs's heartbeat: fine. Anything else: closed (1008).
    const [one, two] = open;
    one?.ws.send('');
    two?.ws.send(JSON.stringify({ type: 'message', text: 'over the socket' }));
    expect((await two?.closed)?.code).toBe(1008);
    // Oversized data is cut off by ws itself (1009).
    const three = open[2];
    three?.ws.send('x'.repeat(4096));
    expect((await three?.closed)?.code).toBe(1009);
    expect(one?.ws.readyState).toBe(WebSocket.OPEN);
    expect(t.bot.seen.some((a) => a.text === 'over the socket')).toBe(false);

    // The conversation ends → its sockets close normally.
    await t.log.end(conversationId);
    expect((await one?.closed)?.code).toBe(1000);
  });

  it('drops a peer that stops answering pings', async () => {
    const { started } = await startConversation(t.baseUrl);
    const silent = await openStream(started.body.streamUrl as string, { autoPong: false });
    const { code } = await silent.closed; // heartbeat 200 ms: gone within two beats
    expect(code).toBe(1006);
  });
});

describe('Direct Line stream: per-address limits on upgrades', () => {
  it('caps open sockets per client address (429), and frees the slot when one closes', async () => {
    const t = await startTestServer({ stream: { maxSocketsPerAddress: 2, maxSocketsPerConversation: 10 } });
    try {
      const { token, conversationId } = await startConversation(t.baseUrl);
      const a = await openStream(await reconnect(t.baseUrl, conversationId, token));
      await openStream(await reconnect(t.baseUrl, conversationId, token));
      const third = await refusal(await reconnect(t.baseUrl, conversationId, token));
      expect(third.status).toBe(429);
      expect(JSON.parse(third.body).error.message).toMatch(/from this address \(at most 2\)/);
      a.ws.close();
      await a.closed;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await openStream(await reconnect(t.baseUrl, conversationId, token));
      expect(again.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      await t.close();
    }
  });

  it('counts upgrade requests against the per-address request limit (429 + Retry-After)', async () => {
    const limit = createIpRateLimit({ ipRequests: 3, ipWindowSeconds: 60 })!;
    const t = await startTestServer({ stream: { ipLimit: limit.check } });
    try {
      const { started } = await startConversation(t.baseUrl);
      const url = started.body.streamUrl as string;
      const stream = await openStream(url); // 1
      expect(stream.ws.readyState).toBe(WebSocket.OPEN);
      expect((await refusal(url)).status).toBe(401); // 2: the token is spent
      expect((await refusal(streamUrlWith(url, { t: 'x' }))).status).toBe(401); // 3
      const limited = await new Promise<{ status: number; retryAfter?: string; body: string }>((resolve) => {
        const ws = new WebSocket(streamUrlWith(url, { t: 'y' }));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }),
          );
        });
        ws.once('error', () => undefined);
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.retryAfter)).toBeGreaterThan(0);
      expect(JSON.parse(limited.body).error.code).toBe('TooManyRequests');
      // Another address is not affected.
      expect(await limit.check('192.0.2.1')).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('in the real app, upgrades and HTTP requests share one per-address budget', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dl-stream-'));
    try {
      const config = parseConfig({
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        STAFF_TOKEN: '',
        RATE_LIMIT_IP_REQUESTS: '4',
        RATE_LIMIT_IP_WINDOW_SECONDS: '60',
      });
      const app = await createApp(config);
      try {
        const url = await app.listen(0, '127.0.0.1');
        const generated = await call(url, 'POST', `${DL}/tokens/generate`); // 1
        const started = await call(url, 'POST', `${DL}/conversations`, { token: generated.body.token }); // 2
        const streamUrl = started.body.streamUrl as string;
        await openStream(streamUrl); // 3
        expect((await refusal(streamUrl)).status).toBe(401); // 4: spent token
        expect((await refusal(streamUrl)).status).toBe(429); // 5: over the limit
        expect((await call(url, 'POST', `${DL}/tokens/generate`)).status).toBe(429);
      } finally {
        await app.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('Direct Line stream shutdown', () => {
  it('server close ends open sockets (1001) instead of waiting for them', async () => {
    const t = await startTestServer();
    const { started } = await startConversation(t.baseUrl);
    const stream = await openStream(started.body.streamUrl as string);
    const began = Date.now();
    await t.close();
    expect((await stream.closed).code).toBe(1001);
    expect(Date.now() - began).toBeLessThan(3000);
  });

  it('app.close() of the real app closes the streams; stream off → no streamUrl', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'dl-stream-'));
    try {
      const config = parseConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', STAFF_TOKEN: '' });
      const app = await createApp(config);
      const url = await app.listen(0, '127.0.0.1');
      const generated = await call(url, 'POST', `${DL}/tokens/generate`);
      const started = await call(url, 'POST', `${DL}/conversations`, {
        token: generated.body.token,
        body: { locale: 'ja-JP' },
      });
      const stream = await openStream(started.body.streamUrl as string);
      await stream.until((f) => messages(f).length >= 1, 15_000);
      const began = Date.now();
      await app.close();
      expect((await stream.closed).code).toBe(1001);
      expect(Date.now() - began).toBeLessThan(5000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }

    const off = await startTestServer({ stream: false });
    try {
      const { started } = await startConversation(off.baseUrl);
      expect(started.body.streamUrl).toBeUndefined();
    } finally {
      await off.close();
    }
  }, 60_000);
});

describe('stream tokens', () => {
  it('a regular Direct Line token is refused as a stream token, whatever its claims', async () => {
    // Same secret, same conversation: only the kind differs.
    const { token } = await signToken(TEST_SECRET, { conversationId: 'c1', userId: 'dl_u' });
    const { verifyStreamToken } = await import('../../src/directline/tokens.js');
    await expect(verifyStreamToken(TEST_SECRET, token)).rejects.toMatchObject({ reason: 'invalid' });
  });
});
