import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
const apps: App[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(): Promise<string> {
  const app = await createApp(testConfig(await tempDir()));
  apps.push(app);
  return app.listen(0, '127.0.0.1');
}

/** The href of every <link rel="icon"> in a page. */
function iconLinks(html: string): string[] {
  return [...html.matchAll(/<link rel="icon" href="([^"]+)"/g)].map((m) => m[1] ?? '');
}

describe('favicon', () => {
  it('is served at /favicon.ico as an icon file', async () => {
    const base = await start();
    const res = await fetch(`${base}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    const body = Buffer.from(await res.arrayBuffer());
    // ICO header: reserved 0, type 1 (icon), at least one image.
    expect([body.readUInt16LE(0), body.readUInt16LE(2)]).toEqual([0, 1]);
    expect(body.readUInt16LE(4)).toBeGreaterThan(0);
  });

  it.each(['/', '/staff'])('is linked from %s, and every linked icon loads', async (path) => {
    const base = await start();
    const links = iconLinks(await (await fetch(`${base}${path}`)).text());
    expect(links).toContain('/favicon.ico');
    for (const href of links) {
      const res = await fetch(`${base}${href}`);
      expect(res.status, href).toBe(200);
      expect(res.headers.get('content-type'), href).toMatch(/^image\//);
    }
  });
});
