// Child process of `npm run bench`: one bot server on 127.0.0.1 (an OS-chosen port) with its own
// DATA_DIR, driven over IPC by scripts/bench/run.ts. argv: <ours|echo> <dataDir>.
// Exits when the parent says stop or goes away, so it never outlives the benchmark.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createApp } from '../../src/app.js';
import { parseConfig } from '../../src/config.js';
import { signToken } from '../../src/directline/tokens.js';
import { boundHeapGrowth, collectStartupGarbage } from '../../src/heapGrowth.js';
import { EchoBot } from './lib/echoBot.js';
import type { ParentMessage, ServerMessage, ServerStats } from './lib/protocol.js';
import { StatefulReferenceBot } from './lib/statefulRefBot.js';
import { mainThreadCpuMs } from './lib/threadCpu.js';

const [mode, dataDir] = process.argv.slice(2);
if ((mode !== 'ours' && mode !== 'echo' && mode !== 'stateful') || !dataDir || !process.send) {
  console.error('usage (from run.ts only): server.ts <ours|echo|stateful> <dataDir>');
  process.exit(2);
}
const send = (message: ServerMessage) => process.send?.(message);
const profileName = basename(dataDir);

// Production defaults, except what run.ts sets (log level, the per-address rate limit: the bench is
// one client address; the storage backend; instances of one bot share a token secret).
const config = parseConfig({
  PORT: '0',
  DATA_DIR: dataDir,
  DIRECTLINE_TOKEN_SECRET: randomBytes(32).toString('hex'),
  ...(JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}') as Record<string, string>),
});
const tokenSecret = config.directLineTokenSecret;
boundHeapGrowth(config.heapGrowingPercent);

const app = await createApp(
  config,
  mode === 'echo'
    ? { turnBot: () => new EchoBot() }
    : mode === 'stateful'
      ? { turnBot: (services) => new StatefulReferenceBot(services.storage) }
      : {},
);
collectStartupGarbage();
const baseUrl = await app.listen(0, '127.0.0.1');

// Resource use since the last reset: peak RSS sampled every 100 ms, CPU time, event-loop utilisation.
let peakRss = 0;
let peakHeapTotal = 0;
function samplePeak(): void {
  const { rss, heapTotal } = process.memoryUsage();
  if (rss > peakRss) {
    peakRss = rss;
    peakHeapTotal = heapTotal;
  }
}
samplePeak();
let cpuStart = process.cpuUsage();
let mainThreadStart = mainThreadCpuMs();
let eluStart = performance.eventLoopUtilization();
let delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const sampler = setInterval(samplePeak, 100);

function stats(): ServerStats {
  samplePeak();
  const cpu = process.cpuUsage(cpuStart);
  return {
    rss: process.memoryUsage.rss(),
    peakRss,
    peakHeapTotal,
    heapUsed: process.memoryUsage().heapUsed,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainThreadCpuMs: mainThreadCpuMs() - mainThreadStart,
    elu: performance.eventLoopUtilization(eluStart).utilization,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
  };
}

// With BENCH_CPU_PROFILE_DIR, a V8 CPU profile from the first measured phase to the stop (start-up,
// module loading and model training left out), written as <dir>/<data folder's name>.cpuprofile
// (ours-0, echo-0, stateful-0; ours-1 for a second instance).
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
let profiler: Session | undefined;
async function startProfiler(): Promise<void> {
  if (!profileDir || profiler) return;
  profiler = new Session();
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
async function writeProfile(): Promise<void> {
  if (!profileDir || !profiler) return;
  const { profile } = await profiler.post('Profiler.stop');
  mkdirSync(profileDir, { recursive: true });
  writeFileSync(join(profileDir, `${profileName}.cpuprofile`), JSON.stringify(profile));
}

process.on('message', async (message: ParentMessage) => {
  switch (message.type) {
    case 'reset':
      await startProfiler();
      peakRss = 0;
      samplePeak();
      cpuStart = process.cpuUsage();
      mainThreadStart = mainThreadCpuMs();
      eluStart = performance.eventLoopUtilization();
      delay.disable();
      delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      send({ type: 'reset', id: message.id });
      break;
    case 'stats':
      send({ type: 'stats', id: message.id, stats: stats() });
      break;
    case 'directLineTokens': {
      // Direct Line conversations made in-process: the public start endpoint allows only a few new
      // conversations per client address and minute, and the bench starts thousands from one address.
      const count = Math.min(Math.max(1, message.count), 1000);
      const tokens = [];
      for (let i = 0; i < count; i++) {
        const record = await app.directLine.conversations.create();
        const { token } = await signToken(tokenSecret, {
          conversationId: record.id,
          userId: record.userId,
        });
        tokens.push({ conversationId: record.id, userId: record.userId, token });
      }
      send({ type: 'directLineTokens', id: message.id, tokens });
      break;
    }
    case 'stop':
      clearInterval(sampler);
      await writeProfile();
      await app.close();
      send({ type: 'stopped', id: message.id });
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', baseUrl, pid: process.pid });
