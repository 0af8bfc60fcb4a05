// npm run bench:nlu [-- --iterations N]
// Model build time at start-up, recognitions per second and per-call latency (p50/p99) of
// TopicRecognizer.recognizeText on the knowledge examples plus noisy variants of them. On a shared
// machine wall time includes waiting for a core, so CPU time is printed next to it, and NLP.js on
// the same texts in the same run is the reference the ratios are taken against.
import { loadIntents } from '../src/nlu/intentsKnowledge.js';
import { TopicRecognizer } from '../src/nlu/recognizer.js';
import { trainNlpJsBaseline } from './lib/nlpjsBaseline.js';

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

interface Timing {
  wall: Float64Array;
  cpu: Float64Array;
}

async function time(n: number, run: (i: number) => unknown): Promise<Timing> {
  const wall = new Float64Array(n);
  const cpu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const s = performance.now();
    await run(i);
    wall[i] = performance.now() - s;
    cpu[i] = cpuMs(c);
  }
  return { wall: wall.sort(), cpu: cpu.sort() };
}

const f3 = (x: number) => x.toFixed(3);

async function main(): Promise<void> {
  const argIndex = process.argv.indexOf('--iterations');
  const iterations = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 20_000;

  let c = process.cpuUsage();
  const t0 = performance.now();
  const recognizer = TopicRecognizer.fromKnowledge();
  const buildMs = performance.now() - t0;
  const buildCpu = cpuMs(c);
  // A second build shows the steady cost without module loading and JIT warm-up.
  c = process.cpuUsage();
  const t1 = performance.now();
  TopicRecognizer.fromKnowledge();
  const rebuildMs = performance.now() - t1;
  const rebuildCpu = cpuMs(c);

  const examples = loadIntents().examples;
  const base = examples.map((e) => e.text);
  // Half-width, full-width and unpunctuated variants cost more in normalisation; the contrast
  // variants go through the clause analysis.
  const texts = [
    ...base,
    ...base.map((t) => t.normalize('NFKC').toUpperCase()),
    ...base.map((t) => `${t.replace(/[、。？！?!]/g, '')}   ${t}`),
    ...base.map((t, i) =>
      i % 2 ? `${t}けど、${base[(i * 7) % base.length]}` : `${t} but not ${base[i + 1]}`,
    ),
  ];
  for (let i = 0; i < 2000; i++) recognizer.recognizeText(texts[i % texts.length]!); // warm-up

  const start = performance.now();
  const ours = await time(iterations, (i) => recognizer.recognizeText(texts[i % texts.length]!));
  const totalMs = performance.now() - start;

  const nlpjs = await trainNlpJsBaseline(examples);
  const refN = Math.min(iterations, 5000);
  for (let i = 0; i < 500; i++) await nlpjs.classify(texts[i % texts.length]!);
  const reference = await time(refN, (i) => nlpjs.classify(texts[i % texts.length]!));

  console.log(`examples=${base.length} features=${recognizer.featureCount}`);
  console.log(
    `model build: ${buildMs.toFixed(1)} ms at start-up, cpu ${buildCpu.toFixed(1)} ms (rebuild ${rebuildMs.toFixed(1)} ms, cpu ${rebuildCpu.toFixed(1)} ms); target < 1000 ms`,
  );
  console.log(
    `recognitions: ${iterations} in ${totalMs.toFixed(0)} ms = ${Math.round((iterations / totalMs) * 1000)}/s`,
  );
  for (const [name, t] of [
    ['wall', ours.wall],
    ['cpu ', ours.cpu],
  ] as const) {
    console.log(
      `latency ${name}: p50=${f3(percentile(t, 50))} ms p99=${f3(percentile(t, 99))} ms max=${f3(t[t.length - 1]!)} ms; target p99 < 1 ms`,
    );
  }
  const ratio = (a: Float64Array, b: Float64Array, p: number) => percentile(a, p) / percentile(b, p);
  console.log(
    `reference nlp.js (${refN} calls, same texts): p50=${f3(percentile(reference.wall, 50))} ms p99=${f3(percentile(reference.wall, 99))} ms; ours/nlp.js p50=${ratio(ours.wall, reference.wall, 50).toFixed(2)} p99=${ratio(ours.wall, reference.wall, 99).toFixed(2)}`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
