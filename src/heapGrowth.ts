import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Under load V8 lets the old generation grow to several times its live data before a full collection:
// the bench's servers reached +300 MB of RSS with about 150 MB live, garbage not yet collected. A fixed
// growing factor keeps memory near what is live; the profiles showed the same share of CPU in GC.

/** Sets V8's heap growing factor to 1 + percent/100 for this process; 0 leaves V8's heuristic. */
export function boundHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}

/**
 * Until its first full collections have sized the old generation, V8 sets its limit from start-up's
 * survival rates: some starts (the NLU model built, the knowledge loaded) leave a limit of 3–4 × what
 * stays live, and the first minutes of load filled the heap to +250 MB before a full collection. One
 * full collection once start-up is done sets the limit from what is live, with the growing factor.
 */
export function collectStartupGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
