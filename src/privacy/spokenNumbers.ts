// Numbers as members write them in any script: ASCII or full-width digits, kanji digits (四九八〇),
// kanji with positional words (千九百八十八, 百二十三) and kana number words (ななひゃくにじゅうさん,
// にいまるいちきゅう, よんきゅーいちろく), typed in one piece, one digit at a time ("4 0 0 0 …") or in
// groups joined by spaces, 、 , ・ - or の (四九八〇の一二三四). Used by the second-round guard to find a
// value after a secret label however it is written. Every pattern has bounded repetition only.

const KANA_DIGIT_WORDS =
  'ぜろ|ゼロ|れい|まる|マル|いち|イチ|にい(?![ちチ])|にー|ニー|に|ニ|さん|サン|よん|ヨン|しち|シチ|し|シ|ごう|ごー|ゴー|ご|ゴ|ろく|ロク|なな|ナナ|はち|ハチ|きゅう|きゅー|キュウ|キュー|く|ク';
const KANA_PLACE_WORDS =
  'じゅう|じゅー|ジュウ|ひゃく|びゃく|ぴゃく|ヒャク|ビャク|ピャク|せん|ぜん|セン|ゼン|まん|マン';
const DIGIT_CHAR = '[0-9０-９〇零一二三四五六七八九十百千万]';
/** One number token: a digit in any script, or one kana number word. */
export const NUMBER_TOKEN = `(?:${DIGIT_CHAR}|${KANA_PLACE_WORDS}|${KANA_DIGIT_WORDS})`;
// Between two tokens of one number: nothing, a few spaces, one joiner with spaces, or の between groups.
const NUMBER_JOIN =
  '(?:[ \\u00A0\\u3000\\t]{1,3}|[ \\u3000]?[、,，・･\\-‐－~〜][ \\u3000]?|\\r?\\n|の[ \\u3000、,，]?)?';
/** A number run: tokens with optional joiners (bounded, greedy). */
export const NUMBER_RUN = `${NUMBER_TOKEN}(?:${NUMBER_JOIN}${NUMBER_TOKEN}){0,40}`;

const TOKEN_RE = new RegExp(NUMBER_TOKEN, 'gu');
const PLACE_WORD = new RegExp(`^(?:[十百千万]|${KANA_PLACE_WORDS})$`, 'u');

/**
 * How many digits the run stands for: digit tokens are counted one each; a positional word makes the
 * number at least as long as its place (百 → 3 digits), so 千九百八十八 counts 4 and 百二十三 counts 3.
 */
export function digitCount(run: string): number {
  let digits = 0;
  let place = 0;
  for (const m of run.matchAll(TOKEN_RE)) {
    if (PLACE_WORD.test(m[0])) place = Math.max(place, placeRank(m[0]));
    else digits++;
  }
  return Math.max(digits, place);
}

function placeRank(t: string): number {
  if (/^(?:十|じゅう|じゅー|ジュウ)$/u.test(t)) return 2;
  if (/^(?:百|ひゃく|びゃく|ぴゃく|ヒャク|ビャク|ピャク)$/u.test(t)) return 3;
  if (/^(?:千|せん|ぜん|セン|ゼン)$/u.test(t)) return 4;
  return 5;
}

/** The digit groups of a run as written (「四九八〇の一二三四」 → 2 groups of 4). */
export function groupSizes(run: string): number[] {
  const sizes: number[] = [];
  for (const g of run.split(/[ \u00A0\u3000\t、,，・･\-‐－~〜\r\n]+|の/u)) {
    if (g.length > 0) sizes.push(digitCount(g));
  }
  return sizes;
}

/** Masks a run character by character, keeping its joiners. */
export function starRun(run: string): string {
  return run.replace(new RegExp(NUMBER_TOKEN, 'gu'), (t) => '*'.repeat(t.length));
}

// English digit words in a row: "four five five six, one two three four, …".
const EN_DIGIT_WORD = '(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)';
const EN_SPELT_RUN = new RegExp(
  `(?<![A-Za-z])${EN_DIGIT_WORD}(?:(?:[ \\t]*[,，、\\-][ \\t]*|[ \\t]{1,3})${EN_DIGIT_WORD}){12,24}(?![A-Za-z])`,
  'giu',
);

/** Spans of 13 to 19 English digit words in a row: a card number read out. */
export function spokenCardSpans(text: string): { at: number; len: number }[] {
  const spans: { at: number; len: number }[] = [];
  for (const m of text.matchAll(EN_SPELT_RUN)) {
    const words = m[0].split(/[^A-Za-z]+/u).filter((w) => w.length > 0).length;
    if (words >= 13 && words <= 19) spans.push({ at: m.index ?? 0, len: m[0].length });
  }
  return spans;
}
