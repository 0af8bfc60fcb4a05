import type { InquiryEvent, InquiryEventListener, InquiryEvents } from '../types.js';
import type { Db } from './db.js';
import type { NotificationListener } from './notificationListener.js';

// Inquiry events across instances: NOTIFY `inquiry_event` with a small JSON payload (ids only, no
// member text), and the instance's LISTEN connection hands them to this process's listeners.

const CHANNEL = 'inquiry_event';
const KINDS = new Set(['message', 'status', 'live']);

export interface PgInquiryEventsOptions {
  db: Db;
  notifications: NotificationListener;
}

export class PgInquiryEvents implements InquiryEvents {
  private readonly listeners = new Set<InquiryEventListener>();

  constructor(private readonly options: PgInquiryEventsOptions) {
    options.notifications.on(CHANNEL, { onNotification: (payload) => this.onNotification(payload) });
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
}
