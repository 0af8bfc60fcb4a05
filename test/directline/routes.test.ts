import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/directline/tokens.js';
import { call, startConversation, startTestServer, TEST_SECRET, type TestServer } from './helpers.js';

const DL = '/v3/directline';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

function texts(activities: Array<{ type: string; text?: string }>): string[] {
  return activities.filter((a) => a.type === 'message').map((a) => a.text ?? '');
}

describe('Direct Line 3.0 endpoint', () => {
  it('generates a token bound to a new conversation', async () => {
    const r = await call(t.baseUrl, 'POST', `${DL}/tokens/generate`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      conversationId: expect.any(String),
      token: expect.any(String),
      expires_in: 1800,
    });
    // Web Chat reads the user id from the token's `user` claim.
    const payload = JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString());
    expect(payload.conv).toBe(r.body.conversationId);
    expect(payload.user).toMatch(/^dl_/);
  });

  it('starts, posts and reads back with the bot reply; the welcome fires once', async () => {
    const { token, conversationId, started } = await startConversation(t.baseUrl);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ conversationId, token });

    const first = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, { token });
    expect(first.status).toBe(200);
    expect(texts(first.body.activities)).toEqual(['ようこそ。ご用件をどうぞ。']);

    const posted = await call(t.baseUrl, 'POST', `${DL}/conversations/${conversationId}/activities`, {
      token,
      body: {
        type: 'message',
        text: 'こんにちは',
        locale: 'ja-JP',
        from: { id: 'someone-else', role: 'user' },
        channelData: { clientActivityID: 'c1' },
      },
    });
    expect(posted.status).toBe(200);
    expect(posted.body.id).toMatch(new RegExp(`^${conversationId}\\|\\d+$`));

    const next = await call(
      t.baseUrl,
      'GET',
      `${DL}/conversations/${conversationId}/activities?watermark=${first.body.watermark}`,
      { token },
    );
    expect(next.status).toBe(200);
    const activities = next.body.activities;
    // The member's own message comes back (Web Chat waits for this echo), then typing, then the reply.
    expect(activities.map((a: { type: string }) => a.type)).toEqual(['message', 'typing', 'message']);
    const [echo, typing, reply] = activities;
    expect(echo).toMatchObject({ id: posted.body.id, text: 'こんにちは', from: { role: 'user' } });
    expect(echo.channelData.clientActivityID).toBe('c1');
    expect(typing.from).toEqual({ id: 'bot', name: 'Bot', role: 'bot' });
    expect(reply).toMatchObject({
      text: 'echo: こんにちは',
      replyToId: posted.body.id,
      from: { id: 'bot', role: 'bot' },
    });
    expect(Date.parse(reply.timestamp)).not.toBeNaN();

    // Identity comes from the token, not from the posted `from`.
    const seen = t.bot.seen.at(-1)!;
    const user = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).user;
    expect(seen.from.id).toBe(user);
    expect(echo.from.id).toBe(user);
    expect(seen.channelId).toBe('webchat');
    expect(seen.locale).toBe('ja-JP');
    expect(seen.timestamp).toBeInstanceOf(Date);

    // Starting again with the same token (page reload) does not repeat the welcome.
    const welcomesBefore = t.bot.welcomes;
    const again = await call(t.baseUrl, 'POST', `${DL}/conversations`, { token, body: {} });
    expect(again.status).toBe(200);
    const reconnect = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}?watermark=`, {
      token,
    });
    expect(reconnect.status).toBe(200);
    expect(reconnect.body.conversationId).toBe(conversationId);
    expect(t.bot.welcomes).toBe(welcomesBefore);
  });

  it('watermark: nothing new returns the same watermark; the full transcript comes back without one', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${conversationId}/activities`;
    await call(t.baseUrl, 'POST', path, { token, body: { type: 'message', text: 'one' } });
    const a = await call(t.baseUrl, 'GET', path, { token });
    const wm = a.body.watermark;
    expect(texts(a.body.activities)).toEqual(['ようこそ。ご用件をどうぞ。', 'one', 'echo: one']);

    const empty = await call(t.baseUrl, 'GET', `${path}?watermark=${wm}`, { token });
    expect(empty.body).toEqual({ activities: [], watermark: wm });

    await call(t.baseUrl, 'POST', path, { token, body: { type: 'message', text: 'two' } });
    const b = await call(t.baseUrl, 'GET', `${path}?watermark=${wm}`, { token });
    expect(texts(b.body.activities)).toEqual(['two', 'echo: two']);
    expect(Number(b.body.watermark)).toBeGreaterThan(Number(wm));

    // A reload reads everything again (no watermark), in order.
    const all = await call(t.baseUrl, 'GET', `${path}?watermark=`, { token });
    expect(texts(all.body.activities)).toEqual([
      'ようこそ。ご用件をどうぞ。',
      'one',
      'echo: one',
      'two',
      'echo: two',
    ]);

    const bad = await call(t.baseUrl, 'GET', `${path}?watermark=abc`, { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BadArgument');
  });

  it('a token cannot read or post to another conversation (403)', async () => {
    const mine = await startConversation(t.baseUrl);
    const theirs = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${theirs.conversationId}/activities`;
    const read = await call(t.baseUrl, 'GET', path, { token: mine.token });
    expect(read.status).toBe(403);
    expect(read.body).toEqual({ error: { code: 'Forbidden', message: expect.any(String) } });
    const post = await call(t.baseUrl, 'POST', path, {
      token: mine.token,
      body: { type: 'message', text: 'hi' },
    });
    expect(post.status).toBe(403);
    const reconnect = await call(t.baseUrl, 'GET', `${DL}/conversations/${theirs.conversationId}`, {
      token: mine.token,
    });
    expect(reconnect.status).toBe(403);
    // Nothing was delivered to the other conversation.
    const theirLog = await call(t.baseUrl, 'GET', path, { token: theirs.token });
    expect(texts(theirLog.body.activities)).toEqual(['ようこそ。ご用件をどうぞ。']);
  });

  it('401 without a token, with a tampered one, an expired one, or one signed with another secret', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${conversationId}/activities`;

    const none = await call(t.baseUrl, 'GET', path);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('MissingToken');

    // Tampering with the payload (claim another conversation) breaks the signature.
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, user: 'admin' })).toString('base64url');
    const tampered = await call(t.baseUrl, 'GET', path, { token: `${h}.${forgedPayload}.${s}` });
    expect(tampered.status).toBe(401);
    expect(tampered.body.error.code).toBe('InvalidToken');

    const expired = await signToken(
      TEST_SECRET,
      { conversationId, userId: claims.user },
      60,
      new Date(Date.now() - 10 * 60_000),
    );
    const old = await call(t.baseUrl, 'GET', path, { token: expired.token });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('TokenExpired');
    expect((await call(t.baseUrl, 'POST', `${DL}/tokens/refresh`, { token: expired.token })).status).toBe(
      401,
    );

    const foreign = await signToken('another-secret-0123456789abcdef', {
      conversationId,
      userId: claims.user,
    });
    expect((await call(t.baseUrl, 'GET', path, { token: foreign.token })).status).toBe(401);

    // alg=none must never be accepted.
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    expect((await call(t.baseUrl, 'GET', path, { token: unsigned })).status).toBe(401);

    const garbage = await call(t.baseUrl, 'POST', path, {
      token: 'not-a-jwt',
      body: { type: 'message', text: 'x' },
    });
    expect(garbage.status).toBe(401);

    // A validly signed token without the conversation claim is still invalid.
    const noConv = await new SignJWT({ user: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('member-help-bot/directline')
      .setAudience('directline')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    expect((await call(t.baseUrl, 'GET', path, { token: noConv })).status).toBe(401);
  });

  it('400 for malformed JSON or an invalid activity, and the server keeps serving', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${conversationId}/activities`;
    const cases = [
      { rawBody: '{"type": "message", "text": ' },
      { rawBody: 'not json at all', contentType: 'text/plain' },
      { body: [1, 2, 3] },
      { body: 'just a string' },
      { body: { text: 'no type' } },
      { body: { type: 'conversationUpdate', membersAdded: [{ id: 'x' }] } },
      { body: { type: 'message', text: 42 } },
      { body: { type: 'message', attachments: 'nope' } },
    ];
    for (const c of cases) {
      const r = await call(t.baseUrl, 'POST', path, { token, ...c });
      expect(r.status, JSON.stringify(c)).toBe(400);
      expect(r.body.error, JSON.stringify(c)).toEqual({
        code: expect.any(String),
        message: expect.any(String),
      });
    }
    const empty = await call(t.baseUrl, 'POST', path, { token });
    expect(empty.status).toBe(400);
    const badStart = await call(t.baseUrl, 'POST', `${DL}/conversations`, { rawBody: '{oops' });
    expect(badStart.status).toBe(400);

    const huge = await call(t.baseUrl, 'POST', path, {
      token,
      body: { type: 'message', text: 'x'.repeat(40_000) },
    });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);

    const ok = await call(t.baseUrl, 'POST', path, { token, body: { type: 'message', text: 'still here' } });
    expect(ok.status).toBe(200);
  });

  it('POST /conversations without a token starts a fresh conversation with its own token', async () => {
    const r = await call(t.baseUrl, 'POST', `${DL}/conversations`, { body: { locale: 'en-US' } });
    expect(r.status).toBe(201);
    const { conversationId, token } = r.body;
    const log = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, { token });
    // The start locale reaches the bot's welcome.
    expect(texts(log.body.activities)).toEqual(['Welcome! How can I help?']);
  });

  it('refresh returns a new token for the same conversation', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const r = await call(t.baseUrl, 'POST', `${DL}/tokens/refresh`, { token });
    expect(r.status).toBe(200);
    expect(r.body.conversationId).toBe(conversationId);
    expect(r.body.token).not.toBe(token);
    expect(r.body.expires_in).toBe(1800);
    const read = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, {
      token: r.body.token,
    });
    expect(read.status).toBe(200);
    expect((await call(t.baseUrl, 'POST', `${DL}/tokens/refresh`)).status).toBe(401);
  });

  it('a bot that throws gets a polite reply; the server keeps working', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${conversationId}/activities`;
    const r = await call(t.baseUrl, 'POST', path, {
      token,
      body: { type: 'message', text: 'boom', locale: 'ja-JP' },
    });
    expect(r.status).toBe(200);
    const log = await call(t.baseUrl, 'GET', path, { token });
    expect(texts(log.body.activities).at(-1)).toContain('申し訳ありません');
    const after = await call(t.baseUrl, 'POST', path, { token, body: { type: 'message', text: 'ok?' } });
    expect(after.status).toBe(200);
  });

  it('cards and suggested actions are delivered as sent', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    const path = `${DL}/conversations/${conversationId}/activities`;
    await call(t.baseUrl, 'POST', path, { token, body: { type: 'message', text: 'card' } });
    const log = await call(t.baseUrl, 'GET', path, { token });
    const messages = log.body.activities.filter(
      (a: { type: string; from: { role: string } }) => a.type === 'message' && a.from.role === 'bot',
    );
    expect(messages.at(-2).attachments[0].contentType).toBe('application/vnd.microsoft.card.hero');
    expect(messages.at(-1).suggestedActions.actions.map((a: { title: string }) => a.title)).toEqual([
      'ログイン',
      'カード紛失',
    ]);
  });

  it('a conversation that was evicted answers 404 (the page then starts a new one)', async () => {
    const { token, conversationId } = await startConversation(t.baseUrl);
    await t.log.end(conversationId);
    const r = await call(t.baseUrl, 'GET', `${DL}/conversations/${conversationId}/activities`, { token });
    expect(r.status).toBe(404);
    expect((await call(t.baseUrl, 'POST', `${DL}/tokens/refresh`, { token })).status).toBe(404);
  });

  it('serves the page, the Web Chat bundle and static files, without path traversal', async () => {
    const page = await fetch(`${t.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain('src="/webchat.js"');

    const bundle = await fetch(`${t.baseUrl}/webchat.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);

    const css = await fetch(`${t.baseUrl}/static/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');

    for (const evil of [
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/%2e%2e%2fpackage.json',
      '/static/..%5Cpackage.json',
      '/static/.%2e/src/config.ts',
      '/static/%00index.html',
      '/static/',
    ]) {
      const r = await fetch(t.baseUrl + evil);
      expect(r.status, evil).not.toBe(200);
      const body = await r.text();
      expect(body, evil).not.toContain('"dependencies"');
    }
  });
});

describe('starting conversations is rate-limited per client address', () => {
  it('answers 429 once the per-minute budget is spent', async () => {
    const limited = await startTestServer({ startsPerMinute: 2 });
    try {
      expect((await call(limited.baseUrl, 'POST', `${DL}/tokens/generate`)).status).toBe(200);
      expect((await call(limited.baseUrl, 'POST', `${DL}/conversations`)).status).toBe(201);
      const third = await call(limited.baseUrl, 'POST', `${DL}/tokens/generate`);
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('TooManyRequests');
      expect(limited.log.size).toBe(2);
    } finally {
      await limited.close();
    }
  });
});
