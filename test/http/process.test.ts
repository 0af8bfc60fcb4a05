import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/paths.js';
import { freePort } from '../support/freePort.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('the server process', { timeout: 60_000 }, () => {
  it('serves, then shuts down cleanly on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const dataDir = await tempDir();
    const server = startServer({ PORT: String(port), DATA_DIR: dataDir });
    let healthy = false;
    for (let i = 0; i < 300 && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect(healthy).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shutting down');
    // An idle server writes one file: the Direct Line token secret it generated, for its owner only.
    const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
    expect(entries.filter((e) => e.isFile()).map((e) => e.name)).toEqual(['directline-token-secret.json']);
    const secretFile = join(dataDir, 'secrets', 'directline-token-secret.json');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
  });

  it('says which port is taken when another process holds it', { timeout: 60_000 }, async () => {
    const holder = createServer().listen(0, '0.0.0.0');
    await new Promise((resolve) => holder.once('listening', resolve));
    const { port } = holder.address() as { port: number };
    const server = startServer({ PORT: String(port), DATA_DIR: await tempDir() });
    const code = await server.exited;
    holder.close();
    expect(code).toBe(1);
    expect(server.output()).toContain(`Port ${port} is already in use`);
    expect(server.output()).toContain('PORT=4000 npm start');
  });

  it('refuses to start with a bad variable and names it', async () => {
    const server = startServer({ PORT: 'eighty', DATA_DIR: await tempDir() });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/PORT: .*"eighty"/);
  });
});
