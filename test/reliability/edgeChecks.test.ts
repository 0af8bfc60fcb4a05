import { describe, expect, it } from 'vitest';
import { FIELD_CAPS, MAX_ID_CHARS } from '../../src/activityGuard.js';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { emulatorActivity } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { rawRequest, startApp } from './helpers.js';

// The cheap checks at both edges (/api/messages, Direct Line): per-field size caps, ids, and the
// per-conversation limit, all before the secret guard or a dialog sees the activity.

const tempDir = useTempDirs();
const conversation = loadKnowledge().conversation;
const politeJa = conversation.rateLimited.ja.split('（')[0]!;
const CARD = '4111 1111 1111 1111';

/** A JSON value whose serialised size is about `bytes`. */
const blob = (bytes: number) => ({ data: 'x'.repeat(bytes) });

const oversized: Array<[keyof typeof FIELD_CAPS, unknown]> = [
  ['value', blob(FIELD_CAPS.value + 10)],
  ['channelData', blob(FIELD_CAPS.channelData + 10)],
  ['entities', [{ type: 'x', ...blob(FIELD_CAPS.entities + 10) }]],
  ['attachments', [{ contentType: 'text/plain', content: 'x'.repeat(FIELD_CAPS.attachments + 10) }]],
];

describe('per-field size caps', () => {
  it.each(oversized)(
    'refuses an oversized %s with 413 on /api/messages, before any turn',
    async (field, value) => {
      const app = await startApp(await tempDir());
      const res = await app.say('caps', `カード番号は ${CARD}`, { [field]: value });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('PayloadTooLarge');
      expect(body.error.message).toContain(field);
      // No turn ran: no reply, not even the secret guard's warning.
      expect(app.connector.calls).toHaveLength(0);
    },
  );

  it.each(oversized)(
    'refuses an oversized %s with 413 on Direct Line; nothing reaches the transcript',
    async (field, value) => {
      const app = await startApp(await tempDir());
      const dl = await app.directLine();
      const before = await app.app.directLine.conversations.list(dl.conversationId, null);
      const res = await fetch(`${app.base}/v3/directline/conversations/${dl.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${dl.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'event', name: 'x', [field]: value }),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
      const after = await app.app.directLine.conversations.list(dl.conversationId, null);
      expect(after.activities.length).toBe(before.activities.length);
    },
  );

  it('accepts fields within their caps (Web Chat’s own channelData and entities)', async () => {
    const app = await startApp(await tempDir());
    const res = await app.say('caps-ok', 'ログインできない', {
      channelData: { clientActivityID: 'abc', clientTimestamp: new Date().toISOString() },
      entities: [{ type: 'ClientCapabilities', requiresBotState: true, supportsListening: true }],
      value: blob(FIELD_CAPS.value - 100),
    });
    expect(res.status).toBe(200);
    expect(app.connector.calls.length).toBeGreaterThan(0);
  });
});

describe('ids at the edge', () => {
  const bad: Array<[string, string]> = [
    ['a control character', 'conv\u0001id'],
    ['a line break', 'conv\nid'],
    ['a C1 control character', 'conv\u0085id'],
    ['a lone surrogate', 'conv\ud800id'],
    ['more than 512 characters', 'c'.repeat(MAX_ID_CHARS + 1)],
  ];

  it.each(bad)('/api/messages: a conversation, user or activity id with %s gets 400', async (_what, id) => {
    const app = await startApp(await tempDir());
    for (const field of ['conversation', 'from', 'id'] as const) {
      const activity = emulatorActivity(app.connector.url, {
        id: field === 'id' ? id : 'act-1',
        conversation: { id: field === 'conversation' ? id : 'conv-ok' },
        from: { id: field === 'from' ? id : 'user-ok', role: 'user' },
        text: 'こんにちは',
      });
      const res = await rawRequest(app.base, 'POST', '/api/messages', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      expect(res.status, field).toBe(400);
      expect(res.json().error.code).toBe('BadArgument');
    }
    expect(app.connector.calls).toHaveLength(0);
  });

  it('accepts the ids real channels use (GUIDs, Teams-style; a Japanese user id), and the replies arrive', async () => {
    const app = await startApp(await tempDir());
    for (const id of ['a:1Xy_-Zq3@thread.skype;messageid=1', '29:1abc-DEF_ghi', crypto.randomUUID()]) {
      const before = app.connector.calls.length;
      const res = await app.say(id, 'こんにちは', { from: { id: `利用者-${id}`, role: 'user' } });
      expect(res.status, id).toBe(200);
      expect(app.connector.calls.length, id).toBeGreaterThan(before);
    }
  });

  it('refuses a conversation id a reply header cannot carry (outside Latin-1) with 400', async () => {
    const app = await startApp(await tempDir());
    const res = await app.say('会話-１', 'こんにちは');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('conversation');
    expect(app.connector.calls).toHaveLength(0);
  });

  it('Direct Line: a path conversation id or a from.id with a control character or lone surrogate gets 400', async () => {
    const app = await startApp(await tempDir());
    const dl = await app.directLine();
    const headers = { authorization: `Bearer ${dl.token}`, 'content-type': 'application/json' };
    const path = await rawRequest(app.base, 'GET', '/v3/directline/conversations/abc%01def/activities', {
      headers,
    });
    expect(path.status).toBe(400);
    const activities = `/v3/directline/conversations/${dl.conversationId}/activities`;
    for (const body of [
      '{"type":"message","text":"hi","from":{"id":"u\\ud800"}}',
      '{"type":"message","text":"hi","from":{"id":"u\\u0007"}}',
      '{"type":"message","text":"hi","replyToId":"r\\u0000"}',
      `{"type":"message","text":"hi","id":"${'i'.repeat(MAX_ID_CHARS + 1)}"}`,
    ]) {
      const res = await rawRequest(app.base, 'POST', activities, { headers, body });
      expect(res.status, body.slice(0, 60)).toBe(400);
      expect(res.json().error.code).toBe('BadArgument');
    }
    expect((await dl.send('こんにちは')).status).toBe(200);
  });
});

describe('per-conversation limit before the guard', () => {
  it('counts events and invokes; a dropped message is never scanned by the secret guard', async () => {
    const app = await startApp(await tempDir(), {
      RATE_LIMIT_CONVERSATION_MESSAGES: '2',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '60',
    });
    const event = { type: 'event', name: 'webchat/join', text: undefined, value: { language: 'ja-JP' } };
    expect((await app.say('ev', '', event)).status).toBe(200);
    expect((await app.say('ev', '', event)).status).toBe(200);
    // The third activity is over the limit: told once, politely.
    expect((await app.say('ev', 'ログインできない')).status).toBe(200);
    const polite = app.connector.texts().filter((t) => t.startsWith(politeJa));
    expect(polite).toHaveLength(1);
    const calls = app.connector.calls.length;
    // Over the limit and already told: a card number is not even looked at (no guard warning).
    expect((await app.say('ev', `カード番号 ${CARD}`)).status).toBe(200);
    const invoke = await app.say('ev', '', { type: 'invoke', name: 'adaptiveCard/action', value: {} });
    expect(invoke.status).toBe(429);
    expect(Number(invoke.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(app.connector.calls.length).toBe(calls);
  });

  it('typing does not use up the allowance (Web Chat sends it while the member types)', async () => {
    const app = await startApp(await tempDir(), {
      RATE_LIMIT_CONVERSATION_MESSAGES: '1',
      RATE_LIMIT_CONVERSATION_WINDOW_SECONDS: '60',
    });
    for (let i = 0; i < 3; i++) await app.say('typist', '', { type: 'typing' });
    await app.say('typist', 'ログインできない');
    expect(app.connector.texts().some((t) => t.startsWith(politeJa))).toBe(false);
    expect(app.connector.calls.length).toBeGreaterThan(0);
  });
});

describe('RATE_LIMIT_DIRECTLINE_STARTS_PER_MINUTE', () => {
  it('limits new Direct Line conversations per address (429 with Retry-After); other addresses unaffected', async () => {
    const { base } = await startApp(await tempDir(), { RATE_LIMIT_DIRECTLINE_STARTS_PER_MINUTE: '2' });
    const start = (localAddress: string) =>
      rawRequest(base, 'POST', '/v3/directline/tokens/generate', { localAddress });
    expect((await start('127.0.0.1')).status).toBe(200);
    expect((await start('127.0.0.1')).status).toBe(200);
    const third = await start('127.0.0.1');
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json().error.code).toBe('TooManyRequests');
    const direct = await rawRequest(base, 'POST', '/v3/directline/conversations', {
      localAddress: '127.0.0.1',
    });
    expect(direct.status).toBe(429);
    expect((await start('127.0.0.2')).status).toBe(200);
  });

  it('is off with 0', async () => {
    const { base } = await startApp(await tempDir(), {
      RATE_LIMIT_DIRECTLINE_STARTS_PER_MINUTE: '0',
      RATE_LIMIT_IP_REQUESTS: '0',
    });
    const statuses = await Promise.all(
      Array.from({ length: 130 }, () =>
        fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST' }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});
