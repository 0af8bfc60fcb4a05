// npm run bench [-- --quick] [--concurrency N] [--seconds S] [--warmup S] [--skip-storage] [--cpu-prof]
//                [--only emulator|directline] [--storage lowdb|postgres] [--instances 1|2] [--calibrate]
//                [--server-flags "<node flags>"] [--fresh]
//
// Three bots on the same server stack: ours, a stateless echo and a core-bot-style stateful reference
// (a waterfall of text prompts, ConversationState on the same backend). With --storage postgres every
// bot gets its own database on a throwaway local cluster (its CPU is reported on its own line); with
// --instances 2 each bot runs as two processes on its database and requests rotate over them. With
// --calibrate the stateful reference also runs in ours' place: its ratios show the bench's own error.
// With --fresh every run gets freshly started server processes (same DATA_DIR and database), so a
// process's own speed becomes noise between rounds instead of a bias between bots.
//
// Bounded load over loopback against the bot server (restify + CloudAdapter + local Direct Line, the
// bot in a child process with its own temporary DATA_DIR), then the same load against a plain echo
// ActivityHandler on the same server stack; prints turns/s, p50/p99 per-turn latency, server CPU and
// RSS, the ratio ours/echo (target >= 0.85); then the bot's own CPU per turn without HTTP (what bounds
// that ratio), then storage scaling 1k vs 100k conversations (<= 1.5).
// All traffic goes to 127.0.0.1; every phase is bounded in time; temporary folders are removed.

import { mkdtemp } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs } from './lib/args.js';
import { BenchResources } from './lib/benchResources.js';
import { type LoadResult, mergeResults, sampledPerTurn } from './lib/load.js';
import { runRounds } from './lib/rounds.js';
import { MEAN_TURNS_PER_SCRIPT, SCRIPTS } from './lib/scripts.js';
import {
  type BenchTarget,
  benchServerEnv,
  RelaunchedTarget,
  ServerGroup,
  ServerProcess,
} from './lib/serverProcess.js';
import { fmt, mb, pairedRatio, table, verdict } from './lib/stats.js';
import { runStorageBench, storageReport } from './lib/storageBench.js';
import { measureTurnCost, ratioCeiling } from './lib/turnCost.js';

const THROUGHPUT_TARGET = 0.85;
const STATEFUL_TARGET = { lowdb: 0.9, postgres: 0.85 } as const;
const RSS_HEADROOM = 100 * 1024 * 1024;
type Bot = 'ours' | 'echo' | 'stateful';
const STORAGE_TARGET = 1.5;

const args = parseBenchArgs(process.argv.slice(2));

const bench = await BenchResources.create('bench', 'member-help-bench-', args.timeLimitMs);
const { root, servers, connector } = bench;
const profDir = args.cpuProf ? await mkdtemp(join(tmpdir(), 'member-help-bench-prof-')) : undefined;

const cpu = cpus();
console.log(
  `machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${process.platform}`,
);
console.log(
  `server: LOG_LEVEL=${args.logLevel} (stdout discarded), RATE_LIMIT_IP_REQUESTS raised to 1e9` +
    (args.serverFlags.length ? `, node flags ${args.serverFlags.join(' ')}` : ''),
);
console.log(
  `load: ${args.concurrency} concurrent conversations; per bot and protocol warm-up ${args.warmupMs / 1000} s, then ${args.rounds} measured rounds of ${args.measureMs / 1000} s, the bots taking turns; ` +
    `${SCRIPTS.length} scripts (ja/en), ${fmt(MEAN_TURNS_PER_SCRIPT, 1)} message turns each on average`,
);

