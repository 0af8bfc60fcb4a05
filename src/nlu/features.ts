// Features of a normalised message: character n-grams for Japanese (no word segmentation needed,
// robust to kana/kanji mixing and typos), stemmed words and word bigrams for English, and
// language-independent concept tags. A concept fires for 「忘れた」 and for "forgot" alike, so
// English examples teach the Japanese side and the other way round.

import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { type ClauseRole, clausesOf, mayContrast } from './clauses.js';
import { normalize } from './normalize.js';
import { regexSource } from './variants.js';

/** knowledge/nlu-concepts.json: concept name → regular-expression alternatives (normalised text). */
export const conceptLexiconSchema = z
  .object({
    $comment: z.string().optional(),
    concepts: z.record(
      z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'concept names are UPPER_SNAKE'),
      z
        .array(
          regexSource
            // Patterns match folded text (normalize.ts): katakana and long-vowel marks never occur there.
            .refine((p) => !/[\u30a1-\u30fc]/.test(p), {
              message: 'write kana as hiragana without long-vowel marks (the text is folded before matching)',
            }),
        )
        .min(1),
    ),
  })
  .strict();

export type ConceptLexicon = z.infer<typeof conceptLexiconSchema>;
export type CompiledConcepts = ReadonlyArray<readonly [string, RegExp]>;

export const CONCEPTS_FILE = 'nlu-concepts.json';

export function compileConcepts(lexicon: ConceptLexicon): CompiledConcepts {
  return Object.entries(lexicon.concepts).map(
    ([name, alternatives]) => [name, new RegExp(alternatives.join('|'))] as const,
  );
}

const cache = new Map<string, CompiledConcepts>();

/** The concept lexicon of a knowledge directory, validated and compiled once per directory. */
export function loadConcepts(dir: string = KNOWLEDGE_DIR): CompiledConcepts {
  let compiled = cache.get(dir);
  if (!compiled) {
    compiled = compileConcepts(loadJsonFile(join(dir, CONCEPTS_FILE), conceptLexiconSchema));
    cache.set(dir, compiled);
  }
  return compiled;
}

const EN_STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'on',
  'in',
  'at',
  'is',
  'are',
  'am',
  'be',
  'it',
  'this',
  'that',
  'and',
  'or',
  'please',
  'me',
  'my',
  'i',
  "i'm",
  'you',
  'your',
  'do',
  'does',
  'can',
  'with',
]);

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Relative weights of the feature families (tuned by cross-validation on the knowledge examples). */
export const FEATURE_WEIGHTS = {
  concept: 3,
  outOfScopeConcept: 6,
  pair: 2,
  word: 1,
  bigram: 1,
  trigram: 0.3,
  j1: 0.4,
  j2: 1,
  j3: 1,
};

/**
 * Concepts that name something this chat does not handle (another company's card, a bank's app,
 * shop points, a payment app, other bills, other loans, small talk). They weigh more than the
 * in-scope word next to them: 「Pontaカードなくした」 is about Ponta, not about losing a card.
 */
const OUT_OF_SCOPE_CONCEPTS = new Set([
  'OTHERCO',
  'OTHERCARD',
  'OTHERPOINT',
  'OTHERPAY',
  'OTHERBILL',
  'OTHERBANK',
  'OTHERLOAN',
  'OFFTOPIC',
]);

/**
 * How much a clause counts, by its role: the clause that carries the request fully, context (the
 * part before けど / but) less, a topic the member rules out (じゃなくて / not) hardly at all.
 */
export const CLAUSE_WEIGHTS: Record<ClauseRole, number> = { main: 1, background: 0.6, ruledOut: 0.1 };
/** A ruled-out concept also fires as its own feature, so the model can learn "not this topic". */
const RULED_OUT_CONCEPT_WEIGHT = 1;

const TOKEN = /[a-z0-9']+|[^\sa-z0-9']+/g;

