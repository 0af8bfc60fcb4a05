import type { RecognizerResult, TurnContext } from 'botbuilder';
import { detectLang } from '../language.js';
import { TOPIC_IDS, type TopicId } from '../topics.js';
import { LinearClassifier, type Sample, type TrainOptions } from './classifier.js';
import { extractEntities } from './entities.js';
import { type CompiledConcepts, loadConcepts, messageFeatures } from './features.js';
import {
  type AmbiguousExample,
  type IntentExample,
  loadIntents,
  type RecognizerSettings,
} from './intentsKnowledge.js';
import { normalize } from './normalize.js';
import { readRomaji } from './romaji.js';
import { type CompiledVariants, loadVariants } from './variants.js';

const LATIN_TOKEN = /[a-z']+/g;

/** Latin words of the training texts: the model reads them as English (or canonical) words. */
function latinVocabulary(normalizedTexts: Iterable<string>): Set<string> {
  const known = new Set<string>();
  for (const t of normalizedTexts) for (const w of t.match(LATIN_TOKEN) ?? []) known.add(w);
  return known;
}

export interface TopicScore {
  topic: TopicId;
  score: number; // [0,1]
}

export interface TopicRecognition {
  text: string;
  normalized: string;
  /** `none` when the best in-scope topic is below the calibrated threshold. */
  top: TopicScore;
  /** Best in-scope topic other than `top` (when top is `none`: the best in-scope topic). */
  runnerUp: TopicScore | null;
  /** Top and runner-up are close: the dialog should ask "did you mean A or B?". */
  ambiguous: boolean;
  /** Every topic, sorted by score, descending. */
  scores: TopicScore[];
  /**
   * Why `top` is `none`: `out_of_scope` when the model is sure the message is about something
   * this chat does not handle (weather, another company's card), `unclear` when it just could not
   * tell; null when `top` is a topic. The dialog answers the two differently.
   */
  noneKind: NoneKind | null;
}

export type NoneKind = 'out_of_scope' | 'unclear';

export interface TopicRecognizerResult extends RecognizerResult {
  topic: TopicId;
  runnerUp: TopicScore | null;
  ambiguous: boolean;
  noneKind: NoneKind | null;
}

/** The none class must win by this much probability for a miss to count as out of scope. */
const OUT_OF_SCOPE_MIN = 0.5;
/**
 * A message in which no concept fires and most features are unknown (ぬぽぺ, asdfghjk) is noise:
 * "unclear", not a subject we decline.
 */
const GIBBERISH_COVERAGE = 0.7;
const EITHER_MARGIN_FACTOR = 2;

/** What the features say beyond the probabilities. */
export interface DecisionSignals {
  /** Some concept fired (else the message may be noise). */
  anyConcept: boolean;
  /** The member names alternatives ("or", 「どっち」). */
  either: boolean;
}

const LABELS: readonly TopicId[] = TOPIC_IDS;
const AMBIGUOUS_COPIES = 4;
const NONE_INDEX = LABELS.indexOf('none');

/** botbuilder's recognizer contract (as LuisRecognizer and the dialog Recognizer implement it). */
export interface BotRecognizer {
  recognize(context: TurnContext): Promise<RecognizerResult>;
}

/** Offline bilingual topic recognizer. */
export class TopicRecognizer implements BotRecognizer {
  private constructor(
    private readonly model: LinearClassifier,
    readonly settings: RecognizerSettings,
    private readonly concepts: CompiledConcepts,
    private readonly latin: ReadonlySet<string>,
    private readonly variants: CompiledVariants,
  ) {}

  /** Loads and validates knowledge/intents, then trains the model in process. */
  static fromKnowledge(dir?: string): TopicRecognizer {
    const { examples, settings, ambiguous } = loadIntents(dir);
    return TopicRecognizer.fromExamples(
      examples,
      settings,
      undefined,
      loadConcepts(dir),
      ambiguous,
      loadVariants(dir),
    );
  }

  static fromExamples(
    examples: ReadonlyArray<Pick<IntentExample, 'text' | 'topic'>>,
    settings: RecognizerSettings,
    options?: Partial<TrainOptions>,
    concepts: CompiledConcepts = loadConcepts(),
    ambiguous: ReadonlyArray<AmbiguousExample> = [],
    variants: CompiledVariants = loadVariants(),
  ): TopicRecognizer {
    const normalizePiece = (raw: string) => normalize(raw, variants);
    const normalizedTexts = examples.map((e) => normalizePiece(e.text));
    const samples: Sample[] = examples.map((e) => ({
      features: messageFeatures(e.text, concepts, normalizePiece).features,
      label: LABELS.indexOf(e.topic),
    }));
    // A bare keyword competes with every example that contains it; a few copies of its soft
    // target keep its probability split instead of following the majority of those examples.
    for (const a of ambiguous) {
      const labels = a.topics.map((t) => LABELS.indexOf(t));
      const sample: Sample = {
        features: messageFeatures(a.text, concepts, normalizePiece).features,
        label: labels[0]!,
        soft: labels.map((k) => [k, 1 / labels.length] as const),
      };
      for (let copy = 0; copy < AMBIGUOUS_COPIES; copy++) samples.push(sample);
    }
    const latin = latinVocabulary([...normalizedTexts, ...ambiguous.map((a) => normalizePiece(a.text))]);
    return new TopicRecognizer(
      LinearClassifier.train(samples, LABELS.length, options),
      settings,
      concepts,
      latin,
      variants,
    );
  }

  /** Same model, other decision settings (used by calibration). */
  withSettings(settings: RecognizerSettings): TopicRecognizer {
    return new TopicRecognizer(this.model, settings, this.concepts, this.latin, this.variants);
  }

  /** Raw model output, before the out-of-scope decision. */
  rawScores(text: string): {
    normalized: string;
    probabilities: Float64Array;
    coverage: number;
    signals: DecisionSignals;
  } {
    // Japanese typed in romaji ("pasuwaado wasureta") is read as kana, then canonicalised again.
    const known = { words: this.latin, concepts: this.concepts };
    const normalizePiece = (raw: string) => {
      const normalized = normalize(raw, this.variants);
      const kana = readRomaji(normalized, known);
      return kana === null ? normalized : normalize(kana, this.variants);
    };
    const { normalized, features } = messageFeatures(text, this.concepts, normalizePiece);
    const { probabilities, coverage } = this.model.predict(features);
    return {
      normalized,
      probabilities,
      coverage,
      signals: { anyConcept: !features.has('c:NONE'), either: features.has('c:EITHER') },
    };
  }

  recognizeText(text: string): TopicRecognition {
    const { normalized, probabilities, coverage, signals } = this.rawScores(text);
    return decide(text, normalized, probabilities, coverage, this.settings, signals);
  }

  async recognize(context: TurnContext): Promise<TopicRecognizerResult> {
    const text = context.activity.text ?? '';
    const r = this.recognizeText(text);
    const intents: RecognizerResult['intents'] = {};
    for (const s of r.scores) intents[s.topic] = { score: s.score };
    // The decision may override the raw argmax (threshold → none); intents must agree with `topic`.
    intents[r.top.topic] = { score: r.top.score };
    const lang = detectLang(text, context.activity.locale);
    const rawTimestamp = context.activity.timestamp;
    const now = rawTimestamp ? new Date(rawTimestamp) : new Date();
    const entities = extractEntities(text, lang, Number.isNaN(now.getTime()) ? new Date() : now);
    return {
      text,
      alteredText: r.normalized,
      intents,
      entities: { ...entities },
      topic: r.top.topic,
      runnerUp: r.runnerUp,
      ambiguous: r.ambiguous,
      noneKind: r.noneKind,
    };
  }

  get featureCount(): number {
    return this.model.featureCount;
  }
}

export function decide(
  text: string,
  normalized: string,
  probabilities: Float64Array,
  coverage: number,
  settings: RecognizerSettings,
  signals: DecisionSignals = { anyConcept: true, either: false },
): TopicRecognition {
  const scores: TopicScore[] = LABELS.map((topic, i) => ({ topic, score: probabilities[i] ?? 0 }));
  scores.sort((a, b) => b.score - a.score);
  const inScope = scores.filter((s) => s.topic !== 'none');
  const best = inScope[0]!;
  const pNone = probabilities[NONE_INDEX] ?? 0;
  const outOfScope =
    normalized.length === 0 ||
    best.score < settings.threshold ||
    pNone >= best.score ||
    coverage < settings.minCoverage;
  if (outOfScope) {
    return {
      text,
      normalized,
      // The probability of none itself: "unclear" misses are not reported as confident.
      top: { topic: 'none', score: normalized.length === 0 ? 1 : pNone },
      runnerUp: normalized.length === 0 ? null : best,
      ambiguous: false,
      scores,
      noneKind:
        normalized.length > 0 &&
        pNone >= best.score &&
        pNone >= OUT_OF_SCOPE_MIN &&
        coverage >= settings.minCoverage &&
        (signals.anyConcept || coverage >= GIBBERISH_COVERAGE)
          ? 'out_of_scope'
          : 'unclear',
    };
  }
  const runnerUp = inScope[1] ?? null;
  // "my PIN or my password, not sure which": a member who says they are torn gets asked sooner.
  const margin = settings.ambiguityMargin * (signals.either ? EITHER_MARGIN_FACTOR : 1);
  const ambiguous = runnerUp !== null && best.score - runnerUp.score < margin;
  return { text, normalized, top: best, runnerUp, ambiguous, scores, noneKind: null };
}
