// npm run eval -- FILE.jsonl [--baseline] [--json PATH]
// npm run eval -- --calibrate [--write]   (cross-validates the knowledge examples, tunes _recognizer.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIntents, SETTINGS_FILE } from '../src/nlu/intentsKnowledge.js';
import { TopicRecognizer } from '../src/nlu/recognizer.js';
import { KNOWLEDGE_DIR } from '../src/paths.js';
import type { TopicId } from '../src/topics.js';
import { calibrate } from './lib/calibrate.js';
import { accuracyOf, formatReport, readEvalFile, scorePredictions } from './lib/evalCore.js';
import { trainNlpJsBaseline } from './lib/nlpjsBaseline.js';

const USAGE =
  'usage: npm run eval -- FILE.jsonl [--baseline] [--json PATH] [--knowledge DIR]\n       npm run eval -- --calibrate [--write]';

interface Args {
  file?: string;
  baseline: boolean;
  json?: string;
  knowledge: string;
  calibrate: boolean;
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { baseline: false, knowledge: KNOWLEDGE_DIR, calibrate: false, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--baseline') args.baseline = true;
    else if (a === '--calibrate') args.calibrate = true;
    else if (a === '--write') args.write = true;
    else if (a === '--json' || a === '--knowledge') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value\n${USAGE}`);
      if (a === '--json') args.json = v;
      else args.knowledge = v;
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else if (args.file) throw new Error(`one input file only\n${USAGE}`);
    else args.file = a;
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.calibrate) {
    const { examples, settings } = loadIntents(args.knowledge);
    const best = calibrate(examples, settings);
    console.log(`5-fold CV on ${examples.length} knowledge examples`);
    console.log(`current ${JSON.stringify(settings)}`);
    console.log(`best    ${JSON.stringify(best.settings)}`);
    console.log(
      `cv accuracy=${best.accuracy.toFixed(3)} in-scope=${best.inScopeAccuracy.toFixed(3)} none-recall=${best.noneRecall.toFixed(3)}`,
    );
    if (args.write) {
      const path = join(args.knowledge, 'intents', SETTINGS_FILE);
      const current = JSON.parse(readFileSync(path, 'utf8')) as object;
      writeFileSync(path, `${JSON.stringify({ ...current, ...best.settings }, null, 2)}\n`);
      console.log(`wrote ${path}`);
    }
    return;
  }
  if (!args.file) throw new Error(USAGE);
  const lines = readEvalFile(args.file);
  const recognizer = TopicRecognizer.fromKnowledge(args.knowledge);
  const predictions = lines.map((l) => {
    const r = recognizer.recognizeText(l.text);
    return { topic: r.top.topic, score: r.top.score, runnerUp: r.runnerUp };
  });
  const report = scorePredictions(args.file, lines, predictions);
  if (args.baseline) {
    const baseline = await trainNlpJsBaseline(loadIntents(args.knowledge).examples);
    const predicted: TopicId[] = [];
    for (const l of lines) predicted.push((await baseline.classify(l.text)).topic);
    report.baseline = { name: 'nlp.js', ...accuracyOf(lines, predicted) };
  }
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatReport(report));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