let exitCode = 0;
try {
  await connector.start();
  const postgres = args.storage === 'postgres' ? await bench.startPostgres() : undefined;
  console.log(
    `storage: ${args.storage}${postgres ? ' (throwaway local cluster, a database per bot)' : ''}; instances per bot: ${args.instances}`,
  );
  if (args.calibrate)
    console.log(
      "calibration: the stateful reference also runs in ours' place, so ours/stateful-ref should read 1.00; " +
        "its distance from 1 is the bench's own error on this machine",
    );
  // Each bot's instances, started one after the other (start-up builds the NLU model).
  const idle: Record<Bot, number> = { ours: 0, echo: 0, stateful: 0 };
  const startBot = async (bot: Bot): Promise<BenchTarget> => {
    const env = benchServerEnv(args.logLevel);
    if (postgres)
      Object.assign(env, {
        STORAGE: 'postgres',
        DATABASE_URL: await postgres.createDatabase(`bench_${bot}`),
      });
    const launch = async (): Promise<BenchTarget> => {
      const members: ServerProcess[] = [];
      for (let i = 0; i < args.instances; i++) {
        const mode = bot === 'ours' && args.calibrate ? 'stateful' : bot;
        members.push(
          await ServerProcess.start(mode, join(root, `${bot}-${i}`), {
            cpuProfDir: profDir,
            env,
            nodeFlags: args.serverFlags,
          }),
        );
      }
      return members.length === 1 ? members[0]! : new ServerGroup(members);
    };
    let target: BenchTarget;
    if (args.fresh) {
      const relaunched = await RelaunchedTarget.create(launch);
      target = relaunched.target;
      idle[bot] = relaunched.idle.rss;
    } else {
      target = await launch();
      idle[bot] = (await target.stats()).rss;
    }
    servers.push(target);
    return target;
  };
  const ours = await startBot('ours');
  const echo = await startBot('echo');
  const stateful = await startBot('stateful');
  console.log(
    `server RSS after start-up: ours ${mb(idle.ours)}, echo ${mb(idle.echo)}, stateful reference ${mb(idle.stateful)}` +
      (args.fresh ? '; every run on freshly started server processes' : ''),
  );

  const results: Array<{ target: Bot; result: LoadResult; perRound: number[] }> = [];
  const bots = [
    ['stateful', stateful],
    ['ours', ours],
    ['echo', echo],
  ] as const;
  for (const protocol of args.protocols) {
    const rounds = await runRounds({
      targets: bots,
      protocol,
      connector,
      args,
      postgres,
    });
    for (const target of ['ours', 'echo', 'stateful'] as const) {
      const result = mergeResults(rounds[target]);
      const perRound = rounds[target].map((r) => r.turnsPerSec);
      results.push({ target, result, perRound });
    }
  }
  await Promise.all(servers.splice(0).map((s) => s.stop()));

  console.log('\nLoad (per-turn latency: see README "Load and storage benchmarks")\n');
  console.log(
    table(
      [
        'bot / protocol',
        'turns/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'replies/turn',
        'server CPU ms/turn',
        'server peak RSS',
        'heap used at end',
        'errors',
      ],
      results.map(({ target, result: r }) => [
        `${target === 'stateful' ? 'stateful-ref' : target} / ${r.protocol === 'emulator' ? '/api/messages' : 'Direct Line'}`,
        fmt(r.turnsPerSec, 0),
        fmt(r.latency.p50, 1),
        fmt(r.latency.p99, 1),
        fmt(r.latency.max, 0),
        fmt(r.repliesPerTurn, 2),
        fmt(r.serverCpuMsPerTurn, 2),
        `${mb(r.server.peakRss)} (JS heap ${mb(r.server.peakHeapTotal)})`,
        mb(r.server.heapUsed),
        String(r.errors + r.errorReplies),
      ]),
    ),
  );

  const summary: string[] = [];
  for (const protocol of args.protocols) {
    const name = protocol === 'emulator' ? '/api/messages' : 'Direct Line';
    const run = (bot: Bot) => results.find((r) => r.target === bot && r.result.protocol === protocol)!;
    const ourRun = run('ours');
    const ourResult = ourRun.result;
    const echoResult = run('echo').result;
    const statefulRun = run('stateful');
    const clean = (...rs: LoadResult[]) => rs.every((r) => r.errors + r.errorReplies === 0);
    // The verdict is the median of the rounds' ratios: each pair ran back to back, and one round the
    // machine disturbed (another process, the disk writing back) moves a sum but not the median.
    const compare = (ref: Bot, label: string, target: number, note: string) => {
      const refRun = run(ref);
      const paired = pairedRatio(ourRun.perRound, refRun.perRound);
      const pass = paired.median >= target && clean(ourResult, refRun.result);
      if (!pass) exitCode = 1;
      summary.push(
        `${verdict(pass)}  throughput ${name}: ours/${label} = ${fmt(paired.median, 2)} (median of ` +
          `${paired.rounds.length} paired rounds: ${paired.rounds.map((r) => fmt(r, 2)).join(', ')}; ` +
          `all rounds ${fmt(ourResult.turnsPerSec, 0)}/${fmt(refRun.result.turnsPerSec, 0)} turns/s = ` +
          `${fmt(ourResult.turnsPerSec / refRun.result.turnsPerSec, 2)}) (target >= ${target}${note})` +
          `${clean(ourResult, refRun.result) ? '' : ' — errors during the run'}`,
      );
    };
    compare('echo', 'echo', THROUGHPUT_TARGET, '');
    compare('stateful', 'stateful-ref', STATEFUL_TARGET[args.storage], ` on ${args.storage}`);
    if (postgres) {
      summary.push(
        `info  PostgreSQL CPU per turn ${name}: ours ${fmt(sampledPerTurn(ourResult), 2)} ms, echo ` +
          `${fmt(sampledPerTurn(echoResult), 2)} ms, stateful-ref ${fmt(sampledPerTurn(statefulRun.result), 2)} ms ` +
          "(the database's own processes, beside the server's)",
      );
    }
    const rssPass = ourResult.server.peakRss <= idle.ours + RSS_HEADROOM;
    summary.push(
      `${verdict(rssPass)}  server peak RSS ${name}: ours ` +
        `${mb(ourResult.server.peakRss)} (idle ${mb(idle.ours)}; target <= idle + 100 MB)`,
    );
    const cpu = (r: LoadResult) => r.serverCpuMsPerTurn;
    summary.push(
      `info  server CPU per turn ${name}: ours ${fmt(cpu(ourResult), 2)} ms, echo ${fmt(cpu(echoResult), 2)} ms, ` +
        `stateful-ref ${fmt(cpu(statefulRun.result), 2)} ms (echo/ours = ${fmt(cpu(echoResult) / cpu(ourResult), 2)}, ` +
        `stateful-ref/ours = ${fmt(cpu(statefulRun.result) / cpu(ourResult), 2)}: the throughput ratios if each ` +
        'server had the machine to itself)',
    );
    const main = (r: LoadResult) => (r.turns ? r.server.mainThreadCpuMs / r.turns : Number.NaN);
    const rest = (r: LoadResult) => cpu(r) - main(r);
    if (Number.isFinite(main(ourResult))) {
      summary.push(
        `info  of which main thread / other threads (file-system pool, GC helpers) ${name}: ours ` +
          `${fmt(main(ourResult), 2)} / ${fmt(rest(ourResult), 2)} ms, echo ${fmt(main(echoResult), 2)} / ` +
          `${fmt(rest(echoResult), 2)} ms, stateful-ref ${fmt(main(statefulRun.result), 2)} / ` +
          `${fmt(rest(statefulRun.result), 2)} ms`,
      );
    }
  }

  // Why the ratio is what it is: the bot's own CPU per turn, measured without HTTP, against the echo
  // server's whole turn. With both servers CPU-bound, no bot that costs this much can do better.
  console.log(
    '\nThe bot alone (in-process TestAdapter, no HTTP; ours vs echo and the stateful reference, rotating rounds)\n',
  );
  const turnCost = await measureTurnCost({
    dataDir: join(root, 'turn-cost'),
    rounds: args.quick ? 5 : 9,
    passesPerRound: args.quick ? 15 : 30,
  });
  console.log(
    `ours ${fmt(turnCost.oursMs, 3)} ms CPU per turn, echo ${fmt(turnCost.echoMs, 3)} ms: ` +
      `the bot's own work is ${fmt(turnCost.botLogicMs, 2)} ms per turn; stateful reference ` +
      `${fmt(turnCost.statefulMs, 3)} ms (ours − it: ${fmt(turnCost.oursMs - turnCost.statefulMs, 2)} ms)`,
  );
  for (const protocol of args.protocols) {
    const echoResult = results.find((r) => r.target === 'echo' && r.result.protocol === protocol)!.result;
    const ceiling = ratioCeiling(echoResult.serverCpuMsPerTurn, turnCost.botLogicMs);
    summary.push(
      `info  ceiling ${protocol === 'emulator' ? '/api/messages' : 'Direct Line'}: echo server ` +
        `${fmt(echoResult.serverCpuMsPerTurn, 2)} ms + the bot's own ${fmt(turnCost.botLogicMs, 2)} ms per turn ` +
        `→ ours/echo <= ${fmt(ceiling, 2)} at best; ${THROUGHPUT_TARGET} would need the bot's own work <= ` +
        `${fmt(echoResult.serverCpuMsPerTurn * (1 / THROUGHPUT_TARGET - 1), 2)} ms per turn`,
    );
  }

  if (!args.skipStorage) {
    console.log(
      `\nStorage scaling (LowdbStorage, one state read + write per turn, ${args.storageTurns} turns per size)\n`,
    );
    const storage = await runStorageBench({
      dir: join(root, 'storage'),
      small: args.storageSmall,
      large: args.storageLarge,
      turns: args.storageTurns,
      rounds: args.storageRounds,
    });
    const lines = storageReport(storage, STORAGE_TARGET);
    console.log(lines.slice(0, -1).join('\n'));
    summary.push(lines.at(-1)!);
    if (storage.ratio > STORAGE_TARGET) exitCode = 1;
  }

  console.log('\nSummary');
  for (const line of summary) console.log(line);
  if (profDir) {
    console.log(
      `\nCPU profiles of the servers (measured phases only): ${profDir}/{ours,echo,stateful}-0.cpuprofile`,
    );
    console.log(`  summary: npx tsx scripts/bench/profile-summary.ts ${profDir}/ours-0.cpuprofile`);
  }
} catch (err) {
  console.error(`bench failed: ${(err as Error).stack ?? err}`);
  exitCode = 2;
} finally {
  await bench.close();
}
process.exitCode = exitCode;
