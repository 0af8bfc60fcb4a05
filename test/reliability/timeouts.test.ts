import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TIMEOUTS } from '../../src/app.js';
import { useTempDirs } from '../support/tempDir.js';
import { startApp } from './helpers.js';

// Slow clients: a trickled body or trickled headers are cut at the configured deadline. The tests
// configure tiny timeouts and trickle for far longer than them; nothing here depends on speed.

const tempDir = useTempDirs();
const TINY = { headersMs: 300, requestMs: 400, keepAliveMs: 200 };

/** Writes `head`, then one byte of `trickle` every 50 ms; resolves with what the server sent back. */
function trickle(
  base: string,
  head: string,
  trickleBytes: string,
): Promise<{ reply: string; sentAll: boolean }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let reply = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= trickleBytes.length || socket.destroyed) return;
        socket.write(trickleBytes[sent]!);
        sent += 1;
      }, 50);
    });
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
    });
    socket.on('error', () => undefined); // a reset after the server cut is the expected end
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ reply, sentAll: sent >= trickleBytes.length });
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error('the server never cut the connection'));
    }, 20_000).unref();
  });
}

describe('HTTP timeouts', () => {
  it('sets header, body and keep-alive timeouts by default', async () => {
    const { app } = await startApp(await tempDir());
    expect(app.server.server.headersTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.headersMs);
    expect(app.server.server.requestTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.requestMs);
    expect(app.server.server.keepAliveTimeout).toBe(DEFAULT_HTTP_TIMEOUTS.keepAliveMs);
    expect(DEFAULT_HTTP_TIMEOUTS.requestMs).toBeLessThanOrEqual(30_000);
  });

  it('cuts a trickled body with 408 instead of waiting for it', async () => {
    const { base } = await startApp(await tempDir(), {}, { httpTimeouts: TINY });
    const body = JSON.stringify({ type: 'message', text: 'x'.repeat(400) });
    const head =
      'POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`;
    const { reply, sentAll } = await trickle(base, head, body);
    expect(sentAll).toBe(false);
    expect(reply.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('cuts trickled headers', async () => {
    const { base } = await startApp(await tempDir(), {}, { httpTimeouts: TINY });
    const headers = `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'y'.repeat(400)}\r\n\r\n`;
    const { reply, sentAll } = await trickle(base, '', headers);
    expect(sentAll).toBe(false);
    expect(reply).not.toContain('"status":"ok"');
  });
});
