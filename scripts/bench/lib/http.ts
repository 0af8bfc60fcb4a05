import { Agent, request } from 'node:http';

// A lean JSON client over node:http with keep-alive: one pooled socket per concurrent conversation,
// every request bounded by a timeout. Only loopback URLs are accepted.

export interface JsonResponse {
  status: number;
  body: unknown;
}

export class JsonClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: string,
    maxSockets: number,
    private readonly timeoutMs = 30_000,
  ) {
    const { hostname } = new URL(base);
    if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
      throw new Error(`the benchmark only talks to 127.0.0.1, not ${hostname}`);
    }
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<JsonResponse>((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...headers,
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // Not JSON: hand back the text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
