import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  if (!value) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
}

const bare = (address: string) =>
  address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;

/**
 * The reverse proxies whose forwarding headers are believed (TRUST_PROXY). With none, the socket's
 * peer is the client and X-Forwarded-* are ignored: anyone could send them.
 */
export class ProxyTrust {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(entries: readonly string[] = []) {
    this.empty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  trusts(address: string | undefined): boolean {
    if (this.empty || !address) return false;
    const plain = bare(address);
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** The request came straight from a trusted proxy: its X-Forwarded-* headers may be believed. */
  fromProxy(req: IncomingMessage): boolean {
    return this.trusts(req.socket?.remoteAddress);
  }
}

const NO_TRUST = new ProxyTrust();

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The client's address as rate limits key it: the socket's peer, or — when that peer is a trusted
 * proxy — the rightmost X-Forwarded-For address that is not a trusted proxy (the leftmost ones are
 * whatever the client claimed).
 */
export function clientAddress(req: IncomingMessage, trust: ProxyTrust = NO_TRUST): string {
  const peer = req.socket?.remoteAddress ?? 'unknown';
  if (!trust.trusts(peer)) return bare(peer);
  const hops = (header(req, 'x-forwarded-for') ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = bare(hops[i]!);
    if (!isIP(hop)) return hop.slice(0, 64); // garbage from beyond the proxies: still one key
    if (!trust.trusts(hop)) return hop;
  }
  return bare(hops[0] ?? peer);
}

/** X-Forwarded-Proto / -Host from a trusted proxy (first value), else undefined. */
export function forwarded(
  req: IncomingMessage,
  trust: ProxyTrust,
  name: 'proto' | 'host',
): string | undefined {
  if (!trust.fromProxy(req)) return undefined;
  return header(req, `x-forwarded-${name}`)?.split(',')[0]?.trim() || undefined;
}
