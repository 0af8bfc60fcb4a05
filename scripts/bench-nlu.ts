// npm run bench:nlu [-- --iterations N]
// Model build time at start-up, recognitions per second and per-call latency (p50/p99) of
// TopicRecognizer.recognizeText on the knowledge examples plus noisy variants of them.
import { loadIntents } from '../src/nlu/intentsKnowledge.js';
import { TopicRecognizer } from '../src/nlu/recognizer.js';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function main(): void {
  const argIndex = process.argv.indexOf('--iterations');
  const iterations = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 20_000;

  const t0 = performance.now();
  const recognizer = TopicRecognizer.fromKnowledge();
  const buildMs = performance.now() - t0;
  // A second build shows the steady cost without module loading and JIT warm-up.
  const t1 = performance.now();
  TopicRecognizer.fromKnowledge();
  const rebuildMs = performance.now() - t1;

  const base = loadIntents().examples.map((e) => e.text);
  // Half-width, full-width and unpunctuated variants cost more in normalisation.
  const texts = [
    ...base,
    ...base.map((t) => t.normalize('NFKC').toUpperCase()),
    ...base.map((t) => `${t.replace(/[、。？！?!]/g, '')}   ${t}`),
  ];
  for (let i = 0; i < 2000; i++) recognizer.recognizeText(texts[i % texts.length]!); // warm-up

  const latencies = new Float64Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const s = performance.now();
    recognizer.recognizeText(texts[i % texts.length]!);
    latencies[i] = performance.now() - s;
  }
  const totalMs = performance.now() - start;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  console.log(`examples=${base.length} features=${recognizer.featureCount}`);
  console.log(`model build: ${buildMs.toFixed(1)} ms at start-up (rebuild ${rebuildMs.toFixed(1)} ms)`);
  console.log(
    `recognitions: ${iterations} in ${totalMs.toFixed(0)} ms = ${Math.round((iterations / totalMs) * 1000)}/s`,
  );
  console.log(
    `latency: p50=${percentile(sorted, 50).toFixed(3)} ms p99=${percentile(sorted, 99).toFixed(3)} ms max=${sorted[sorted.length - 1]!.toFixed(3)} ms`,
  );
}

main();
