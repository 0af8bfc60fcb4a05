import type pg from 'pg';
import type { InquiryEvent, InquiryEventListener, InquiryEvents } from '../types.js';
import type { Db } from './db.js';

// Inquiry events across instances: NOTIFY `inquiry_event` with a small JSON payload (ids only, no
// member text), and one LISTEN connection per instance that hands them to this process's listeners.

const CHANNEL = 'inquiry_event';
const KINDS = new Set(['message', 'status', 'live']);

export interface PgInquiryEventsOptions {
  db: Db;
  connectListener: () => pg.Client;
  logger?: { warn(obj: object, msg: string): void };
}

export class PgInquiryEvents implements InquiryEvents {
  private readonly listeners = new Set<InquiryEventListener>();
  private client: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PgInquiryEventsOptions) {}

  async start(): Promise<void> {
    const client = this.options.connectListener();
    client.on('notification', (message) => this.onNotification(message.payload ?? ''));
    client.on('error', (err) => this.onLost(client, err));
    client.on('end', () => this.onLost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async publish(event: InquiryEvent): Promise<void> {
    const payload = JSON.stringify({
      inquiryId: event.inquiryId,
      kind: event.kind,
      ...(event.messageId ? { messageId: event.messageId } : {}),
    });
    await this.options.db.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
  }

  subscribe(listener: InquiryEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private onNotification(payload: string): void {
    let event: InquiryEvent;
    try {
      const parsed = JSON.parse(payload) as Partial<InquiryEvent>;
      if (typeof parsed.inquiryId !== 'string' || !KINDS.has(String(parsed.kind))) return;
      event = {
        inquiryId: parsed.inquiryId,
        kind: parsed.kind as InquiryEvent['kind'],
        ...(typeof parsed.messageId === 'string' ? { messageId: parsed.messageId } : {}),
      };
    } catch {
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...event });
      } catch {
        // A listener's failure never stops the others.
      }
    }
  }

  private onLost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn({ err: err?.message }, 'inquiry LISTEN connection lost; reconnecting');
    const retry = () => {
      this.reconnect = undefined;
      if (this.closed) return;
      this.start().catch(() => {
        this.reconnect = setTimeout(retry, 1_000);
        this.reconnect.unref();
      });
    };
    this.reconnect = setTimeout(retry, 500);
    this.reconnect.unref();
  }
}
