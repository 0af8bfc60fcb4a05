import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, rawRequest, startApp } from './helpers.js';

const tempDir = useTempDirs();

// biome-ignore lint/suspicious/noExplicitAny: parsed pino lines
type Line = Record<string, any>;

describe('structured logs', () => {
  it('writes one access line per request with a request id, and no member text at info level', async () => {
    const logs = memoryLogger('info');
    const { base, say, connector } = await startApp(await tempDir(), {}, { logger: logs.logger });
    const marker = 'ZEBRA-PLUM-7731';
    const res = await say('log-conv', `ログインできない ${marker} について`);
    expect(res.status).toBeLessThan(300);
    await connector.waitFor(1);
    const dl = await rawRequest(base, 'POST', '/v3/directline/tokens/generate', {
      headers: { 'x-request-id': 'client-chosen-id-0001' },
    });
    expect(dl.headers['x-request-id']).toBe('client-chosen-id-0001');
    // A header that is not an id is not trusted (nor logged): a fresh one is made.
    const odd = await rawRequest(base, 'GET', '/healthz', { headers: { 'x-request-id': 'a b\tc' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const lines = logs.lines().map((l) => JSON.parse(l) as Line);
    expect(logs.text()).not.toContain(marker);
    expect(logs.text()).not.toContain('ログインできない');

    const access = lines.filter((l) => l.msg === 'request');
    const message = access.find((l) => l.route === '/api/messages');
    expect(message).toMatchObject({ level: 30, method: 'POST', status: 200 });
    expect(message?.reqId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message?.durationMs).toBeTypeOf('number');
    expect(Object.keys(message ?? {})).not.toContain('body');
    expect(access.find((l) => l.route === '/v3/directline/tokens/generate')?.reqId).toBe(
      'client-chosen-id-0001',
    );

    // The turn line: conversation, channel, topic, duration, replies; with the request's id; no text.
    const turn = lines.find((l) => l.msg === 'turn' && l.conversationId === 'log-conv');
    expect(turn).toMatchObject({ level: 30, channelId: 'emulator', activityType: 'message' });
    expect(turn?.reqId).toBe(message?.reqId);
    expect(turn?.durationMs).toBeTypeOf('number');
    expect(turn?.replies).toBeGreaterThan(0);
    expect(turn?.topic).toBe('login.trouble');
  });

  it('at debug, the routed line carries the topic and the request id — still no text', async () => {
    const logs = memoryLogger('debug');
    const { say } = await startApp(await tempDir(), {}, { logger: logs.logger });
    await say('topic-conv', 'カードをなくしました BLUE-HERON-4410');
    const lines = logs.lines().map((l) => JSON.parse(l) as Line);
    const routed = lines.find((l) => l.msg === 'routed' && l.conversationId === 'topic-conv');
    expect(routed?.topic).toBe('card.lost');
    expect(routed?.reqId).toBeTypeOf('string');
    expect(logs.text()).not.toContain('BLUE-HERON-4410');
  });

  it('masks secrets in anything that reaches a log line, message and Errors included', () => {
    const logs = memoryLogger('trace');
    logs.logger.info({ note: 'card 4111 1111 1111 1111' }, 'my PIN is 9876');
    logs.logger.error({ err: new Error('password: hunter2!') }, 'failed');
    logs.logger.info({ text: 'anything' }, 'text field');
    const out = logs.text();
    expect(out).not.toContain('4111 1111 1111 1111');
    expect(out).not.toContain('9876');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('anything');
  });
});
