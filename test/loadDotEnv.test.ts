import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DotEnvError, dotEnvProblems, loadDotEnv } from '../src/loadDotEnv.js';
import { PROJECT_ROOT } from '../src/paths.js';
import { useTempDirs } from './support/tempDir.js';

const tempDir = useTempDirs();

describe('dotEnvProblems', () => {
  it('accepts assignments, comments, blank lines, export and multi-line quoted values', () => {
    const text =
      '# settings\n\nPORT=3978\nexport LOG_LEVEL=debug\n  STAFF_TOKEN = "a b" # note\nKEY="one\ntwo"\nX=\n';
    expect(dotEnvProblems(text)).toEqual([]);
  });

  it('names the line of a setting without "=" and never repeats its value', () => {
    const problems = dotEnvProblems('PORT=3978\nMicrosoftAppPassword hunter2-secret\n');
    expect(problems).toEqual(['line 2: "MicrosoftAppPassword" has no "=" (write NAME=value)']);
  });

  it('reports a bad name, an unclosed quote and a byte-order mark', () => {
    expect(dotEnvProblems('1PORT=3\n')).toEqual([expect.stringMatching(/^line 1: not NAME=value/)]);
    expect(dotEnvProblems('A=1\nB="open\nC=2\n')).toEqual(['line 2: the " quote is never closed']);
    expect(dotEnvProblems('\uFEFFPORT=3978\n')).toEqual([
      expect.stringMatching(/^line 1: .*byte-order mark/),
    ]);
  });
});

describe('loadDotEnv (in this process)', () => {
  const saved = process.env.ENV_FILE;
  afterEach(() => {
    process.env.ENV_FILE = saved;
    for (const name of ['DOTENV_TEST_FROM_FILE', 'DOTENV_TEST_BOTH']) delete process.env[name];
  });

  it('reads .env of the working folder; a variable already set wins over the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'DOTENV_TEST_FROM_FILE=file\nDOTENV_TEST_BOTH=file\n');
    delete process.env.ENV_FILE;
    process.env.DOTENV_TEST_BOTH = 'environment';
    expect(loadDotEnv(dir)).toBe(join(dir, '.env'));
    expect(process.env.DOTENV_TEST_FROM_FILE).toBe('file');
    expect(process.env.DOTENV_TEST_BOTH).toBe('environment');
  });

  it('is no error without a .env, but is when the file ENV_FILE names is missing', async () => {
    const dir = await tempDir();
    delete process.env.ENV_FILE;
    expect(loadDotEnv(dir)).toBeUndefined();
    process.env.ENV_FILE = 'settings.env';
    expect(() => loadDotEnv(dir)).toThrow(DotEnvError);
    expect(() => loadDotEnv(dir)).toThrow(
      `Cannot read ${join(dir, 'settings.env')} (named by ENV_FILE): ENOENT`,
    );
  });

  it('reads nothing when ENV_FILE=none, as in every test run', async () => {
    expect(saved).toBe('none');
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'DOTENV_TEST_FROM_FILE=file\n');
    expect(loadDotEnv(dir)).toBeUndefined();
    expect(process.env.DOTENV_TEST_FROM_FILE).toBeUndefined();
  });

  it('applies nothing from a malformed file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'DOTENV_TEST_FROM_FILE=file\nDOTENV_TEST_BOTH\n');
    delete process.env.ENV_FILE;
    expect(() => loadDotEnv(dir)).toThrow(`${join(dir, '.env')} is malformed`);
    expect(process.env.DOTENV_TEST_FROM_FILE).toBeUndefined();
  });
});

// The real entry point (what `npm start` runs), started in a folder of its own with a .env there.
function startServer(cwd: string, env: Record<string, string | undefined>) {
  const tsx = pathToFileURL(join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(PROJECT_ROOT, 'src', 'index.ts')], {
    cwd,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The "listening" log line once it is written, or undefined if the process ends first. */
  const listening = new Promise<Record<string, unknown> | undefined>((resolve) => {
    child.stdout.on('data', () => {
      const line = stdout.split('\n').find((l) => l.includes('member-help bot listening'));
      if (line) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    void exited.then(() => resolve(undefined));
  });
  return { child, exited, listening, stderr: () => stderr };
}

// Each case starts a server process (tsx compiles on the fly): seconds on a busy 2-core machine.
describe('the server reading .env', { timeout: 60_000 }, () => {
  it('takes settings from .env in its working folder, the environment winning', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'from-env'));
    await writeFile(join(dir, '.env'), 'MicrosoftAppId=app-id-from-file\nDATA_DIR=./from-file\n');
    const server = startServer(dir, { ENV_FILE: undefined, DATA_DIR: join(dir, 'from-env') });
    const line = await server.listening;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(line).toMatchObject({
      envFile: join(dir, '.env'),
      dataDir: join(dir, 'from-env'),
      auth: 'bot-framework',
    });
  });

  it('ignores a .env when started the way tests start servers (ENV_FILE=none inherited)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), 'PORT=eighty\n');
    const server = startServer(dir, { DATA_DIR: dir });
    const line = await server.listening;
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(line).toMatchObject({ envFile: 'none', auth: 'none (Emulator local mode)' });
  });

  it('refuses to start with a malformed .env and names file and line', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.env'), '# mine\nPORT=3978\nSTAFF_TOKEN a-secret-token-value\n');
    const server = startServer(dir, { ENV_FILE: undefined, DATA_DIR: dir });
    expect(await server.exited).toBe(1);
    expect(server.stderr()).toContain(`${join(dir, '.env')} is malformed`);
    expect(server.stderr()).toContain('line 3: "STAFF_TOKEN" has no "="');
    expect(server.stderr()).not.toContain('a-secret-token-value');
  });
});
