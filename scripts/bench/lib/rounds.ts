import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestPostgres } from '../../lib/throwawayPostgres.js';
import type { BenchArgs } from './args.js';
import type { BenchConnector } from './connector.js';
import { type LoadResult, type Protocol, runLoad } from './load.js';
import type { BenchTarget } from './serverProcess.js';
import { fmt } from './stats.js';

const execFileAsync = promisify(execFile);

/**
 * Each target's measured rounds, in order. The targets take turns in short rounds, the order rotated each round (A B C, B C A, C A B, …) so each
 * runs in every position equally often and never twice in a row: a server that has just run starts
 * its next run warm (its heap grown, its caches hot), the others do not. Each run starts on a settled
 * machine (the previous run's files written out to disk first).
 */
export async function runRounds<K extends string>(options: {
  targets: ReadonlyArray<readonly [K, BenchTarget]>;
  protocol: Protocol;
  connector: BenchConnector;
  args: Pick<BenchArgs, 'rounds' | 'concurrency' | 'warmupMs' | 'measureMs' | 'maxTurns'>;
  postgres?: TestPostgres;
}): Promise<Record<K, LoadResult[]>> {
  const { targets, protocol, args, postgres } = options;
  const rounds = Object.fromEntries(targets.map(([name]) => [name, []])) as unknown as Record<
    K,
    LoadResult[]
  >;
  for (let round = 0; round < args.rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const [name, server] = targets[(i + round) % targets.length]!;
      await server.beginRun?.();
      await settle();
      const fresh = server.beginRun !== undefined;
      const result = await runLoad({
        protocol,
        server,
        connector: options.connector,
        concurrency: args.concurrency,
        // A server that ran before needs a short warm-up only; a fresh process the whole one.
        warmupMs: round === 0 || fresh ? args.warmupMs : Math.min(args.warmupMs, 2000),
        measureMs: args.measureMs,
        maxTurns: args.maxTurns,
        tag: `${name}-${protocol}-${round}`,
        // PostgreSQL's processes over the measured phase: its CPU per measured turn.
        sample: postgres ? () => postgres.cpuMs() : undefined,
      });
      await server.endRun?.();
      rounds[name].push(result);
      console.log(
        `  ${protocol} round ${round + 1}/${args.rounds} ${name}: ${fmt(result.turnsPerSec, 0)} turns/s, ` +
          `server CPU ${fmt(result.serverCpuMsPerTurn, 2)} ms/turn` +
          `${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`,
      );
    }
  }
  return rounds;
}

/** Before each run: the previous run's state files written out, so their writeback lands on nobody. */
async function settle(): Promise<void> {
  await execFileAsync('sync').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
