import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../types.js';

// Generated secrets in DATA_DIR/secrets/<name>, readable by the bot's user only (0600). Created with
// O_EXCL: two processes starting at once on one DATA_DIR end up with the same secret.

export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  async getOrCreate(name: string, make: () => string): Promise<string> {
    if (!/^[a-z0-9-]{1,64}$/.test(name)) throw new Error(`bad secret name ${name}`);
    const file = join(this.dir, name);
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    if (existing?.trim()) return existing.trim();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const value = make();
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(value, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      return value;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await readFile(file, 'utf8')).trim();
    }
  }
}
