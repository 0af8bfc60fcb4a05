import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { HttpError } from '../httpErrors.js';
import type { RateLimitStores, StaffAccount, StaffSession, StaffStore } from '../persistence/types.js';
import { keyedLimiter, retryAfterSeconds } from '../rateLimit.js';
import type { AuditRecorder, StaffActor } from '../triage/staffActor.js';
import { hashPassword, verifyPassword } from './passwords.js';

// Who is calling the staff API: a signed-in account (session cookie + CSRF header on changes) or the
// STAFF_TOKEN service bearer. Sign-in failures are counted per login and per client address, shared
// by the instances (the backend's rate-limit store); over the limit → 429 with Retry-After.

export const SESSION_COOKIE = 'staff_session';
export const SERVICE_ACTOR: StaffActor = {
  login: 'service',
  name: 'service',
  role: 'supervisor',
  service: true,
};
const TOUCH_EVERY_MS = 60_000;

export interface StaffAuthSettings {
  /** '' when there is no service token. */
  serviceToken: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginFailuresPerLogin: number;
  loginFailuresPerAddress: number;
  lockoutMinutes: number;
}

export interface StaffAuthDeps {
  store: StaffStore;
  rateLimits: RateLimitStores;
  audit: AuditRecorder;
  settings: StaffAuthSettings;
  now?: () => Date;
}

export interface Authenticated {
  actor: StaffActor;
  /** Set for cookie sessions (CSRF applies); undefined for the bearer token. */
  session?: StaffSession;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(presented: string, expected: string): boolean {
  return expected.length > 0 && timingSafeEqual(sha256(presented), sha256(expected));
}

export const actorOf = (account: StaffAccount): StaffActor => ({
  login: account.login,
  name: account.name,
  role: account.role,
  service: false,
});

const UNIFORM_401 = 'The login or password is not correct.';

export class StaffAuth {
  private readonly now: () => Date;
  private readonly perLogin: RateLimiterAbstract;
  private readonly perAddress: RateLimiterAbstract;
  /** Compared against when the login does not exist, so a wrong login costs what a wrong password does. */
  private readonly dummyHash: Promise<string>;

  constructor(private readonly deps: StaffAuthDeps) {
    this.now = deps.now ?? (() => new Date());
    const s = deps.settings;
    const window = s.lockoutMinutes * 60;
    this.perLogin = keyedLimiter('staff-login', s.loginFailuresPerLogin, window, deps.rateLimits);
    this.perAddress = keyedLimiter('staff-login-ip', s.loginFailuresPerAddress, window, deps.rateLimits);
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'));
  }

  /** The cookie's lifetime: the absolute session timeout. */
  get maxAgeSeconds(): number {
    return this.deps.settings.sessionMaxHours * 3600;
  }

  /** The API is on when a service token is set or at least one account exists (read each time). */
  async enabled(): Promise<boolean> {
    return this.deps.settings.serviceToken !== '' || (await this.deps.store.countAccounts()) > 0;
  }

  private async lockedFor(limiter: RateLimiterAbstract, key: string, points: number): Promise<number> {
    const res = await limiter.get(key).catch(() => null);
    return res && res.consumedPoints >= points ? retryAfterSeconds(res) : 0;
  }

  /** Checks the password; on success a new session (its id is returned once, only its hash is kept). */
  async signIn(
    login: string,
    password: string,
    address: string,
  ): Promise<{ sessionId: string; session: StaffSession; actor: StaffActor }> {
    const s = this.deps.settings;
    const loginKey = login.toLowerCase();
    const wait = Math.max(
      await this.lockedFor(this.perLogin, loginKey, s.loginFailuresPerLogin),
      await this.lockedFor(this.perAddress, address, s.loginFailuresPerAddress),
    );
    if (wait > 0) {
      throw new HttpError(429, 'TooManyAttempts', 'Too many failed sign-ins; try again later.', {
        retryAfterSeconds: wait,
      });
    }
    const account = await this.deps.store.getAccount(loginKey);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await this.dummyHash));
    if (!account || !ok || account.disabled) {
      await Promise.all([
        this.perLogin.consume(loginKey).catch(() => undefined),
        this.perAddress.consume(address).catch(() => undefined),
      ]);
      // The login is named only when it is an account (a password typed into the login field is not kept).
      await this.deps.audit.record({
        actor: account ? actorOf(account) : { ...SERVICE_ACTOR, login: '(unknown)', name: '(unknown)' },
        action: 'sign_in_failed',
        detail: { reason: account?.disabled && ok ? 'disabled' : 'wrong_credentials' },
      });
      throw new HttpError(401, 'Unauthorized', UNIFORM_401);
    }
    await this.perLogin.delete(loginKey).catch(() => undefined);
    const sessionId = randomBytes(32).toString('base64url');
    const at = this.now().getTime();
    const session: StaffSession = {
      idHash: sha256Hex(sessionId),
      login: account.login,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: at,
      lastSeenAt: at,
    };
    await this.deps.store.createSession(session);
    const actor = actorOf(account);
    await this.deps.audit.record({ actor, action: 'sign_in' });
    return { sessionId, session, actor };
  }

  /**
   * The caller of a request: the bearer token (when it matches), else the session cookie. Undefined
   * when neither is valid. A session ends when idle, too old, or its account is disabled (a new
   * password ends the account's sessions where it is set).
   */
  async authenticate(
    bearer: string | undefined,
    sessionId: string | undefined,
  ): Promise<Authenticated | undefined> {
    if (bearer !== undefined) {
      return tokenMatches(bearer, this.deps.settings.serviceToken) ? { actor: SERVICE_ACTOR } : undefined;
    }
    if (!sessionId) return undefined;
    const idHash = sha256Hex(sessionId);
    const session = await this.deps.store.getSession(idHash);
    if (!session) return undefined;
    const at = this.now().getTime();
    const s = this.deps.settings;
    const expired =
      at - session.lastSeenAt > s.sessionIdleMinutes * 60_000 ||
      at - session.createdAt > s.sessionMaxHours * 3_600_000;
    const account = expired ? undefined : await this.deps.store.getAccount(session.login);
    if (!account || account.disabled) {
      await this.deps.store.deleteSession(idHash).catch(() => undefined);
      return undefined;
    }
    if (at - session.lastSeenAt > TOUCH_EVERY_MS) {
      await this.deps.store.touchSession(idHash, at);
      session.lastSeenAt = at;
    }
    return { actor: actorOf(account), session };
  }

  async signOut(session: StaffSession): Promise<void> {
    await this.deps.store.deleteSession(session.idHash);
  }

  /** Removes sessions past their idle or absolute timeout. */
  sweep(): Promise<number> {
    const at = this.now().getTime();
    const s = this.deps.settings;
    return this.deps.store.sweepSessions(
      at - s.sessionIdleMinutes * 60_000,
      at - s.sessionMaxHours * 3_600_000,
    );
  }
}

/** The audit log on the store, stamped with the time. */
export function createAuditLog(
  store: StaffStore,
  now: () => Date = () => new Date(),
): AuditRecorder & { list: StaffStore['listAudit'] } {
  return {
    list: (query) => store.listAudit(query),
    record: ({ actor, action, inquiryId, detail }) =>
      store.appendAudit({
        at: now().toISOString(),
        actor: actor.login,
        action,
        ...(inquiryId ? { inquiryId } : {}),
        detail: detail ?? {},
      }),
  };
}

export function csrfMatches(presented: string | undefined, session: StaffSession): boolean {
  return presented !== undefined && tokenMatches(presented, session.csrfToken);
}
