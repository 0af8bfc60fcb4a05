// Command-line options shared by the bench entries. Every figure has a bound: the runs stop by themselves.

export interface BenchArgs {
  quick: boolean;
  concurrency: number;
  warmupMs: number;
  /** Length of one measured round. */
  measureMs: number;
  /** Measured rounds per bot and protocol (the bots take turns). */
  rounds: number;
  /** Node or V8 flags for every bench server (--server-flags "--max-semi-space-size=32"), for experiments. */
  serverFlags: string[];
  /** The stateful reference runs in ours' place: the ratios show the bench's own error. */
  calibrate: boolean;
  /** Every run on freshly started server processes (same DATA_DIR and database) instead of one process per bot. */
  fresh: boolean;
  maxTurns: number;
  storageSmall: number;
  storageLarge: number;
  storageTurns: number;
  storageRounds: number;
  skipStorage: boolean;
  cpuProf: boolean;
  /** Only these protocols (default both). */
  protocols: Array<'emulator' | 'directline'>;
  /** LOG_LEVEL of the bench servers (production default: info). */
  logLevel: string;
  /** The whole run is stopped after this long, whatever happens. */
  timeLimitMs: number;
  /** Backend of every bench server (postgres: a throwaway local cluster, a database per bot). */
  storage: 'lowdb' | 'postgres';
  /** Instances per bot (2 needs postgres): requests rotate over them. */
  instances: number;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const flag = (name: string) => argv.includes(`--${name}`);
  const num = (name: string, fallback: number, min: number, max: number) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}`);
    }
    return value;
  };
  const text = (name: string, fallback: string, allowed: string[]) => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const value = argv[i + 1] ?? '';
    if (!allowed.includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
    return value;
  };
  const quick = flag('quick');
  if (flag('fresh') && flag('cpu-prof'))
    throw new Error(
      '--fresh starts a server per run, so --cpu-prof would keep only the last run: use one of them',
    );
  if (!Number.isInteger(num('instances', 1, 1, 2))) throw new Error('--instances must be 1 or 2');
  return {
    quick,
    concurrency: num('concurrency', 32, 1, 256),
    warmupMs: num('warmup', quick ? 2 : 5, 0, 60) * 1000,
    measureMs: num('seconds', quick ? 2 : 4, 1, 120) * 1000,
    rounds: num('rounds', quick ? 3 : 8, 1, 20),
    calibrate: flag('calibrate'),
    fresh: flag('fresh'),
    serverFlags: (() => {
      const i = argv.indexOf('--server-flags');
      if (i < 0) return [];
      const flags = (argv[i + 1] ?? '').split(/\s+/).filter(Boolean);
      if (flags.length === 0 || flags.some((f) => !f.startsWith('--')))
        throw new Error('--server-flags needs Node or V8 flags, each starting with --');
      return flags;
    })(),
    maxTurns: 1_000_000,
    storageSmall: num('small', 1_000, 10, 1_000_000),
    storageLarge: num('large', quick ? 20_000 : 100_000, 10, 1_000_000),
    storageTurns: num('turns', quick ? 1_000 : 4_000, 10, 100_000),
    storageRounds: num('storage-rounds', quick ? 10 : 20, 1, 200),
    skipStorage: flag('skip-storage'),
    cpuProf: flag('cpu-prof'),
    protocols: (() => {
      const only = text('only', '', ['', 'emulator', 'directline']);
      return only ? [only as 'emulator' | 'directline'] : ['emulator', 'directline'];
    })(),
    logLevel: text('log-level', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
    // A fresh start per run adds a start-up and a whole warm-up to each of them.
    timeLimitMs: (quick ? 5 : 20) * (flag('fresh') ? 2 : 1) * 60 * 1000,
    storage: text('storage', 'lowdb', ['lowdb', 'postgres']) as 'lowdb' | 'postgres',
    instances: (() => {
      const n = num('instances', 1, 1, 2);
      if (n > 1 && text('storage', 'lowdb', ['lowdb', 'postgres']) !== 'postgres') {
        throw new Error('--instances 2 needs --storage postgres (lowdb is for one process)');
      }
      return n;
    })(),
  };
}