/** Feature names with weights for one normalised text. */
export function featuresOfNormalized(
  normalized: string,
  concepts: CompiledConcepts = loadConcepts(),
): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, weight: number) => out.set(name, (out.get(name) ?? 0) + weight);

  const matched = new Set<string>();
  for (const [name, pattern] of concepts) if (pattern.test(normalized)) matched.add(name);
  // A negated concept (NOT_LOSE: "not lost", 「なくしてない」) switches its concept off.
  const fired: string[] = [];
  for (const name of matched) {
    if (matched.has(`NOT_${name}`)) continue;
    fired.push(name);
    add(
      `c:${name}`,
      OUT_OF_SCOPE_CONCEPTS.has(name) ? FEATURE_WEIGHTS.outOfScopeConcept : FEATURE_WEIGHTS.concept,
    );
  }
  // Pairs let a linear model tell FORGET+PIN from FORGET+WEBID from LOSE+CARD.
  for (let i = 0; i < fired.length; i++) {
    for (let j = i + 1; j < fired.length; j++) add(`cc:${fired[i]}+${fired[j]}`, FEATURE_WEIGHTS.pair);
  }
  if (fired.length === 0) add('c:NONE', 1);

  const words: string[] = [];
  for (const token of normalized.match(TOKEN) ?? []) {
    if (/^[a-z0-9']+$/.test(token)) {
      if (EN_STOPWORDS.has(token)) continue;
      const w = stem(token);
      words.push(w);
      add(`w:${w}`, FEATURE_WEIGHTS.word);
      // Character trigrams inside longer words absorb typos (pasword, loggin, recieve).
      if (w.length >= 5) {
        const padded = `<${w}>`;
        for (let i = 0; i + 3 <= padded.length; i++)
          add(`t:${padded.slice(i, i + 3)}`, FEATURE_WEIGHTS.trigram);
      }
    } else {
      // Japanese run: character 1- to 3-grams with boundary markers.
      const run = `^${token}$`;
      for (let n = 1; n <= 3; n++) {
        for (let i = 0; i + n <= run.length; i++) {
          const gram = run.slice(i, i + n);
          if (gram === '^' || gram === '$') continue;
          add(
            `j${n}:${gram}`,
            n === 1 ? FEATURE_WEIGHTS.j1 : n === 2 ? FEATURE_WEIGHTS.j2 : FEATURE_WEIGHTS.j3,
          );
        }
      }
    }
  }
  for (let i = 0; i + 1 < words.length; i++) add(`b:${words[i]}_${words[i + 1]}`, FEATURE_WEIGHTS.bigram);
  return out;
}

export interface MessageFeatures {
  /** Normalised text of the whole message. */
  normalized: string;
  features: Map<string, number>;
}

/**
 * Features of a message, clause by clause: when it contrasts or rules something out, each clause's
 * features are weighed by its role; otherwise they are the features of the whole normalised text.
 * `normalizePiece` normalises raw text (the recognizer also reads romaji there).
 */
export function messageFeatures(
  text: string,
  concepts: CompiledConcepts = loadConcepts(),
  normalizePiece: (raw: string) => string = (raw) => normalize(raw),
): MessageFeatures {
  const normalized = normalizePiece(text);
  if (!mayContrast(normalized)) return { normalized, features: featuresOfNormalized(normalized, concepts) };
  const clauses = clausesOf(text, normalizePiece, concepts);
  if (clauses.every((c) => c.role === 'main'))
    return { normalized, features: featuresOfNormalized(normalized, concepts) };
  const features = new Map<string, number>();
  for (const role of ['main', 'background', 'ruledOut'] as const) {
    const joined = clauses
      .filter((c) => c.role === role)
      .map((c) => c.text)
      .join(' ');
    if (!joined) continue;
    const weight = CLAUSE_WEIGHTS[role];
    for (const [name, value] of featuresOfNormalized(joined, concepts)) {
      if (role !== 'main' && name === 'c:NONE') continue;
      features.set(name, (features.get(name) ?? 0) + weight * value);
      if (role === 'ruledOut' && name.startsWith('c:'))
        features.set(`x${name}`, (features.get(`x${name}`) ?? 0) + RULED_OUT_CONCEPT_WEIGHT);
    }
  }
  return { normalized, features };
}

export function featuresOf(text: string, concepts: CompiledConcepts = loadConcepts()): Map<string, number> {
  return messageFeatures(text, concepts).features;
}

export function conceptsOf(text: string, concepts: CompiledConcepts = loadConcepts()): string[] {
  const normalized = normalize(text);
  return concepts.filter(([, pattern]) => pattern.test(normalized)).map(([name]) => name);
}
