import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RecentMap } from '../recentMap.js';

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
  private readonly paths: RecentMap<string, string>;

  constructor(
    private readonly root: string,
    remembered = 10_000,
  ) {
    this.paths = new RecentMap(remembered);
  }

  path(key: string): string {
    let path = this.paths.get(key);
    if (path === undefined) {
      path = fileForKey(this.root, key);
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
