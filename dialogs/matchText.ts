// Folds what members type so answer matching ignores width, case, kana script, spaces and
// punctuation: 「ｶｰﾄﾞ番号です。」 and 「かーど番号」 both contain 「かーど番号」.
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

// Phrases come from knowledge/ (a few hundred): fold each once, not on every message.
const foldedPhrases = new Map<string, string>();
function foldPhrase(phrase: string): string {
  let folded = foldedPhrases.get(phrase);
  if (folded === undefined) {
    folded = foldForMatch(phrase);
    if (foldedPhrases.size < 10_000) foldedPhrases.set(phrase, folded);
  }
  return folded;
}

/** The longest of `phrases` found in `text` (both folded), or 0 when none is. */
export function longestMatch(text: string, phrases: readonly string[]): number {
  const folded = foldForMatch(text);
  let best = 0;
  for (const phrase of phrases) {
    const p = foldPhrase(phrase);
    if (p.length > best && folded.includes(p)) best = p.length;
  }
  return best;
}
