import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { killServerProcesses, startServerProcess } from '../support/serverProcess.js';
import { useTempDirs } from '../support/tempDir.js';

// `npm run staff` against the persistence a running server uses: an account added, disabled or given
// a new password takes effect at once, on lowdb and on PostgreSQL.

const tempDir = useTempDirs();
let postgres: TestPostgres | undefined;
beforeAll(async () => {
  postgres = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await postgres?.destroy();
});
afterEach(() => killServerProcesses());

function staff(env: Record<string, string>, args: string[], stdin?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/staff/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ENV_FILE: 'none', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const signIn = (base: string, login: string, password: string) =>
  fetch(`${base}/api/staff/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });

describe.each(['lowdb', 'postgres'] as const)('npm run staff on %s', (backend) => {
  async function environment(): Promise<Record<string, string>> {
    const env: Record<string, string> = { DATA_DIR: await tempDir(), STAFF_TOKEN: '' };
    if (backend === 'postgres') {
      if (!postgres) throw new Error('test PostgreSQL not started');
      env.STORAGE = 'postgres';
      env.DATABASE_URL = await postgres.createDatabase();
    }
    return env;
  }

  it('adds an account that signs in at once on the running server; passwd and disable take effect', async () => {
    const env = await environment();
    const server = await startServerProcess(env);
    // No account and no token: the staff API is off.
    expect((await fetch(`${server.base}/api/staff/inquiries`)).status).toBe(503);

    const added = await staff(
      env,
      ['add', 'Sato', '--role', 'agent', '--name', '佐藤', '--password-stdin'],
      'first password 2026\n',
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added sato');
    expect(added.stdout).not.toContain('first password');

    const first = await signIn(server.base, 'sato', 'first password 2026');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ login: 'sato', name: '佐藤', role: 'agent' });
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;

    const listed = await staff(env, ['list']);
    expect(listed.stdout).toMatch(/sato\s+agent\s+enabled\s+佐藤/);

    expect((await staff(env, ['passwd', 'sato', '--password-stdin'], 'second password 2026')).code).toBe(0);
    // The new password ends the old session and replaces the old password.
    expect((await fetch(`${server.base}/api/staff/session`, { headers: { cookie } })).status).toBe(401);
    expect((await signIn(server.base, 'sato', 'first password 2026')).status).toBe(401);
    expect((await signIn(server.base, 'sato', 'second password 2026')).status).toBe(200);

    expect((await staff(env, ['disable', 'sato'])).code).toBe(0);
    expect((await signIn(server.base, 'sato', 'second password 2026')).status).toBe(401);
    expect((await staff(env, ['enable', 'sato'])).code).toBe(0);
    expect((await signIn(server.base, 'sato', 'second password 2026')).status).toBe(200);
  }, 90_000);

  it('refuses a duplicate login, a short password, an unknown account and a bad role, naming the problem', async () => {
    const env = await environment();
    expect(
      (await staff(env, ['add', 'abe', '--role', 'supervisor', '--password-stdin'], 'a good password 1'))
        .code,
    ).toBe(0);
    const duplicate = await staff(
      env,
      ['add', 'abe', '--role', 'agent', '--password-stdin'],
      'a good password 2',
    );
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('exists already');
    const short = await staff(env, ['add', 'kato', '--role', 'agent', '--password-stdin'], 'short');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
    const unknown = await staff(env, ['disable', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no staff account "nobody"');
    const role = await staff(env, ['add', 'kato', '--role', 'boss', '--password-stdin'], 'a good password 3');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be agent or supervisor');
    expect((await staff(env, ['list'])).stdout.trim().split('\n')).toHaveLength(1);
  }, 90_000);
});
