// npm run bench:flood [-- --seconds S] [--rounds N]
//
// One address floods the bot server (production defaults: every rate limit and size cap as shipped)
// while other members chat over Direct Line from their own addresses. Prints the members' turn
// latency p50 idle vs during each flood, and /healthz's, against the target
//   p50 during the flood <= 3 x idle p50 + 20 ms.
// Floods: "paced" stays just inside the per-address limit (12 requests/s) with events whose value is
// at its cap and made of what the secret guard finds hardest; "flat out" is 8 connections sending
// 32 KB-value events as fast as they are answered (the probe that found the problem).
// Idle and flood phases alternate, so a drift of the shared machine hits both. All traffic is
// loopback (127.0.0.x); the server runs in its own process with a temporary DATA_DIR, removed after.

import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIELD_CAPS } from '../../src/activityGuard.js';
import { ServerProcess } from './lib/serverProcess.js';
import { fmt, summarise, table, verdict } from './lib/stats.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && Number.isFinite(Number(argv[i + 1])) ? Number(argv[i + 1]) : fallback;
};
const PHASE_MS = option('seconds', 20) * 1000;
const ROUNDS = option('rounds', 2);
const VICTIMS = 4;
/** A member types, reads, types: one message every few seconds keeps them inside 20 per minute. */
const VICTIM_PAUSE_MS = 3200;
const ATTACKER = '127.0.0.1';
const victimAddress = (n: number) => `127.0.0.${n + 2}`;
const MEMBER_TEXTS = [
  'ログインできない',
  'Web-IDを忘れました',
  'カードをなくした',
  '最初から',
  '営業時間は？',
];

interface Reply {
  status: number;
  body: string;
}

function send(
  agent: Agent,
  base: string,
  method: string,
  path: string,
  body?: string,
  token?: string,
): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        agent,
        headers: {
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startConversation(agent: Agent, base: string) {
  const res = await send(agent, base, 'POST', '/v3/directline/tokens/generate');
  if (res.status !== 200) return undefined;
  return JSON.parse(res.body) as { conversationId: string; token: string };
}

/** A member chatting from their own address until `until`; pushes each turn's latency (ms). */
async function member(n: number, base: string, until: number, latencies: number[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, localAddress: victimAddress(n) });
  const conversation = await startConversation(agent, base);
  if (!conversation) throw new Error('a member could not start a conversation');
  const path = `/v3/directline/conversations/${conversation.conversationId}/activities`;
  for (let i = n; Date.now() < until; i++) {
    const body = JSON.stringify({
      type: 'message',
      text: MEMBER_TEXTS[i % MEMBER_TEXTS.length],
      locale: 'ja-JP',
    });
    const started = performance.now();
    const res = await send(agent, base, 'POST', path, body, conversation.token);
    if (res.status === 200) latencies.push(performance.now() - started);
    else throw new Error(`a member's message got ${res.status}: ${res.body.slice(0, 200)}`);
    await sleep(VICTIM_PAUSE_MS);
  }
  agent.destroy();
}

/** /healthz every 250 ms from the members' side. */
async function probeHealth(base: string, until: number, latencies: number[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, localAddress: victimAddress(VICTIMS) });
  while (Date.now() < until) {
    const started = performance.now();
    await send(agent, base, 'GET', '/healthz');
    latencies.push(performance.now() - started);
    await sleep(250);
  }
  agent.destroy();
}

interface FloodCounts {
  sent: number;
  byStatus: Map<number, number>;
}

// What costs the guard most per byte (measured): dotted digit runs.
const hardValue = (bytes: number) => ({ v: '1.2.3.4.5.'.repeat(Math.floor((bytes - 10) / 10)) });

/**
 * Paced: 12 requests/s (inside 120 per 10 s), each an event with a value at its cap; a new
 * conversation every 19 events (inside 20 activities per conversation per minute).
 */
async function pacedFlood(base: string, until: number, counts: FloodCounts): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8, localAddress: ATTACKER });
  const body = JSON.stringify({ type: 'event', name: 'flood', value: hardValue(FIELD_CAPS.value - 64) });
  let conversation: { conversationId: string; token: string } | undefined;
  let used = 0;
  const interval = 1000 / 12;
  let next = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (Date.now() < until) {
    if (!conversation || used >= 19) {
      conversation = await startConversation(agent, base);
      count(counts, conversation ? 200 : 429);
      used = 0;
      next += interval;
      if (!conversation) {
        await sleep(1000);
        continue;
      }
    }
    const path = `/v3/directline/conversations/${conversation.conversationId}/activities`;
    const sent = send(agent, base, 'POST', path, body, conversation.token).then(
      (res) => count(counts, res.status),
      () => count(counts, 0),
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
    used += 1;
    next += interval;
    await sleep(Math.max(0, next - performance.now()));
  }
  await Promise.all(inFlight);
  agent.destroy();
}

