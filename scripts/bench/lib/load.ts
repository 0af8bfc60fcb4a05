import { type BenchConnector, isTurnErrorReply } from './connector.js';
import { JsonClient } from './http.js';
import type { DirectLineToken, ServerStats } from './protocol.js';
import { SCRIPTS } from './scripts.js';
import type { BenchTarget } from './serverProcess.js';
import { type Summary, summarise } from './stats.js';

// Closed-loop load: `concurrency` members chat at once, each running one scripted conversation after
// another (every conversation a new conversation id), no think time. A warm-up phase, then a measured
// phase; both bounded in time, the whole run also in turns.

export type Protocol = 'emulator' | 'directline';

export interface LoadOptions {
  protocol: Protocol;
  server: BenchTarget;
  connector: BenchConnector;
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Hard cap on turns in one run (warm-up included). */
  maxTurns: number;
  /** Tag for conversation ids, so runs never share one. */
  tag: string;
  /** Something else to sample over the measured phase only (PostgreSQL's CPU): read at its start and end. */
  sample?: () => Promise<number>;
}

export interface LoadResult {
  protocol: Protocol;
  /** Message turns completed in the measured phase. */
  turns: number;
  turnsPerSec: number;
  /** Length of the measured phase(s), s. */
  seconds: number;
  /** Every measured per-turn latency, ms. */
  latencies: number[];
  /** Per-turn latency in ms (see README: what is measured). */
  latency: Summary;
  /** Conversation starts (welcome) completed in the measured phase. */
  starts: number;
  repliesPerTurn: number;
  errors: number;
  firstError?: string;
  /** Replies that were the bot's turn-error apology (a turn threw). */
  errorReplies: number;
  server: ServerStats;
  /** Server CPU time per message turn, ms (starts included in the CPU, not in the count). */
  serverCpuMsPerTurn: number;
  /** `sample` at the end of the measured phase minus at its start (0 without one). */
  sampled: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { server, connector, protocol, concurrency } = options;
  // Several instances: each request goes to the next one, so every conversation crosses instances.
  const clients = server.baseUrls.map((url) => new JsonClient(url, concurrency + 4));
  let nextClient = 0;
  const client = {
    send: (...args: Parameters<JsonClient['send']>) => clients[nextClient++ % clients.length]!.send(...args),
    close: () => {
      for (const c of clients) c.close();
    },
  };
  const latencies: number[] = [];
  let turnsInWindow = 0;
  let startsInWindow = 0;
  let repliesInWindow = 0;
  let errors = 0;
  let errorReplies = 0;
  const connectorErrorsBefore = connector.errorReplies;
  let firstError: string | undefined;
  let totalTurns = 0;
  let conversationSeq = 0;
  let activitySeq = 0;

  const t0 = performance.now();
  const measureStart = t0 + options.warmupMs;
  const measureEnd = measureStart + options.measureMs;
  let stopped = false;
  const inWindow = (t: number) => t >= measureStart && t <= measureEnd;
  const fail = (message: string) => {
    errors += 1;
    firstError ??= message;
  };

  // Direct Line conversations come from the server in batches (see server.ts).
  const tokens: DirectLineToken[] = [];
  let refill: Promise<void> | undefined;
  async function nextToken(): Promise<DirectLineToken> {
    while (tokens.length === 0) {
      refill ??= server.directLineTokens(concurrency * 4).then((more) => {
        tokens.push(...more);
        refill = undefined;
      });
      await refill;
    }
    return tokens.pop()!;
  }

  async function emulatorConversation(): Promise<void> {
    const n = conversationSeq++;
    const script = SCRIPTS[n % SCRIPTS.length]!;
    const conversationId = `bench-${options.tag}-${n}`;
    const base = {
      serviceUrl: connector.url,
      channelId: 'emulator',
      from: { id: `member-${options.tag}-${n}`, name: 'Member', role: 'user' },
      conversation: { id: conversationId },
      recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
      locale: script.locale,
    };
    const exchange = async (
      activity: Record<string, unknown>,
    ): Promise<{ ms: number; replies: number } | undefined> => {
      const id = `a${activitySeq++}`;
      const sent = performance.now();
      const res = await client.send('POST', '/api/messages', {
        ...activity,
        ...base,
        id,
        timestamp: new Date().toISOString(),
      });
      const replies = connector.take(conversationId, id);
      if (res.status >= 300) return void fail(`POST /api/messages → ${res.status}`);
      if (!replies) return void fail('a turn got no reply at the connector');
      // The POST is answered after the turn, i.e. after every reply reached the connector.
      return { ms: replies.last - sent, replies: replies.count };
    };

    const start = await exchange({
      type: 'conversationUpdate',
      membersAdded: [{ id: 'bot-1', name: 'Bot' }, base.from],
    });
    if (start && inWindow(performance.now())) startsInWindow += 1;
    for (const text of script.turns) {
      if (stopped) return;
      const turn = await exchange({ type: 'message', text, textFormat: 'plain' });
      totalTurns += 1;
      if (turn && inWindow(performance.now())) {
        turnsInWindow += 1;
        repliesInWindow += turn.replies;
        latencies.push(turn.ms);
      }
    }
  }

