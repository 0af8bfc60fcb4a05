// Folds what members type so answer matching ignores width, case, kana script, spaces and
// punctuation: 「ｶｰﾄﾞ番号です。」 and 「かーど番号」 both contain 「かーど番号」.
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The longest of `phrases` found in `text` (both folded), or 0 when none is. */
export function longestMatch(text: string, phrases: readonly string[]): number {
  const folded = foldForMatch(text);
  let best = 0;
  for (const phrase of phrases) {
    const p = foldForMatch(phrase);
    if (p.length > best && folded.includes(p)) best = p.length;
  }
  return best;
}
