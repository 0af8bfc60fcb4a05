import { katakanaToHiragana } from '../../src/nlu/fold.js';

/**
 * Key under which two texts count as copies of each other: the same characters after width, case,
 * kana and punctuation are ignored. Word-level spelling variants (kuchifuri / 口フリ) stay distinct.
 */
export function copyKey(text: string): string {
  return katakanaToHiragana(text.normalize('NFKC').toLowerCase())
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
