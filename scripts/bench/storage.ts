// npm run bench:storage [-- --quick] [--turns N] [--large N]
// Per-turn state read + write of LowdbStorage with 1k vs 100k stored conversations (target ratio <= 1.5).
// Works in its own temporary folder, removed at the end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { runStorageBench, storageReport } from './lib/storageBench.js';

const args = parseBenchArgs(process.argv.slice(2));
const root = await mkdtemp(join(tmpdir(), 'member-help-bench-storage-'));
const hardLimit = setTimeout(() => {
  console.error('bench:storage: time limit reached, stopping');
  void rm(root, { recursive: true, force: true }).finally(() => process.exit(2));
}, args.timeLimitMs);
hardLimit.unref();
try {
  console.log(
    `storage scaling: ${args.storageSmall} vs ${args.storageLarge} conversations, ${args.storageTurns} turns each`,
  );
  const result = await runStorageBench({
    dir: root,
    small: args.storageSmall,
    large: args.storageLarge,
    turns: args.storageTurns,
    rounds: args.storageRounds,
    log: (line) => console.log(line),
  });
  console.log('');
  for (const line of storageReport(result)) console.log(line);
  process.exitCode = result.ratio <= 1.5 ? 0 : 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