  async function directLineConversation(): Promise<void> {
    const n = conversationSeq++;
    const script = SCRIPTS[n % SCRIPTS.length]!;
    const { conversationId, userId, token } = await nextToken();
    const auth = { authorization: `Bearer ${token}` };
    const path = `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`;
    let watermark = '';

    // Start: the bot's welcome turn runs before this POST is answered.
    const started = await client.send(
      'POST',
      '/v3/directline/conversations',
      { locale: script.locale },
      auth,
    );
    if (started.status !== 201) return void fail(`POST /conversations → ${started.status}`);
    const welcome = await client.send('GET', path, undefined, auth);
    if (welcome.status !== 200) return void fail(`GET activities → ${welcome.status}`);
    watermark = (welcome.body as { watermark: string }).watermark;
    if (inWindow(performance.now())) startsInWindow += 1;

    for (const text of script.turns) {
      if (stopped) return;
      const sent = performance.now();
      const posted = await client.send(
        'POST',
        path,
        { type: 'message', text, locale: script.locale, from: { id: userId } },
        auth,
      );
      totalTurns += 1;
      if (posted.status !== 200) {
        fail(`POST activities → ${posted.status}`);
        continue;
      }
      const id = (posted.body as { id: string }).id;
      const read = await client.send('GET', `${path}?watermark=${watermark}`, undefined, auth);
      const done = performance.now();
      if (read.status !== 200) {
        fail(`GET activities → ${read.status}`);
        continue;
      }
      const set = read.body as {
        activities: Array<{ replyToId?: string; text?: string; from?: { role?: string } }>;
        watermark: string;
      };
      watermark = set.watermark;
      const answers = set.activities.filter((a) => a.replyToId === id && a.from?.role === 'bot');
      const replies = answers.length;
      errorReplies += answers.filter((a) => isTurnErrorReply(a.text ?? '')).length;
      if (replies === 0) {
        fail(
          `a Direct Line turn had no reply in GET activities (${posted.body && JSON.stringify(posted.body)} ${JSON.stringify(set).slice(0, 400)})`,
        );
        continue;
      }
      if (inWindow(done)) {
        turnsInWindow += 1;
        repliesInWindow += replies;
        latencies.push(done - sent);
      }
    }
  }

  async function member(): Promise<void> {
    while (!stopped && totalTurns < options.maxTurns) {
      try {
        await (protocol === 'emulator' ? emulatorConversation() : directLineConversation());
      } catch (err) {
        fail((err as Error).message);
        if (errors > 100) stopped = true; // Something is broken: stop instead of spinning.
      }
    }
  }

  let sampleAtStart: Promise<number> | undefined;
  let sampleAtEnd: Promise<number> | undefined;
  const warmupTimer = setTimeout(() => {
    void server.reset();
    sampleAtStart = options.sample?.();
    sampleAtStart?.catch(() => undefined);
  }, options.warmupMs);
  // Server figures are read at the end of the measured window, before the members drain.
  let statsAtEnd: Promise<ServerStats> | undefined;
  const stopTimer = setTimeout(() => {
    stopped = true;
    statsAtEnd = server.stats();
    statsAtEnd.catch(() => undefined);
    sampleAtEnd = options.sample?.();
    sampleAtEnd?.catch(() => undefined);
  }, options.warmupMs + options.measureMs);

  await Promise.all(Array.from({ length: concurrency }, () => member()));
  clearTimeout(warmupTimer);
  clearTimeout(stopTimer);
  const capped = !stopped;
  stopped = true;
  const stats = await (statsAtEnd ?? server.stats());
  const sampled = sampleAtStart && sampleAtEnd ? (await sampleAtEnd) - (await sampleAtStart) : 0;
  if (capped) fail(`stopped at the cap of ${options.maxTurns} turns before the measured phase ended`);
  client.close();
  connector.clear();

  const seconds = options.measureMs / 1000;
  return {
    protocol,
    turns: turnsInWindow,
    turnsPerSec: turnsInWindow / seconds,
    seconds,
    latencies,
    latency: summarise(latencies),
    starts: startsInWindow,
    repliesPerTurn: turnsInWindow ? repliesInWindow / turnsInWindow : 0,
    errors,
    firstError,
    errorReplies: errorReplies + connector.errorReplies - connectorErrorsBefore,
    server: stats,
    serverCpuMsPerTurn: turnsInWindow ? stats.cpuMs / turnsInWindow : Number.NaN,
    sampled,
  };
}

/** A result's `sample` (PostgreSQL's CPU, ms) per measured turn; 0 without turns. */
export function sampledPerTurn(result: LoadResult): number {
  return result.turns ? result.sampled / result.turns : 0;
}

/** Several measured rounds of the same bot and protocol as one result. */
export function mergeResults(results: LoadResult[]): LoadResult {
  const first = results[0];
  if (!first) throw new Error('mergeResults: nothing to merge');
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const turns = sum((r) => r.turns);
  const seconds = sum((r) => r.seconds);
  const latencies = results.flatMap((r) => r.latencies);
  const cpuMs = sum((r) => r.server.cpuMs);
  const peakRound = results.reduce((a, b) => (b.server.peakRss > a.server.peakRss ? b : a));
  return {
    protocol: first.protocol,
    turns,
    turnsPerSec: turns / seconds,
    seconds,
    latencies,
    latency: summarise(latencies),
    starts: sum((r) => r.starts),
    repliesPerTurn: turns ? sum((r) => r.repliesPerTurn * r.turns) / turns : 0,
    errors: sum((r) => r.errors),
    firstError: results.find((r) => r.firstError)?.firstError,
    errorReplies: sum((r) => r.errorReplies),
    server: {
      rss: results.at(-1)!.server.rss,
      peakRss: peakRound.server.peakRss,
      peakHeapTotal: peakRound.server.peakHeapTotal,
      heapUsed: results.at(-1)!.server.heapUsed,
      cpuMs,
      mainThreadCpuMs: sum((r) => r.server.mainThreadCpuMs),
      elu: sum((r) => r.server.elu * r.seconds) / seconds,
      loopDelayP99Ms: Math.max(...results.map((r) => r.server.loopDelayP99Ms)),
    },
    serverCpuMsPerTurn: turns ? cpuMs / turns : Number.NaN,
    sampled: sum((r) => r.sampled),
  };
}
