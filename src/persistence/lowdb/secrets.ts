import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../types.js';

// Generated secrets in DATA_DIR/secrets/<name>.json ({"value": …}), readable by the bot's user only
// (0600). Created with O_EXCL: two processes starting at once on one DATA_DIR end up with one secret.

async function readSecret(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const value = (JSON.parse(text) as { value?: unknown }).value;
  if (typeof value !== 'string' || !value)
    throw new Error(`${file} holds no secret; remove it to make a new one`);
  return value;
}

export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  async getOrCreate(name: string, make: () => string): Promise<string> {
    if (!/^[a-z0-9-]{1,64}$/.test(name)) throw new Error(`bad secret name ${name}`);
    const file = join(this.dir, `${name}.json`);
    const existing = await readSecret(file);
    if (existing) return existing;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const value = make();
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ value }), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await readSecret(file)) ?? value;
    }
  }
}
