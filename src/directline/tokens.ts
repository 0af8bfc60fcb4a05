import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

// Direct Line tokens for the bot's own Web Chat page. A token is an HS256 JWT bound to exactly one
// conversation and one user: `conv` and `user` are the claim names the Azure Direct Line service uses,
// and Web Chat reads `user` from the token to know which activities are the member's own.

const ISSUER = 'member-help-bot/directline';
const AUDIENCE = 'directline';
export const DEFAULT_TOKEN_TTL_SECONDS = 30 * 60;
const MIN_SECRET_LENGTH = 16;

export interface DirectLineTokenClaims {
  conversationId: string;
  userId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  /** Seconds until the token expires (the Direct Line `expires_in`). */
  expiresIn: number;
}

export type TokenErrorReason = 'missing' | 'invalid' | 'expired';

export class TokenError extends Error {
  constructor(
    readonly reason: TokenErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

function keyFor(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`Direct Line token secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(secret);
}

/** A secret for one process run, when none is configured (tokens then die with the process). */
export function generateTokenSecret(): string {
  return randomBytes(32).toString('hex');
}

export async function signToken(
  secret: string,
  claims: { conversationId: string; userId: string },
  ttlSeconds: number = DEFAULT_TOKEN_TTL_SECONDS,
  now: Date = new Date(),
): Promise<IssuedToken> {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be positive');
  const iat = Math.floor(now.getTime() / 1000);
  const expiresIn = Math.floor(ttlSeconds);
  const token = await new SignJWT({ conv: claims.conversationId, user: claims.userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresIn)
    // Two tokens issued in the same second must still differ (refresh returns a new token).
    .setJti(randomBytes(9).toString('base64url'))
    .sign(keyFor(secret));
  return { token, expiresIn };
}

export async function verifyToken(
  secret: string,
  token: string | undefined,
  now: Date = new Date(),
): Promise<DirectLineTokenClaims> {
  if (!token) throw new TokenError('missing', 'A Direct Line token is required (Authorization: Bearer).');
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: now,
      requiredClaims: ['exp', 'conv', 'user'],
      clockTolerance: 0,
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired)
      throw new TokenError('expired', 'The Direct Line token has expired.');
    throw new TokenError('invalid', 'The Direct Line token is not valid.');
  }
  const { conv, user, exp } = payload;
  if (typeof conv !== 'string' || !conv || typeof user !== 'string' || !user || typeof exp !== 'number') {
    throw new TokenError('invalid', 'The Direct Line token is not valid.');
  }
  return { conversationId: conv, userId: user, expiresAt: exp };
}

/** Reads `Authorization: Bearer <token>`; undefined when absent or not a bearer credential. */
export { bearerToken } from '../httpRequest.js';

// Stream tokens: what `streamUrl` carries in its `t=` query parameter. A URL ends up in places a header
// does not (proxy logs, browser history of devtools), so these are a separate kind of token: another
// audience and `typ: 'stream'` (neither kind is accepted where the other is expected), one conversation,
// about two minutes, and single use (the server remembers the `jti` until it expires).

const STREAM_AUDIENCE = 'directline-stream';
export const DEFAULT_STREAM_TOKEN_TTL_SECONDS = 120;

export interface StreamTokenClaims {
  conversationId: string;
  userId: string;
  /** Unique id of this token, for single use. */
  tokenId: string;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
}

export async function signStreamToken(
  secret: string,
  claims: { conversationId: string; userId: string },
  ttlSeconds: number = DEFAULT_STREAM_TOKEN_TTL_SECONDS,
  now: Date = new Date(),
): Promise<string> {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be positive');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ conv: claims.conversationId, user: claims.userId, typ: 'stream' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(STREAM_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(ttlSeconds))
    .setJti(randomBytes(12).toString('base64url'))
    .sign(keyFor(secret));
}

export async function verifyStreamToken(
  secret: string,
  token: string | undefined | null,
  now: Date = new Date(),
): Promise<StreamTokenClaims> {
  if (!token) throw new TokenError('missing', 'A stream token is required.');
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: STREAM_AUDIENCE,
      currentDate: now,
      requiredClaims: ['exp', 'conv', 'user', 'jti', 'typ'],
      clockTolerance: 0,
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new TokenError('expired', 'The stream token has expired.');
    throw new TokenError('invalid', 'The stream token is not valid.');
  }
  const { conv, user, exp, jti, typ } = payload;
  if (
    typ !== 'stream' ||
    typeof conv !== 'string' ||
    !conv ||
    typeof user !== 'string' ||
    !user ||
    typeof jti !== 'string' ||
    !jti ||
    typeof exp !== 'number'
  ) {
    throw new TokenError('invalid', 'The stream token is not valid.');
  }
  return { conversationId: conv, userId: user, tokenId: jti, expiresAt: exp };
}

// Resume credentials: what the Web Chat page keeps in localStorage so a member who closed the tab
// comes back to the same conversation after the 30-minute Direct Line token has expired. Another
// audience and `typ: 'resume'` (never accepted as a Direct Line or stream token), bound to one
// conversation and its user, valid for the transcript retention; always sent in a request body, never
// in a URL. Exchanging one (rate-limited per address) gives a fresh Direct Line token and a fresh
// resume credential.

const RESUME_AUDIENCE = 'directline-resume';

export async function signResumeToken(
  secret: string,
  claims: { conversationId: string; userId: string },
  ttlSeconds: number,
  now: Date = new Date(),
): Promise<string> {
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new Error('ttlSeconds must be positive');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ conv: claims.conversationId, user: claims.userId, typ: 'resume' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(RESUME_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.floor(ttlSeconds))
    .setJti(randomBytes(12).toString('base64url'))
    .sign(keyFor(secret));
}

export async function verifyResumeToken(
  secret: string,
  token: string | undefined | null,
  now: Date = new Date(),
): Promise<{ conversationId: string; userId: string }> {
  if (!token) throw new TokenError('missing', 'A resume credential is required.');
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, keyFor(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: RESUME_AUDIENCE,
      currentDate: now,
      requiredClaims: ['exp', 'conv', 'user', 'typ'],
      clockTolerance: 0,
    }));
  } catch (err) {
    if (err instanceof errors.JWTExpired)
      throw new TokenError('expired', 'The resume credential has expired.');
    throw new TokenError('invalid', 'The resume credential is not valid.');
  }
  const { conv, user, typ } = payload;
  if (typ !== 'resume' || typeof conv !== 'string' || !conv || typeof user !== 'string' || !user) {
    throw new TokenError('invalid', 'The resume credential is not valid.');
  }
  return { conversationId: conv, userId: user };
}
