// Secret guard: finds card numbers, PINs and passwords in free text and masks them before the text is
// recognised, logged or stored. Pure and regex-based: it runs on every message and every log line.
//
// Masking rules (see also the table in test/privacy/secretGuard.test.ts):
// - Card numbers. A "run" is digits (ASCII or full-width) in groups joined by one separator (space,
//   full-width space, ASCII/full-width hyphen, dashes, 'ー', dots, '・', '_', '〜', up to four spaces,
//   a tab or a line break). Inside a run, any window of whole groups
//   with 13–19 digits is a card number when it passes Luhn, when it is one unbroken group of 14–19
//   digits (a mistyped or non-payment loan card number must not leak either; nothing the member needs
//   the bot to read is that long), or when it is laid out like a card (4-4-4[-4…], last group 1–4
//   digits, 12+ digits in all; or 4-6-4 / 4-6-5). One unbroken group of 20+ digits is masked whole.
//   After a label ("カード番号は", "card number:") 10–19 digits are masked whatever their shape.
//   Japanese phone numbers (0 + 10–11 digits: 0120-24-0365, 03-1234-5678, 090-1234-5678, 09012345678)
//   are not masked without such a label: alone they are too short, and a hyphenated one is never joined
//   with neighbouring digits into a card window. Unlabelled 10–12 digit runs are left alone (phones,
//   amounts, dates) unless laid out 4-4-4.
//   Shape: every digit becomes '*', separators stay, and the last 4 digits are kept when 13–19 digits
//   were masked ('****-****-****-6467'); shorter and longer runs are masked completely.
// - PINs offered as such: a PIN label (暗証番号, 暗唱番号, あんしょう, ピン, PIN, pin code …) followed by 4–8
//   digits → each digit becomes '*'. "暗証番号を変更したい", "4桁" etc. carry no digits to mask.
// - Passwords offered as such: a password label (パスワード, password, passwd, pw, pwd, パスコード …)
//   followed by a value → the value becomes '********' (the length is not revealed). Values are
//   ASCII/full-width ASCII without spaces; common words ("wrong", "Web-ID", "OK") are not values, nor
//   are letters glued to a Japanese word (「パスワード：Webサービス…」). A quoted value may contain
//   spaces (password = "abc 123"; the quotes stay). 「パス」「ぱす」 and "pass" count as labels only
//   with stronger evidence (は/: before a value with a digit or symbol; "pass" only with ':' or '=').
// - Between label and value: は/が/を/には/って/:/=/is/was, hedges (多分, たしか, えっと, 一応,
//   probably, maybe, I think …) and "I use/set/typed … is", at most 4 such tokens.
// - Value before the label: "kx7tokenj0 as/is my password", 「zxcv5555がパスワードです」, "4821 is my
//   PIN" — only values with a digit (4–8 digits for a PIN).
// - Second line of defence, for values away from their label (「暗証番号を1234から5678に変えたい」, "I
//   changed my PIN to 4821", 「パスワード変えたらabc123になった」): a message naming a PIN has every
//   standalone 4-digit number masked, one naming a password every token mixing letters and digits —
//   not numbers that belong to a phone number, date, time or amount, nor e-mail or web addresses or
//   inquiry references. Masking too much is the safe side.
// - Digits in any script: ASCII, full-width and kanji numerals (四五三九, 〇八二五) count alike.
// - Labels as typed, slips included (かーど番号, 暗所番号, ぴん番号, passwrod); a PIN named only by
//   its context (「ATMで押す番号は…」「カードの4桁は…」, "the digits I enter at the ATM are …"); PIN
//   digits one by one (1と3と5と7, 4、8、1、5).
// - Quoted passphrases with spaces or kana (「さくら もち 77」, "purple monkey dishwasher"); kana in
//   front of digits (「パスワードはひばり77」).
// - Values split across phrases: the rest of a card label's sentence (runs of digits that make 12–19
//   together, or 8–9 named alone) and of a password label's sentence (「前半がsakuraで後半が0315」,
//   "starts with maple and ends with 4411"): maskSplitCards / maskSplitPasswords.
// - Described rather than labelled: a describing word before the value (「パスワードは誕生日で19880315」,
//   「数字の55」), a PIN named by its use (「ATMの番号、1192」「番号を7777にした」, "I type 3579 at the ATM") or
//   told in pieces (「最初の2桁が48で、あとが15」), digits spelt in kana or words (よんにーごーきゅー, "four
//   five six seven"), a kana-only password before a copula (「パスワードはさくらです」, not 「…ひらがなでも
//   いいですか」), a lone card-length run later in the card label's sentence: maskPinsInWords,
//   maskKanaWordPasswords, maskSplitPasswords, maskSplitCards.
// - Card security codes (セキュリティコード, 裏の3桁, CVV/CVC, "code on the back"): the 3–4 digits after
//   the label, and any standalone 3–4 digit number in a message naming one (kind security_code).
// - Look-alikes stay: error and model codes (E3307, SC-54C), the member's ID (IDはkenta55), years
//   (since 2016), ticket and reference numbers (整理券は 0321 番, コード 4410).
// - Last, the context pass (secretContext.ts): a sentence that names a kind of secret (label, slip,
//   romaji, or strong context such as an ATM and the number typed there) has that kind's value shapes
//   masked in it and in the next sentence, however they are written: digits one by one or spelt out
//   ("6 0 3 1", "3-8-2", "five two nine", 「ごーにーはち」), a card's 12–19 digits with any separators, a
//   password quoted later, given after a description and a comma ("my cat's name, tama"), after
//   「新しいのは」/"it's"/a colon. Units, dates, times, phone and postal numbers, the last 4 digits of a
//   card and numbers named by a non-secret label (受付番号, 申込番号, error codes, IDs) are its exits.
// - A label ending one message ("暗証番号は", "password:") and the bare value in the next: see
//   secretLabelAtEnd / maskBareSecret, used by the middleware per conversation.
// Masking is stable for ordinary input: masking the output again changes nothing and finds nothing
// (a kept last-4 followed by 9+ more digits can, rarely, be masked again through Luhn).

import { createContextPass, SHOWN_AFTER } from './secretContext.js';
import { maskRound2 } from './secretRound2.js';

export type SecretKind = 'card_number' | 'pin' | 'password' | 'security_code';

export interface MaskResult {
  text: string;
  /** Kinds found, each once, in the order card_number, pin, password, security_code. */
  found: SecretKind[];
}

export const KIND_ORDER: readonly SecretKind[] = ['card_number', 'pin', 'password', 'security_code'];

const MASK_CHAR = '*';
const PASSWORD_MASK = '********';

// Digits in any script members type: ASCII, full-width and kanji numerals (四五三九, 〇八二五).
const DIGIT_CHARS = '0-9\\uFF10-\\uFF19〇零一二三四五六七八九';
const DIGIT = `[${DIGIT_CHARS}]`;
const ANY_DIGIT = new RegExp(DIGIT, 'gu');
const KANJI_DIGITS = '〇一二三四五六七八九';
// Separators people put between digit groups, half- and full-width; 'ー' is a common IME slip for '-'.
const HYPHENS = '\\-\\u2010-\\u2015\\u2212\\uFF0D\\u30FC\\uFF70';
// What joins the parts of a phone number or a date into one token: 0120-24-0365, 2024/11/26, 2024.11.26.
const NUMBER_JOINERS = `${HYPHENS}.．/／`;
// Between the groups of a card number: hyphens, dots, 4539・1488・…, 4539_1488_…, 4539〜1488〜…. Not
// slashes or commas: they join dates, amounts and lists of phone numbers ("090-… / 03-…", "12,000円").
const JOINERS = `${HYPHENS}.．・･_＿〜～`;
const SPACES = ' \\u00A0\\u3000';
// Spaces between groups: up to 4, tabs, or a line break (a number split over two lines).
const GROUP_SEP = `(?:[${SPACES}]{0,2}[${JOINERS}][${SPACES}]{0,2}|[${SPACES}\\t]{1,4}|[${SPACES}\\t]{0,2}\\r?\\n[${SPACES}\\t]{0,2})`;
const DIGIT_RUN = new RegExp(`${DIGIT}+(?:${GROUP_SEP}${DIGIT}+)*`, 'gu');
const GROUP_SPLIT = new RegExp(`(${GROUP_SEP})`, 'u');
// Right after a card label any separator goes: カード番号は4539/1488/0343/6467, 4539,1488,….
const LABELLED_SEP = `(?:${GROUP_SEP}|[${SPACES}]{0,2}[/／,，、][${SPACES}]{0,2})`;
const LABELLED_RUN = new RegExp(`${DIGIT}+(?:${LABELLED_SEP}${DIGIT}+)*`, 'gu');
const LABELLED_SPLIT = new RegExp(`(${LABELLED_SEP})`, 'u');
// Joins the parts of one phone number (090-1234-5678, 090.1234.5678).
const HYPHEN_CHAR = new RegExp(`[${HYPHENS}.．]`, 'u');
const HYPHEN_SPLIT = new RegExp(`([${HYPHENS}.．])`, 'u');

const ONLY_ASCII_DIGITS = /^[0-9]*$/;
const ONE_DIGIT = new RegExp(`^${DIGIT}$`, 'u');

/** Full-width and kanji digits → ASCII, so Luhn and lengths work on one alphabet. */
function asciiDigits(s: string): string {
  if (ONLY_ASCII_DIGITS.test(s)) return s;
  return s.replace(/[\uFF10-\uFF19〇零一二三四五六七八九]/gu, (c) => {
    if (c === '零') return '0';
    const k = KANJI_DIGITS.indexOf(c);
    return k >= 0 ? String(k) : String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30);
  });
}

