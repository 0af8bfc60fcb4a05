import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, startApp } from './helpers.js';

// A hand-damaged inquiry file: the member had been told it was received, so it is never dropped
// quietly. Set aside, logged at error, and counted for staff; the public /healthz stays minimal.

const tempDir = useTempDirs();

describe('damaged inquiry files', () => {
  it('are set aside, logged at error and reported to staff as "N inquiries could not be read"', async () => {
    const dataDir = await tempDir();
    const dir = join(dataDir, 'inquiries');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'Q20260101-AAAAAAAA.json'), '{"id": "Q20260101-AAAAAAAA", "topic": ');
    const log = memoryLogger('info');
    const app = await startApp(dataDir, {}, { logger: log.logger });

    const names = await readdir(dir);
    expect(names.some((n) => n.startsWith('Q20260101-AAAAAAAA.json.corrupt-'))).toBe(true);
    const errorLine = log
      .lines()
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.includes('inquiry file could not be read'));
    expect(errorLine?.level).toBe(50);

    const health = (await (await app.staff('/api/staff/health')).json()) as Record<string, unknown>;
    expect(health).toEqual({
      status: 'degraded',
      unreadableInquiries: 1,
      problems: ['1 inquiry could not be read'],
    });
    expect(await (await fetch(`${app.base}/healthz`)).json()).toEqual({ status: 'ok' });
    // Staff only.
    expect((await fetch(`${app.base}/api/staff/health`)).status).toBe(401);
  });

  it('reports ok when every inquiry was read', async () => {
    const app = await startApp(await tempDir());
    const health = (await (await app.staff('/api/staff/health')).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: 'ok', unreadableInquiries: 0, problems: [] });
  });
});
