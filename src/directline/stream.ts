import { type Server as HttpServer, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { clientAddress, forwarded, ProxyTrust } from '../httpRequest.js';
import { MemoryExpiringKeys } from '../persistence/memory.js';
import type { ExpiringKeys, LoggedActivity } from '../persistence/types.js';
import {
  type ConversationEvent,
  type DirectLineLog,
  InvalidWatermarkError,
  parseWatermark,
} from './conversationLog.js';
import {
  DEFAULT_STREAM_TOKEN_TTL_SECONDS,
  type StreamTokenClaims,
  signStreamToken,
  TokenError,
  verifyStreamToken,
} from './tokens.js';

// The Direct Line 3.0 WebSocket stream, as the Azure service offers it: `streamUrl` (returned when a
// conversation starts or a client reconnects) opens a receive-only socket on which the server pushes
// ActivitySet frames `{ "activities": [...], "watermark": "N" }`: first everything after the URL's
// watermark, then each activity as it is appended to the conversation log. Clients do not send activities
// over the socket (they POST them); botframework-directlinejs sends an empty text message every 20 s as
// its heartbeat and ignores empty messages from the server, which is what the server sends back (plus a
// protocol-level ping that finds dead peers). A JSON `{}` would NOT be safe: directlinejs would try to
// read `activities` from it.

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?#]{1,200})\/stream$/;
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** Close codes sent to clients (1000/1001 are the standard ones; directlinejs reconnects on any). */
const CLOSE_ENDED = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY = 1008;

export interface DirectLineStreamOptions {
  /** Open sockets over all conversations; further upgrades get 503. */
  maxSockets?: number;
  /** Open sockets per conversation (a member with a couple of tabs); further upgrades get 429. */
  maxSocketsPerConversation?: number;
  /** Keep-alive period: empty message + ping; a peer that missed the previous pong is dropped. */
  heartbeatMs?: number;
  /** Largest message a client may send (its heartbeat is empty); bigger → the socket is closed (1009). */
  maxIncomingBytes?: number;
  /** A client that lets this much unsent data pile up is dropped (it reconnects with its watermark). */
  maxBufferedBytes?: number;
  /** Life of the token in `streamUrl`, seconds. */
  tokenTtlSeconds?: number;
  /** Open sockets per client address; further upgrades get 429 (default 20). */
  maxSocketsPerAddress?: number;
  /**
   * The server's per-address request limit (src/rateLimit.ts `IpRateLimit.check`): every upgrade
   * request counts against it like an HTTP request; over it → 429 with Retry-After.
   */
  ipLimit?: (address: string) => Promise<number | undefined>;
  /** Proxies whose X-Forwarded-For/-Proto/-Host are believed. */
  trustProxy?: ProxyTrust;
  /** Where used stream tokens are remembered (shared by instances on a shared backend). */
  usedTokens?: ExpiringKeys;
  /** Activities written to an open socket (a live connection took them): staff replies become pushed. */
  onFetched?: (activities: readonly LoggedActivity[]) => void;
}

interface Connection {
  ws: WebSocket;
  conversationId: string;
  address: string;
  alive: boolean;
  unsubscribe: () => void;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The request's Host header when it is a well-formed host[:port], else undefined. */
export function presentedHost(req: IncomingMessage): string | undefined {
  const presented = firstHeader(req.headers.host)?.trim();
  return presented && presented.length <= 261 && HOST.test(presented) ? presented : undefined;
}

/**
 * `ws://host` or `wss://host` for URLs handed back to the client that made `req`. Host and
 * X-Forwarded-Proto only shape the URL given back to that same client; nothing is decided by them.
 */
export function streamOrigin(req: IncomingMessage, trust: ProxyTrust = new ProxyTrust()): string {
  // Only a trusted proxy says how the client reached it (X-Forwarded-Proto/-Host).
  const proto = forwarded(req, trust, 'proto')?.toLowerCase();
  const tls =
    proto === 'https' || proto === 'wss' || (req.socket as TLSSocket | undefined)?.encrypted === true;
  const forwardedHost = forwarded(req, trust, 'host');
  let host =
    forwardedHost && forwardedHost.length <= 261 && HOST.test(forwardedHost)
      ? forwardedHost
      : presentedHost(req);
  if (!host) {
    const address = req.socket?.localAddress ?? '127.0.0.1';
    const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
    host = `${bare.includes(':') ? `[${bare}]` : bare}:${req.socket?.localPort ?? 80}`;
  }
  return `${tls ? 'wss' : 'ws'}://${host}`;
}

/** The stream path of a request URL, with its conversation id and query; undefined for other paths. */
function matchStreamPath(
  url: string | undefined,
): { conversationId: string; query: URLSearchParams } | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://localhost');
  } catch {
    return undefined;
  }
  const match = STREAM_PATH.exec(parsed.pathname);
  if (!match?.[1]) return undefined;
  let conversationId: string;
  try {
    conversationId = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return { conversationId, query: parsed.searchParams };
}

/** The client's address, the same key as the HTTP rate limit's. */

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, code: string, message: string, retryAfterSeconds = 10): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Cache-Control: no-store\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (status === 429 || status === 503 ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      `\r\n${body}`,
  );
}

