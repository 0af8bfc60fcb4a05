import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The local Bot Framework connector the bot replies to in Emulator mode (what the Emulator runs):
// answers POST {serviceUrl}/v3/conversations/{conversationId}/activities/{replyToId} like the real one
// and notes, per incoming activity, how many replies arrived and when the last one did.

interface Arrivals {
  count: number;
  last: number;
}

export class BenchConnector {
  private server?: Server;
  private readonly arrivals = new Map<string, Arrivals>();
  private nextId = 0;
  url = '';
  /** Replies that did not match the expected path (should stay 0). */
  stray = 0;
  /** Replies carrying the bot's turn-error apology (should stay 0). */
  errorReplies = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const at = performance.now();
        // /v3/conversations/{conversationId}/activities/{replyToId}
        const match = /^\/v3\/conversations\/([^/]+)\/activities\/([^/?]+)/.exec(req.url ?? '');
        if (match) {
          const key = `${decodeURIComponent(match[1]!)}|${decodeURIComponent(match[2]!)}`;
          const entry = this.arrivals.get(key);
          if (entry) {
            entry.count += 1;
            entry.last = at;
          } else this.arrivals.set(key, { count: 1, last: at });
        } else this.stray += 1;
        if (isTurnErrorReply(Buffer.concat(chunks).toString('utf8'))) this.errorReplies += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `r${++this.nextId}` }));
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Replies that arrived for one incoming activity (and forgets them). */
  take(conversationId: string, activityId: string): Arrivals | undefined {
    const key = `${conversationId}|${activityId}`;
    const entry = this.arrivals.get(key);
    this.arrivals.delete(key);
    return entry;
  }

  clear(): void {
    this.arrivals.clear();
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

/** The bot's apology when a turn throws (knowledge/conversation error text, Direct Line default). */
export function isTurnErrorReply(text: string): boolean {
  return /エラーが発生しました|問題が発生しました|something went wrong/i.test(text);
}
