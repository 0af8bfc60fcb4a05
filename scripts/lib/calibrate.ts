// Picks the out-of-scope threshold and coverage floor by k-fold cross-validation on the knowledge
// examples themselves (never on an evaluation file), so the decision rule is tuned on held-out text.
import type { IntentExample, RecognizerSettings } from '../../src/nlu/intentsKnowledge.js';
import { decide, TopicRecognizer } from '../../src/nlu/recognizer.js';

interface Held {
  topic: string;
  normalized: string;
  probabilities: Float64Array;
  coverage: number;
}

export function crossValidate(examples: IntentExample[], settings: RecognizerSettings, folds = 5): Held[] {
  const held: Held[] = [];
  for (let f = 0; f < folds; f++) {
    const train = examples.filter((_, i) => i % folds !== f);
    const test = examples.filter((_, i) => i % folds === f);
    const model = TopicRecognizer.fromExamples(train, settings);
    for (const e of test) held.push({ topic: e.topic, ...model.rawScores(e.text) });
  }
  return held;
}

export function calibrate(
  examples: IntentExample[],
  current: RecognizerSettings,
): { settings: RecognizerSettings; accuracy: number; noneRecall: number; inScopeAccuracy: number } {
  const held = crossValidate(examples, current);
  const grid: Array<{
    settings: RecognizerSettings;
    accuracy: number;
    noneRecall: number;
    inScopeAccuracy: number;
  }> = [];
  for (let step = 0; step <= 24; step++) {
    const threshold = Number((0.1 + step * 0.025).toFixed(3));
    for (const minCoverage of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) {
      const settings = { ...current, threshold, minCoverage };
      let ok = 0;
      let none = 0;
      let noneOk = 0;
      for (const h of held) {
        const r = decide('', h.normalized, h.probabilities, h.coverage, settings);
        if (r.top.topic === h.topic) ok++;
        if (h.topic === 'none') {
          none++;
          if (r.top.topic === 'none') noneOk++;
        }
      }
      const inScope = held.length - none;
      grid.push({
        settings,
        accuracy: ok / held.length,
        noneRecall: none ? noneOk / none : 1,
        inScopeAccuracy: inScope ? (ok - noneOk) / inScope : 1,
      });
    }
  }
  const top = Math.max(...grid.map((g) => g.accuracy));
  // The accuracy curve is flat near its best; the middle of that plateau is the setting least
  // sensitive to how the held-out mix of in-scope and out-of-scope text differs from ours.
  const plateau = grid.filter((g) => g.accuracy >= top - 0.0015);
  const coverage = plateau[0]!.settings.minCoverage;
  const sameCoverage = plateau.filter((g) => g.settings.minCoverage === coverage);
  const best = sameCoverage[Math.floor((sameCoverage.length - 1) / 2)]!;
  return best;
}
