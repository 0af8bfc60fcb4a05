import { describe, expect, it, vi } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { useTempDirs } from '../support/tempDir.js';
import { startApp } from './helpers.js';

// Storage that fails (a read-only or full disk): staff get a clear 503, the member the apology with
// the phone number, and both work again once storage is back. The failure is injected (tests run as
// root, which file permissions do not stop).

const tempDir = useTempDirs();
const failed = loadKnowledge().flows.handoff.texts.failed.ja.split('、')[0]!;
const erofs = () =>
  Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS', syscall: 'open' });

describe('storage failures', () => {
  it('staff API: 503 JSON with Retry-After and no internals; fine again when storage is back', async () => {
    const app = await startApp(await tempDir());
    const list = vi.spyOn(app.app.inquiries, 'list').mockImplementationOnce(() => {
      throw erofs();
    });
    const res = await app.staff('/api/staff/inquiries');
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('StorageUnavailable');
    expect(body.error.message).not.toMatch(/EROFS|open/);
    expect((await app.staff('/api/staff/inquiries')).status).toBe(200);
    list.mockRestore();
  });

  it('member: the apology with the phone number, nothing claimed as received; the next try is filed', async () => {
    const app = await startApp(await tempDir());
    const create = vi.spyOn(app.app.inquiries, 'create').mockRejectedValueOnce(erofs());
    const leave = async (id: string) => {
      const before = app.connector.calls.length;
      for (const text of ['担当者と話したい', 'ログインできません', 'はい'])
        expect((await app.say(id, text)).status).toBe(200);
      return app.connector.calls
        .slice(before)
        .map((c) => String(c.body.text ?? ''))
        .join('\n');
    };
    const first = await leave('disk-full');
    expect(first).toContain(failed);
    expect(first).toContain('0120-24-0365');
    expect(first).not.toMatch(/受付番号：Q/);
    expect(await leave('disk-back')).toMatch(/受付番号：Q/);
    expect(create).toHaveBeenCalledTimes(2);
  });
});

describe('/healthz', () => {
  it('stays minimal: ok, or 503 while DATA_DIR cannot be written, ok again after', async () => {
    const { rename } = await import('node:fs/promises');
    const app = await startApp(await tempDir());
    expect(await (await fetch(`${app.base}/healthz`)).json()).toEqual({ status: 'ok' });
    await rename(app.dataDir, `${app.dataDir}-away`);
    const down = await fetch(`${app.base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable' });
    await rename(`${app.dataDir}-away`, app.dataDir);
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
  });
});
