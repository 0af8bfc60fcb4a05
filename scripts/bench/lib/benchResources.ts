import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres, type TestPostgres } from '../../lib/throwawayPostgres.js';
import { BenchConnector } from './connector.js';
import type { BenchTarget } from './serverProcess.js';

/**
 * What a load bench holds while it runs (its temporary folder, the local connector, the bot servers,
 * a throwaway PostgreSQL): all of it removed at the end, or when the run's time limit is reached.
 */
export class BenchResources {
  readonly servers: BenchTarget[] = [];
  readonly connector = new BenchConnector();
  private postgres: TestPostgres | undefined;

  private constructor(readonly root: string) {}

  /** `name` is the command, for the time-limit message; the folder is made under the OS temp folder. */
  static async create(name: string, folderPrefix: string, timeLimitMs: number): Promise<BenchResources> {
    const resources = new BenchResources(await mkdtemp(join(tmpdir(), folderPrefix)));
    const hardLimit = setTimeout(() => {
      console.error(`${name}: time limit of ${timeLimitMs / 60_000} min reached, stopping`);
      resources.abandon();
    }, timeLimitMs);
    hardLimit.unref();
    return resources;
  }

  /** A throwaway local PostgreSQL cluster, destroyed with the rest. */
  async startPostgres(): Promise<TestPostgres> {
    this.postgres ??= await startTestPostgres();
    return this.postgres;
  }

  /** Stops the servers that are left, then removes everything. */
  async close(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.stop().catch(() => undefined)));
    await this.connector.stop();
    await this.postgres?.destroy();
    await rm(this.root, { recursive: true, force: true });
  }

  /** The time limit: nothing awaited that could hang; exits with 2 once the folder is gone. */
  private abandon(): void {
    for (const s of this.servers) void s.stop();
    void this.postgres?.destroy();
    void rm(this.root, { recursive: true, force: true }).finally(() => process.exit(2));
  }
}
