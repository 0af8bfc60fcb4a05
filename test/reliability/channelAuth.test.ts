import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor.js';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { emulatorActivity } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, type Running, startApp } from './helpers.js';

// Bot Framework authentication on /api/messages (MicrosoftAppId set). The signing-key lookup is
// stubbed where botframework-connector caches it, so no test touches the network.

const tempDir = useTempDirs();
const APP_ID = '00000000-1111-2222-3333-444444444444';
const KID = 'test-signing-key';
const ISSUER = 'https://api.botframework.com';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let signing: KeyPair;
let stranger: KeyPair;
let publicPem: string;

beforeAll(async () => {
  signing = await generateKeyPair('RS256', { extractable: true });
  stranger = await generateKeyPair('RS256', { extractable: true });
  publicPem = await exportSPKI(signing.publicKey);
});

/** The stubbed key lookup: `keys` decides what botframework-connector's metadata answers. */
function stubKeys(keys: (kid: string) => Promise<{ key: string } | null>) {
  const getKey = vi.fn(keys);
  // A private static of botframework-connector: the one place every key lookup goes through.
  const extractor = JwtTokenExtractor as unknown as { getOrAddOpenIdMetadata: () => unknown };
  vi.spyOn(extractor, 'getOrAddOpenIdMetadata').mockReturnValue({ getKey });
  return getKey;
}

afterEach(() => {
  vi.restoreAllMocks();
});

async function channelToken(
  serviceUrl: string,
  overrides: { iss?: string; aud?: string; expSeconds?: number; key?: KeyPair; kid?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ serviceurl: serviceUrl })
    .setProtectedHeader({ alg: 'RS256', kid: overrides.kid ?? KID })
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? APP_ID)
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(now + (overrides.expSeconds ?? 3600))
    .sign((overrides.key ?? signing).privateKey);
}

function unsigned(header: object, payload: object, signature = ''): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(payload)}.${signature}`;
}

async function start(logger = memoryLogger('info')) {
  const app = await startApp(
    await tempDir(),
    { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'not-a-real-password' },
    { logger: logger.logger },
  );
  return { app, log: logger };
}

/** A typing activity: authenticated, it needs no reply (no outbound call, no token of our own). */
function post(app: Running, authorization?: string) {
  return fetch(`${app.base}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(
      emulatorActivity(app.connector.url, {
        type: 'typing',
        conversation: { id: 'auth-conv' },
        from: { id: 'auth-user', role: 'user' },
        text: undefined,
      }),
    ),
  });
}

async function expectJsonError(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toMatch(/^[A-Za-z]+$/);
  // No internals: no stack, no upstream URL, no library error text.
  expect(body.error.message).not.toMatch(/at |https?:|Error:|ENOTFOUND|Available keys/);
  return body;
}

describe('Bot Framework authentication on /api/messages', () => {
  it('accepts a valid channel token', async () => {
    const getKey = stubKeys(async (kid) => (kid === KID ? { key: publicPem } : null));
    const { app } = await start();
    const res = await post(app, `Bearer ${await channelToken(app.connector.url)}`);
    expect(res.status).toBe(200);
    expect(getKey).toHaveBeenCalled();
  });

  it('refuses impossible tokens with 401 JSON before any key lookup', async () => {
    const getKey = stubKeys(async () => ({ key: publicPem }));
    const { app } = await start();
    const url = app.connector.url;
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, aud: APP_ID, exp: now + 3600, serviceurl: url };
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .sign(new TextEncoder().encode('a-made-up-shared-secret-of-32-bytes!'));
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['not Bearer', 'Basic dXNlcjpwYXNz'],
      ['malformed', 'Bearer not-a-jwt'],
      ['garbage parts', 'Bearer a.b.c'],
      ['alg none', `Bearer ${unsigned({ alg: 'none', kid: KID }, claims)}`],
      ['HS256', `Bearer ${hs256}`],
      ['no kid', `Bearer ${unsigned({ alg: 'RS256' }, claims, 'c2ln')}`],
      ['wrong issuer', `Bearer ${await channelToken(url, { iss: 'https://evil.example.com' })}`],
      ['wrong audience', `Bearer ${await channelToken(url, { aud: 'someone-else' })}`],
      ['expired', `Bearer ${await channelToken(url, { expSeconds: -3600 })}`],
    ];
    for (const [what, header] of cases) {
      const res = await post(app, header);
      const body = await expectJsonError(res, 401);
      expect(res.headers.get('www-authenticate'), what).toBe('Bearer');
      expect(body.error.code, what).toMatch(/MissingToken|InvalidToken/);
    }
    expect(getKey).not.toHaveBeenCalled();
    expect(app.connector.calls).toHaveLength(0);
  });

  it('refuses an unknown key id or a signature by another key with 401; botbuilder’s console output goes to the log', async () => {
    stubKeys(async (kid) => (kid === KID ? { key: publicPem } : null));
    const { app, log } = await start();
    const url = app.connector.url;
    await expectJsonError(await post(app, `Bearer ${await channelToken(url, { kid: 'unknown-kid' })}`), 401);
    await expectJsonError(await post(app, `Bearer ${await channelToken(url, { key: stranger })}`), 401);
    // botframework-connector writes "Error finding key for token …" with console.error: a log line.
    const consoleLines = log.lines().filter((l) => l.includes('"source":"console"'));
    expect(consoleLines.length).toBeGreaterThan(0);
    for (const line of consoleLines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('answers 503 with Retry-After, without internals, when the signing keys cannot be fetched', async () => {
    const fetchFailure = Object.assign(
      new Error(
        'request to https://login.botframework.com/v1/.well-known/keys failed, reason: getaddrinfo ENOTFOUND',
      ),
      { name: 'FetchError', type: 'system', code: 'ENOTFOUND' },
    );
    let failing = true;
    stubKeys(async () => {
      if (failing) throw fetchFailure;
      return { key: publicPem };
    });
    const { app } = await start();
    const token = await channelToken(app.connector.url);
    const res = await post(app, `Bearer ${token}`);
    const body = await expectJsonError(res, 503);
    expect(body.error.code).toBe('ServiceUnavailable');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // Keys reachable again: the channel's retry goes through.
    failing = false;
    expect((await post(app, `Bearer ${token}`)).status).toBe(200);
  });

  it('treats an error answer from the keys endpoint (AuthenticationError 5xx) as unavailable too', async () => {
    const upstream = Object.assign(new Error('Failed to load openID config: 500'), { statusCode: 500 });
    stubKeys(async () => {
      throw upstream;
    });
    const { app } = await start();
    await expectJsonError(await post(app, `Bearer ${await channelToken(app.connector.url)}`), 503);
  });
});

describe('console output', () => {
  it('is a log line while the app runs and plain console again after close', async () => {
    const log = memoryLogger('info');
    const plain = console.error;
    const app = await startApp(await tempDir(), {}, { logger: log.logger }, 'manual');
    expect(console.error).not.toBe(plain);
    console.error(new Error('library failure with a stack'));
    console.warn('library warning', 42);
    await app.stop();
    const lines = log.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    const error = lines.find((l) => l.source === 'console' && l.level === 50);
    const err = error?.err as { message?: string; stack?: string } | undefined;
    expect(err?.message).toBe('library failure with a stack');
    expect(String(err?.stack)).toContain('at ');
    expect(lines.some((l) => l.source === 'console' && l.msg === 'library warning 42')).toBe(true);
    expect(console.error).toBe(plain);
  });
});
