// What a turn of the bot itself costs, without HTTP: the real bot services (knowledge, recogniser,
// dialogs, lowdb state in a temporary DATA_DIR, the secret guard and pending-reply middleware) behind
// botbuilder's in-memory TestAdapter, against the echo bot behind the same adapter and middleware.
// The difference is the CPU our bot adds per turn; the load benchmark's echo server shows what the
// HTTP stack costs, and together they bound the throughput ratio any bot of this cost can reach.
import { type Activity, TestAdapter } from 'botbuilder';
import { pino } from 'pino';
import { createBotServices } from '../../../src/botServices.js';
import { EchoBot } from './echoBot.js';
import { SCRIPTS } from './scripts.js';
import { median } from './stats.js';

export interface TurnCost {
  /** Median over rounds of CPU ms per message turn (user + system, thread pool included). */
  oursMs: number;
  echoMs: number;
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
  const echo = new EchoBot();
  let conversations = 0;

  async function pass(target: 'ours' | 'echo'): Promise<{ turns: number; replies: number }> {
    let turns = 0;
    let replies = 0;
    for (const script of SCRIPTS) {
      conversations += 1;
      const adapter = new TestAdapter(
        async (context) => (target === 'ours' ? services.bot.run(context) : echo.run(context)),
        {
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
        },
      );
      for (const m of services.middleware) adapter.use(m);
      for (const text of script.turns) {
        await adapter.receiveActivity({ type: 'message', text, locale: script.locale } as Activity);
        replies += adapter.activeQueue.splice(0).length;
        turns += 1;
      }
    }
    return { turns, replies };
  }

  async function round(
    target: 'ours' | 'echo',
  ): Promise<{ msPerTurn: number; turns: number; replies: number }> {
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
  await round('ours');
  await round('echo');
  const ours: number[] = [];
  const echoes: number[] = [];
  let turns = 0;
  let replies = 0;
  for (let i = 0; i < options.rounds; i++) {
    const order: Array<'ours' | 'echo'> = i % 2 === 0 ? ['ours', 'echo'] : ['echo', 'ours'];
    for (const target of order) {
      const r = await round(target);
      if (target === 'ours') {
        ours.push(r.msPerTurn);
        turns += r.turns;
        replies += r.replies;
      } else {
        echoes.push(r.msPerTurn);
      }
    }
  }
  await services.flush();
  const oursMs = median(ours);
  const echoMs = median(echoes);
  return { oursMs, echoMs, botLogicMs: oursMs - echoMs, turns, repliesPerTurn: replies / turns };
}

/**
 * The best ours/echo throughput ratio a bot can reach when the servers are CPU-bound: the echo
 * server's CPU per turn over that plus the bot's own work (replies beyond one per turn not counted, so
 * this is an upper bound).
 */
export function ratioCeiling(echoServerMsPerTurn: number, botLogicMs: number): number {
  return echoServerMsPerTurn / (echoServerMsPerTurn + Math.max(0, botLogicMs));
}
