import type { Activity, CloudAdapter } from 'botbuilder';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { bearerToken } from './httpRequest.js';

// Bot Framework authentication of /api/messages, so that a refused request is a 401 with a JSON
// error and never a 5xx: tokens that cannot be Bot Framework tokens are refused here, before
// botbuilder fetches signing keys for them; botbuilder then verifies the rest (signature, exact
// issuer, endorsements). Keys that cannot be fetched are our problem, not the caller's: 503 with
// Retry-After (channels retry).

type AuthenticateRequestResult = Exclude<Parameters<CloudAdapter['processActivity']>[0], string>;

/** What botbuilder's ConfigurationBotFrameworkAuthentication offers that this file uses. */
export interface RequestAuthenticator {
  authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult>;
}

export type ChannelAuthOutcome =
  | { ok: true; result: AuthenticateRequestResult }
  | { ok: false; status: 401 | 503; code: string; message: string; retryAfterSeconds?: number };

/** Signing algorithms Bot Framework uses (botframework-connector's AllowedSigningAlgorithms). */
const ALGORITHMS = new Set(['RS256', 'RS384', 'RS512']);
/** Hosts of the token issuers Bot Framework channels and the Emulator use (public and US government clouds). */
const ISSUER_HOSTS = new Set([
  'api.botframework.com',
  'api.botframework.us',
  'sts.windows.net',
  'login.microsoftonline.com',
  'login.microsoftonline.us',
]);
/** botbuilder's clock tolerance for exp and nbf. */
const CLOCK_SKEW_SECONDS = 5 * 60;
export const KEYS_RETRY_AFTER_SECONDS = 30;

function refused(message: string, code = 'Unauthorized'): ChannelAuthOutcome {
  return { ok: false, status: 401, code, message };
}

/** Why a token cannot be a valid Bot Framework token for `appId`, or undefined: no crypto, no network. */
export function precheckToken(token: string, appId: string, nowSeconds: number): string | undefined {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return 'The token is not a well-formed JWT.';
  }
  if (typeof header.alg !== 'string' || !ALGORITHMS.has(header.alg)) {
    return 'The token signing algorithm is not supported.';
  }
  if (typeof header.kid !== 'string' || header.kid === '') return 'The token names no signing key.';
  let issuerHost = '';
  try {
    const issuer = new URL(String(claims.iss));
    if (issuer.protocol === 'https:') issuerHost = issuer.hostname;
  } catch {
    // not a URL: refused below
  }
  if (!ISSUER_HOSTS.has(issuerHost)) return 'The token was not issued by Bot Framework.';
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => aud === appId || aud === `api://${appId}`)) {
    return 'The token was issued for another application.';
  }
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < nowSeconds) {
    return 'The token has expired.';
  }
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds) {
    return 'The token is not valid yet.';
  }
  return undefined;
}

/**
 * True for a failure to fetch the signing keys (network error, or the metadata/keys endpoint answered
 * an error: botframework-connector raises those as AuthenticationError with a 5xx status code).
 */
export function isKeyFetchFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { statusCode?: unknown; type?: unknown; code?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode >= 500;
  return (
    e.name === 'FetchError' || e.type === 'system' || (typeof e.code === 'string' && /^E[A-Z]+/.test(e.code))
  );
}

export interface ChannelAuthOptions {
  /** Empty: Emulator local mode, no authentication (any Authorization header is ignored). */
  appId: string;
  now?: () => number;
  logger?: { warn(obj: object, msg: string): void };
}

/** Authenticates one /api/messages request; never throws. */
export function createChannelAuth(authenticator: RequestAuthenticator, options: ChannelAuthOptions) {
  const now = options.now ?? Date.now;
  return async (activity: Activity, authorization: string | undefined): Promise<ChannelAuthOutcome> => {
    let header = '';
    if (options.appId !== '') {
      if (!authorization) return refused('An Authorization: Bearer token is required.', 'MissingToken');
      const token = bearerToken(authorization);
      if (!token) return refused('The Authorization header is not a Bearer token.', 'InvalidToken');
      const problem = precheckToken(token, options.appId, Math.floor(now() / 1000));
      if (problem) {
        options.logger?.warn({ reason: problem }, 'channel request refused before key lookup');
        return refused(problem, 'InvalidToken');
      }
      header = `Bearer ${token}`;
    }
    try {
      return { ok: true, result: await authenticator.authenticateRequest(activity, header) };
    } catch (err) {
      if (isKeyFetchFailure(err)) {
        options.logger?.warn({ err }, 'Bot Framework signing keys could not be fetched');
        return {
          ok: false,
          status: 503,
          code: 'ServiceUnavailable',
          message: 'The bot cannot verify Bot Framework tokens right now; try again shortly.',
          retryAfterSeconds: KEYS_RETRY_AFTER_SECONDS,
        };
      }
      options.logger?.warn({ err }, 'channel request refused');
      return refused('The token could not be verified.', 'InvalidToken');
    }
  };
}
