import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { useTempDirs } from '../support/tempDir.js';
import { rawRequest, startApp } from './helpers.js';

const tempDir = useTempDirs();
const conversation = loadKnowledge().conversation;
const politeJa = conversation.rateLimited.ja.split('（')[0]!;

/** Replies the fake connector got for one conversation, in order. */
function repliesTo(calls: Array<{ path: string; body: Record<string, unknown> }>, conversationId: string) {
  return calls
    .filter((c) => c.path.startsWith(`/v3/conversations/${conversationId}/`))
    .map((c) => String(c.body.text ?? ''));
}

describe('rate limit per client address (all HTTP routes)', () => {
  it('answers the flooding address 429 JSON with Retry-After; another address and /healthz are unaffected', async () => {
    const { base } = await startApp(await tempDir(), {
      RATE_LIMIT_IP_REQUESTS: '10',
      RATE_LIMIT_IP_WINDOW_SECONDS: '60',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await rawRequest(base, 'GET', '/api/staff/meta', { localAddress: '127.0.0.1' })).status);
    }
    expect(statuses.every((s) => s === 401)).toBe(true); // no token: refused, but counted

    const limited = await rawRequest(base, 'POST', '/api/messages', {
      localAddress: '127.0.0.1',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.json()).toEqual({
      error: { code: 'TooManyRequests', message: expect.stringMatching(/Too many requests.*try again/) },
    });
    // Direct Line is behind the same limit.
    const dl = await rawRequest(base, 'POST', '/v3/directline/tokens/generate', {
      localAddress: '127.0.0.1',
    });
    expect(dl.status).toBe(429);

    // The liveness probe is never limited; another client is not affected.
    expect((await rawRequest(base, 'GET', '/healthz', { localAddress: '127.0.0.1' })).status).toBe(200);
    const other = await rawRequest(base, 'POST', '/v3/directline/tokens/generate', {
      localAddress: '127.0.0.2',
    });
    expect(other.status).toBe(200);
    expect(other.json().token).toBeTypeOf('string');
  });

  it('lets Web Chat polling (one GET a second per conversation) through at the default limit', async () => {
    const { base } = await startApp(await tempDir()); // defaults: 120 requests / 10 s
    const { token, conversationId } = (await (
      await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' })
    ).json()) as { token: string; conversationId: string };
    // Ten seconds of a busy member: 10 polls plus a few posts, well under the limit.
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((r) => r.status),
      ),
    );
    expect(results.every((s) => s === 200)).toBe(true);
  });

  it('is off with RATE_LIMIT_IP_REQUESTS=0', async () => {
    const { base } = await startApp(await tempDir(), {
      RATE_LIMIT_IP_REQUESTS: '0',
      RATE_LIMIT_IP_WINDOW_SECONDS: '60',
    });
    const statuses = await Promise.all(
      Array.from({ length: 150 }, () => fetch(`${base}/api/staff/meta`).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 429)).toHaveLength(0);
  });
});

describe('rate limit per conversation (message turns)', () => {
  it('tells the flooder once, politely and in their language, then drops messages; others unaffected', async () => {
    const { say, connector } = await startApp(await tempDir(), {
      RATE_LIMIT_CONVERSATION_MESSAGES: '3',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '60',
    });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await say('flooder', 'ログインできない')).status);
    // The channel always gets its 200: it must not retry a dropped message.
    expect(statuses.every((s) => s >= 200 && s < 300)).toBe(true);

    const replies = repliesTo(connector.calls, 'flooder');
    const polite = replies.filter((t) => t.startsWith(politeJa));
    expect(polite).toHaveLength(1);
    expect(polite[0]).toContain('0120-24-0365');
    // Messages 1–3 were answered, message 4 got the polite message, 5–7 nothing at all.
    expect(replies.at(-1)).toBe(polite[0]);
    const answeredBefore = replies.slice(0, -1);
    expect(answeredBefore.length).toBeGreaterThanOrEqual(3);

    // Another conversation is answered normally.
    const before = connector.calls.length;
    expect((await say('someone-else', 'ログインできない')).status).toBeLessThan(300);
    const others = repliesTo(connector.calls.slice(before), 'someone-else');
    expect(others.length).toBeGreaterThan(0);
    expect(others.some((t) => t.startsWith(politeJa))).toBe(false);
  });

  it('answers an English member in English', async () => {
    const { say, connector } = await startApp(await tempDir(), {
      RATE_LIMIT_CONVERSATION_MESSAGES: '2',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '60',
    });
    for (let i = 0; i < 4; i++) await say('en-flood', 'I cannot log in', { locale: 'en-US' });
    const replies = repliesTo(connector.calls, 'en-flood');
    expect(replies.filter((t) => t.startsWith(conversation.rateLimited.en.split('(')[0]!))).toHaveLength(1);
  });

  it('limits Direct Line conversations the same way', async () => {
    const app = await startApp(await tempDir(), {
      RATE_LIMIT_CONVERSATION_MESSAGES: '2',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '60',
    });
    const flooder = await app.directLine();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await flooder.send('こんにちは');
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    // Two answered, the third told politely; after that refused at the edge (Web Chat shows them unsent).
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const texts = await flooder.botTexts();
    expect(texts.filter((t) => t.startsWith(politeJa))).toHaveLength(1);

    const other = await app.directLine();
    expect((await other.send('こんにちは')).status).toBe(200);
    const otherTexts = await other.botTexts();
    expect(otherTexts.length).toBeGreaterThan(1); // welcome + answer
    expect(otherTexts.some((t) => t.startsWith(politeJa))).toBe(false);
  });
});
