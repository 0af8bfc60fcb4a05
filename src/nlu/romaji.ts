import type { CompiledConcepts } from './features.js';

// Romaji reading of a normalised message. Members without a Japanese keyboard type Japanese in Latin
// letters ("pasuwaado wasureta", "kaado nakushita", "roguin dekinai"). A Latin token that the model
// does not know as a word, is not common English, and spells out a sequence of Japanese syllables is
// read as hiragana, so the message gets the same character n-grams and concepts as its kana spelling.

const VOWELS: Record<string, string> = { a: 'あ', i: 'い', u: 'う', e: 'え', o: 'お' };

// Consonant (or cluster) → kana for a, i, u, e, o. Loanword spellings (ディ, ウェ, ファ, シェ) are
// what members mean when they romanise katakana words (webu aidi, fairu), so di → でぃ, we → うぇ.
const ROWS: Record<string, readonly [string, string, string, string, string]> = {
  k: ['か', 'き', 'く', 'け', 'こ'],
  g: ['が', 'ぎ', 'ぐ', 'げ', 'ご'],
  s: ['さ', 'し', 'す', 'せ', 'そ'],
  sh: ['しゃ', 'し', 'しゅ', 'しぇ', 'しょ'],
  z: ['ざ', 'じ', 'ず', 'ぜ', 'ぞ'],
  j: ['じゃ', 'じ', 'じゅ', 'じぇ', 'じょ'],
  t: ['た', 'ち', 'つ', 'て', 'と'],
  ts: ['つぁ', 'つぃ', 'つ', 'つぇ', 'つぉ'],
  ch: ['ちゃ', 'ち', 'ちゅ', 'ちぇ', 'ちょ'],
  d: ['だ', 'でぃ', 'どぅ', 'で', 'ど'],
  n: ['な', 'に', 'ぬ', 'ね', 'の'],
  h: ['は', 'ひ', 'ふ', 'へ', 'ほ'],
  f: ['ふぁ', 'ふぃ', 'ふ', 'ふぇ', 'ふぉ'],
  b: ['ば', 'び', 'ぶ', 'べ', 'ぼ'],
  p: ['ぱ', 'ぴ', 'ぷ', 'ぺ', 'ぽ'],
  m: ['ま', 'み', 'む', 'め', 'も'],
  y: ['や', 'い', 'ゆ', 'いぇ', 'よ'],
  r: ['ら', 'り', 'る', 'れ', 'ろ'],
  w: ['わ', 'うぃ', 'う', 'うぇ', 'を'],
  v: ['ゔぁ', 'ゔぃ', 'ゔ', 'ゔぇ', 'ゔぉ'],
};
// Palatalised rows: kya, sha (via sh), cha (via ch), nya, hya, mya, rya, gya, bya, pya, jya, zya.
const YOON: Record<string, string> = {
  ky: 'き',
  gy: 'ぎ',
  ny: 'に',
  hy: 'ひ',
  by: 'び',
  py: 'ぴ',
  my: 'み',
  ry: 'り',
  jy: 'じ',
  zy: 'じ',
  sy: 'し',
  ty: 'ち',
  cy: 'ち',
  dh: 'で',
};
const SMALL: Record<string, string> = { a: 'ゃ', u: 'ゅ', o: 'ょ', e: 'ぇ', i: 'ぃ' };
const VOWEL_INDEX: Record<string, number> = { a: 0, i: 1, u: 2, e: 3, o: 4 };
const GEMINATE = /^(?:kk|gg|ss|zz|tt|dd|hh|bb|pp|mm(?=[aiueo])|rr|jj|ff|cc|tc)/;

