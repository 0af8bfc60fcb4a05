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
  let best = { settings: current, accuracy: -1, noneRecall: 0, inScopeAccuracy: 0 };
  for (let threshold = 0.1; threshold <= 0.71; threshold += 0.025) {
    for (const minCoverage of [0, 0.1, 0.2, 0.3, 0.4, 0.5]) {
      const settings = { ...current, threshold: Number(threshold.toFixed(3)), minCoverage };
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
      const accuracy = ok / held.length;
      // Ties go to the lower threshold: fewer members told "I don't understand".
      if (accuracy > best.accuracy + 1e-9) {
        const inScope = held.length - none;
        best = { settings, accuracy, noneRecall: noneOk / none, inScopeAccuracy: (ok - noneOk) / inScope };
      }
    }
  }
  return best;
}
