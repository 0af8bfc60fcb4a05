import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/**
 * Stands in for the Bot Framework channel connector (what the Emulator runs): records every reply
 * the bot posts to {serviceUrl}/v3/conversations/... and answers like the real one.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  private server?: Server;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      req.on('end', () => {
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        this.calls.push({ method: req.method ?? '', path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${this.calls.length}` }));
        this.waiters = this.waiters.filter((w) => {
          if (this.calls.length >= w.count) w.resolve();
          return this.calls.length < w.count;
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Resolves once at least `count` calls have arrived, or rejects after `ms`. */
  waitFor(count: number, ms = 5000): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.calls.length} of ${count} calls`)), ms);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  texts(): string[] {
    return this.calls.map((c) => String(c.body.text ?? ''));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** An activity shaped like the ones the Bot Framework Emulator posts in local mode. */
export function emulatorActivity(
  serviceUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'message',
    id: `act-${Math.random().toString(36).slice(2)}`,
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'emulator',
    from: { id: 'user-1', name: 'User', role: 'user' },
    conversation: { id: 'conv-1' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    locale: 'en-US',
    text: 'hello',
    ...overrides,
  };
}
