// Text normalisation shared by training and recognition. Members type half-width katakana,
// full-width letters, kana instead of kanji and common misspellings; every such variant is folded
// onto one canonical form here so the classifier sees the same features for all of them.

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

// Spelling variants → one canonical spelling. Applied in order, on text that is already NFKC,
// lower-case, hiragana-only and without long-vowel marks.
const CANONICAL: ReadonlyArray<readonly [RegExp, string]> = [
  // Web-ID in all its spellings: ウェブID, ウエブアイディー, web id, web-id, webｉｄ.
  [/(?:うえぶ|web)\s*(?:id(?![a-z])|あいでい|あいでぃ|あいで)/g, 'webid'],
  [/うえぶ|web/g, 'web'],
  [/あいでい|あいでぃ/g, 'id'],
  [/(?:暗唱|安唱|暗省|暗しょう|暗しょ|あん証|あんしょう|あんしょ)(?:番号|ばんごう|ばんご|番)?/g, '暗証番号'],
  [/暗証(?:ばんごう|ばんご|番号|番)?/g, '暗証番号'],
  [/ぴん(?:番号|ばんごう|こど)/g, '暗証番号'],
  [/ばんごう|ばんご(?=$|\s|[をがはのも])/g, '番号'],
  [/pin(?:\s*(?:code|number|no)(?![a-z]))?/g, 'pin'],
  [/ぱすわあど|ぱすわと(?!う)/g, 'ぱすわど'],
  [/pass\s*word|passwd|pas+wor?d|passwrod|paswrod|pwd/g, 'password'],
  [/ろぐいん|ろぐいそ|ろくいん|ろぐいい?ん|ろぐおん|ろぎん|さいんいん/g, 'ろぐいん'],
  [
    /(?:log+(?:ing)?|sign(?:ing)?)\s*-?\s*in+(?:to)?(?![a-z])|(?:log|sign)\s*on(?:to)?(?![a-z])|lgoin|loign|logn(?![a-z])/g,
    'login',
  ],
  [/sign(?:ing|ed)?\s*up|signup/g, 'signup'],
  [/(?<![a-z])e-?\s*mail/g, 'email'],
  [/わすれ/g, '忘れ'],
  [/[無失]く|亡くし/g, 'なく'],
  [/[分判]から/g, 'わから'],
  [/出来/g, 'でき'],
  // Common words members write in kana; folded to the kanji the examples mostly use.
  [/なに(?=が|を|で|に|か|$)/g, '何'],
  [/おしえ/g, '教え'],
  [/つかい/g, '使い'],
  [/まちが/g, '間違'],
  [/みつから/g, '見つから'],
  [/おもいだ/g, '思い出'],
  [/おぼえ/g, '覚え'],
  [/ぬすま/g, '盗ま'],
  [/問(?:い)?合(?:わ)?せ|といあわせ|問い合せ|問合わせ/g, '問い合わせ'],
  [/振り込|ふりこ|振込み/g, '振込'],
  [/引き落とし|引き落し|引落し|引落とし|ひきおとし|引きおとし/g, '引落'],
  [/くちふり|口ふり|口振(?:り)?(?!込)/g, '口ふり'],
  [/しゅんふり|瞬ふり|瞬振り?/g, '瞬ふり'],
  [/shun\s*-?\s*furi/g, 'shunfuri'],
  [/kuchi\s*-?\s*furi/g, 'kuchifuri'],
  [/へんさい/g, '返済'],
  [/ほうほう/g, '方法'],
  [/ひつよう/g, '必要'],
  [/おくれ/g, '遅れ'],
  [/しはらい|支払い|支払/g, '支払'],
  [/ふんしつ/g, '紛失'],
  [/とうなん/g, '盗難'],
  [/さいふ/g, '財布'],
  [/でんわ/g, '電話'],
  [/とうろく/g, '登録'],
  [/かいいん/g, '会員'],
  [/いんたねっと|いんた?ねと/g, 'ねっと'],
  [/internet|online/g, 'online'],
];

const DASHES = /[\u2010-\u2015\u2212\u30fc\uff0d\u301c\uff5e~-]/g;

/**
 * Canonical form of a member's message: NFKC (half-width kana, full-width ASCII), lower case,
 * katakana → hiragana, small vowels folded, long-vowel marks and dashes dropped, punctuation → space,
 * then spelling variants folded (ウェブID/web-id → webid, 暗唱番号 → 暗証番号, 無くす → なくす, …).
 */
export function normalize(text: string): string {
  let s = text.normalize('NFKC').toLowerCase();
  s = katakanaToHiragana(s);
  s = s.replace(/[ぁぃぅぇぉ]/g, (c) => SMALL_VOWELS[c] ?? c);
  // A dash between Latin letters joins (web-id, e-mail); elsewhere it is a long-vowel mark or noise.
  s = s.replace(/([a-z0-9])[\u2010-\u2015\u2212\uff0d-]([a-z0-9])/g, '$1$2');
  s = s.replace(DASHES, '');
  // Apostrophes inside English words stay (can't, don't); other punctuation becomes a space.
  s = s.replace(/([a-z])['’]([a-z])/g, "$1'$2");
  s = s.replace(/[^\p{L}\p{N}'\s]|(?<![a-z])'|'(?![a-z])/gu, ' ');
  // Letters typed one by one with spaces (ロ グ イ ン) are one word.
  if (
    /^(?:\S\s+){2,}\S$/u.test(s.trim()) &&
    s
      .trim()
      .split(/\s+/)
      .every((t) => [...t].length === 1)
  )
    s = s.replace(/\s+/g, '');
  for (const [pattern, replacement] of CANONICAL) s = s.replace(pattern, replacement);
  return s.replace(/\s+/g, ' ').trim();
}

const JAPANESE_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u;

export function containsJapanese(normalized: string): boolean {
  return JAPANESE_CHAR.test(normalized);
}
