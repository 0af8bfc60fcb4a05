// Scoring of a labelled JSONL file (design.md "eval contract"), independent of which model predicts.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TOPIC_IDS, type TopicId } from '../../src/topics.js';

const topic = z.enum(TOPIC_IDS);
const lineSchema = z.union([
  z.object({ text: z.string(), intent: topic }),
  z.object({ text: z.string(), accept: z.array(topic).min(1) }),
]);

export interface EvalLine {
  line: number;
  text: string;
  /** Correct predictions: `[intent]` or the line's `accept` list. */
  accept: TopicId[];
}

export function parseEvalJsonl(content: string, file = 'input'): EvalLine[] {
  const out: EvalLine[] = [];
  content.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${file}:${i + 1}: not valid JSON: ${(err as Error).message}`);
    }
    const parsed = lineSchema.safeParse(data);
    if (!parsed.success) {
      throw new Error(
        `${file}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    }
    const v = parsed.data;
    out.push({ line: i + 1, text: v.text, accept: 'intent' in v ? [v.intent] : v.accept });
  });
  return out;
}

export function readEvalFile(path: string): EvalLine[] {
  return parseEvalJsonl(readFileSync(path, 'utf8'), path);
}

export interface Prediction {
  topic: TopicId;
  score: number;
  runnerUp?: { topic: TopicId; score: number } | null;
}

export interface TopicMetrics {
  topic: TopicId;
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalReport {
  file: string;
  n: number;
  correct: number;
  accuracy: number;
  perTopic: TopicMetrics[];
  confusions: Array<{ expected: TopicId; predicted: TopicId; count: number }>;
  errors: Array<{
    line: number;
    text: string;
    expected: TopicId[];
    predicted: TopicId;
    score: number;
    runnerUp: { topic: TopicId; score: number } | null;
  }>;
  baseline?: { name: string; n: number; correct: number; accuracy: number };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function isCorrect(line: EvalLine, predicted: TopicId): boolean {
  return line.accept.includes(predicted);
}

export function scorePredictions(file: string, lines: EvalLine[], predictions: Prediction[]): EvalReport {
  if (lines.length !== predictions.length) throw new Error('one prediction per line expected');
  const support = new Map<TopicId, number>();
  const predictedCount = new Map<TopicId, number>();
  const truePositive = new Map<TopicId, number>();
  const confusions = new Map<string, number>();
  const errors: EvalReport['errors'] = [];
  let correct = 0;
  lines.forEach((line, i) => {
    const p = predictions[i]!;
    const ok = isCorrect(line, p.topic);
    // With an accept list the gold label is the accepted prediction, else the first accepted id.
    const gold = ok ? p.topic : line.accept[0]!;
    support.set(gold, (support.get(gold) ?? 0) + 1);
    predictedCount.set(p.topic, (predictedCount.get(p.topic) ?? 0) + 1);
    if (ok) {
      correct++;
      truePositive.set(gold, (truePositive.get(gold) ?? 0) + 1);
    } else {
      const key = `${gold}\t${p.topic}`;
      confusions.set(key, (confusions.get(key) ?? 0) + 1);
      errors.push({
        line: line.line,
        text: line.text,
        expected: line.accept,
        predicted: p.topic,
        score: p.score,
        runnerUp: p.runnerUp ?? null,
      });
    }
  });
  const perTopic: TopicMetrics[] = TOPIC_IDS.filter((t) => support.has(t) || predictedCount.has(t)).map(
    (t) => {
      const tp = truePositive.get(t) ?? 0;
      const precision = ratio(tp, predictedCount.get(t) ?? 0);
      const recall = ratio(tp, support.get(t) ?? 0);
      const f1 = ratio(2 * precision * recall, precision + recall);
      return {
        topic: t,
        support: support.get(t) ?? 0,
        predicted: predictedCount.get(t) ?? 0,
        precision,
        recall,
        f1,
      };
    },
  );
  const confusionList = [...confusions.entries()]
    .map(([k, count]) => {
      const [expected, predicted] = k.split('\t') as [TopicId, TopicId];
      return { expected, predicted, count };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected));
  return {
    file,
    n: lines.length,
    correct,
    accuracy: ratio(correct, lines.length),
    perTopic,
    confusions: confusionList,
    errors,
  };
}

export function accuracyOf(
  lines: EvalLine[],
  predicted: TopicId[],
): { n: number; correct: number; accuracy: number } {
  const correct = lines.filter((l, i) => isCorrect(l, predicted[i]!)).length;
  return { n: lines.length, correct, accuracy: ratio(correct, lines.length) };
}

const f3 = (x: number) => x.toFixed(3);

/** A wrong answer at or above this score is given with high confidence (worse than asking). */
export const CONFIDENT = 0.9;

export function confidentErrors(r: EvalReport): number {
  return r.errors.filter((e) => e.score >= CONFIDENT).length;
}

/** Human-readable report; the last line is `accuracy=… n=…`, preceded by the baseline line when present. */
export function formatReport(r: EvalReport, maxConfusions = 10): string {
  const out: string[] = [];
  out.push(`# ${r.file}: ${r.correct}/${r.n} correct`);
  out.push('');
  out.push('topic                        support  pred  precision  recall     f1');
  for (const m of r.perTopic) {
    out.push(
      `${m.topic.padEnd(28)} ${String(m.support).padStart(7)} ${String(m.predicted).padStart(5)}  ${f3(m.precision).padStart(9)}  ${f3(m.recall).padStart(6)}  ${f3(m.f1).padStart(5)}`,
    );
  }
  out.push('');
  out.push(`most frequent confusions (expected -> predicted):${r.confusions.length === 0 ? ' none' : ''}`);
  for (const c of r.confusions.slice(0, maxConfusions))
    out.push(`  ${c.count}x ${c.expected} -> ${c.predicted}`);
  out.push('');
  out.push(`misclassified (${r.errors.length}):${r.errors.length === 0 ? ' none' : ''}`);
  for (const e of r.errors) {
    const runner = e.runnerUp ? `; runner-up ${e.runnerUp.topic} ${f3(e.runnerUp.score)}` : '';
    out.push(
      `  line ${e.line}: ${JSON.stringify(e.text)} expected ${e.expected.join('|')} got ${e.predicted} ${f3(e.score)}${runner}`,
    );
  }
  out.push('');
  out.push(`confident errors (score >= ${f3(CONFIDENT)}): ${confidentErrors(r)} of ${r.errors.length}`);
  if (r.baseline) out.push(`baseline accuracy=${f3(r.baseline.accuracy)} n=${r.baseline.n}`);
  out.push(`accuracy=${f3(r.accuracy)} n=${r.n}`);
  return out.join('\n');
}
