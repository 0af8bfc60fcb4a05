import type pg from 'pg';

// One LISTEN connection per instance for every NOTIFY channel (Direct Line activities, inquiry
// events): a plain client outside the pool, since a pooled one would be handed to queries. When it
// drops, subscribers are told (they may have missed notifications) and it reconnects and LISTENs again.

export interface NotificationSubscriber {
  onNotification(payload: string): void;
  /** The connection was lost: notifications may have been missed until it is back. */
  onInterrupted?(): void;
}

export interface NotificationListenerOptions {
  connect: () => pg.Client;
  logger?: { warn(obj: object, msg: string): void };
}

const RETRY_FIRST_MS = 500;
const RETRY_MS = 1_000;
const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

export class NotificationListener {
  private readonly channels = new Map<string, NotificationSubscriber>();
  private client: pg.Client | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: NotificationListenerOptions) {}

  /** Registers the one subscriber of `channel`; call before start(). */
  on(channel: string, subscriber: NotificationSubscriber): void {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name: ${channel}`);
    this.channels.set(channel, subscriber);
  }

  /** Connects and LISTENs on every registered channel; resolves once they are in place. */
  async start(): Promise<void> {
    const client = this.options.connect();
    client.on('notification', (message) =>
      this.channels.get(message.channel)?.onNotification(message.payload ?? ''),
    );
    client.on('error', (err) => this.onLost(client, err));
    client.on('end', () => this.onLost(client));
    try {
      await client.connect();
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private onLost(client: pg.Client, err?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger?.warn({ err: err?.message }, 'PostgreSQL LISTEN connection lost; reconnecting');
    for (const subscriber of this.channels.values()) subscriber.onInterrupted?.();
    const retry = () => {
      this.reconnect = undefined;
      if (this.closed) return;
      this.start().catch(() => {
        this.reconnect = setTimeout(retry, RETRY_MS);
        this.reconnect.unref();
      });
    };
    this.reconnect = setTimeout(retry, RETRY_FIRST_MS);
    this.reconnect.unref();
  }
}
