import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openPersistence } from '../../src/persistence/index.js';
import type { Persistence, StaffStore } from '../../src/persistence/types.js';
import { hashPassword } from '../../src/staff/passwords.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';
import { newInquiry } from '../triage/helpers.js';
import { type StaffServer, startStaffServer } from '../triage/server.js';

// Staff as a team: two accounts sign in, work under their own names, and leave an audit trail.

const tempDir = useTempDirs();
const running: StaffServer[] = [];
const opened: Persistence[] = [];
let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  for (const p of opened.splice(0)) await p.close();
  await postgres?.destroy();
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
});

const PASSWORD = 'correct horse battery staple';

async function postgresStaff(): Promise<StaffStore> {
  if (!postgres) throw new Error('test PostgreSQL not started');
  const p = await openPersistence(
    {
      storage: 'postgres',
      databaseUrl: await postgres.createDatabase(),
      databasePoolMax: 4,
      dataDir: await tempDir(),
      stateTtlHours: 1,
      directLineRetentionHours: 24,
    },
    createLogger({ logLevel: 'silent' }),
  );
  opened.push(p);
  return p.staff;
}

async function addAccount(store: StaffStore, login: string, role: 'agent' | 'supervisor', name: string) {
  const at = new Date().toISOString();
  await store.addAccount({
    login,
    name,
    role,
    passwordHash: await hashPassword(PASSWORD),
    disabled: false,
    createdAt: at,
    updatedAt: at,
  });
}

interface Signed {
  cookie: string;
  csrf: string;
  call(path: string, init?: { method?: string; body?: unknown; csrf?: string | null }): Promise<Response>;
}

async function signIn(s: StaffServer, login: string, password = PASSWORD): Promise<Signed> {
  const res = await fetch(`${s.base}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  expect(res.status, `sign-in of ${login}`).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    csrf: csrfToken,
    call(path, init = {}) {
      const headers: Record<string, string> = { cookie };
      const csrf = init.csrf === undefined ? csrfToken : init.csrf;
      if (csrf !== null) headers['x-csrf-token'] = csrf;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return fetch(`${s.base}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
  };
}

