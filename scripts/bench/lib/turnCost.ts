// What a turn of the bot itself costs, without HTTP: the real bot services (knowledge, recogniser,
// dialogs, lowdb state in a temporary DATA_DIR, the secret guard and pending-reply middleware) behind
// botbuilder's in-memory TestAdapter, against the echo bot and the stateful reference (a core-bot
// style waterfall on the same state storage) behind the same adapter and middleware.
// The differences are the CPU our bot adds per turn; the load benchmark's echo server shows what the
// HTTP stack costs, and together they bound the throughput ratio any bot of this cost can reach.
import { type Activity, TestAdapter, type TurnContext } from 'botbuilder';
import { pino } from 'pino';
import { createBotServices } from '../../../src/botServices.js';
import { EchoBot } from './echoBot.js';
import { SCRIPTS } from './scripts.js';
import { StatefulReferenceBot } from './statefulRefBot.js';
import { median } from './stats.js';

const TARGETS = ['ours', 'echo', 'stateful'] as const;
type Target = (typeof TARGETS)[number];
type MemberHelpTurn = (context: TurnContext) => Promise<void>;

export interface TurnCost {
  /** Median over rounds of CPU ms per message turn (user + system, thread pool included). */
  oursMs: number;
  echoMs: number;
  statefulMs: number;
  /** oursMs − echoMs: what the bot's own work adds to a turn. */
  botLogicMs: number;
  turns: number;
  repliesPerTurn: number;
}

export async function measureTurnCost(options: {
  dataDir: string;
  rounds: number;
  /** Scripted conversations (all scripts once = one pass) per round and bot. */
  passesPerRound: number;
}): Promise<TurnCost> {
  const services = await createBotServices(
    { dataDir: options.dataDir, stateTtlHours: 24 },
    pino({ level: 'silent' }),
  );
  const bots: Record<Target, { run: MemberHelpTurn }> = {
    ours: services.bot,
    echo: new EchoBot(),
    stateful: new StatefulReferenceBot(services.storage),
  };
  let conversations = 0;

  async function pass(target: Target): Promise<{ turns: number; replies: number }> {
    let turns = 0;
    let replies = 0;
    for (const script of SCRIPTS) {
      conversations += 1;
      const adapter = new TestAdapter(async (context) => bots[target].run(context), {
        channelId: 'bench',
        serviceUrl: 'https://bench.invalid',
        conversation: {
          id: `bench-${conversations}`,
          isGroup: false,
          conversationType: 'personal',
          name: '',
        },
        from: { id: `member-${conversations}`, name: 'Member', role: 'user' },
        recipient: { id: 'bot', name: 'Bot', role: 'bot' },
        locale: script.locale,
      });
      for (const m of services.middleware) adapter.use(m);
      for (const text of script.turns) {
        await adapter.receiveActivity({ type: 'message', text, locale: script.locale } as Activity);
        replies += adapter.activeQueue.splice(0).length;
        turns += 1;
      }
    }
    return { turns, replies };
  }

  async function round(target: Target): Promise<{ msPerTurn: number; turns: number; replies: number }> {
    const start = process.cpuUsage();
    let turns = 0;
    let replies = 0;
    for (let i = 0; i < options.passesPerRound; i++) {
      const done = await pass(target);
      turns += done.turns;
      replies += done.replies;
    }
    const cpu = process.cpuUsage(start);
    return { msPerTurn: (cpu.user + cpu.system) / 1000 / turns, turns, replies };
  }

  // Warm-up (JIT, caches), then alternating rounds so both see the same machine state.
  for (const target of TARGETS) await round(target);
  const samples: Record<Target, number[]> = { ours: [], echo: [], stateful: [] };
  let turns = 0;
  let replies = 0;
  for (let i = 0; i < options.rounds; i++) {
    // Rotate the order so that no bot always runs first (or last) in a round.
    const order = TARGETS.map((_, k) => TARGETS[(i + k) % TARGETS.length] as Target);
    for (const target of order) {
      const r = await round(target);
      samples[target].push(r.msPerTurn);
      if (target === 'ours') {
        turns += r.turns;
        replies += r.replies;
      }
    }
  }
  await services.flush();
  const oursMs = median(samples.ours);
  const echoMs = median(samples.echo);
  return {
    oursMs,
    echoMs,
    statefulMs: median(samples.stateful),
    botLogicMs: oursMs - echoMs,
    turns,
    repliesPerTurn: replies / turns,
  };
}

/**
 * The best ours/echo throughput ratio a bot can reach when the servers are CPU-bound: the echo
 * server's CPU per turn over that plus the bot's own work (replies beyond one per turn not counted, so
 * this is an upper bound).
 */
export function ratioCeiling(echoServerMsPerTurn: number, botLogicMs: number): number {
  return echoServerMsPerTurn / (echoServerMsPerTurn + Math.max(0, botLogicMs));
}