/** Hiragana reading of one Latin token, or null when it is not a plain syllable sequence. */
export function romajiToKana(token: string): string | null {
  let out = '';
  let i = 0;
  let lastVowel = '';
  let lastHadConsonant = false;
  while (i < token.length) {
    const rest = token.slice(i);
    const c = rest[0]!;
    if (c in VOWELS) {
      // A doubled vowel after a consonant is a long vowel (kaado = カード); long marks are dropped.
      if (!(lastHadConsonant && c === lastVowel)) out += VOWELS[c];
      lastVowel = c;
      lastHadConsonant = false;
      i++;
      continue;
    }
    if (c === 'n' && (rest.length === 1 || !/^[aiueoy]/.test(rest.slice(1)))) {
      out += 'ん';
      // nn before a consonant or at the end is one ん; before a vowel it is ん + な行 (konnichiwa).
      i += rest[1] === "'" || (rest[1] === 'n' && !/^[aiueoy]/.test(rest.slice(2))) ? 2 : 1;
      lastVowel = '';
      lastHadConsonant = false;
      continue;
    }
    if (GEMINATE.test(rest)) {
      out += 'っ';
      i++;
      continue;
    }
    const yoon = YOON[rest.slice(0, 2)];
    if (yoon && rest[2] && rest[2] in SMALL) {
      out += `${yoon}${SMALL[rest[2]]}`;
      lastVowel = rest[2];
      lastHadConsonant = true;
      i += 3;
      continue;
    }
    const cluster = ['sh', 'ch', 'ts'].includes(rest.slice(0, 2)) ? rest.slice(0, 2) : c;
    const row = ROWS[cluster];
    const v = rest[cluster.length];
    if (!row || v === undefined || !(v in VOWEL_INDEX)) return null;
    out += row[VOWEL_INDEX[v]!];
    lastVowel = v;
    lastHadConsonant = true;
    i += cluster.length + 1;
  }
  return out;
}

// Common English words that happen to spell Japanese syllables (same, time, make, sure, …). They
// stay English even when the model has not seen them.
const ENGLISH = new Set(
  `a i o u no so go me be we he do to on in an am as at of if is it my by up us ha oh ok
  same came name game time home some come made make take rate date site note done gone one none
  mine nine fine use due sure see tea ten man men pen hen run sun fun zone kite tune tone bone
  hope rope page wage sage bike hike mike pose rose nose dose robe tube mute base ease tape
  ride side wide hide tide wire hire tire fire here were wake bake sake rake mode node rode
  dime time tim tom ben ken dan jim joe sam sane mane cane pane wane bane nope dope pope
  ago zero hero menu tofu sushi judo karate emoji anime manga ramen sake tsunami
  are ate hate mate date fate gate kate nate pate sure pure cure mere bore more sore wore
  tore gore pore fore shore chore shame shine shone shoe chase chose choose cheese
  banana piano tomato potato radio video studio demo memo promo ego huge rude dune june
  mono mama papa nana bob pop mom dad yes yet yen bye hi hey hmm heya hiya yo yoyo haha hehe hoho
  abuse amuse pause cause refuse reuse muse fuse ruse tenure`.split(/\s+/),
);

// English function words; romanised Japanese particles (no, to, de, ni, wo, ga, wa) are not among them.
const FUNCTION_WORDS = new Set(
  `the a an can could my your is are was in on at for of and or with i you it this that how what
  when where why do does did not be will would please me from about have has`.split(/\s+/),
);

/** Whether a Latin token should be read as romaji: unknown to the model, not common English, parseable. */
function reading(token: string, known: KnownLatin): string | null {
  if (token.length < 2 || ENGLISH.has(token) || known.words.has(token)) return null;
  // A token a concept spells out whole (aeon, wifi) is a word of the lexicon, not romaji to read.
  if (known.concepts.some(([, pattern]) => pattern.exec(token)?.[0] === token)) return null;
  return romajiToKana(token);
}

export interface KnownLatin {
  /** Latin tokens of the training texts. */
  words: ReadonlySet<string>;
  /** The concept lexicon; a token matching a concept stays as typed. */
  concepts: CompiledConcepts;
}

/**
 * Reads the romaji words of a normalised message as hiragana, or returns null when the message has
 * no romaji. At least one token of four letters or more must read as romaji (a message of short
 * tokens such as "no i do" is English) and at most a third of the tokens may be English function words; then every
 * unknown syllable-token is read.
 */
export function readRomaji(normalized: string, known: KnownLatin): string | null {
  const tokens = normalized.match(/[a-z']+/g);
  if (!tokens) return null;
  let anchored = false;
  for (const t of tokens) {
    if (t.length >= 4 && reading(t, known) !== null) {
      anchored = true;
      break;
    }
  }
  if (!anchored) return null;
  // A message with many English function words ("can the money arrive in my account") is English
  // with a word the model has not seen, not romaji.
  const functionWords = tokens.filter((t) => FUNCTION_WORDS.has(t)).length;
  if (functionWords * 3 > tokens.length) return null;
  return normalized.replace(/[a-z']+/g, (t) => reading(t, known) ?? t);
}
