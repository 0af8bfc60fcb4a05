// npm run bench:backends [-- --quick] [--rounds N] [--seconds S] [--only emulator|directline]
//
// Our bot on lowdb and on PostgreSQL in one run: the same load as `npm run bench`, the two servers
// taking turns round by round, so both see the same machine. Prints the server's CPU per turn on each
// backend and their ratio (target: PostgreSQL <= 1.5 × lowdb), the median of the rounds' ratios, and
// PostgreSQL's own CPU per turn on a line of its own. Two runs of `npm run bench` cannot give that
// ratio: the machine's speed between them moves every figure more than the backend does.
// All traffic goes to 127.0.0.1; the cluster and the temporary folders are removed at the end.

import { join } from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { BenchResources } from './lib/benchResources.js';
import { mergeResults, sampledPerTurn } from './lib/load.js';
import { runRounds } from './lib/rounds.js';
import { benchServerEnv, ServerProcess } from './lib/serverProcess.js';
import { fmt, pairedRatio, table, verdict } from './lib/stats.js';

const CPU_TARGET = 1.5;

const args = parseBenchArgs(process.argv.slice(2));
const bench = await BenchResources.create('bench:backends', 'member-help-bench-backends-', args.timeLimitMs);
const { root, servers, connector } = bench;

let exitCode = 0;
try {
  await connector.start();
  const postgres = await bench.startPostgres();
  const start = async (backend: 'lowdb' | 'postgres') => {
    const env = benchServerEnv(args.logLevel);
    if (backend === 'postgres')
      Object.assign(env, { STORAGE: 'postgres', DATABASE_URL: await postgres.createDatabase('bench_ours') });
    const server = await ServerProcess.start('ours', join(root, backend), {
      env,
      nodeFlags: args.serverFlags,
    });
    servers.push(server);
    return server;
  };
  const targets = [
    ['lowdb', await start('lowdb')],
    ['postgres', await start('postgres')],
  ] as const;
  console.log(
    `our bot on lowdb and on PostgreSQL (throwaway local cluster): ${args.concurrency} concurrent conversations, ` +
      `${args.rounds} rounds of ${args.measureMs / 1000} s each, the two taking turns`,
  );

  const summary: string[] = [];
  const rows: string[][] = [];
  for (const protocol of args.protocols) {
    const name = protocol === 'emulator' ? '/api/messages' : 'Direct Line';
    const rounds = await runRounds({ targets, protocol, connector, args, postgres });
    const merged = { lowdb: mergeResults(rounds.lowdb), postgres: mergeResults(rounds.postgres) };
    for (const backend of ['lowdb', 'postgres'] as const) {
      const r = merged[backend];
      rows.push([
        `${backend} / ${name}`,
        fmt(r.turnsPerSec, 0),
        fmt(r.latency.p50, 1),
        fmt(r.latency.p99, 1),
        fmt(r.serverCpuMsPerTurn, 2),
        backend === 'postgres' ? fmt(sampledPerTurn(r), 2) : '—',
        String(r.errors + r.errorReplies),
      ]);
    }
    const cpu = pairedRatio(
      rounds.postgres.map((r) => r.serverCpuMsPerTurn),
      rounds.lowdb.map((r) => r.serverCpuMsPerTurn),
    );
    const clean = [merged.lowdb, merged.postgres].every((r) => r.errors + r.errorReplies === 0);
    const pass = cpu.median <= CPU_TARGET && clean;
    if (!pass) exitCode = 1;
    summary.push(
      `${verdict(pass)}  server CPU per turn ${name}: PostgreSQL/lowdb = ${fmt(cpu.median, 2)} (median of ` +
        `${cpu.rounds.length} paired rounds: ${cpu.rounds.map((r) => fmt(r, 2)).join(', ')}; all rounds ` +
        `${fmt(merged.postgres.serverCpuMsPerTurn, 2)}/${fmt(merged.lowdb.serverCpuMsPerTurn, 2)} ms) ` +
        `(target <= ${CPU_TARGET})${clean ? '' : ' — errors during the run'}`,
    );
    summary.push(
      `info  PostgreSQL's own CPU per turn ${name}: ${fmt(sampledPerTurn(merged.postgres), 2)} ms ` +
        '(its processes over the measured phases)',
    );
  }
  console.log(
    `\n${table(['backend / protocol', 'turns/s', 'p50 ms', 'p99 ms', 'server CPU ms/turn', 'PostgreSQL CPU ms/turn', 'errors'], rows)}`,
  );
  console.log('\nSummary');
  for (const line of summary) console.log(line);
} catch (err) {
  console.error(`bench:backends failed: ${(err as Error).stack ?? err}`);
  exitCode = 2;
} finally {
  await bench.close();
}
process.exitCode = exitCode;