export class DirectLineStreams {
  readonly maxSockets: number;
  readonly maxSocketsPerConversation: number;
  readonly maxSocketsPerAddress: number;
  private readonly ipLimit: DirectLineStreamOptions['ipLimit'];
  private readonly onFetched: DirectLineStreamOptions['onFetched'];
  private readonly heartbeatMs: number;
  private readonly maxBufferedBytes: number;
  private readonly tokenTtlSeconds: number;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly perConversation = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();
  /** Stream tokens already used (by jti, until they expire): each opens one socket only. */
  private readonly usedTokens: ExpiringKeys;
  private readonly trust: ProxyTrust;
  /** Sockets accepted per conversation since start (bounded): lets tests see that a client streamed. */
  private readonly accepted = new Map<string, number>();
  /** Upgrade requests refused since start (a metric). */
  refusedCount = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private attachedTo: HttpServer | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.handleUpgrade(req, socket, head);

  constructor(
    private readonly log: DirectLineLog,
    private readonly tokenSecret: string,
    private readonly logger: Logger | undefined,
    options: DirectLineStreamOptions = {},
  ) {
    this.maxSockets = options.maxSockets ?? 1000;
    this.maxSocketsPerConversation = options.maxSocketsPerConversation ?? 3;
    this.maxSocketsPerAddress = options.maxSocketsPerAddress ?? 20;
    this.ipLimit = options.ipLimit;
    this.onFetched = options.onFetched;
    this.trust = options.trustProxy ?? new ProxyTrust();
    this.usedTokens = options.usedTokens ?? new MemoryExpiringKeys();
    this.heartbeatMs = options.heartbeatMs ?? 25_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_STREAM_TOKEN_TTL_SECONDS;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxIncomingBytes ?? 1024,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  /** Open sockets now. */
  get openCount(): number {
    return this.connections.size;
  }

  /** Open sockets of one conversation now. */
  openFor(conversationId: string): number {
    return this.perConversation.get(conversationId) ?? 0;
  }

  /** Open sockets of one client address now. */
  openFromAddress(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  /** Sockets accepted for the conversation since the server started (a metric, also for tests). */
  acceptedFor(conversationId: string): number {
    return this.accepted.get(conversationId) ?? 0;
  }

  /** Handles upgrade requests of `server`: the stream path; any other path is refused (404). */
  attach(server: HttpServer): void {
    if (this.attachedTo) throw new Error('DirectLineStreams is already attached');
    this.attachedTo = server;
    server.on('upgrade', this.onUpgrade);
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** The `streamUrl` for a client of `record`, starting after `watermark`. */
  async streamUrl(
    req: IncomingMessage,
    record: { id: string; userId: string },
    watermark?: string | null,
  ): Promise<string> {
    const after = parseWatermark(watermark);
    const token = await signStreamToken(
      this.tokenSecret,
      { conversationId: record.id, userId: record.userId },
      this.tokenTtlSeconds,
    );
    const path = `/v3/directline/conversations/${encodeURIComponent(record.id)}/stream`;
    return `${streamOrigin(req, this.trust)}${path}?watermark=${after}&t=${token}`;
  }

  /**
   * Closes every socket (1001, going away) and refuses new ones: call it when the server shuts down,
   * otherwise open sockets hold `server.close()` open. Resolves when all sockets are closed.
   */
  closeAll(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.attachedTo?.off('upgrade', this.onUpgrade);
    const pending = [...this.connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          const { ws } = connection;
          if (ws.readyState === ws.CLOSED) {
            resolve();
            return;
          }
          ws.once('close', () => resolve());
          // A client that does not answer the close frame is cut off shortly after.
          const force = setTimeout(() => ws.terminate(), 1000);
          ws.once('close', () => clearTimeout(force));
          ws.close(CLOSE_GOING_AWAY, 'server shutting down');
        }),
    );
    return Promise.all(pending).then(() => undefined);
  }

  private handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Errors on a socket we have not handed to ws yet (client gone mid-handshake) must not crash.
    socket.on('error', () => socket.destroy());
    const address = clientAddress(req, this.trust);
    // Upgrades never reach restify's handlers: the per-address limit is applied here, like on HTTP.
    const limited = this.ipLimit ? this.ipLimit(address) : Promise.resolve(undefined);
    limited.then(
      (retryAfter) => {
        if (retryAfter !== undefined) {
          this.refusedCount += 1;
          refuse(
            socket,
            429,
            'TooManyRequests',
            `Too many requests from this address; try again in ${retryAfter} seconds.`,
            retryAfter,
          );
          return;
        }
        this.upgrade(req, socket, head, address);
      },
      () => this.upgrade(req, socket, head, address),
    );
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address: string): void {
    const target = matchStreamPath(req.url);
    if (!target) {
      // The stream is the server's only WebSocket endpoint. (restify re-emits 'upgrade' on itself, where
      // nobody listens: without this, such a request would hang, holding its socket.)
      refuse(socket, 404, 'NotFound', 'No WebSocket endpoint here.');
      return;
    }
    this.authorise(target.conversationId, target.query).then(
      (authorised) => {
        // Checked here, synchronously before the handshake opens the socket: concurrent upgrades
        // from one address cannot all pass the cap.
        const result =
          'status' in authorised || this.openFromAddress(address) < this.maxSocketsPerAddress
            ? authorised
            : {
                status: 429,
                code: 'TooManyRequests',
                message: `Too many open streams from this address (at most ${this.maxSocketsPerAddress}).`,
              };
        if ('status' in result) {
          this.refusedCount += 1;
          this.logger?.info(
            { conversationId: target.conversationId.slice(0, 64), status: result.status, code: result.code },
            'Direct Line stream refused',
          );
          refuse(socket, result.status, result.code, result.message);
          return;
        }
        if (socket.destroyed) return;
        this.wss.handleUpgrade(req, socket, head, (ws) =>
          this.open(ws, result.claims, result.after, address),
        );
      },
      (err: unknown) => {
        this.logger?.error({ err }, 'Direct Line stream upgrade failed');
        refuse(socket, 500, 'ServiceError', 'Something went wrong. Please try again.');
      },
    );
  }

