import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PROJECT_ROOT } from '../../src/paths.js';

// The real server (`src/index.ts` under tsx) as a child process on a free port, for tests that kill
// it (-9), restart it, or run two instances side by side. Children inherit NODE_ENV=test from vitest.

export interface ServerProcess {
  child: ChildProcess;
  base: string;
  port: number;
  exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** Kills every child still running (call from afterEach / afterAll). */
export function killServerProcesses(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startServerProcess(env: Record<string, string>, port?: number): Promise<ServerProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const base = `http://127.0.0.1:${chosen}`;
  for (let i = 0; i < 600; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up)
      return {
        child,
        base,
        port: chosen,
        exited,
        output: () => output,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start:\n${output}`);
}