export function luhnValid(digits: string, from = 0, to = digits.length): boolean {
  let sum = 0;
  let double = false;
  for (let i = to - 1; i >= from; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return to > from && sum % 10 === 0;
}

// A word written in ASCII or full-width letters, any case: people type 'ＰＩＮ' and 'Password'.
function wide(word: string): string {
  let out = '';
  for (const ch of word) {
    if (/[a-z]/i.test(ch)) {
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      const fw = (c: string) => String.fromCharCode(c.charCodeAt(0) - 0x21 + 0xff01);
      out += `[${lo}${up}${fw(lo)}${fw(up)}]`;
    } else if (ch === ' ') {
      out += `[${SPACES}]?`;
    } else {
      out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return out;
}

const LATIN_BEFORE = '(?<![A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A])';
const LATIN_AFTER = '(?![A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A])';
const KATAKANA_BEFORE = '(?<![\\u30A1-\\u30FA\\u30FC\\uFF66-\\uFF9F])';
const KATAKANA_AFTER = '(?![\\u30A1-\\u30FA\\u30FC\\uFF66-\\uFF9F])';
const SP = `[\\s${SPACES}]*`;
// Between a label and what it introduces: は / が / を / も / is / was / : / = / → / 、 and an opening quote.
const WORD_SEPS = `(?:${wide('is')}|${wide('was')}|${wide('are')}|${wide('were')})${LATIN_AFTER}`;
// 「わ」 is the common slip for the particle は (「暗証番号わ1234」).
const MARK_SEPS = '[:：=＝→、,，]|には|は|が|を|も|って|わ';
const OPEN_QUOTE = `(?:[「『"'“‘(（\\[【]${SP})?`;
// Hedges people put between a label and the value: 「暗証番号は多分1234」, "my pin is probably 4821".
const FILLER =
  '(?:多分|たぶん|確か|たしか|えっと|えーっと|えーと|えと|一応|いちおう|おそらく|恐らく|' +
  `${LATIN_BEFORE}(?:${['maybe', 'probably', 'perhaps', 'i think', 'i guess', 'i believe'].map(wide).join('|')})${LATIN_AFTER})`;
// "the password I use is …": a short clause naming the member's own password, always followed by is/was/:/=.
const I_CLAUSE =
  `${LATIN_BEFORE}(?:${wide('i')}|${wide('we')})${SP}` +
  `(?:${['use', 'used', 'set', 'chose', 'registered', 'entered', 'typed', 'made', 'have', 'created'].map(wide).join('|')})` +
  `${SP}(?:${WORD_SEPS}|[:：=＝])`;
const SEP_TOKEN = `(?:${WORD_SEPS}|${MARK_SEPS}|${FILLER}|${I_CLAUSE})`;
const LABEL_SEP_CORE = `(?:${SP}${SEP_TOKEN}){0,4}${SP}`;
const LABEL_SEP = `${LABEL_SEP_CORE}${OPEN_QUOTE}`;

// Labels as members type them, slips included (かーど番号, カード版号, crad numbr).
const CARD_LABEL =
  '(?:カード(?:の)?(?:番号|版号|蕃号|番后|番ごう|ばんごう|ばんご|ナンバー)|カード[nNＮｎ][oOＯｏ]\\.?|' +
  'かーど(?:の)?(?:ばんごう|番号|ナンバー|なんばー)|ｶｰﾄﾞ(?:番号|ﾅﾝﾊﾞｰ)|クレカ番号|' +
  `${LATIN_BEFORE}(?:${wide('card')}|${wide('crad')})${SP}` +
  `(?:${['number', 'numbr', 'nubmer', 'numer', 'nmber', 'num'].map(wide).join('|')}|${wide('no')}\\.?|#|番号)${LATIN_AFTER})`;
// Tested against the text just before a digit run: the run was offered as a card number.
const CARD_LABEL_BEFORE = new RegExp(`${CARD_LABEL}${LABEL_SEP}$`, 'u');
const CARD_LABEL_ANYWHERE = new RegExp(CARD_LABEL, 'u');

const PIN_LABEL =
  // A stem (暗証, its slips and readings) with a word for number; the clear stems also alone.
  '(?:(?:暗[証唱所照署称]|[案安][証唱]|あんしょ[うーｰ]?|あんしよう|暗しょう|アンショ[ウー]?|ｱﾝｼｮ[ｳｰ]?)' +
  '(?:番号|番[后合]|蕃号|ばんごう|ばんご|バンゴウ|ﾊﾞﾝｺﾞｳ|ナンバー|[nNＮｎ][oOＯｏ]\\.?)|' +
  '暗証|あんしょう|あんしょー|あんしよう|暗しょう|アンショ[ウー]|ｱﾝｼｮ[ｳｰ]|暗号(?![化資通文])|' +
  `${KATAKANA_BEFORE}(?:ピン|ﾋﾟﾝ)(?:番号|番|コード|ナンバー)?${KATAKANA_AFTER}|` +
  // 「ぴん」 only as a label: 「ぴん番号」「ぴんは」, not 「ぴんとこない」.
  '(?<![ぁ-ゖ])ぴん(?:ばんごう|番号|番|こーど|コード|(?=[はがをもわ:：=＝、\\s]))|' +
  `${LATIN_BEFORE}${wide('pin')}[nNｎＮ]?(?:${SP}(?:${wide('number')}|${wide('code')}|${wide('no')}\\.?|#)|番号|コード)?${LATIN_AFTER})`;
// No PIN label, but what else is the 4-digit number typed at an ATM: 「ATMで押す番号は…」「カードの4桁は…」,
// "the 4 digits I enter at the ATM are …". Not the last 4 digits of a card (「下4桁」).
const FOUR = '(?:4|４|四)';
const EN_ATM_VERBS = ['enter', 'type', 'punch in', 'put in', 'key in', 'use', 'press'].map(wide).join('|');
const PIN_CONTEXT =
  `(?:(?:ATM|ＡＴＭ|ｴｰﾃｨｰｴﾑ|エーティーエム|引き?出|おろ|下ろ|出金)[^。.!?！？\\n]{0,16}?(?:入れ|いれ|入力|押|おし|おす|打|うっ|うち|使っ|使う|つかっ|つかう)` +
  `[^。.!?！？\\n${DIGIT_CHARS}]{0,8}?(?:番号|ばんごう|数字|すうじ|コード|暗号|桁|けた|ケタ|の)` +
  `|${LATIN_BEFORE}(?:${wide('cash card')}|${wide('card')}|${wide('atm')}|${wide('bank card')})${SP}(?:${wide('code')}|${wide('pin')})${LATIN_AFTER}` +
  `|(?<!下|末尾|最後の|残りの|下の|最初の|先頭の|頭の|上|上の)${FOUR}(?:桁|けた|ケタ)(?:の)?(?:数字|番号|コード|暗号)?` +
  `|${LATIN_BEFORE}(?<!(?:${wide('last')}|${wide('final')}|${wide('first')})${SP})(?:4|${wide('four')})[${SPACES}\\-]?${wide('digit')}[sSｓＳ]?(?:${SP}(?:${wide('number')}|${wide('code')}|${wide('pin')}))?` +
  `(?:${SP}(?:${wide('for')}|${wide('on')}|${wide('of')})${SP}(?:${wide('the')}|${wide('my')})${SP}(?:${wide('card')}|${wide('atm')}))?` +
  `|${LATIN_BEFORE}(?:${wide('number')}|${wide('code')}|${wide('digits')})${SP}${wide('i')}${SP}(?:${EN_ATM_VERBS})${SP}` +
  `(?:${wide('at')}|${wide('into')}|${wide('on')}|${wide('in')})${SP}${wide('the')}${SP}(?:${wide('atm')}|${wide('cash machine')}|${wide('machine')}))`;
// A unit makes a number a count, an amount or a time, not a secret: 「4桁」「2000円」「2000 円」「1400頃」.
// Units that also start ordinary words (日曜, 月末, 時々, 分から, 人気, 回数, 年末) count only right after it:
// in 「1234 日曜日に」 the next word is just the next word. English units after a space ("8 chars").
const UNIT_AFTER =
  `(?!(?:月|日|時|分|秒|個|人|字|回)|${SP}(?:桁|けた|ケタ|円|年(?![末始内中])|件|歳|才|万|文字|頃|ごろ|号|番(?!号)|` +
  `${wide('digits')}|${wide('digit')}|${wide('characters')}|${wide('chars')}|${wide('letters')}|${wide('yen')}))`;
// Not the start of a phone number, a date or a time: 0120-24-0365, 2024/11/26, 2024.11.26, 21:30.
const NUMBER_GOES_ON = `(?![${NUMBER_JOINERS}:：]${DIGIT})`;
// The digits of a PIN, also spelt out one by one: 1と3と5と7, 4、8、1、5, 7・7・0・1, 6-0-4-8, "5 and 8 and 2 and 0".
// Maximal (never the start of a longer number); maskPins keeps only values of 4–8 digits in all.
const PIN_JOIN = `(?:[${SPACES}]?[、,，・･\\-‐－と][${SPACES}]?|[${SPACES}]|${SP}${wide('and')}${SP})`;
const PIN_VALUE =
  `(?<![${DIGIT_CHARS}])${DIGIT}{1,8}(?:${PIN_JOIN}${DIGIT}{1,8}){0,7}` +
  `(?!${PIN_JOIN}?${DIGIT})${NUMBER_GOES_ON}${UNIT_AFTER}`;
const PIN_RE = new RegExp(`(${PIN_LABEL}${LABEL_SEP}|${PIN_CONTEXT}${LABEL_SEP})(${PIN_VALUE})`, 'gu');

const PASSWORD_LABEL =
  '(?:パスワ[ー－一—―‐\\-]?[ドト]|ぱすわ[ーｰ]?[どと]|ﾊﾟｽﾜｰ?ﾄﾞ?|パス[コこ][ー－\\-]?[ドど]|ぱすこ[ーｰ]?ど|ログインパス|' +
  `${LATIN_BEFORE}(?:${['password', 'pass word', 'passwd', 'passcode', 'passphrase', 'passwrod', 'pasword', 'passowrd', 'passward', 'paswd', 'pssword', 'passwrd', 'pwd', 'pw', 'pass'].map(wide).join('|')})${LATIN_AFTER}|` +
  // 「パス」「ぱす」 alone: not inside a longer word (パスポート, コンパス, パスタ, ぱすわーど).
  `${KATAKANA_BEFORE}(?<![ぁ-ゖ])(?:パス|ぱす)${KATAKANA_AFTER}(?![ぁ-ぉゃ-ょわぽたてけ]))`;
const PW_CHARS = '!-~\\uFF01-\\uFF5E';
// Maximal runs only (no backtracking into a shorter value), then no unit: "8～16文字" is a rule, not a value.
const PW_VALUE = `[${PW_CHARS}]+(?![${PW_CHARS}])${UNIT_AFTER}`;
const PASSWORD_RE = new RegExp(`(${PASSWORD_LABEL})(${LABEL_SEP})(${PW_VALUE})`, 'gu');

// Words that follow "password is …" / "パスワードは …" without being a password.
const NOT_A_PASSWORD = new Set(
  (
    'wrong incorrect invalid not correct right ok okay locked expired forgotten forgot lost too the a an my ' +
    'your it its that this same different reset changed change required needed working rejected blocked ' +
    'still also long short weak strong there here set empty blank please help and or but for of to in on at ' +
    'with from when what where how why never always just now already again ng missing unknown accepted ' +
    'valid fine broken gone stolen leaked compromised being been showing saying hidden case-sensitive ' +
    'web-id webid id pc sms mail email e-mail login log-in app ios android iphone is was ' +
    "isn't wasn't doesn't don't won't can't it's i'm i've there's that's what's does did has have had will should " +
    'must needs keeps works expires see below above attached later ' +
    'maybe probably perhaps think guess believe use used typed entered hacked saved stored none ' +
    'very policy rules manager case sensitive case-sensitive optional mandatory temporary simple secure safe ' +
    'first second last part starts start begins ends end followed then plus ' +
    // Browsers, phones and services named right after the label: 「パスワードはSafariに保存」.
    'web ver version url chrome safari edge firefox google yahoo gmail line icloud apple amazon paypay ' +
    'wifi wi-fi atm pin qr otp sns cookie faceid touchid windows mac'
  ).split(' '),
);

function hasExplicitMark(sep: string): boolean {
  return /[:：=＝→]/u.test(sep);
}

const LATIN_LETTERS_ONLY = /^[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A'’]+$/u;
// Values that are something else: a phone number, date or time (digits joined by - / . :), a web
// address, symbols only (「パスワードは!#$%&も使える？」 asks about the rules).
const WEB_ADDRESS = String.raw`(?:https?:\/\/|www\.)\S*`;
const NOT_A_VALUE_SHAPE = new RegExp(
  String.raw`^(?:\d+(?:[-/.:]\d+)+[-/.:]?|${WEB_ADDRESS}|[!-/:-@[-\x60{-~]+)$`,
  'u',
);
// 「パス」「ぱす」 and "pass" are ordinary words too (a bus pass, パスする): they need more evidence.
const WEAK_LABEL = /^(?:パス|ぱす|[pＰ][aＡａ][sＳｓ][sＳｓ])$/iu;
// A value glued to katakana or kanji is the start of a Japanese word: 「パスワード：Webサービス専用のID」.
const JAPANESE_WORD_NEXT = /^[\u30A1-\u30FA\u30FC\u3400-\u9FFF\uFF66-\uFF9F]/u;

function isPasswordValue(label: string, sep: string, raw: string, next = ''): boolean {
  if (/^\*{8}(?![^*]*[A-Za-z0-9])/.test(raw)) return false; // already masked
  // Trailing sentence punctuation belongs to the sentence; a value made only of it is no value.
  const core = asciiLower(raw).replace(/[.,!?;:)"'\]]+$/u, '');
  if (core.length === 0 || NOT_A_PASSWORD.has(core) || NOT_A_VALUE_SHAPE.test(core)) return false;
  // Judged without the sentence's punctuation: "password policy?" is a question, not a value.
  raw = raw.slice(0, core.length);
  if (LATIN_LETTERS_ONLY.test(raw) && JAPANESE_WORD_NEXT.test(next)) return false;
  const explicit = hasExplicitMark(sep);
  if (WEAK_LABEL.test(label)) {
    const english = /^[A-Za-zＡ-Ｚａ-ｚ]/u.test(label);
    // "pass: x7k…" only with a mark; 「パスはzxcv5555」 with a value that is not just letters.
    if (english) return explicit && raw.length >= 4;
    if (!explicit && !/は|が|って|も/u.test(sep)) return false; // 「パス（PASMO）」
    return raw.length >= 4 && (explicit || !LATIN_LETTERS_ONLY.test(raw));
  }
  if (explicit) return raw.length >= 2;
  if (raw.length < 4) return false;
  const englishLabel = /^[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/u.test(label);
  const wordSep = /[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/u.test(sep);
  // "password reset link": with nothing but a space after an English label, only a value that
  // contains a digit or symbol is taken as a password.
  if (englishLabel && !wordSep && LATIN_LETTERS_ONLY.test(raw)) return false;
  return true;
}

function asciiLower(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff01 + 0x21))
    .toLowerCase();
}

// A quoted value may contain spaces and kana: password = "abc 123", 「さくら もち 77」. Up to 64
// characters (a passphrase of a few words), one line.
const JAPANESE_CHARS = '\\u3041-\\u3096\\u30A1-\\u30FA\\u30FC\\u3400-\\u9FFF\\uFF66-\\uFF9F';
const QUOTED_BODY = `[${PW_CHARS}${SPACES}${JAPANESE_CHARS}]{1,64}`;
const QUOTED_VALUE =
  `(?:"(${QUOTED_BODY}?)"|“(${QUOTED_BODY}?)”|'(${QUOTED_BODY}?)'|‘(${QUOTED_BODY}?)’|` +
  `「(${QUOTED_BODY}?)」|『(${QUOTED_BODY}?)』)`;
const QUOTED_PASSWORD_RE = new RegExp(`(${PASSWORD_LABEL})(${LABEL_SEP_CORE})${QUOTED_VALUE}`, 'gu');
// A unit makes it a sentence about the rules ("8 chars"): whole English words only, or "chara0"
// inside a quoted password would count as one.
const UNIT_WORD = /文字|桁|けた|(?<![A-Za-z])(?:characters?|chars?|digits?|letters?|times)(?![A-Za-z0-9])/iu;

// Words that make a quoted phrase a sentence about the password, not the password: "too short",
// "not working", "must be 8 characters".
const PHRASE_WORDS = new Set(
  (
    "not too is was be must should can cannot can't isn't wasn't doesn't don't won't it's invalid wrong " +
    'incorrect expired working format required needed accepted error failed characters letters digits chars numbers'
  ).split(' '),
);
const HAS_JAPANESE = new RegExp(`[${JAPANESE_CHARS}]`, 'u');
const HAS_KANJI = /[\u3400-\u9FFF]/u;
const HAS_ASCII_ALNUM = /[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/u;
// Kana that reads as a sentence rather than a passphrase: 「わすれた」「ちがいます」「わからない」.
const KANA_SENTENCE_END = /(?:た|ない|ます|です|ません|ました|てる|ている)$/u;

function isQuotedPassword(label: string, sep: string, body: string): boolean {
  const value = body.trim();
  if (value.length === 0) return false;
  // A page or button named in quotes: 「マイページ」から変更, 「ログイン」を押す.
  if (
    /^(?:マイページ|会員ページ|ログイン|ログアウト|設定|ホーム|トップ|メニュー|アプリ|次へ|送信|確認|再設定)$/u.test(
      value,
    )
  )
    return false;
  const wordSep = /[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]|は|が|って|わ/u.test(sep);
  const introduced = hasExplicitMark(sep) || wordSep;
  if (HAS_JAPANESE.test(value)) {
    // 「ねこ2019」「みかん の 木 42」: Japanese with letters or digits is a passphrase; kana alone only
    // after は/:/=, without kanji (「忘れた」「確認中」 are sentences) and not ending like one.
    if (UNIT_WORD.test(value) || /半角|全角|英数|記号/u.test(value)) return false;
    if (HAS_ASCII_ALNUM.test(value)) return true;
    const kana = value.replace(/[ \u00A0\u3000]/gu, '');
    return introduced && !HAS_KANJI.test(kana) && kana.length >= 3 && !KANA_SENTENCE_END.test(kana);
  }
  if (!/[ \u00A0\u3000]/u.test(value)) return isPasswordValue(label, sep, value);
  // Several words inside quotes: only after is/was/:/=, and not a sentence about the rules.
  if (!introduced) return false;
  const words = value.split(/[ \u00A0\u3000]+/u);
  if (words.length > 6 || UNIT_WORD.test(value)) return false;
  if (words.some((w) => PHRASE_WORDS.has(asciiLower(w)))) return false;
  return true;
}

function maskQuotedPasswords(text: string, found: Set<SecretKind>): string {
  return text.replace(QUOTED_PASSWORD_RE, (whole, label: string, sep: string, ...rest: unknown[]) => {
    const at = rest.findIndex((v) => typeof v === 'string');
    const body = rest[at] as string;
    if (at < 0 || at > 5 || !isQuotedPassword(label, sep, body)) return whole;
    found.add('password');
    const open = whole.slice(label.length + sep.length, label.length + sep.length + 1);
    return `${label}${sep}${open}${PASSWORD_MASK}${whole.slice(-1)}`;
  });
}

const IN_WEB_ADDRESS = new RegExp(`${WEB_ADDRESS}$`, 'u');

// Kana in front of digits is one value: 「パスワードはさくら123」「ﾊﾟｽﾜｰﾄﾞ ｷﾀｷﾂﾈ123」.
const KANA_PASSWORD_RE = new RegExp(
  `(${PASSWORD_LABEL})(${LABEL_SEP})([ぁ-ゖァ-ヺーｦ-ﾟ]{1,12}[${PW_CHARS}]*[0-9０-９]{2}[${PW_CHARS}]*)(?![${PW_CHARS}])${UNIT_AFTER}`,
  'gu',
);

function maskKanaPasswords(text: string, found: Set<SecretKind>): string {
  return text.replace(KANA_PASSWORD_RE, (whole, label: string, sep: string, value: string) => {
    if (WEAK_LABEL.test(label)) return whole;
    // The kana must be part of the value, not the particle after the label (「パスワードは21:30に」).
    const [, kana = '', rest = ''] = /^([ぁ-ゖァ-ヺーｦ-ﾟ]+)(.*)$/u.exec(value) ?? [];
    if (/^(?:は|が|を|も|わ|って|には|に|で|の)$/u.test(kana) || NOT_A_VALUE_SHAPE.test(rest)) return whole;
    found.add('password');
    return label + sep + PASSWORD_MASK;
  });
}

const SENTENCE_GOES_ON = /^\s+(?:to|for|with|about|because|that|it|you|me|when|if)(?![A-Za-z])/iu;

function maskPasswords(text: string, found: Set<SecretKind>): string {
  return text.replace(
    PASSWORD_RE,
    (whole, label: string, sep: string, value: string, offset: number, all: string) => {
      // "…/pw/reset?id=3": a path in a web address, not a label.
      if (IN_WEB_ADDRESS.test(all.slice(Math.max(0, offset - 200), offset))) return whole;
      const next = all.slice(offset + whole.length, offset + whole.length + 1);
      // A separator word glued to the value is part of it: in 「パスワードはwas0」 the value is
      // "was0", not "0" after "was" (which would leave "was" of the password in the text).
      const glued = /[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]+$/u.exec(sep)?.[0];
      const readings: Array<[string, string]> = glued
        ? [
            [sep.slice(0, -glued.length), glued + value],
            [sep, value],
          ]
        : [[sep, value]];
      // "password: Happy to change it": a word that starts an English sentence, not a value.
      const rest = all.slice(offset + whole.length, offset + whole.length + 12);
      if (LATIN_LETTERS_ONLY.test(value) && SENTENCE_GOES_ON.test(rest)) return whole;
      for (const [readSep, readValue] of readings) {
        if (!isPasswordValue(label, readSep, readValue, next)) continue;
        found.add('password');
        return label + readSep + PASSWORD_MASK;
      }
      return whole;
    },
  );
}

// The value before the label: "I typed kx7tokenj0 as my password", "hunter22 is my password",
// "4821 is my PIN", 「zxcv5555がパスワードです」. Only values with a digit: "what is my password".
const OWNER = `(?:(?:${['my', 'the', 'our', 'your', 'new', 'old', 'current', 'real'].map(wide).join('|')})${LATIN_AFTER}${SP})*`;
const REVERSE_RE = new RegExp(
  `(?<![${PW_CHARS}])([${PW_CHARS}]*[0-9\\uFF10-\\uFF19][${PW_CHARS}]*)(?![${PW_CHARS}])` +
    `(${SP}(?:(?:${wide('as')}|${wide('is')}|${wide('was')})${LATIN_AFTER}${SP}${OWNER}|(?:が|を)(?:私の)?))` +
    `(?:(${PASSWORD_LABEL})|(${PIN_LABEL}))(?=${SP}(?:です|だ|に|として|$|[^ぁ-ゖァ-ヺ一-鿿]))`,
  'gu',
);
// Cheap pre-check: no PIN or password label, no PIN or password to look for.
const ANY_LABEL = new RegExp(`${PASSWORD_LABEL}|${PIN_LABEL}|${PIN_CONTEXT}`, 'u');
// Where the rest of a label's sentence stops: the next label of any kind (an ID names something else).
const ANY_SECRET_LABEL = new RegExp(
  `${PASSWORD_LABEL}|${PIN_LABEL}|${CARD_LABEL}|(?:Web-?|ウェブ)?(?:ID|ＩＤ)(?![A-Za-z])|` +
    '(?:会員|受付|問い?合わ?せ|電話|整理券|郵便|申込)番号',
  'iu',
);
const UNIT_AFTER_RE = new RegExp(`^${UNIT_AFTER.replace(/^\(\?!/u, '(?:').replace(/\)$/u, ')')}`, 'u');
const PIN_ONLY = new RegExp(`^${DIGIT}{4,8}$`, 'u');

// Cheap pre-check for maskReversed: "is/as/was my password", 「がパスワード」 somewhere in the text.
const REVERSE_HINT = new RegExp(
  `(?:(?:${wide('as')}|${wide('is')}|${wide('was')})${LATIN_AFTER}${SP}${OWNER}|が|を)(?:私の)?(?:${PASSWORD_LABEL}|${PIN_LABEL})`,
  'u',
);

function maskReversed(text: string, found: Set<SecretKind>): string {
  if (!REVERSE_HINT.test(text)) return text;
  return text.replace(
    REVERSE_RE,
    (whole, value: string, sep: string, pwLabel: string | undefined, pinLabel: string | undefined) => {
      const core = value.replace(/^["'“‘「『(（]+|["'”’」』)）.,!?]+$/gu, '');
      if (core.length < 4 || core.startsWith('****') || NOT_A_PASSWORD.has(asciiLower(core))) return whole;
      if (pinLabel !== undefined && !PIN_ONLY.test(core)) return whole;
      const masked = value.replace(
        core,
        pinLabel !== undefined ? MASK_CHAR.repeat(core.length) : PASSWORD_MASK,
      );
      found.add(pinLabel !== undefined ? 'pin' : 'password');
      return masked + sep + (pwLabel ?? pinLabel ?? '');
    },
  );
}

const OTHER_NUMBER_BEFORE =
  /(?:会員|受付|申込|申し込み|問い?合わ?せ|電話|整理券|郵便|契約|口座|予約|お客様|注文|取引|店舗)(?:番号)?[\s　]*(?:は|が|って|[:：])?[\s　]*$/u;

function maskPins(text: string, found: Set<SecretKind>): string {
  return text.replace(PIN_RE, (whole, prefix: string, value: string) => {
    // A context match that ends in another number's name: 「ATMで番号を入力する画面で、会員番号は…」.
    if (OTHER_NUMBER_BEFORE.test(prefix)) return whole;
    const digits = value.match(ANY_DIGIT)?.length ?? 0;
    if (digits < 4 || digits > 8) return whole;
    found.add('pin');
    return prefix + value.replace(ANY_DIGIT, MASK_CHAR);
  });
}

interface Group {
  digits: string; // ASCII
  start: number; // offset in the run
  end: number;
  /** The separator before this group contains a hyphen (same token) rather than only spaces. */
  hyphenBefore: boolean;
}

function splitGroups(run: string, split = GROUP_SPLIT): Group[] {
  const parts = run.split(split);
  const groups: Group[] = [];
  let offset = 0;
  let hyphenBefore = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i % 2 === 0) {
      groups.push({ digits: asciiDigits(part), start: offset, end: offset + part.length, hyphenBefore });
    } else {
      hyphenBefore = HYPHEN_CHAR.test(part);
    }
    offset += part.length;
  }
  return groups;
}

// A Japanese phone number written the usual way, as one hyphenated token: 0 + 9–10 more digits in 2–3
// groups (0120-24-0365, 03-1234-5678, 090-1234-5678). An unbroken 0-prefixed run is not treated as a
// phone when other digits sit next to it: it is only masked through Luhn then, and cannot be used to
// split a card number written in an odd grouping.
function isPhoneToken(groups: Group[]): boolean {
  const digits = groups.map((g) => g.digits).join('');
  return (
    digits.startsWith('0') &&
    digits.length >= 10 &&
    digits.length <= 11 &&
    groups.length >= 2 &&
    groups.length <= 3
  );
}

// Groups from..to (inclusive) laid out like a card: 4-4-4[-4…] (last group 1–4), 4-6-4 or 4-6-5.
// Index-based: this runs for every window of every digit run, so it allocates nothing.
function cardShaped(groups: Group[], from: number, to: number, total: number): boolean {
  const count = to - from + 1;
  const first = groups[from]?.digits.length ?? 0;
  const last = groups[to]?.digits.length ?? 0;
  if (count === 3 && first === 4 && groups[from + 1]?.digits.length === 6 && (last === 4 || last === 5))
    return true;
  if (count < 3 || total < 12) return false;
  for (let k = from; k < to; k++) if (groups[k]?.digits.length !== 4) return false;
  return last >= 1 && last <= 4;
}

/** Groups from..to, whose digits are all[start..end), make a card number. */
function windowIsCard(
  groups: Group[],
  from: number,
  to: number,
  all: string,
  start: number,
  end: number,
  luhnOnly = false,
) {
  const total = end - start;
  if (total < 12 || total > 19) return false;
  if (luhnOnly) return total >= 13 && luhnValid(all, start, end);
  if (to - from > 1 && cardShaped(groups, from, to, total)) return true;
  if (total < 13) return false;
  if (luhnValid(all, start, end)) return true;
  return from === to && total >= 14;
}

/** Which groups of one run are (part of) a card number. */
function cardGroups(groups: Group[], labelled: boolean, luhnOnly = false): boolean[] {
  const marked = groups.map(() => false);
  if (labelled) {
    // Offered as a card number: the first 10–19 digits, whatever their shape.
    let total = 0;
    let j = 0;
    while (j < groups.length && total + (groups[j]?.digits.length ?? 0) <= 19) {
      total += groups[j]?.digits.length ?? 0;
      j++;
    }
    // More digits than a card has: the card is somewhere in them, so all of them go.
    if (j < groups.length && total >= 10) j = groups.length;
    if (total >= 10) for (let k = 0; k < j; k++) marked[k] = true;
  }
  // Phone tokens split the run into segments that are searched separately.
  const blocked = groups.map(() => false);
  for (let i = 0; i < groups.length; ) {
    let j = i + 1;
    while (j < groups.length && groups[j]?.hyphenBefore) j++;
    if (isPhoneToken(groups.slice(i, j))) for (let k = i; k < j; k++) blocked[k] = true;
    i = j;
  }
  // Every window is a slice of one digit string: no string is built per window.
  const all = groups.map((g) => g.digits).join('');
  const offsets: number[] = [];
  let offset = 0;
  for (const g of groups) {
    offsets.push(offset);
    offset += g.digits.length;
  }
  offsets.push(offset);
  for (let i = 0; i < groups.length; i++) {
    if (blocked[i]) continue;
    const first = groups[i]?.digits.length ?? 0;
    if (first > 19) {
      marked[i] = true; // nothing legitimate is that long; a card could hide anywhere in it
      continue;
    }
    const start = offsets[i] ?? 0;
    for (let j = i; j < groups.length && !blocked[j]; j++) {
      const end = offsets[j + 1] ?? 0;
      if (end - start > 19) break;
      if (end - start < 12) continue;
      if (windowIsCard(groups, i, j, all, start, end, luhnOnly)) {
        for (let k = i; k <= j; k++) marked[k] = true;
      }
    }
  }
  return marked;
}

function maskRegion(chars: string[], groups: Group[], from: number, to: number): void {
  const total = groups.slice(from, to + 1).reduce((n, g) => n + g.digits.length, 0);
  let keep = total >= 13 && total <= 19 ? 4 : 0;
  for (let k = to; k >= from; k--) {
    const g = groups[k];
    if (!g) continue;
    for (let p = g.end - 1; p >= g.start; p--) {
      if (keep > 0) keep--;
      else chars[p] = MASK_CHAR;
    }
  }
}

function maskCards(text: string, found: Set<SecretKind>): string {
  // First what follows a card label, with any separator (only in a message that has one: this runs on
  // every message and log line); then every run with the usual ones.
  const afterLabels = CARD_LABEL_ANYWHERE.test(text)
    ? maskCardRuns(text, found, LABELLED_RUN, LABELLED_SPLIT, true)
    : text;
  return maskCardRuns(afterLabels, found, DIGIT_RUN, GROUP_SPLIT, false);
}

function maskCardRuns(
  text: string,
  found: Set<SecretKind>,
  runs: RegExp,
  split: RegExp,
  labelledOnly: boolean,
): string {
  return text.replace(runs, (run: string, offset: number) => {
    const digitCount = asciiDigits(run).replace(/[^0-9]/g, '').length;
    const before = text.slice(Math.max(0, offset - 40), offset);
    const labelled = CARD_LABEL_BEFORE.test(before);
    if (labelledOnly && !labelled) return run;
    if (digitCount < (labelled ? 10 : 12)) return run;
    if (!labelled && /[+＋]$/u.test(before)) return run; // international phone number
    const groups = splitGroups(run, split);
    const marked = cardGroups(groups, labelled, !labelled && REFERENCE_LABEL_BEFORE.test(before));
    if (!marked.some(Boolean)) return run;
    const chars = [...run];
    // `chars` indexes code points; all characters in a run are BMP, so offsets match.
    for (let i = 0; i < groups.length; ) {
      if (!marked[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < groups.length && marked[j + 1]) j++;
      maskRegion(chars, groups, i, j);
      i = j + 1;
    }
    found.add('card_number');
    return chars.join('');
  });
}

// ---- second line of defence: a label anywhere in the message ----
// The patterns above want the value right after its label. Members also write 「暗証番号を1234から5678に
// 変えたい」, "pin: 4821 or 4812", "I changed my PIN to 4821", 「パスワード変えたらabc123になった」,
// 「IDとパスワードは taro123 と abc999」. So once a message names a PIN, every other standalone 4-digit
// number in it is masked as one, and once it names a password, every token mixing letters and digits
// (a model name such as "iPhone15" may go too: masking too much is the safe side). Not swept: numbers
// that are part of a longer number, phone number, date, time or amount, e-mail and web addresses,
// inquiry reference numbers.
// Any PIN label, also where the value does not follow it directly (「ピン番は1234」).
const PIN_HINT = new RegExp(PIN_LABEL, 'u');
// Not the bare English "pass" (a boarding pass, a bus pass): too common to sweep a message for.
const PASSWORD_HINT =
  /パスワ|ぱすわ|ﾊﾟｽﾜ|パス[コこ]|ぱすこ|pass?w(?:or|ro|ar|r)?d|passowrd|pssword|passcode|passphrase|(?<![A-Za-z])pwd?(?![A-Za-z])|(?<![\u30A1-\u30FA\u30FC])パス(?![\u30A1-\u30FA\u30FC])|(?<![ぁ-ゖ])ぱす(?![ぁ-ゖ])/iu;
const LOOSE_PIN = new RegExp(
  `(?<![${DIGIT_CHARS}A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A¥￥$＄#＃*])` +
    // Not part of a longer number or code, nor the kept last 4 of a masked card ("**** 6467").
    `(?<![${DIGIT_CHARS}*][${SPACES}${NUMBER_JOINERS}:：])(?<![A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A][${HYPHENS}:：])` +
    // Not an error number: 「エラーコード 4031」, "error code: 2101" (but 「暗証コード1234」 is a PIN).
    `(?<!(?:エラー|ｴﾗｰ|${wide('error')})(?:${SP}(?:コード|ｺｰﾄﾞ|${wide('code')}|番号))?${SP}[:：]?${SP})` +
    `${DIGIT}{4}` +
    `(?![${DIGIT_CHARS}A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A%％*])(?![${SPACES}]${DIGIT})${NUMBER_GOES_ON}${UNIT_AFTER}`,
  'gu',
);
const LOOSE_TOKEN = /(?<![!-~\uFF01-\uFF5E])[!-~\uFF01-\uFF5E]{4,}(?![!-~\uFF01-\uFF5E])/gu;
const HAS_LETTER = /[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/u;
const HAS_DIGIT = /[0-9\uFF10-\uFF19]/u;
const NOT_SWEPT = new RegExp(
  String.raw`^(?:[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|Q\d{8}-[A-Z]{8}|${WEB_ADDRESS}|\S*\/\S*\/\S*|v(?:er(?:sion)?)?\.?\d[\d.]*|` +
    String.raw`(?:iphone|ipad|ios|android|windows|win|galaxy|pixel|xperia|aquos|arrows|macos)\d[\d.]*)$`,
  'iu',
);
// An error or model code is named as one: 「エラーコードE1023」, "error ERR-502", 「型番 AB-12」.
const CODE_BEFORE =
  /(?:コード|ｺｰﾄﾞ|エラー|ｴﾗｰ|code|error|型番|品番|機種|端末|model)(?:は|が|[\s:：（(「『"'])*$/iu;
// … or shown by the screen: 「E0504」と出て, 「E4012」が出た, "E-2001 エラーになります".
const CODE_AFTER = /^[\s」』"')）]*(?:エラー|ｴﾗｰ|error|警告|(?:と|が|って)(?:出|表示|でる|でた))/iu;
// What screens and phones are called: upper-case letters with digits (E4012, ER-5510, W2031, SH-53C).
const CODE_SHAPE = /^(?:[A-Z]{1,3}[-_]?\d{2,6}|[A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)$/u;
// The member's ID or user name is not their password: 「IDはtanaka88で…」, "my web id is sato77".
const ID_BEFORE =
  /(?:ID|ＩＤ|ユーザー?名|ユーザー?ＩＤ|user ?name|login)(?:は|が|って|わ|[\s:：=＝]|\s+is)*[「『"']?$/iu;
// A model's name goes on after its brand: "AQUOS wish3", "Galaxy A54".
const BRAND_BEFORE =
  /(?:iphone|ipad|galaxy|pixel|xperia|aquos|arrows|oppo|redmi|xiaomi|huawei|zenfone|android|windows|ios|macos)[\s\u3000]+$/iu;
// Numbers that are years or references, not PINs: "since 2025", 「整理券番号 0789」「コード 1201」.
const YEAR_BEFORE = /(?:since|in|from|until|till|by|before|after|year|back in)\s*$/iu;
const REFERENCE_BEFORE =
  /(?:(?<!暗証|暗唱)(?:コード|ｺｰﾄﾞ|code)[\s:：#]*|(?:問い?合わ?せ|受付|整理券|会員|申込|申し込み|注文|契約|予約|お客様|ticket|reference|order|application)(?:番号|No\.?|number)?(?:は|が|って|[\s:：#]|is)*)$/iu;
// A number named as a reference: 「申込番号は 2025-0412-7788」. Laid out like a card it is still not one.
const REFERENCE_LABEL_BEFORE =
  /(?:問い?合わ?せ|受付|整理券|会員|申込|申し込み|注文|契約|予約|明細|取引|お客様|ticket|reference|order|application|contract|tracking|member)(?:番号|No\.?|number|#)?(?:は|が|って|[\s:：#]|is)*$/iu;

// The member's ID with its label in one token: 「ID（taro_88）」「ID:taro_88」.
const ID_FIRST = /^(?:web-?)?(?:id|ＩＤ)[（(:：=＝「]/iu;

// Named as something else right before: the last 4 digits of a card (「下4桁は」, "the last 4 digits are",
// "ending in"), an error number (「エラー 5001」), an international phone number (+81 90 …).
const NAMED_OTHERWISE_BEFORE =
  /(?:(?:下|末尾|最後の|残りの|下の)[\s　]?[4４四][\s　]?(?:桁|けた|ケタ)|(?:last|final) (?:4|four)(?: digits?)?(?: of (?:my|the) card)?|ending(?: in| with)?|ends (?:in|with)|エラー|ｴﾗｰ|error)(?:は|が|って|[\s　:：]|is|are|was|were)*$|[+＋][0-9０-９][0-9０-９\s-]*$/iu;

function sweepLabelledMessage(text: string, found: Set<SecretKind>): string {
  let out = text;
  // Passwords first: a PIN next to a masked token is then seen standalone, in one pass.
  if (PASSWORD_HINT.test(out)) {
    out = out.replace(LOOSE_TOKEN, (token: string, offset: number, all: string) => {
      if (NOT_SWEPT.test(token) || ID_FIRST.test(token)) return token;
      if (CODE_BEFORE.test(all.slice(Math.max(0, offset - 12), offset))) return token;
      if (CODE_AFTER.test(all.slice(offset + token.length, offset + token.length + 12))) return token;
      const before = all.slice(Math.max(0, offset - 16), offset);
      if (ID_BEFORE.test(before) || BRAND_BEFORE.test(before)) return token;
      // Keep what frames the value: quotes and brackets around it, "ID:" before it, a full stop after.
      const m = /^([("'「『[（【]*(?:[A-Za-z]{1,8}[:=：＝])?)(.*?)([.,!?;:)"'」』\]）】。]*)$/u.exec(token);
      const [, head = '', value = '', tail = ''] = m ?? [];
      if (value.length < 4 || value.includes(MASK_CHAR)) return token;
      if (!HAS_LETTER.test(value) || !HAS_DIGIT.test(value) || NOT_SWEPT.test(value)) return token;
      if (CODE_SHAPE.test(value)) return token;
      found.add('password');
      return head + PASSWORD_MASK + tail;
    });
  }
  if (PIN_HINT.test(out)) {
    out = out.replace(LOOSE_PIN, (pin: string, offset: number, all: string) => {
      const before = all.slice(Math.max(0, offset - 28), offset);
      if (/^(?:19|20)\d\d$/u.test(asciiDigits(pin)) && YEAR_BEFORE.test(before)) return pin;
      if (REFERENCE_BEFORE.test(before.slice(-16)) || NAMED_OTHERWISE_BEFORE.test(before)) return pin;
      if (SHOWN_AFTER.test(all.slice(offset + pin.length, offset + pin.length + 12))) return pin;
      found.add('pin');
      return MASK_CHAR.repeat(pin.length);
    });
  }
  return out;
}

// ---- values split across phrases after their label ----
// 「カード番号は4539 1488、続きが0343 6467」, "card number is 4539 1488 and then 0343 6467", 「パスワードは
// 前半がsakuraで後半が0315」, "password starts with maple and ends with 4411". Each looks at the rest of
// the label's sentence (at most SPLIT_WINDOW characters, up to the next secret label).
const SPLIT_WINDOW = 60;
// A closing quote ends it too: a label inside a quoted link name (「…パスワードをお忘れの方はコチラ」).
const SENTENCE_END = /[。！？!?\n」』]/u;
const CARD_LABEL_ALL = new RegExp(CARD_LABEL, 'gu');
const PASSWORD_LABEL_ALL = new RegExp(PASSWORD_LABEL, 'gu');
const WINDOW_RUN = new RegExp(`${DIGIT}+(?:${LABELLED_SEP}${DIGIT}+)*`, 'gu');
const COUNT_AFTER = /^[\s\u3000]*(?:桁|けた|ケタ|円|年|月|日|回|時|分|秒|歳|件|枚|人|番(?!号)|%|％|万)/u;

/** The rest of the sentence after a label: up to the sentence end or the next label of any kind. */
function windowAfter(text: string, from: number): string {
  let w = text.slice(from, from + SPLIT_WINDOW);
  const end = SENTENCE_END.exec(w);
  // 「tama」と「0721」をつなげた: a quote opened after the label is part of the value, not its end.
  const closesOwn = end && /[」』]/u.test(end[0]) && /[「『]/u.test(w.slice(0, end.index));
  if (end && !closesOwn) w = w.slice(0, end.index);
  else if (closesOwn) {
    const hard = /[。！？!?\n]/u.exec(w);
    if (hard) w = w.slice(0, hard.index);
  }
  const next = ANY_SECRET_LABEL.exec(w);
  return next && next.index > 0 ? w.slice(0, next.index) : w;
}

function maskSplitCards(text: string, found: Set<SecretKind>): string {
  if (!CARD_LABEL_ANYWHERE.test(text)) return text;
  const units = text.split('');
  let changed = false;
  for (const label of text.matchAll(CARD_LABEL_ALL)) {
    const from = (label.index ?? 0) + label[0].length;
    const runs: Array<{ at: number; text: string }> = [];
    let total = 0;
    for (const run of windowAfter(text, from).matchAll(WINDOW_RUN)) {
      const at = from + (run.index ?? 0);
      const n = run[0].match(ANY_DIGIT)?.length ?? 0;
      if (n < 3 || COUNT_AFTER.test(text.slice(at + run[0].length, at + run[0].length + 3))) continue;
      if (isPhoneToken(splitGroups(run[0], HYPHEN_SPLIT))) continue; // 090-1234-5678 is a phone number
      total += n;
      runs.push({ at, text: run[0] });
      if (total > 19) break;
    }
    // Parts of a card are 12+ digits together; one run of 8–9 is a part named alone (「最初の8桁は…」);
    // longer single runs are the labelled card pass's. More than a card's digits: all of them go.
    // A single run of 10–19 digits further on in the label's sentence is the card too (「カードの番号を
    // 書きます 4 9 8 0 …」); right after the label the labelled card pass keeps its shape rules.
    const alone =
      runs.length === 1 && total >= 10 && total <= 19 && !CARD_LABEL_BEFORE.test(text.slice(0, runs[0]!.at));
    if (runs.length === 1 ? (total < 8 || total > 9) && !alone : total < 12) continue;
    let keep = total >= 13 && total <= 19 ? 4 : 0;
    for (let r = runs.length - 1; r >= 0; r--) {
      const run = runs[r]!;
      for (let i = run.text.length - 1; i >= 0; i--) {
        if (!ONE_DIGIT.test(run.text[i] ?? '')) continue;
        if (keep > 0) keep--;
        else units[run.at + i] = MASK_CHAR;
      }
    }
    changed = true;
  }
  if (!changed) return text;
  found.add('card_number');
  return units.join('');
}

// 「前半がsakuraで後半が0315」: in Japanese every latin word or number after the label is a part
// (brand and common words aside); in English the words after "starts with", "then", "plus" ….
// Strong markers name a part of the password; after a weak one only a value with a digit, or one
// next to an already masked part, is taken.
const SPLIT_MARKER_EN = new RegExp(
  `(?:${['starts with', 'start with', 'begins with', 'ends with', 'end with', 'followed by', 'part'].map(wide).join('|')})${LATIN_AFTER}${SP}[「『"'“‘]?$`,
  'u',
);
const WEAK_MARKER_EN = new RegExp(
  `(?:${['then', 'plus', 'and then', 'after that', 'and'].map(wide).join('|')})${LATIN_AFTER}${SP}[「『"'“‘]?$`,
  'u',
);
const SPLIT_MARKER_JA =
  /前半|後半|最初|最後|次|続き|あと|後に|後ろ|頭|お尻|末尾|つなげ|繋げ|組み合わせ|プラス|足し|付け|つけ/u;
// What a member says a password is made of: 「誕生日で19880315」「数字の55」「娘の名前でmiyu」.
const DESCRIBES_JA =
  /誕生日|生年月日|記念日|名前|なまえ|苗字|名字|ローマ字|数字|英字|小文字|大文字|電話番号|ペット|犬|猫|西暦/u;
// Parts named as parts (two-digit pieces count then): 「大文字のKと小文字のenjiと数字の55」.
const PIECES_JA = new RegExp(`${SPLIT_MARKER_JA.source}|${DESCRIBES_JA.source}`, 'u');
// Six or more digits with no unit are neither a time nor an amount (amounts carry 円 or commas).
const LONG_NUMBER = /^[0-9０-９]{6,}$/u;
const WINDOW_TOKEN = new RegExp(`[${PW_CHARS}]+`, 'gu');

// After the label, what introduces its value: 「パスワードは…」「パスワードの前半は…」, "password: …", not
// 「パスワードを忘れました」.
const INTRODUCES = new RegExp(
  `^${SP}(?:${MARK_SEPS.replace('|を', '')}|の|${WORD_SEPS}|${wide('starts')}|${wide('begins')})`,
  'u',
);

const LATIN_START = /^[A-Za-z\uFF21-\uFF3A\uFF41-\uFF5A]/u;

function maskSplitPasswords(text: string, found: Set<SecretKind>): string {
  if (!PASSWORD_HINT.test(text)) return text;
  let out = '';
  let last = 0;
  for (const label of text.matchAll(PASSWORD_LABEL_ALL)) {
    const start = (label.index ?? 0) + label[0].length;
    if (WEAK_LABEL.test(label[0]) || start < last) continue;
    const window = windowAfter(text, start);
    if (!INTRODUCES.test(window)) continue;
    // An English label with an English sentence is read the English way even when the value is kana
    // ("my password is my dog's name, さくら"): only the Japanese way takes every latin word as a part.
    const japanese =
      HAS_JAPANESE.test(window) && (!LATIN_START.test(label[0]) || HAS_JAPANESE.test(window.slice(0, 12)));
    const tokens = [...window.matchAll(WINDOW_TOKEN)].map((m) => ({ at: start + (m.index ?? 0), raw: m[0] }));
    const parts: Array<{ at: number; raw: string; core: string }> = [];
    let lettered = window.includes(PASSWORD_MASK);
    for (const t of tokens) {
      // The value without what frames it: 「：Web」 is ':' + 'Web', "(abc)." is 'abc'.
      const core = t.raw.replace(
        /^[^0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]+|[.,!?;:)"'」』\]）】]+$/gu,
        '',
      );
      const lower = asciiLower(core);
      const shortPart =
        japanese && core.length === 2 && /^[0-9０-９]{2}$/u.test(core) && PIECES_JA.test(window);
      if ((core.length < 3 && !shortPart) || core.includes(MASK_CHAR)) continue;
      if (NOT_A_PASSWORD.has(lower) || PHRASE_WORDS.has(lower)) continue;
      if (NOT_SWEPT.test(core) || CODE_SHAPE.test(core) || NOT_A_VALUE_SHAPE.test(core)) continue;
      const at = t.at + t.raw.indexOf(core);
      const before = text.slice(Math.max(0, at - 16), at);
      const after = text.slice(at + core.length, at + core.length + 12);
      if (CODE_BEFORE.test(before) || CODE_AFTER.test(after) || ID_BEFORE.test(before)) continue;
      if (UNIT_AFTER_RE.test(after) || COUNT_AFTER.test(after)) continue;
      if (japanese) {
        if (LATIN_LETTERS_ONLY.test(core) && (JAPANESE_WORD_NEXT.test(after) || /[A-Z]/u.test(core[0]!)))
          continue;
      } else if (!SPLIT_MARKER_EN.test(before)) {
        if (!WEAK_MARKER_EN.test(before) || !(HAS_DIGIT.test(core) || lettered)) continue;
      }
      if (HAS_LETTER.test(core)) lettered = true;
      parts.push({ at, raw: t.raw, core });
    }
    // In Japanese a number alone is a time or an amount, unless a word of the same password or a
    // word for its parts (前半, 最後に …) is there too; in English the markers said so already.
    const kept = parts.filter(
      (p) =>
        !japanese ||
        HAS_LETTER.test(p.core) ||
        lettered ||
        SPLIT_MARKER_JA.test(window) ||
        DESCRIBES_JA.test(window) ||
        LONG_NUMBER.test(p.core),
    );
    for (const p of kept) {
      if (p.at < last) continue;
      out += text.slice(last, p.at) + PASSWORD_MASK;
      last = p.at + p.core.length;
      found.add('password');
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

// ---- a label in one message, the value in the next ----

export type PendingSecret = 'pin' | 'password';

const TAIL_SEP = `(?:${SP}(?:${WORD_SEPS}|[:：=＝→]|には|は|が|って|${FILLER}|${I_CLAUSE}))+${SP}[、,，…‥.．]*${SP}`;
const PASSWORD_TAIL = new RegExp(`${PASSWORD_LABEL}${TAIL_SEP}$`, 'u');
const PIN_TAIL = new RegExp(`${PIN_LABEL}${TAIL_SEP}$`, 'u');

/**
 * The message ends with a PIN or password label and a separator ("暗証番号は", "my PIN is",
 * "password:"), so the member's next message may be the value alone. A bare label ("パスワード",
 * often a topic choice) does not count.
 */
export function secretLabelAtEnd(text: string): PendingSecret | undefined {
  if (text.length === 0 || !ANY_LABEL.test(text)) return undefined;
  const tail = text.slice(-60);
  if (PASSWORD_TAIL.test(tail)) return 'password';
  if (PIN_TAIL.test(tail)) return 'pin';
  return undefined;
}

const BARE_OPEN = `^(${SP}[「『"'“‘(（]?${SP})`;
const BARE_CLOSE = `([」』"'”’)）]?${SP}(?:です|でした|だよ|だ|かな|かも)?[。.．!！]*${SP})$`;
const BARE_PIN_RE = new RegExp(`${BARE_OPEN}(${DIGIT}(?:[${SPACES}]?${DIGIT}){3,7})${BARE_CLOSE}`, 'u');
const BARE_PASSWORD_RE = new RegExp(`${BARE_OPEN}([${PW_CHARS}]+)${BARE_CLOSE}`, 'u');

/**
 * Masks a message that is nothing but the value a previous message announced: "1234" after
 * "暗証番号は" (4–8 digits for a PIN), one token after "password:". Anything else comes back as is.
 */
export function maskBareSecret(text: string, pending: PendingSecret): MaskResult {
  if (pending === 'pin') {
    const m = BARE_PIN_RE.exec(text);
    if (!m) return { text, found: [] };
    const [, open = '', value = '', close = ''] = m;
    return { text: open + value.replace(ANY_DIGIT, MASK_CHAR) + close, found: ['pin'] };
  }
  const m = BARE_PASSWORD_RE.exec(text);
  if (!m) return { text, found: [] };
  const [, open = '', value = '', close = ''] = m;
  const core = asciiLower(value);
  if (value.startsWith(PASSWORD_MASK) || NOT_A_PASSWORD.has(core) || value.length < 2)
    return { text, found: [] };
  if (
    /^(?:yes|no|ok|okay|thanks|thank|sorry|hi|hello|cancel|stop|help|menu|back|why|what|huh|\?+)$/u.test(core)
  ) {
    return { text, found: [] };
  }
  return { text: open + PASSWORD_MASK + close, found: ['password'] };
}

// ---- PINs and passwords in words, or named by what they are for ----

// Digits spelt out: 「よんにーごーきゅー」「いち、に、さん、よん」, "four five six seven", "ichi ni san yon".
const KANA_DIGIT =
  '(?:ぜろ|ゼロ|れい|まる|いち|イチ|にー|にい|に|ニ|さん|サン|よん|ヨン|し|ご[ーう]?|ゴ|ろく|ロク|なな|ナナ|しち|はち|ハチ|きゅ[ーう]|キュ[ーウ]|く)';
const WORD_DIGIT = [
  'zero',
  'oh',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ichi',
  'ni',
  'san',
  'yon',
  'shi',
  'go',
  'roku',
  'nana',
  'shichi',
  'hachi',
  'kyu',
  'kyuu',
]
  .map(wide)
  .join('|');
const SPELT_JOIN = `(?:[${SPACES}]?[、,，・･\\-][${SPACES}]?|[${SPACES}])`;
const SPELT_PIN_RE = new RegExp(
  `(${PIN_LABEL}${LABEL_SEP})` +
    `(${KANA_DIGIT}(?:${SPELT_JOIN}?${KANA_DIGIT}){3,7}(?!${SPELT_JOIN}${KANA_DIGIT})(?=${SP}(?:です|でした|だ|か|に|で|[。.．!！?？、]|$))` +
    `|${LATIN_BEFORE}(?:${WORD_DIGIT})(?:${SPELT_JOIN}(?:${WORD_DIGIT})){3,7}${LATIN_AFTER})`,
  'gu',
);
// Named by its use: 「ATMの番号、1192」; set as a number: 「番号を7777にしました」; "I type 3579 at the ATM".
const PIN_USE_RE = new RegExp(
  `((?:ATM|ＡＴＭ|エーティーエム)(?:の|で(?:の|使う|使っている)?)${SP}(?:番号|ばんごう|数字|コード)${LABEL_SEP}` +
    `|(?<!(?:会員|受付|問い?合わ?せ|電話|整理券|郵便|申込|契約|口座|予約|お客様|携帯|取引)${SP})(?:番号|ばんごう)${SP}を${SP}(?=${DIGIT}{4,8}${SP}に${SP}(?:し|設定|変|決))` +
    `|${LATIN_BEFORE}(?:${['type', 'typed', 'enter', 'entered', 'press', 'pressed', 'key in', 'put in', 'use'].map(wide).join('|')})${SP}(?=${DIGIT}{4,8}${SP}(?:${wide('at')}|${wide('into')}|${wide('on')}|${wide('in')})${SP}(?:${wide('the')}${SP})?(?:${wide('atm')}|${wide('cash machine')})))` +
    `(${DIGIT}{4,8})(?!${SP}${DIGIT})${NUMBER_GOES_ON}${UNIT_AFTER}`,
  'gu',
);
// A PIN told in pieces: 「最初の2桁が48で、あとが15」. Two-digit pieces after the label, with a word for parts.
const PIN_PIECE_RE = new RegExp(
  `(?<![${DIGIT_CHARS}])(?<![${DIGIT_CHARS}][:：/／.．])${DIGIT}{1,4}(?![${DIGIT_CHARS}])(?![:：/／.．]${DIGIT})(?!${SP}(?:桁|けた|ケタ|回|円|年|月|日|時|分|歳|番(?!号)|文字))`,
  'gu',
);
const PIN_LABEL_ALL = new RegExp(PIN_LABEL, 'gu');

function maskPinPieces(text: string): string {
  if (!SPLIT_MARKER_JA.test(text)) return text;
  // One split for the whole text: a long message may hold many labels.
  let units: string[] | undefined;
  for (const label of text.matchAll(PIN_LABEL_ALL)) {
    const from = (label.index ?? 0) + label[0].length;
    const window = windowAfter(text, from);
    if (!SPLIT_MARKER_JA.test(window)) continue;
    const pieces = [...window.matchAll(PIN_PIECE_RE)];
    const digits = pieces.reduce((n, m) => n + m[0].length, 0);
    if (pieces.length < 2 || digits < 4 || digits > 8) continue;
    units ??= text.split('');
    for (const m of pieces)
      for (let i = 0; i < m[0].length; i++) units[from + (m.index ?? 0) + i] = MASK_CHAR;
  }
  return units ? units.join('') : text;
}

function maskPinsInWords(text: string, found: Set<SecretKind>): string {
  let out = text.replace(SPELT_PIN_RE, (_w, prefix: string, value: string) => {
    found.add('pin');
    return prefix + value.replace(/[^\s、,，・･\-\u3000]/gu, MASK_CHAR);
  });
  out = out.replace(PIN_USE_RE, (_w, prefix: string, value: string) => {
    found.add('pin');
    return prefix + MASK_CHAR.repeat(value.length);
  });
  const pieces = maskPinPieces(out);
  if (pieces !== out) found.add('pin');
  return pieces;
}

// A password in kana, unquoted: 「パスワードはさくらです」「パスワードは ひらがなで いぬ です」. Only a kana
// word right before a copula, not one that reads as a sentence or names a script (「ひらがなでもいい」).
const KANA_WORD_PW_RE = new RegExp(
  `(${PASSWORD_LABEL})(${SP}(?:は|って|わ|[:：=＝])${SP}(?:${FILLER}[、${SPACES}]*)?(?:[^${SPACES}、。]{1,10}?(?:で|の)[、${SPACES}]+)?)` +
    `([ぁ-ゖァ-ヺー]{2,12}?)(?=${SP}(?:です|でした|だよ|だった|にして|に設定|にしま|にした)|(?<=[:：=＝]${SP}[ぁ-ゖァ-ヺー]+)${SP}(?:[。．.!！]|$))`,
  'gu',
);
const NOT_A_KANA_PASSWORD = new Set(
  (
    'まだ なし ない ある わからない しらない おなじ いっしょ べつ ひみつ なに なん これ それ あれ どれ ここ ' +
    'ひらがな カタカナ かたかな ローマじ すうじ えいご ぜんかく はんかく オーケー ダメ だめ ちがう メール スマホ アプリ ' +
    'ログイン エラー リセット セット ひつよう ふめい ナシ なく わすれ わからん しらない'
  ).split(' '),
);

function maskKanaWordPasswords(text: string, found: Set<SecretKind>): string {
  return text.replace(KANA_WORD_PW_RE, (whole, label: string, sep: string, value: string) => {
    if (WEAK_LABEL.test(label) || NOT_A_KANA_PASSWORD.has(value)) return whole;
    if (/い$|[かねよ]$|です|ます|でも|けど|から|まで|ので/u.test(value)) return whole;
    if (KANA_SENTENCE_END.test(value)) return whole;
    found.add('password');
    return label + sep + PASSWORD_MASK;
  });
}

// ---- security codes: the 3 (or 4) digits on the back of a card ----
const SECURITY_LABEL =
  '(?:セキュリテ[ィイ][ーｰ]?(?:コード|番号|ナンバー)|せきゅりてぃ[ーｰ]?(?:こーど|コード)|ｾｷｭﾘﾃｨ[ｰ]?ｺｰﾄﾞ|' +
  `(?:カードの)?裏(?:面)?(?:の|に(?:ある|書いてある))?${SP}(?:[3３三4４四]${SP}(?:桁|けた|ケタ)(?:の)?)?(?:数字|番号|コード)|` +
  `(?:カードの)?裏(?:面)?の${SP}[3３三4４四]${SP}(?:桁|けた|ケタ)|` +
  `${LATIN_BEFORE}(?:${['security code', 'security number', 'secuirty code', 'securty code', 'cvv2', 'cvv', 'cvc2', 'cvc', 'csc', 'cid'].map(wide).join('|')})${LATIN_AFTER}|` +
  `${LATIN_BEFORE}(?:(?:${wide('3')}|${wide('three')}|${wide('4')}|${wide('four')})[${SPACES}\\-]?${wide('digit')}[sSｓＳ]?${SP}(?:${wide('code')}${SP}|${wide('number')}${SP})?|` +
  `(?:${wide('code')}|${wide('digits')}|${wide('number')})${SP})${wide('on the back')}(?:${SP}${wide('of')}${SP}(?:${wide('the')}|${wide('my')})${SP}${wide('card')})?${LATIN_AFTER})`;
const SECURITY_LABEL_RE = new RegExp(SECURITY_LABEL, 'u');
const SECURITY_NUMBER = `(?<![${DIGIT_CHARS}A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A¥￥$＄#＃*])(?<![A-Za-z\\uFF21-\\uFF3A\\uFF41-\\uFF5A][${HYPHENS}])(?<![${DIGIT_CHARS}*][${NUMBER_JOINERS}:：])${DIGIT}{3,4}(?![${DIGIT_CHARS}A-Za-z%％*])(?![${SPACES}]${DIGIT})${NUMBER_GOES_ON}${UNIT_AFTER}`;
const SECURITY_RE = new RegExp(`(${SECURITY_LABEL}${LABEL_SEP})(${SECURITY_NUMBER})`, 'gu');
// Anywhere else in a message that names the code: 「…裏の３桁ですよね？うちのは419です」.
const SECURITY_LOOSE = new RegExp(SECURITY_NUMBER, 'gu');

function maskSecurityCodes(text: string, found: Set<SecretKind>): string {
  if (!SECURITY_LABEL_RE.test(text)) return text;
  let hit = false;
  let out = text.replace(SECURITY_RE, (_w, prefix: string, value: string) => {
    hit = true;
    return prefix + MASK_CHAR.repeat(value.length);
  });
  out = out.replace(SECURITY_LOOSE, (n: string, offset: number, all: string) => {
    const before = all.slice(Math.max(0, offset - 28), offset);
    if (REFERENCE_BEFORE.test(before.slice(-16)) || NAMED_OTHERWISE_BEFORE.test(before)) return n;
    if (/^(?:19|20)\d\d$/u.test(asciiDigits(n)) && YEAR_BEFORE.test(before)) return n;
    if (SHOWN_AFTER.test(all.slice(offset + n.length, offset + n.length + 12))) return n;
    hit = true;
    return MASK_CHAR.repeat(n.length);
  });
  if (hit) found.add('security_code');
  return out;
}

const maskInContext = createContextPass({
  pin: PIN_LABEL,
  password: PASSWORD_LABEL,
  card: CARD_LABEL,
  security: SECURITY_LABEL,
  pinContext: PIN_CONTEXT,
  commonWord: (w) => NOT_A_PASSWORD.has(w) || PHRASE_WORDS.has(w),
});

/**
 * Masks card numbers, PINs and passwords in one text. Pure; safe to call on anything (masked text
 * comes back unchanged). Passwords first (a value may contain digits), then cards, then PINs (so a
 * card number after "暗証番号は" keeps its card shape).
 */
const PIN_USE_HINT = /ATM|ＡＴＭ|エーティーエム|番号|ばんごう/iu;
const MAYBE_SECRET = new RegExp(`[!-~\\uFF01-\\uFF5E${KANJI_DIGITS}零]`, 'u');

export function maskSecrets(text: string): MaskResult {
  if (!MAYBE_SECRET.test(text) && !ANY_LABEL.test(text) && !SECURITY_LABEL_RE.test(text)) {
    // No digit, letter or symbol, and no label for a kana value: only digits spelt in kana after a
    // context the context pass knows (「セキュコ ごーにーはち」) can be there.
    const found = new Set<SecretKind>();
    const out = maskRound2(maskInContext(text, found), found as Set<string>);
    return { text: out, found: KIND_ORDER.filter((k) => found.has(k)) };
  }
  const found = new Set<SecretKind>();
  let out = text;
  const labelled = ANY_LABEL.test(text);
  if (labelled) {
    out = maskQuotedPasswords(out, found);
    out = maskPasswords(out, found);
    out = maskKanaPasswords(out, found);
    out = maskReversed(out, found);
    out = maskKanaWordPasswords(out, found);
  }
  if (labelled) out = maskSplitPasswords(out, found);
  out = maskSplitCards(out, found);
  out = maskCards(out, found);
  if (labelled) out = maskPins(out, found);
  if (labelled || PIN_USE_HINT.test(out)) out = maskPinsInWords(out, found);
  out = sweepLabelledMessage(out, found);
  out = maskSecurityCodes(out, found);
  out = maskInContext(out, found);
  out = maskRound2(out, found as Set<string>);
  return { text: out, found: KIND_ORDER.filter((k) => found.has(k)) };
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function maskInto(value: unknown, found: Set<SecretKind>, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') {
    const r = maskSecrets(value);
    for (const k of r.found) found.add(k);
    return r.text;
  }
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(maskInto(item, found, seen));
    return out;
  }
  if (!isPlainObject(value)) return value; // Date, Map, class instances: not ours to rebuild
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) out[key] = maskInto(item, found, seen);
  return out;
}

/**
 * A copy of `value` with every string inside plain objects and arrays masked; other values are kept
 * as they are and the input is not modified. Keys are not masked. Also reports what was found.
 */
export function maskDeepWithFindings<T>(value: T): { value: T; found: SecretKind[] } {
  const found = new Set<SecretKind>();
  const masked = maskInto(value, found, new WeakMap()) as T;
  return { value: masked, found: KIND_ORDER.filter((k) => found.has(k)) };
}

/** A copy of `value` with every string inside (objects, arrays, nested) masked by maskSecrets. */
export function maskDeep<T>(value: T): T {
  return maskDeepWithFindings(value).value;
}
