import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/paths.js';
import { useTempDirs } from './support/tempDir.js';

// scripts/setup-test-deps.sh against a fake root folder (TEST_DEPS_ROOT) and an assumed user id, so the
// "missing" branches run without touching this machine's packages; --dry-run never installs.

const tempDir = useTempDirs();
const SCRIPT = join(PROJECT_ROOT, 'scripts', 'setup-test-deps.sh');

/** A folder standing for /, with the given executables (empty scripts unless a body is given). */
async function fakeRoot(files: string[], bodies: Record<string, string> = {}): Promise<string> {
  const root = await tempDir();
  for (const file of files) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), `#!/bin/sh\n${bodies[file] ?? ''}`);
    await chmod(join(root, file), 0o755);
  }
  return root;
}

async function setup(root: string, env: Record<string, string> = {}, args = ['--dry-run']) {
  const { SKIP_BROWSER_TESTS: _, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', [SCRIPT, ...args], {
      env: { ...inherited, TEST_DEPS_ROOT: root, TEST_DEPS_UID: '0', ...env },
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

const APT = 'usr/bin/apt-get';
const CHROMIUM = 'usr/bin/chromium';
const POSTGRES = 'usr/lib/postgresql/15/bin/postgres';

describe('scripts/setup-test-deps.sh', () => {
  it('is silent when Chromium and PostgreSQL are there', async () => {
    expect(await setup(await fakeRoot([APT, CHROMIUM, POSTGRES]))).toEqual({ code: 0, output: '' });
  });

  it('installs what is missing as root, quietly and without questions', async () => {
    const both = await setup(await fakeRoot([APT]));
    expect(both).toEqual({
      code: 0,
      output:
        'setup-test-deps: would run: apt-get update -qq && apt-get install -y -qq chromium postgresql\n',
    });
    const one = await setup(await fakeRoot([APT, CHROMIUM]));
    expect(one.output).toContain('apt-get install -y -qq postgresql\n');
  });

  it('runs apt-get non-interactively for real (here a stand-in on PATH that logs its calls)', async () => {
    const root = await fakeRoot([APT], {
      [APT]: 'echo "$DEBIAN_FRONTEND $*" >> "$TEST_DEPS_ROOT/apt.log"\n',
    });
    const result = await setup(root, { PATH: `${join(root, 'usr', 'bin')}:${process.env.PATH}` }, []);
    expect(result).toEqual({
      code: 0,
      output: 'setup-test-deps: installing chromium postgresql (Debian packages)\n',
    });
    expect(await readFile(join(root, 'apt.log'), 'utf8')).toBe(
      'noninteractive update -qq\nnoninteractive install -y -qq chromium postgresql\n',
    );
  });

  it('needs no Chromium when the browser tests are skipped on purpose', async () => {
    const result = await setup(await fakeRoot([APT, POSTGRES]), { SKIP_BROWSER_TESTS: '1' });
    expect(result).toEqual({ code: 0, output: '' });
  });

  it('stops with the exact command when it may not install', async () => {
    const result = await setup(await fakeRoot([APT]), { TEST_DEPS_UID: '1000' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/installing needs root\. Run:\n {2}(sudo |su -c ')apt-get update && /);
    expect(result.output).toContain('apt-get install -y chromium postgresql');
  });

  it('says what to install by hand without apt-get', async () => {
    const result = await setup(await fakeRoot([]));
    expect(result.code).toBe(1);
    expect(result.output).toContain('not a Debian-like system');
    expect(result.output).toContain('/usr/bin/chromium');
  });
});
