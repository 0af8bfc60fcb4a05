import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// One file per key, spread over 256 shard folders: a turn rewrites only its own small file, so the
// cost of a write does not grow with the number of stored conversations.
export function fileForKey(root: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return join(root, hash.slice(0, 2), `${hash}.json`);
}

/**
 * fileForKey for one folder, with the paths of recent keys remembered: every read and write of a
 * conversation asks for its file, and hashing costs more than the lookup.
 */
export class KeyFiles {
  private readonly paths = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly remembered = 10_000,
  ) {}

  path(key: string): string {
    let path = this.paths.get(key);
    if (path === undefined) {
      path = fileForKey(this.root, key);
      if (this.paths.size >= this.remembered) this.paths.delete(this.paths.keys().next().value as string);
      this.paths.set(key, path);
    }
    return path;
  }
}

/** Creates a key file's shard folder before its first write; once made, a write costs no mkdir. */
export class ShardFolders {
  private readonly made = new Set<string>();

  async ensureFor(file: string): Promise<void> {
    const folder = dirname(file);
    if (this.made.has(folder)) return;
    await mkdir(folder, { recursive: true });
    this.made.add(folder);
  }
}