describe.each([
  ['lowdb', async (): Promise<StaffStore | undefined> => undefined],
  ['postgres', postgresStaff],
] as const)('staff sign-in, roles and audit on %s', (_backend, makeStore) => {
  async function start(options: Parameters<typeof startStaffServer>[1] = {}) {
    const staff = await makeStore();
    const s = await startStaffServer(await tempDir(), { ...(staff ? { staff } : {}), ...options });
    running.push(s);
    await addAccount(s.staff, 'sato', 'agent', '佐藤');
    await addAccount(s.staff, 'abe', 'supervisor', '阿部');
    return s;
  }

  it('signs in with an HttpOnly SameSite=Strict cookie, restores the session, and signs out', async () => {
    const s = await start();
    const res = await fetch(`${s.base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'sato', password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^staff_session=[\w-]{30,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure'); // plain http here
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ login: 'sato', name: '佐藤', role: 'agent' });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);

    const session = await fetch(`${s.base}/api/staff/session`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({
      login: 'sato',
      name: '佐藤',
      role: 'agent',
      csrfToken: body.csrfToken,
    });

    const signed = await signIn(s, 'sato');
    const out = await signed.call('/api/staff/logout', { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await signed.call('/api/staff/session')).status).toBe(401);
    expect((await signed.call('/api/staff/inquiries')).status).toBe(401);
  });

  it('answers a wrong password and an unknown login with the same 401, and locks a login out with 429', async () => {
    const s = await start({ auth: { loginFailuresPerLogin: 3 } });
    const attempt = (login: string, password: string) =>
      fetch(`${s.base}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password }),
      });
    const wrong = await attempt('sato', 'not the password at all');
    const unknown = await attempt('nobody', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
    await attempt('sato', 'still not it, sorry');
    await attempt('sato', 'third wrong one here');
    const locked = await attempt('sato', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
    // The other account is not locked by sato's failures.
    expect((await attempt('abe', PASSWORD)).status).toBe(200);
    // Malformed sign-in bodies are 400, not 401 or 500.
    const bad = await fetch(`${s.base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'sato' }),
    });
    expect(bad.status).toBe(400);
  });

  it('locks out an address after repeated failures across logins', async () => {
    const s = await start({ auth: { loginFailuresPerAddress: 4 } });
    for (const login of ['a1', 'a2', 'a3', 'a4']) {
      const res = await fetch(`${s.base}/api/staff/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password: 'wrong password here' }),
      });
      expect(res.status).toBe(401);
    }
    const res = await fetch(`${s.base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'abe', password: PASSWORD }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  it('needs X-CSRF-Token for changes made with the cookie (403 without or with a wrong one)', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const sato = await signIn(s, 'sato');
    for (const csrf of [null, 'wrong-token']) {
      const res = await sato.call(`/api/staff/inquiries/${q.id}/notes`, { body: { text: '確認中' }, csrf });
      expect(res.status).toBe(403);
    }
    expect((await s.inquiries.get(q.id))!.notes).toHaveLength(0);
    expect((await sato.call(`/api/staff/inquiries/${q.id}/notes`, { body: { text: '確認中' } })).status).toBe(
      201,
    );
    // Reading needs no CSRF token.
    expect((await sato.call('/api/staff/inquiries', { csrf: null })).status).toBe(200);
  });

  it('records the signed-in account as author, whatever the body says', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const sato = await signIn(s, 'sato');
    const res = await sato.call(`/api/staff/inquiries/${q.id}/notes`, {
      body: { text: '電話で確認済み', author: 'someone else' },
    });
    expect(res.status).toBe(201);
    expect((await s.inquiries.get(q.id))!.notes).toMatchObject([{ author: '佐藤', text: '電話で確認済み' }]);
  });

  it('lets supervisors, not agents, see the audit, re-file inquiries and disable accounts', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    const sato = await signIn(s, 'sato');
    const abe = await signIn(s, 'abe');
    const classify = { body: { topic: 'webid.forgot', priority: 'low' } };
    expect((await sato.call('/api/staff/audit')).status).toBe(403);
    expect((await sato.call(`/api/staff/inquiries/${q.id}/classify`, classify)).status).toBe(403);
    expect((await sato.call('/api/staff/accounts/abe/disable', { method: 'POST' })).status).toBe(403);
    expect((await s.inquiries.get(q.id))!.topic).toBe(q.topic);

    const refiled = await abe.call(`/api/staff/inquiries/${q.id}/classify`, classify);
    expect(refiled.status).toBe(200);
    expect((await s.inquiries.get(q.id))!).toMatchObject({ topic: 'webid.forgot', priority: 'low' });
    const badTopic = await abe.call(`/api/staff/inquiries/${q.id}/classify`, {
      body: { topic: 'x', priority: 'low' },
    });
    expect(badTopic.status).toBe(400);

    // Disabling an account ends its session at once; enabling lets it sign in again.
    expect((await abe.call('/api/staff/accounts/sato/disable', { method: 'POST' })).status).toBe(200);
    expect((await sato.call('/api/staff/inquiries')).status).toBe(401);
    const refused = await fetch(`${s.base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'sato', password: PASSWORD }),
    });
    expect(refused.status).toBe(401);
    expect((await abe.call('/api/staff/accounts/sato/enable', { method: 'POST' })).status).toBe(200);
    await signIn(s, 'sato');
    expect((await abe.call('/api/staff/accounts/nobody/disable', { method: 'POST' })).status).toBe(404);
  });

  it('audits views, assignments, status changes, notes, replies, re-filing and sign-ins, with who and when', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    await fetch(`${s.base}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'sato', password: 'a wrong password' }),
    });
    const sato = await signIn(s, 'sato');
    const abe = await signIn(s, 'abe');
    await sato.call('/api/staff/inquiries'); // the queue: not a view
    await sato.call(`/api/staff/inquiries/${q.id}`);
    await sato.call(`/api/staff/inquiries/${q.id}/assign`, { body: { assignee: 'sato' } });
    await sato.call(`/api/staff/inquiries/${q.id}/status`, { body: { status: 'in_progress' } });
    await sato.call(`/api/staff/inquiries/${q.id}/notes`, { body: { text: '確認中' } });
    await sato.call(`/api/staff/inquiries/${q.id}/replies`, {
      body: { text: 'ご連絡ありがとうございます。' },
    });
    await abe.call(`/api/staff/inquiries/${q.id}/classify`, { body: { topic: q.topic, priority: 'urgent' } });

    const res = await abe.call(`/api/staff/audit?inquiry=${q.id}`);
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as {
      entries: Array<{ at: string; actor: string; action: string; inquiryId?: string; detail: object }>;
    };
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      ['abe', 'classify'],
      ['sato', 'reply'],
      ['sato', 'note'],
      ['sato', 'status'],
      ['sato', 'assign'],
      ['sato', 'view'],
    ]);
    expect(entries.every((e) => e.inquiryId === q.id && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(entries[3]!.detail).toEqual({ from: 'new', to: 'in_progress' });

    const signIns = (await (await abe.call('/api/staff/audit?actor=sato')).json()) as {
      entries: Array<{ action: string }>;
    };
    expect(signIns.entries.map((e) => e.action)).toContain('sign_in');
    const failed = (await (await abe.call('/api/staff/audit')).json()) as {
      entries: Array<{ action: string; actor: string }>;
    };
    expect(failed.entries.filter((e) => e.action === 'sign_in_failed')).toEqual([
      expect.objectContaining({ actor: 'sato' }),
    ]);
    // Paging: `next` continues where the page ended.
    const page = (await (await abe.call('/api/staff/audit?limit=2')).json()) as {
      entries: unknown[];
      next?: string;
    };
    expect(page.entries).toHaveLength(2);
    const rest = (await (await abe.call(`/api/staff/audit?limit=50&before=${page.next}`)).json()) as {
      entries: unknown[];
    };
    expect(rest.entries.length).toBe(failed.entries.length - 2);
    expect((await abe.call('/api/staff/audit?from=yesterday')).status).toBe(400);
  });

  it('keeps the service token working with supervisor rights, recorded as "service"', async () => {
    const s = await start();
    const q = await s.inquiries.create(newInquiry());
    expect((await s.api(`/api/staff/inquiries/${q.id}`)).status).toBe(200);
    const audit = (await (await s.api('/api/staff/audit')).json()) as {
      entries: Array<{ actor: string; action: string }>;
    };
    expect(audit.entries[0]).toMatchObject({ actor: 'service', action: 'view' });
    const session = (await (await s.api('/api/staff/session')).json()) as Record<string, unknown>;
    expect(session).toMatchObject({ login: 'service', role: 'supervisor', csrfToken: null });
  });

  it('is on with accounts even without STAFF_TOKEN, and ends an idle session', async () => {
    let now = new Date('2026-12-01T01:00:00Z');
    const s = await start({ staffToken: '', now: () => now });
    const sato = await signIn(s, 'sato');
    expect((await sato.call('/api/staff/inquiries')).status).toBe(200);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await sato.call('/api/staff/inquiries')).status).toBe(401);
  });
});
