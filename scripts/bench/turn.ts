// npm run bench:turn [-- --quick]
// CPU per message turn of the bot itself (no HTTP): our bot vs the echo bot and the stateful reference behind botbuilder's
// in-memory TestAdapter with the same middleware, alternating rounds; prints both and the difference.
// Works in its own temporary DATA_DIR, removed at the end.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { fmt } from './lib/stats.js';
import { measureTurnCost } from './lib/turnCost.js';

const args = parseBenchArgs(process.argv.slice(2));
const root = await mkdtemp(join(tmpdir(), 'member-help-bench-turn-'));
const hardLimit = setTimeout(() => {
  console.error('bench:turn: time limit reached, stopping');
  void rm(root, { recursive: true, force: true }).finally(() => process.exit(2));
}, args.timeLimitMs);
hardLimit.unref();
try {
  const cost = await measureTurnCost({
    dataDir: root,
    rounds: args.quick ? 5 : 11,
    passesPerRound: args.quick ? 20 : 40,
  });
  console.log(`in-process turns (TestAdapter, no HTTP), ${cost.turns} measured turns of ours`);
  console.log(
    `  ours: ${fmt(cost.oursMs, 3)} ms CPU per turn (${fmt(cost.repliesPerTurn, 2)} replies per turn)`,
  );
  console.log(`  echo: ${fmt(cost.echoMs, 3)} ms CPU per turn (1.00 reply per turn)`);
  console.log(`  stateful reference: ${fmt(cost.statefulMs, 3)} ms CPU per turn (1.00 reply per turn)`);
  console.log(`  the bot's own work: ${fmt(cost.botLogicMs, 3)} ms per turn`);
  console.log(`  ours − stateful reference: ${fmt(cost.oursMs - cost.statefulMs, 3)} ms per turn`);
} finally {
  await rm(root, { recursive: true, force: true });
}
