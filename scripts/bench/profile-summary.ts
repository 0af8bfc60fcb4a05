// npx tsx scripts/bench/profile-summary.ts <file.cpuprofile> [--top N]
// Where a server's CPU went, from a V8 CPU profile (`npm run bench -- --cpu-prof` writes one per
// server): busy time by package / source folder, self and inclusive (time with any frame of that area
// on the stack), and the busiest functions. Idle time is left out.
import { readFileSync } from 'node:fs';
import { table } from './lib/stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [--top N]');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

function area(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(src|dialogs|scripts)\/(.*)$/.exec(url);
  if (m) {
    const parts = m[2]!.split('/');
    return parts.length > 1 ? `${m[1]}/${parts[0]}` : `${m[1]}/${parts[0]}`;
  }
  return url;
}
const fnName = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`;
};

const selfArea = new Map<string, number>();
const inclArea = new Map<string, number>();
const selfFn = new Map<string, number>();
const inclProjectFn = new Map<string, number>();
const isProject = (url: string) => /\/(src|dialogs)\//.test(url) && !url.includes('node_modules');
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
let busy = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]!)!;
  const us = profile.timeDeltas[i] ?? 0;
  if (node.callFrame.functionName === '(idle)') continue;
  busy += us;
  add(selfArea, area(node.callFrame.url, node.callFrame.functionName), us);
  add(selfFn, fnName(node), us);
  const seen = new Set<string>();
  const seenFn = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!.callFrame;
    if (!frame.url) continue;
    if (isProject(frame.url)) {
      const name = fnName(byId.get(id)!);
      if (!seenFn.has(name)) {
        seenFn.add(name);
        add(inclProjectFn, name, us);
      }
    }
    const a = area(frame.url, frame.functionName);
    if (!seen.has(a)) {
      seen.add(a);
      add(inclArea, a, us);
    }
  }
}
const ms = (us: number) => (us / 1000).toFixed(0);
const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`busy (non-idle) CPU sampled: ${(busy / 1e6).toFixed(1)} s\n`);
console.log(
  table(
    ['area', 'self ms', 'self', 'inclusive'],
    sorted(selfArea).map(([k, us]) => [k, ms(us), pct(us), pct(inclArea.get(k) ?? 0)]),
  ),
);
console.log('');
console.log(
  table(
    ['area (by inclusive time)', 'inclusive ms', 'inclusive'],
    sorted(inclArea).map(([k, us]) => [k, ms(us), pct(us)]),
  ),
);
console.log('');
console.log(
  table(
    ['function (self time)', 'ms', 'share'],
    sorted(selfFn).map(([k, us]) => [k, ms(us), pct(us)]),
  ),
);
console.log('');
console.log(
  table(
    ['project function (inclusive)', 'ms', 'share'],
    sorted(inclProjectFn).map(([k, us]) => [k, ms(us), pct(us)]),
  ),
);