/** Flat out: 8 connections, each sending a 32 KB-value event as soon as the last one is answered. */
async function flatOutFlood(base: string, until: number, counts: FloodCounts): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8, localAddress: ATTACKER });
  const conversation = await startConversation(agent, base);
  const path = conversation ? `/v3/directline/conversations/${conversation.conversationId}/activities` : '/';
  const body = JSON.stringify({ type: 'event', name: 'flood', value: { v: 'x'.repeat(32 * 1024) } });
  const connection = async () => {
    while (Date.now() < until) {
      const res = await send(agent, base, 'POST', path, body, conversation?.token).catch(() => ({
        status: 0,
      }));
      count(counts, res.status);
    }
  };
  await Promise.all(Array.from({ length: 8 }, connection));
  agent.destroy();
}

function count(counts: FloodCounts, status: number): void {
  counts.sent += 1;
  counts.byStatus.set(status, (counts.byStatus.get(status) ?? 0) + 1);
}

type Flood = 'paced' | 'flat out';

async function phase(base: string, flood: Flood | undefined) {
  const until = Date.now() + PHASE_MS;
  const turns: number[] = [];
  const health: number[] = [];
  const counts: FloodCounts = { sent: 0, byStatus: new Map() };
  const members = Array.from({ length: VICTIMS }, (_, n) => member(n, base, until, turns));
  const tasks: Array<Promise<void>> = [...members, probeHealth(base, until, health)];
  if (flood === 'paced') tasks.push(pacedFlood(base, until, counts));
  if (flood === 'flat out') tasks.push(flatOutFlood(base, until, counts));
  await Promise.all(tasks);
  return { turns, health, counts };
}

const root = await mkdtemp(join(tmpdir(), 'member-help-flood-'));
const hardLimit = setTimeout(
  () => {
    console.error('bench:flood: time limit reached, stopping');
    void rm(root, { recursive: true, force: true }).finally(() => process.exit(2));
  },
  (PHASE_MS * (ROUNDS * 3 + 1) + 120_000) * 1.5,
);
hardLimit.unref();

const cpu = cpus();
console.log(`machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), node ${process.version}`);
console.log(
  `server: production defaults (LOG_LEVEL=warn); ${VICTIMS} members on Direct Line from their own addresses, ` +
    `one message each every ${VICTIM_PAUSE_MS / 1000} s; /healthz every 250 ms; ${ROUNDS} rounds of ` +
    `idle / paced flood / flat-out flood, ${PHASE_MS / 1000} s each, from ${ATTACKER}`,
);

let exitCode = 0;
const server = await ServerProcess.start('ours', join(root, 'data'), { env: { LOG_LEVEL: 'warn' } });
try {
  await phase(server.baseUrl, undefined); // warm-up: JIT, first knowledge use
  const results: Record<'idle' | Flood, { turns: number[]; health: number[]; counts: FloodCounts[] }> = {
    idle: { turns: [], health: [], counts: [] },
    paced: { turns: [], health: [], counts: [] },
    'flat out': { turns: [], health: [], counts: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const flood of [undefined, 'paced', 'flat out'] as const) {
      const r = await phase(server.baseUrl, flood);
      const into = results[flood ?? 'idle'];
      into.turns.push(...r.turns);
      into.health.push(...r.health);
      into.counts.push(r.counts);
    }
  }
  const idleTurn = summarise(results.idle.turns);
  const idleHealth = summarise(results.idle.health);
  const rows: string[][] = [];
  for (const name of ['idle', 'paced', 'flat out'] as const) {
    const turn = summarise(results[name].turns);
    const health = summarise(results[name].health);
    const limit = 3 * idleTurn.p50 + 20;
    const statuses = new Map<number, number>();
    for (const c of results[name].counts)
      for (const [s, n] of c.byStatus) statuses.set(s, (statuses.get(s) ?? 0) + n);
    const flood =
      [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}:${n}`)
        .join(' ') || '-';
    const pass = name === 'idle' || turn.p50 <= limit;
    if (!pass) exitCode = 1;
    rows.push([
      name,
      String(turn.count),
      fmt(turn.p50),
      fmt(turn.p99),
      fmt(turn.p50 / idleTurn.p50, 2),
      fmt(health.p50),
      fmt(health.p50 / idleHealth.p50, 2),
      flood,
      name === 'idle' ? '' : `${verdict(pass)} (<= ${fmt(limit)} ms)`,
    ]);
  }
  console.log(
    table(
      [
        'phase',
        'turns',
        'p50 ms',
        'p99 ms',
        'p50/idle',
        'healthz p50',
        'healthz/idle',
        'attacker statuses',
        'target',
      ],
      rows,
    ),
  );
} catch (err) {
  console.error(err);
  exitCode = 2;
} finally {
  await server.stop();
  await rm(root, { recursive: true, force: true });
}
process.exit(exitCode);