  private async authorise(
    conversationId: string,
    query: URLSearchParams,
  ): Promise<
    { claims: StreamTokenClaims; after: string } | { status: number; code: string; message: string }
  > {
    if (this.closed)
      return { status: 503, code: 'ServiceUnavailable', message: 'The server is shutting down.' };
    let claims: StreamTokenClaims;
    try {
      claims = await verifyStreamToken(this.tokenSecret, query.get('t'));
    } catch (err) {
      if (err instanceof TokenError) {
        return {
          status: 401,
          code:
            err.reason === 'expired'
              ? 'TokenExpired'
              : err.reason === 'missing'
                ? 'MissingToken'
                : 'InvalidToken',
          message: err.message,
        };
      }
      throw err;
    }
    if (claims.conversationId !== conversationId) {
      return {
        status: 403,
        code: 'Forbidden',
        message: 'The token does not grant access to this conversation.',
      };
    }
    // Spent by an atomic claim: two upgrades racing with one token (on any instance) cannot both pass.
    const ttlMs = Math.max(1000, claims.expiresAt * 1000 - Date.now() + 1000);
    if (!(await this.usedTokens.claim(`stream-token:${claims.tokenId}`, ttlMs))) {
      return { status: 401, code: 'InvalidToken', message: 'The stream token has already been used.' };
    }
    if (!(await this.log.get(conversationId))) {
      return { status: 404, code: 'ConversationNotFound', message: 'The conversation has ended or expired.' };
    }
    let after: string;
    try {
      after = String(parseWatermark(query.get('watermark')));
    } catch (err) {
      if (err instanceof InvalidWatermarkError)
        return { status: 400, code: 'BadArgument', message: err.message };
      throw err;
    }
    if (this.closed)
      return { status: 503, code: 'ServiceUnavailable', message: 'The server is shutting down.' };
    if (this.connections.size >= this.maxSockets) {
      return { status: 503, code: 'ServiceUnavailable', message: 'Too many open streams; try again later.' };
    }
    if (this.openFor(conversationId) >= this.maxSocketsPerConversation) {
      return {
        status: 429,
        code: 'TooManyRequests',
        message: 'Too many open streams for this conversation.',
      };
    }
    return { claims, after };
  }

