import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type App, createApp } from '../../src/app.js';
import { call, startConversation } from '../directline/helpers.js';
import { killServerProcesses, startServerProcess } from '../support/serverProcess.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

// The embedded backend keeps every Web Chat conversation: through kill -9 and a restart (the member's
// token still works), and however many other conversations start meanwhile.

const tempDir = useTempDirs();
let app: App | undefined;

afterEach(async () => {
  killServerProcesses();
  await app?.close();
  app = undefined;
});

async function post(base: string, conversationId: string, token: string, text: string) {
  const res = await call(base, 'POST', `/v3/directline/conversations/${conversationId}/activities`, {
    token,
    body: { type: 'message', text, locale: 'ja-JP', from: { id: 'member' } },
  });
  expect(res.status).toBe(200);
}

async function transcript(base: string, conversationId: string, token: string) {
  const res = await call(base, 'GET', `/v3/directline/conversations/${conversationId}/activities`, { token });
  expect(res.status).toBe(200);
  return (res.body.activities as Array<{ text?: string }>).map((x) => x.text ?? '').filter(Boolean);
}

/** POST /tokens/generate from a given loopback source address. */
function generateFrom(base: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/v3/directline/tokens/generate`, { method: 'POST', localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Web Chat conversations on lowdb', { timeout: 120_000 }, () => {
  it('survive kill -9 and a restart: the history is intact and the member continues with their token', async () => {
    const dataDir = await tempDir();
    const first = await startServerProcess({ DATA_DIR: dataDir });
    const { token, conversationId } = await startConversation(first.base);
    await post(first.base, conversationId, token, 'ログインの方法は？');
    const before = await transcript(first.base, conversationId, token);
    expect(before.length).toBeGreaterThanOrEqual(3);
    await first.kill();

    const second = await startServerProcess({ DATA_DIR: dataDir });
    expect(await transcript(second.base, conversationId, token)).toEqual(before);
    await post(second.base, conversationId, token, 'カードをなくしました');
    const after = await transcript(second.base, conversationId, token);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBeGreaterThan(before.length + 1);
  });

  it('2,100 new conversations from many addresses (inside the default limits) do not end a live one', async () => {
    app = await createApp(testConfig(await tempDir()));
    const base = await app.listen(0, '127.0.0.1');
    const { token, conversationId, started } = await startConversation(base);
    const ws = new WebSocket(started.body.streamUrl as string);
    const texts: string[] = [];
    let closed = false;
    ws.on('message', (data: Buffer) => {
      const raw = data.toString();
      if (raw)
        for (const a of (JSON.parse(raw) as { activities: Array<{ text?: string }> }).activities)
          texts.push(a.text ?? '');
    });
    ws.on('close', () => {
      closed = true;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    // 30 addresses × 70 starts: under 120 starts a minute and 120 requests per 10 s for each.
    const statuses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const address = `127.0.0.${i + 2}`;
        const got: number[] = [];
        for (let n = 0; n < 70; n++) got.push(await generateFrom(base, address));
        return got;
      }),
    );
    expect(statuses.flat().filter((s) => s === 200)).toHaveLength(2100);

    expect(closed).toBe(false);
    await post(base, conversationId, token, 'ログインの方法は？');
    const history = await transcript(base, conversationId, token);
    expect(history).toContain('ログインの方法は？');
    for (
      let i = 0;
      i < 200 && !texts.some((t) => t.includes('ログイン') && t !== 'ログインの方法は？');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(texts.filter((t) => t.includes('ログイン') && t !== 'ログインの方法は？').length).toBeGreaterThan(
      0,
    );
    ws.close();
  });
});
