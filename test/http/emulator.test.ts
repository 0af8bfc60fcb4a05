import type { TurnContext } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackServiceUrl } from '../../src/activityGuard.js';
import { type App, createApp } from '../../src/app.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
const running: Array<{ app: App; connector: FakeConnector }> = [];

afterEach(async () => {
  for (const { app, connector } of running.splice(0)) {
    await app.close();
    await connector.stop();
  }
});

type TurnBot = { run(context: TurnContext): Promise<void> };

async function start(env: Record<string, string> = {}, turnBot?: TurnBot) {
  const app = await createApp(testConfig(await tempDir(), env), turnBot ? { turnBot: () => turnBot } : {});
  const base = await app.listen(0, '127.0.0.1');
  const connector = new FakeConnector();
  await connector.start();
  running.push({ app, connector });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { app, base, connector, post };
}

describe('POST /api/messages (Emulator protocol, no app id)', () => {
  it('replies to a message at {serviceUrl}/v3/conversations/{id}/activities/{replyToId}', async () => {
    const { connector, post } = await start();
    const activity = emulatorActivity(connector.url, { id: 'incoming-42', conversation: { id: 'conv-a' } });
    const res = await post(activity);
    expect(res.status).toBeLessThan(300);
    await connector.waitFor(1);
    const reply = connector.calls[0]!;
    expect(reply.method).toBe('POST');
    expect(reply.path).toBe('/v3/conversations/conv-a/activities/incoming-42');
    expect(reply.body.type).toBe('message');
    expect(reply.body.replyToId).toBe('incoming-42');
    expect(String(reply.body.text).length).toBeGreaterThan(0);
  });

  it('welcomes a member who joins, with a menu of suggested actions, in the locale language', async () => {
    const { connector, post } = await start();
    await post(
      emulatorActivity(connector.url, {
        type: 'conversationUpdate',
        text: undefined,
        locale: 'ja-JP',
        membersAdded: [
          { id: 'bot-1', name: 'Bot' },
          { id: 'user-1', name: 'User' },
        ],
      }),
    );
    await connector.waitFor(1);
    const welcome = connector.calls[0]!.body as {
      text: string;
      suggestedActions?: { actions: Array<{ title: string }> };
    };
    expect(welcome.text).toContain('会員サポート');
    const titles = welcome.suggestedActions?.actions.map((a) => a.title) ?? [];
    expect(titles).toContain('カードの紛失・盗難');
    expect(titles.length).toBeGreaterThanOrEqual(6);
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const { base, post } = await start();
    const bad = await post('{"type": "message", ');
    expect(bad.status).toBe(400);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
  });

  it.each([
    ['an empty object', {}],
    ['an array', [1, 2]],
    [
      'a missing conversation',
      { type: 'message', channelId: 'emulator', serviceUrl: 'http://x', from: { id: 'u' } },
    ],
    ['a non-URL serviceUrl', { ...emulatorActivity('not a url') }],
  ])('answers %s with 400', async (_label, body) => {
    const { post } = await start();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Invalid activity/);
  });

  it('refuses a text longer than the message limit with a clear 400', async () => {
    const { connector, post } = await start();
    const res = await post(emulatorActivity(connector.url, { text: 'あ'.repeat(5000) }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/longer than 4000/);
    expect(connector.calls).toHaveLength(0);
  });

  it('keeps conversation state on disk across a restart of the server', async () => {
    const dir = await tempDir();
    const connector = new FakeConnector();
    await connector.start();
    const first = await createApp(testConfig(dir));
    const base1 = await first.listen(0, '127.0.0.1');
    await fetch(`${base1}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emulatorActivity(connector.url, { conversation: { id: 'persist-me' } })),
    });
    await connector.waitFor(1);
    await first.close();
    const second = await createApp(testConfig(dir));
    running.push({ app: second, connector });
    const key = 'emulator/conversations/persist-me/'; // ConversationState's key format
    const items = await second.storage.read([key]);
    expect(items[key]).toBeDefined();
  });
});

describe('serviceUrl in Emulator local mode (no app id: no authentication)', () => {
  it.each([
    'https://attacker.example/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.5:8080/',
    'http://[::ffff:7f00:1]/',
    'http://localhost.attacker.example/',
    'http://127.0.0.1.nip.io/',
  ])('refuses %s with 403 naming the rule, and posts nothing', async (serviceUrl) => {
    const { connector, post } = await start();
    const res = await post(emulatorActivity(serviceUrl));
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('Forbidden');
    expect(body.error.message).toMatch(/MicrosoftAppId.*serviceUrl.*localhost, 127\.0\.0\.0\/8 or \[::1\]/);
    expect(connector.calls).toHaveLength(0);
  });

  it('accepts a loopback serviceUrl: localhost, 127.0.0.0/8, [::1]', async () => {
    const { connector, post } = await start();
    const port = new URL(connector.url).port;
    const res = await post(emulatorActivity(`http://localhost:${port}`, { text: 'こんにちは' }));
    expect(res.status).toBeLessThan(300);
    await connector.waitFor(1);
    for (const url of ['http://127.0.0.1:1/', 'http://127.255.0.9/', 'http://127.1/', 'https://[::1]:9/']) {
      expect(isLoopbackServiceUrl(url)).toBe(true);
    }
    for (const url of ['http://128.0.0.1/', 'http://[::2]/', 'ftp://localhost/', 'not a url', 42]) {
      expect(isLoopbackServiceUrl(url)).toBe(false);
    }
  });
});

describe('POST /api/messages with MicrosoftAppId set', () => {
  it('leaves a non-loopback serviceUrl to Bot Framework authentication (401 unsigned, not 403)', async () => {
    const { post } = await start({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'x',
    });
    const res = await post(emulatorActivity('https://smba.trafficmanager.net/apac/'));
    expect(res.status).toBe(401);
  });

  it('rejects an unsigned request with 401 and sends nothing', async () => {
    const { connector, post } = await start({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'x',
    });
    const res = await post(emulatorActivity(connector.url));
    expect(res.status).toBe(401);
    expect(connector.calls).toHaveLength(0);
  });

  it('rejects a forged bearer token with 401', async () => {
    const { connector, post } = await start({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'x',
    });
    const res = await post(emulatorActivity(connector.url), { authorization: 'Bearer not.a.jwt' });
    expect(res.status).toBe(401);
    expect(connector.calls).toHaveLength(0);
  });

  it('sends a member turn as one message: the step first, then the question with its buttons', async () => {
    const { connector, post } = await start();
    const res = await post(emulatorActivity(connector.url, { text: 'I lost my card' }));
    expect(res.status).toBe(200);
    expect(connector.calls).toHaveLength(1);
    const reply = connector.calls[0]!.body;
    const body = String(reply.text);
    expect(body).toContain('0120-24-0365');
    expect(body.indexOf('0120-24-0365')).toBeLessThan(body.lastIndexOf('?'));
    expect(body.split('\n\n').length).toBeGreaterThan(1);
    const actions = (reply.suggestedActions as { actions: unknown[] } | undefined)?.actions ?? [];
    expect(actions.length).toBeGreaterThan(0);
  });

  it('still sends what a failing turn said before it failed, then the apology', async () => {
    const failing: TurnBot = {
      async run(context) {
        await context.sendActivity('First part.');
        throw new Error('boom');
      },
    };
    const { connector, post } = await start({}, failing);
    await post(emulatorActivity(connector.url, { text: 'hello' }));
    await connector.waitFor(2);
    const texts = connector.texts();
    expect(texts[0]).toBe('First part.');
    expect(texts[1]).toContain('0120-24-0365');
  });
});