  private open(ws: WebSocket, claims: StreamTokenClaims, after: string, address: string): void {
    const { conversationId } = claims;
    const connection: Connection = {
      ws,
      conversationId,
      address,
      alive: true,
      unsubscribe: () => undefined,
    };
    this.connections.add(connection);
    this.perConversation.set(conversationId, this.openFor(conversationId) + 1);
    this.perAddress.set(address, this.openFromAddress(address) + 1);
    this.countAccepted(conversationId);

    ws.on('error', (err) => this.logger?.debug({ err, conversationId }, 'Direct Line stream error'));
    ws.on('pong', () => {
      connection.alive = true;
    });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const size = Buffer.isBuffer(data)
        ? data.length
        : Array.isArray(data)
          ? data.reduce((n, b) => n + b.length, 0)
          : data.byteLength;
      if (!isBinary && size === 0) {
        connection.alive = true; // directlinejs's heartbeat
        return;
      }
      // Direct Line 3.0 streams are receive-only: activities are POSTed.
      ws.close(CLOSE_POLICY, 'receive-only stream: post activities over HTTP');
    });
    ws.on('close', () => {
      connection.unsubscribe();
      this.connections.delete(connection);
      const left = this.openFor(conversationId) - 1;
      if (left > 0) this.perConversation.set(conversationId, left);
      else this.perConversation.delete(conversationId);
      const fromAddress = this.openFromAddress(address) - 1;
      if (fromAddress > 0) this.perAddress.set(address, fromAddress);
      else this.perAddress.delete(address);
      this.logger?.debug({ conversationId, open: this.connections.size }, 'Direct Line stream closed');
    });

    // Subscribe first, then read the backlog: events that arrive meanwhile wait, and those the backlog
    // already holds (by watermark) are not sent twice.
    let held: ConversationEvent[] | undefined = [];
    let sentUpTo = Number(after);
    const deliver = (event: ConversationEvent) => {
      if (event.type === 'activity') {
        const seq = Number(event.watermark);
        if (seq <= sentUpTo) return;
        sentUpTo = seq;
      }
      this.push(connection, event);
    };
    connection.unsubscribe = this.log.subscribe(conversationId, (event) => {
      if (held) held.push(event);
      else deliver(event);
    });
    this.log.list(conversationId, after).then(
      (backlog) => {
        this.send(connection, backlog);
        sentUpTo = Math.max(sentUpTo, Number(backlog.watermark));
        const waiting = held ?? [];
        held = undefined;
        for (const event of waiting) deliver(event);
      },
      () => {
        // Gone between the check and the upgrade, or the store is away: the client reconnects.
        held = undefined;
        ws.close(CLOSE_ENDED, 'conversation ended');
      },
    );
    this.logger?.debug({ conversationId, open: this.connections.size }, 'Direct Line stream opened');
  }

  private push(connection: Connection, event: ConversationEvent): void {
    if (event.type === 'ended') {
      connection.ws.close(CLOSE_ENDED, 'conversation ended');
      return;
    }
    if (event.type === 'interrupted') {
      connection.ws.close(CLOSE_GOING_AWAY, 'reconnect with your watermark');
      return;
    }
    this.send(connection, { activities: [event.activity], watermark: event.watermark });
  }

  private send(
    connection: Connection,
    frame: { activities: readonly LoggedActivity[]; watermark: string },
  ): void {
    const { ws } = connection;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      // The client is not reading; it reconnects with its watermark and gets what it missed.
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(frame), (err) => {
      // Written to the socket: the client has it.
      if (!err && frame.activities.length) this.onFetched?.(frame.activities);
    });
  }

  /** Keep-alive: an empty message (directlinejs ignores it) and a ping; silent peers are dropped. */
  private beat(): void {
    for (const connection of [...this.connections]) {
      const { ws } = connection;
      if (ws.readyState !== ws.OPEN) continue;
      if (!connection.alive) {
        ws.terminate();
        continue;
      }
      // An open, answering socket keeps its conversation alive, as polling does.
      this.log.get(connection.conversationId, { touch: true }).then(
        (found) => {
          if (!found) ws.close(CLOSE_ENDED, 'conversation ended');
        },
        () => undefined, // the store is away: keep the socket, try again next beat
      );
      connection.alive = false;
      ws.ping();
      ws.send('');
    }
  }

  private countAccepted(conversationId: string): void {
    this.accepted.set(conversationId, this.acceptedFor(conversationId) + 1);
    if (this.accepted.size > 10_000) {
      const oldest = this.accepted.keys().next();
      if (!oldest.done) this.accepted.delete(oldest.value);
    }
  }
}
