import type { Request, Response, Server } from 'restify';
import { HttpError } from '../httpErrors.js';
import type { InquiryEvent, InquiryEvents } from '../persistence/types.js';
import type { InquiryService } from './inquiryStore.js';
import type { StaffActor } from './staffActor.js';

// GET /api/staff/events: a Server-Sent Events stream of inquiry changes for the console, from every
// instance (the persistence's inquiry events). Each event names the inquiry, what changed, its status
// and live-chat holder, and — for a member's message — the masked message itself.

const HEARTBEAT_MS = 20_000;

export interface StaffEventsDeps {
  events: InquiryEvents;
  inquiries: Pick<InquiryService, 'get'>;
  /** The staff API's own check (same credentials as every other staff route). */
  authenticate: (req: Request) => Promise<StaffActor>;
}

export function registerStaffEvents(server: Server, deps: StaffEventsDeps): void {
  server.get('/api/staff/events', async (req: Request, res: Response) => {
    try {
      await deps.authenticate(req);
    } catch (err) {
      res.header('Cache-Control', 'no-store');
      if (err instanceof HttpError && err.status === 401)
        res.header('WWW-Authenticate', 'Bearer realm="staff"');
      if (err instanceof HttpError) err.send(res);
      else res.send(500, { error: { code: 'InternalError', message: 'Something went wrong; try again.' } });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    let closed = false;
    // One event at a time, in arrival order.
    let chain = Promise.resolve();
    const send = (event: InquiryEvent) => {
      chain = chain.then(async () => {
        if (closed) return;
        const inquiry = await deps.inquiries.get(event.inquiryId).catch(() => undefined);
        if (!inquiry || closed) return;
        const message = event.messageId
          ? (inquiry.messages ?? []).find((m) => m.id === event.messageId)
          : undefined;
        const data = {
          inquiryId: inquiry.id,
          kind: event.kind,
          status: inquiry.status,
          liveChat: inquiry.liveChat ? { name: inquiry.liveChat.name, since: inquiry.liveChat.since } : null,
          ...(message
            ? {
                message: {
                  from: message.from,
                  text: message.text,
                  at: message.at,
                  ...(message.author ? { author: message.author } : {}),
                },
              }
            : {}),
        };
        res.write(`event: inquiry\ndata: ${JSON.stringify(data)}\n\n`);
      });
    };
    const unsubscribe = deps.events.subscribe(send);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    // The handler lasts as long as the stream.
    await new Promise<void>((resolve) => {
      const stop = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        resolve();
      };
      req.on('close', stop);
      res.on('close', stop);
    });
  });
}
