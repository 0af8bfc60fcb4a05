// Character-level folding shared by the normaliser and the variants file: half-width kana and
// full-width letters (NFKC), case, katakana vs hiragana, small vowels, long-vowel marks, punctuation.

const KATAKANA_START = 0x30a1; // ァ
const KATAKANA_END = 0x30f6; // ヶ
const KANA_OFFSET = 0x60;

// Small vowels fold onto full-size ones: ウェブ and ウエブ, ディ and デイ are the same word to a member.
const SMALL_VOWELS: Record<string, string> = { ぁ: 'あ', ぃ: 'い', ぅ: 'う', ぇ: 'え', ぉ: 'お' };

/** Katakana to hiragana (ヴ → ゔ); everything else unchanged. */
export function katakanaToHiragana(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code >= KATAKANA_START && code <= KATAKANA_END ? String.fromCodePoint(code - KANA_OFFSET) : ch;
  }
  return out;
}

const DASHES = /[\u2010-\u2015\u2212\u30fc\uff0d\u301c\uff5e~-]/g;

/**
 * NFKC, lower case, katakana → hiragana, small vowels folded, long-vowel marks and dashes dropped,
 * punctuation → space, letters stretched for emphasis (hiiii, pleeease) shortened, spaces collapsed.
 */
export function foldText(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = katakanaToHiragana(s);
  s = s.replace(/[ぁぃぅぇぉ]/g, (c) => SMALL_VOWELS[c] ?? c);
  // A dash between Latin letters joins (web-id, e-mail); elsewhere it is a long-vowel mark or noise.
  s = s.replace(/([a-z0-9])[\u2010-\u2015\u2212\uff0d-]([a-z0-9])/g, '$1$2');
  s = s.replace(DASHES, '');
  // Apostrophes inside English words stay (can't, don't); other punctuation becomes a space.
  s = s.replace(/([a-z])['’]([a-z])/g, "$1'$2");
  s = s.replace(/[^\p{L}\p{N}'\s]|(?<![a-z])'|'(?![a-z])/gu, ' ');
  // No English word has a letter three times in a row: "hiiii" is "hi", "pleeease" is "please".
  s = s.replace(/([a-z])\1{2,}/g, '$1');
  // Letters typed one by one with spaces (ロ グ イ ン) are one word.
  const trimmed = s.trim();
  if (/^(?:\S\s+){2,}\S$/u.test(trimmed) && trimmed.split(/\s+/).every((t) => [...t].length === 1))
    s = s.replace(/\s+/g, '');
  return s.replace(/\s+/g, ' ').trim();
}
