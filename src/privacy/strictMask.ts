import { maskSecrets } from './secretGuard.js';

// The stricter pass for what is kept to count content gaps (the unanswered-question log): no member
// needs it back, so it keeps nothing that could be part of a secret the guard missed. On top of
// maskSecrets: every run of 3+ digits in any script (kanji numerals included, also joined by a
// space, hyphen, と or 、) and the word after any secret label are masked, and a message that still
// looks as if it holds a secret is dropped (undefined).

const NUMERALS = '0-9\\uFF10-\\uFF19〇零一二三四五六七八九十百千万';
const JOIN = '[ \\u3000\\-‐－ー・、,，.．と]';
// A digit run: numerals, also one by one with a joiner between (1と2と3, 1 2 3 4, 4-8-1-5).
const NUMBER_RUN = new RegExp(`[${NUMERALS}](?:${JOIN}?[${NUMERALS}])*`, 'gu');
const NUMERAL = new RegExp(`[${NUMERALS}]`, 'gu');
// A single kanji numeral is an ordinary word (一緒, 一度, 十分): only runs are numbers.
const WORDY_NUMERAL = /^[一二三四五六七八九十百千万]$/u;

// Card, PIN, password and passphrase labels, slips included; not パスタ, passport or ピンク.
const SECRET_LABEL =
  '(?:合言葉|あいことば|暗号(?![化資通文])|秘密の(?:言葉|質問の答え)|暗[証唱所照署称]番号|暗証|あんしょう(?:ばんごう|番号)?|あんしょー|アンショウ|ぴん(?:番号|番)|' +
  '(?<![ァ-ヺー])ピン(?:番号|番|コード)?(?![ァ-ヺー])|パスワ[ー－]?ド|ぱすわー?ど|ﾊﾟｽﾜｰﾄﾞ|パスコード|' +
  '(?<![ァ-ヺー])パス(?![ァ-ヺー])|(?<![ぁ-ゖ])ぱす(?![ぁ-ゖ])|カード(?:の)?(?:番号|ナンバー|ばんごう)|かーど(?:番号|ばんごう)|' +
  '(?<![A-Za-z])(?:pin(?: ?(?:number|code))?|password|passwd|passcode|passphrase|pass|pwd|pw|secret(?: word| answer)?|card ?(?:number|no\\.?|#))(?![A-Za-z]))';
// A label, what introduces its value (は, :, is …, or nothing before latin letters and digits), then
// the value: the next word, up to a space or punctuation.
const LABEL_AND_WORD = new RegExp(
  `(${SECRET_LABEL}(?:[\\s]*(?:は|が|って|わ|[:：=＝→]|is|was)[\\s]*[「『"'(（]*|[\\s]*(?=[A-Za-z0-9])))` +
    `([^\\s。、！？!?「」『』"'()（）]{1,40})`,
  'giu',
);
const LABEL = new RegExp(SECRET_LABEL, 'iu');
// What is left after masking that still reads like a value: letters mixed with digits, a long
// token without spaces, or a quoted phrase next to a label.
const VALUE_LIKE = /[A-Za-z][A-Za-z]*[0-9]|[0-9][A-Za-z]|[!-~]{12,}|「[^」*]{2,}」|"[^"*]{2,}"/u;
const MASK = '***';

function maskNumbers(text: string): string {
  return text.replace(NUMBER_RUN, (run) => {
    const count = run.match(NUMERAL)?.length ?? 0;
    if (count < 3 || (count === 1 && WORDY_NUMERAL.test(run))) return run;
    return run.replace(NUMERAL, '*');
  });
}

/**
 * The text as the unanswered-question log may keep it, or undefined when it should not be kept at
 * all. Pure; idempotent on its own output.
 */
export function strictMask(text: string): string | undefined {
  const guarded = maskSecrets(text);
  if (guarded.found.length > 0) return undefined; // a message with a secret is no content gap
  let out = maskNumbers(guarded.text);
  out = out.replace(LABEL_AND_WORD, (_whole, label: string, word: string) =>
    word.startsWith('*') ? label + word : label + MASK,
  );
  if (LABEL.test(out) && VALUE_LIKE.test(out.replace(/\*+/gu, ''))) return undefined;
  return out;
}
