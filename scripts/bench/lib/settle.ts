import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Before each measured run: the previous run's state files written out, so their writeback lands on nobody. */
export async function settle(): Promise<void> {
  await execFileAsync('sync').catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 200));
}
