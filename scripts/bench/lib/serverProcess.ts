import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { DirectLineToken, ParentMessage, ServerMessage, ServerStats } from './protocol.js';

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The bench servers run with production defaults except: the per-address limit is raised out of reach
 * (the bench is one client address sending thousands of requests per second; the limiter still runs),
 * and the log level. The per-conversation limit stays as configured (20 messages/min): a script has
 * <= 5 turns. The Direct Line start limit is avoided by making conversations in-process (see server.ts).
 * Each call is one bot's environment: its own token secret, shared by that bot's instances.
 */
export function benchServerEnv(logLevel: string): Record<string, string> {
  return {
    RATE_LIMIT_IP_REQUESTS: '1000000000',
    LOG_LEVEL: logLevel,
    DIRECTLINE_TOKEN_SECRET: randomBytes(32).toString('hex'),
  };
}

type Request = ParentMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

/** What the load drives: one server, or several instances of one bot on a shared database. */
export interface BenchTarget {
  /** The instances' base URLs; the load rotates its requests over them. */
  readonly baseUrls: string[];
  reset(): Promise<void>;
  stats(): Promise<ServerStats>;
  directLineTokens(count: number): Promise<DirectLineToken[]>;
  stop(): Promise<void>;
  /** Called before and after each measured run (a bot relaunched per run starts and stops here). */
  beginRun?(): Promise<void>;
  endRun?(): Promise<void>;
}

/**
 * A bot whose server processes are started anew for every run, on the same DATA_DIR and database (what
 * earlier runs stored stays): a process keeps a speed of its own for minutes (where its heap and code
 * landed, which core it runs on), so one process per bot for the whole bench turns that into a bias
 * between the bots; a fresh one per run makes it noise that the rounds' median removes.
 */
export class RelaunchedTarget implements BenchTarget {
  private current: BenchTarget | undefined;

  private constructor(private readonly launch: () => Promise<BenchTarget>) {}

  /** Launches once to check the bot starts (and to read its idle figures), then stops it again. */
  static async create(
    launch: () => Promise<BenchTarget>,
  ): Promise<{ target: RelaunchedTarget; idle: ServerStats }> {
    const target = new RelaunchedTarget(launch);
    await target.beginRun();
    const idle = await target.stats();
    await target.endRun();
    return { target, idle };
  }

  private get server(): BenchTarget {
    if (!this.current) throw new Error('no server running: beginRun() first');
    return this.current;
  }

  get baseUrls(): string[] {
    return this.server.baseUrls;
  }

  async beginRun(): Promise<void> {
    await this.current?.stop();
    this.current = await this.launch();
  }

  async endRun(): Promise<void> {
    const server = this.current;
    this.current = undefined;
    await server?.stop();
  }

  reset(): Promise<void> {
    return this.server.reset();
  }

  stats(): Promise<ServerStats> {
    return this.server.stats();
  }

  directLineTokens(count: number): Promise<DirectLineToken[]> {
    return this.server.directLineTokens(count);
  }

  stop(): Promise<void> {
    return this.endRun();
  }
}

/** Instances of one bot: stats are summed (CPU, RSS), Direct Line conversations made on the first. */
export class ServerGroup implements BenchTarget {
  constructor(readonly members: ServerProcess[]) {}

  get baseUrls(): string[] {
    return this.members.map((m) => m.baseUrl);
  }

  async reset(): Promise<void> {
    await Promise.all(this.members.map((m) => m.reset()));
  }

  async stats(): Promise<ServerStats> {
    const all = await Promise.all(this.members.map((m) => m.stats()));
    const sum = (f: (s: ServerStats) => number) => all.reduce((n, s) => n + f(s), 0);
    return {
      rss: sum((s) => s.rss),
      peakRss: sum((s) => s.peakRss),
      peakHeapTotal: sum((s) => s.peakHeapTotal),
      heapUsed: sum((s) => s.heapUsed),
      cpuMs: sum((s) => s.cpuMs),
      mainThreadCpuMs: sum((s) => s.mainThreadCpuMs),
      elu: sum((s) => s.elu) / all.length,
      loopDelayP99Ms: Math.max(...all.map((s) => s.loopDelayP99Ms)),
    };
  }

  directLineTokens(count: number): Promise<DirectLineToken[]> {
    return this.members[0]!.directLineTokens(count);
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => m.stop()));
  }
}

/** A bot server in its own process, so its CPU time and RSS are its own and not the load client's. */
export class ServerProcess implements BenchTarget {
  private nextId = 1;
  private readonly pending = new Map<number, (message: ServerMessage) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly pid: number,
  ) {
    child.on('message', (message: ServerMessage) => {
      if ('id' in message) {
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
      }
    });
  }

  get baseUrls(): string[] {
    return [this.baseUrl];
  }

  static start(
    mode: 'ours' | 'echo' | 'stateful',
    dataDir: string,
    options: { cpuProfDir?: string; env?: Record<string, string>; nodeFlags?: string[] } = {},
  ): Promise<ServerProcess> {
    // The tsx loader the parent runs under is inherited through process.execArgv.
    const execArgv = [...process.execArgv, '--no-deprecation', ...(options.nodeFlags ?? [])];
    const child = fork(SERVER_ENTRY, [mode, dataDir], {
      execArgv,
      env: {
        ...process.env,
        BENCH_SERVER_ENV: JSON.stringify(options.env ?? {}),
        ...(options.cpuProfDir ? { BENCH_CPU_PROFILE_DIR: options.cpuProfDir } : {}),
      },
      // stdout carries the server's JSON log (access and turn lines at info): discarded, as a log
      // shipper would take it away; stderr stays visible.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const killOnExit = () => child.kill();
    process.once('exit', killOnExit);
    child.once('exit', () => process.off('exit', killOnExit));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${mode} server did not start within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${mode} server exited during start-up (code ${code})`));
      });
      child.on('message', (message: ServerMessage) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve(new ServerProcess(child, message.baseUrl, message.pid));
        }
      });
    });
  }

  private request(message: Request): Promise<ServerMessage> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`server did not answer ${message.type} in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.child.send({ ...message, id } as ParentMessage);
    });
  }

  async reset(): Promise<void> {
    await this.request({ type: 'reset' });
  }

  async stats(): Promise<ServerStats> {
    const answer = await this.request({ type: 'stats' });
    if (answer.type !== 'stats') throw new Error(`unexpected answer ${answer.type}`);
    return answer.stats;
  }

  async directLineTokens(count: number): Promise<DirectLineToken[]> {
    const answer = await this.request({ type: 'directLineTokens', count });
    if (answer.type !== 'directLineTokens') throw new Error(`unexpected answer ${answer.type}`);
    return answer.tokens;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ type: 'stop' }).catch(() => this.child.kill());
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
