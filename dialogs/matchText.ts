// Folds what members type so answer matching ignores width, case, kana script, spaces and
// punctuation: 「ｶｰﾄﾞ番号です。」 and 「かーど番号」 both contain 「かーど番号」.
// One turn folds the member's message many times (each check of the router, each choice's words):
// the last result is kept, so that is done once. Only the latest message is held.
let lastIn: string | undefined;
let lastOut = '';
export function foldForMatch(text: string): string {
  if (text === lastIn) return lastOut;
  lastOut = fold(text);
  lastIn = text;
  return lastOut;
}

function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

// Phrases come from knowledge/ (a few hundred): fold each once, not on every message.
const foldedPhrases = new Map<string, string>();
export function foldPhrase(phrase: string): string {
  let folded = foldedPhrases.get(phrase);
  if (folded === undefined) {
    folded = fold(phrase);
    if (foldedPhrases.size < 10_000) foldedPhrases.set(phrase, folded);
  }
  return folded;
}

/** The longest of `phrases` found in `text` (both folded), or 0 when none is. */
export function longestMatch(text: string, phrases: readonly string[]): number {
  return longestFoldedMatch(foldForMatch(text), phrases);
}

/** longestMatch for a text already folded with foldForMatch. */
export function longestFoldedMatch(folded: string, phrases: readonly string[]): number {
  let best = 0;
  for (const phrase of phrases) {
    const p = foldPhrase(phrase);
    if (p.length > best && folded.includes(p)) best = p.length;
  }
  return best;
}
