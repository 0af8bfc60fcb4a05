import { createHash } from 'node:crypto';
import { join } from 'node:path';

// One file per key, spread over 256 shard folders: a turn rewrites only its own small file, so the
// cost of a write does not grow with the number of stored conversations.
export function fileForKey(root: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return join(root, hash.slice(0, 2), `${hash}.json`);
}
