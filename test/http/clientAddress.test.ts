import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, forwarded, ProxyTrust } from '../../src/httpRequest.js';

function req(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

describe('client address behind TRUST_PROXY', () => {
  const trust = new ProxyTrust(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);

  it('ignores X-Forwarded-For when no proxy is trusted, or the peer is not one', () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.9' };
    expect(clientAddress(req('198.51.100.7', spoofed))).toBe('198.51.100.7');
    expect(clientAddress(req('198.51.100.7', spoofed), trust)).toBe('198.51.100.7');
    expect(clientAddress(req('::ffff:198.51.100.7'), trust)).toBe('198.51.100.7');
  });

  it('takes the rightmost address that is not a trusted proxy', () => {
    // The client claims 1.2.3.4; the edge proxy saw 203.0.113.9; an inner proxy 10.1.2.3 forwarded it.
    const headers = { 'x-forwarded-for': '1.2.3.4, 203.0.113.9, 10.1.2.3' };
    expect(clientAddress(req('10.9.9.9', headers), trust)).toBe('203.0.113.9');
    expect(clientAddress(req('::ffff:127.0.0.1', { 'x-forwarded-for': '2001:db8::5' }), trust)).toBe(
      '2001:db8::5',
    );
    // Only proxies in the chain: the leftmost is the best there is.
    expect(clientAddress(req('10.9.9.9', { 'x-forwarded-for': '10.0.0.5, 10.0.0.6' }), trust)).toBe(
      '10.0.0.5',
    );
    expect(clientAddress(req('10.9.9.9'), trust)).toBe('10.9.9.9');
  });

  it('believes X-Forwarded-Proto and -Host from a trusted proxy only', () => {
    const headers = { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'chat.example.jp' };
    expect(forwarded(req('10.0.0.1', headers), trust, 'proto')).toBe('https');
    expect(forwarded(req('10.0.0.1', headers), trust, 'host')).toBe('chat.example.jp');
    expect(forwarded(req('198.51.100.7', headers), trust, 'proto')).toBeUndefined();
  });
});
