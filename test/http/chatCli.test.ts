import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { freePort } from '../support/freePort.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

// `npm run chat` against a running bot: it finds the bot on PORT like the server does, or at --url.

const tempDir = useTempDirs();
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function startBot(): Promise<string> {
  const app = await createApp(testConfig(await tempDir()));
  apps.push(app);
  return app.listen(0, '127.0.0.1');
}

/** Runs the chat with stdin closed at once: it shows the welcome, then quits as on Ctrl+D. */
function runChat(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chat.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
}

describe('npm run chat', { timeout: 60_000 }, () => {
  it('talks to the bot on PORT', async () => {
    const base = await startBot();
    const { code, output } = await runChat({ PORT: new URL(base).port });
    expect(output).toContain(`Chatting with ${base}/api/messages`);
    expect(output).toContain('bot>');
    expect(code).toBe(0);
  });

  it('prefers --url to PORT', async () => {
    const base = await startBot();
    const { code, output } = await runChat({ PORT: String(await freePort()) }, [
      '--url',
      `${base}/api/messages`,
    ]);
    expect(output).toContain('bot>');
    expect(code).toBe(0);
  });

  it('says how to point it at the bot when nothing answers', async () => {
    const port = await freePort();
    const { code, output } = await runChat({ PORT: String(port) });
    expect(code).toBe(1);
    expect(output).toContain(`Cannot reach the bot at http://127.0.0.1:${port}/api/messages (ECONNREFUSED)`);
    expect(output).toContain('--url');
  });
});
