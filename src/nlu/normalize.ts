// Text normalisation shared by training and recognition. Members type half-width katakana,
// full-width letters, kana instead of kanji, romaji and IME slips; every such variant is folded onto
// one canonical form so the classifier sees the same features for all of them. The character-level
// folding is in fold.ts; the word-level variants live in knowledge/nlu-variants.json.
import { foldText } from './fold.js';
import { type CompiledVariants, loadVariants } from './variants.js';

export { katakanaToHiragana } from './fold.js';

/**
 * Canonical form of a member's message: folded (NFKC, lower case, hiragana, no long-vowel marks or
 * punctuation), then every spelling variant replaced by its canonical form (ウェブID/web-id → webid,
 * 暗唱番号 → 暗証番号, こうざふりかえ → 口座振替, 旬フリ → 瞬ふり, …).
 */
export function normalize(text: string, variants: CompiledVariants = loadVariants()): string {
  if (text === lastText && variants === lastVariants) return lastResult;
  let s = foldText(text);
  for (const [pattern, canonical] of variants) s = s.replace(pattern, canonical);
  lastResult = s.replace(/\s+/g, ' ').trim();
  lastText = text;
  lastVariants = variants;
  return lastResult;
}

// A turn reads the member's message several ways (topic, yes or no, thanks), each normalising it; half
// the calls over the bench scripts repeat the one before. Only the latest text is held.
let lastText: string | undefined;
let lastVariants: CompiledVariants | undefined;
let lastResult = '';

const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u;

export function containsJapanese(normalized: string): boolean {
  return JAPANESE_CHAR.test(normalized);
}
