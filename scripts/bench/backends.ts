// npm run bench:backends [-- --quick] [--rounds N] [--seconds S] [--only emulator|directline]
//
// Our bot on lowdb and on PostgreSQL in one run: the same load as `npm run bench`, the two servers
// taking turns round by round, so both see the same machine. Prints the server's CPU per turn on each
// backend and their ratio (target: PostgreSQL <= 1.5 × lowdb), the median of the rounds' ratios, and
// PostgreSQL's own CPU per turn on a line of its own. Two runs of `npm run bench` cannot give that
// ratio: the machine's speed between them moves every figure more than the backend does.
// All traffic goes to 127.0.0.1; the cluster and the temporary folders are removed at the end.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres, type TestPostgres } from '../lib/throwawayPostgres.js';
import { parseBenchArgs } from './lib/args.js';
import { BenchConnector } from './lib/connector.js';
import { type LoadResult, mergeResults, runLoad } from './lib/load.js';
import { benchServerEnv, ServerProcess } from './lib/serverProcess.js';
import { settle } from './lib/settle.js';
import { fmt, pairedRatio, table, verdict } from './lib/stats.js';

const CPU_TARGET = 1.5;
type Backend = 'lowdb' | 'postgres';

const args = parseBenchArgs(process.argv.slice(2));
const root = await mkdtemp(join(tmpdir(), 'member-help-bench-backends-'));
const connector = new BenchConnector();
const servers: ServerProcess[] = [];
let postgres: TestPostgres | undefined;

const hardLimit = setTimeout(() => {
  console.error(`bench:backends: time limit of ${args.timeLimitMs / 60_000} min reached, stopping`);
  for (const s of servers) void s.stop();
  void postgres?.destroy();
  void rm(root, { recursive: true, force: true }).finally(() => process.exit(2));
}, args.timeLimitMs);
hardLimit.unref();

let exitCode = 0;
try {
  await connector.start();
  postgres = await startTestPostgres();
  const start = async (backend: Backend) => {
    const env: Record<string, string> = {
      ...benchServerEnv(args.logLevel),
      DIRECTLINE_TOKEN_SECRET: randomBytes(32).toString('hex'),
    };
    if (backend === 'postgres')
      Object.assign(env, { STORAGE: 'postgres', DATABASE_URL: await postgres!.createDatabase('bench_ours') });
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
    const rounds: Record<Backend, LoadResult[]> = { lowdb: [], postgres: [] };
    let pgCpuMs = 0;
    for (let round = 0; round < args.rounds; round++) {
      for (const [backend, server] of round % 2 === 0 ? targets : [...targets].reverse()) {
        await settle();
        const pgBefore = await postgres.cpuMs();
        const result = await runLoad({
          protocol,
          server,
          connector,
          concurrency: args.concurrency,
          warmupMs: round === 0 ? args.warmupMs : Math.min(args.warmupMs, 2000),
          measureMs: args.measureMs,
          maxTurns: args.maxTurns,
          tag: `${backend}-${protocol}-${round}`,
        });
        if (backend === 'postgres') pgCpuMs += (await postgres.cpuMs()) - pgBefore;
        rounds[backend].push(result);
        console.log(
          `  ${protocol} round ${round + 1}/${args.rounds} ${backend}: ${fmt(result.turnsPerSec, 0)} turns/s, ` +
            `server CPU ${fmt(result.serverCpuMsPerTurn, 2)} ms/turn` +
            `${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}`,
        );
      }
    }
    const merged = { lowdb: mergeResults(rounds.lowdb), postgres: mergeResults(rounds.postgres) };
    for (const backend of ['lowdb', 'postgres'] as const) {
      const r = merged[backend];
      rows.push([
        `${backend} / ${name}`,
        fmt(r.turnsPerSec, 0),
        fmt(r.latency.p50, 1),
        fmt(r.latency.p99, 1),
        fmt(r.serverCpuMsPerTurn, 2),
        backend === 'postgres' ? fmt(pgCpuMs / r.turns, 2) : '—',
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
      `info  PostgreSQL's own CPU per turn ${name}: ${fmt(pgCpuMs / merged.postgres.turns, 2)} ms ` +
        '(its processes over the whole runs, warm-up included, per measured turn: an upper bound)',
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
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)));
  await connector.stop();
  await postgres?.destroy();
  await rm(root, { recursive: true, force: true });
}
process.exitCode = exitCode;
