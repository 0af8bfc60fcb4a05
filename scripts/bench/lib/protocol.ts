// Messages between scripts/bench/run.ts and its server child processes (scripts/bench/server.ts).

export interface ServerStats {
  /** Resident set size now, bytes. */
  rss: number;
  /** Highest RSS sampled (every 100 ms) since the last reset, bytes. */
  peakRss: number;
  /** V8's heap (heapTotal) when that peak was sampled: tells garbage not yet collected from native memory. */
  peakHeapTotal: number;
  heapUsed: number;
  /** CPU time (user + system) since the last reset, ms. */
  cpuMs: number;
  /** The main (JavaScript) thread's share of cpuMs; the rest is the file-system pool and V8's helpers. NaN off Linux. */
  mainThreadCpuMs: number;
  /** Event-loop utilisation since the last reset, 0..1. */
  elu: number;
  loopDelayP99Ms: number;
}

export interface DirectLineToken {
  conversationId: string;
  userId: string;
  token: string;
}

export type ParentMessage =
  | { type: 'reset'; id: number }
  | { type: 'stats'; id: number }
  | { type: 'directLineTokens'; id: number; count: number }
  | { type: 'stop'; id: number };

export type ServerMessage =
  | { type: 'ready'; baseUrl: string; pid: number }
  | { type: 'reset'; id: number }
  | { type: 'stats'; id: number; stats: ServerStats }
  | { type: 'directLineTokens'; id: number; tokens: DirectLineToken[] }
  | { type: 'stopped'; id: number };
