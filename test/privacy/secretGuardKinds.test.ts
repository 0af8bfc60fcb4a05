import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, type SecretKind } from '../../src/privacy/secretGuard.js';

// The kinds members really type that a holdout round found leaking: kanji numerals, misspelt
// labels, a PIN named by its ATM context, PIN digits joined by と/、, quoted passphrases with
// spaces or kana, card numbers and passwords split across phrases. And the harmless look-alikes
// that must come through as typed. Property tests use a fixed seed (deterministic CI).

const SEED = 16_2026;

type Row = [input: string, expected: string, found: SecretKind[]];

const masked: Row[] = [
  ['暗証番号は六〇五三で登録してます', '暗証番号は****で登録してます', ['pin']],
  ['カード番号 三五六二 七七〇一 四四二九 〇〇八八', 'カード番号 **** **** **** 〇〇八八', ['card_number']],
  ['PIN：８〇７１', 'PIN：****', ['pin']],
  ['かーど番号：5234 1188 2201 7650', 'かーど番号：**** **** **** 7650', ['card_number']],
  ['crad numbr 4000 1234 5678 9010', 'crad numbr **** **** **** 9010', ['card_number']],
  ['暗照番号わ2727', '暗照番号わ****', ['pin']],
  ['あんしょー、4411', 'あんしょー、****', ['pin']],
  ['ぴんは7007です', 'ぴんは****です', ['pin']],
  ['passwrod = Kumo88!', 'passwrod = ********', ['password']],
  ['ぱすわど：haru2001', 'ぱすわど：********', ['password']],
  ['ATMで入力した数字は3865です', 'ATMで入力した数字は****です', ['pin']],
  ['カードの4桁は0246', 'カードの4桁は****', ['pin']],
  ['the digits I key in at the machine are 5190', 'the digits I key in at the machine are ****', ['pin']],
  ['暗証番号は9と1と7と3', '暗証番号は*と*と*と*', ['pin']],
  ['暗証番号は8、0、5、5でした', '暗証番号は*、*、*、*でした', ['pin']],
  ['PIN is 2 and 7 and 4 and 4', 'PIN is * and * and * and *', ['pin']],
  ['パスワードは「あさがお 3」です', 'パスワードは「********」です', ['password']],
  ['my password is "silver moon rising"', 'my password is "********"', ['password']],
  [
    'カード番号は4012 8888、その後ろが8888 1881です',
    'カード番号は**** ****、その後ろが**** 1881です',
    ['card_number'],
  ],
  [
    'カード番号(3566 0020 2036 0505)は使えますか',
    'カード番号(**** **** **** 0505)は使えますか',
    ['card_number'],
  ],
  ['パスワードは最初がkumoで最後が5050', 'パスワードは最初が********で最後が********', ['password']],
  [
    'password starts with river and ends with 303',
    'password starts with ******** and ends with ********',
    ['password'],
  ],
  ['パスワードはさくら55です', 'パスワードは********です', ['password']],
];

const harmless = [
  'エラー「E3307」が出てログインできない',
  'パスワードを入れると「W1102」と表示されます',
  '機種は SC-54C です。パスワードが通りません',
  'IDはkenta55ですがパスワードを忘れました',
  "I've used the same PIN since 2016",
  '暗証番号の件で来店、整理券は 0321 番です',
  '暗証番号を入れたらコード 4410 が出ました',
  'パスワードの件で明日 1015 に電話します',
  'カード番号の下4桁は 6467 です',
  '四月二十日に暗証番号を変えた',
  '暗証番号は4桁の数字ですよね',
  'ATMで押すボタンがわからない',
  'パスワードはSafariに保存してあります',
];

describe('maskSecrets: the kinds a holdout found', () => {
  it.each(masked)('%s → %s', (input, expected, found) => {
    expect(maskSecrets(input)).toEqual({ text: expected, found });
  });

  it.each(harmless)('leaves %j alone', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });
});

// ---- properties ----

const KANJI = '〇一二三四五六七八九';
const digitString = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((ds) => ds.join(''));
/** Each digit in ASCII, full width or kanji, as members mix them. */
const inAnyScript = (digits: string) =>
  fc
    .array(fc.constantFrom<0 | 1 | 2>(0, 1, 2), { minLength: digits.length, maxLength: digits.length })
    .map((scripts) =>
      [...digits]
        .map((d, i) => {
          const n = Number(d);
          if (scripts[i] === 1) return String.fromCharCode(0xff10 + n);
          return scripts[i] === 2 ? KANJI[n] : d;
        })
        .join(''),
    );
/** Folds widths and kanji numerals, drops what joins digits: the leak check any spelling fails. */
function digitsLeft(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[〇一二三四五六七八九]/gu, (c) => String(KANJI.indexOf(c)))
    .replace(/[^0-9]/gu, '');
}
const lead = fc.constantFrom('', 'すみません、', 'Hi, ', 'ログインできません。', 'えっと ');
const tail = fc.constantFrom('', 'です', 'でした。', ' thanks', 'なんですが', '。よろしく');

describe('maskSecrets properties: new kinds (fixed seed)', () => {
  it('a PIN in any script after any PIN label or ATM context, joined or not, is gone', () => {
    const label = fc.constantFrom(
      '暗証番号は',
      '暗所番号は',
      'あんしょー番号',
      'ぴん番号は',
      'ピン番は',
      'PIN: ',
      'my pin is ',
      'ATMで押す番号は',
      'ATMで入れる数字は',
      'カードの4桁は',
      'the 4 digits I enter at the ATM are ',
    );
    const joiner = fc.constantFrom('', 'と', '、', '・', ' ', '-');
    fc.assert(
      fc.property(lead, label, digitString(4, 6), joiner, tail, (b, l, pin, j, a) => {
        return fc.assert(
          fc.property(inAnyScript(pin), (written) => {
            const value = j === '' ? written : [...written].join(j);
            const out = maskSecrets(b + l + value + a);
            expect(digitsLeft(out.text)).not.toContain(pin);
            expect(out.found).toContain('pin');
          }),
          { seed: SEED, numRuns: 3 },
        );
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a card number after a card label, split in two phrases or in brackets, keeps at most its last 4', () => {
    const label = fc.constantFrom(
      'カード番号は',
      'かーど番号：',
      'カードの番号は',
      'card number is ',
      'card no. ',
    );
    const middle = fc.constantFrom('、続きは', 'で、後半は', ' and then ', ' の ', '、', ' / ', 'と');
    const brackets = fc.constantFrom(['', ''], ['（', '）'], ['(', ')'], ['【', '】']);
    fc.assert(
      fc.property(lead, label, digitString(16, 16), middle, brackets, tail, (b, l, card, m, [o, c], a) => {
        const written = `${o}${card.slice(0, 4)} ${card.slice(4, 8)}${m}${card.slice(8, 12)} ${card.slice(12)}${c}`;
        const out = maskSecrets(b + l + written + a);
        const left = digitsLeft(out.text);
        expect(left.length).toBeLessThanOrEqual(4);
        expect(out.found).toContain('card_number');
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a quoted passphrase of kana or words, with spaces, after a password label is gone', () => {
    const word = fc.constantFrom('さくら', 'もち', 'ヒマワリ', 'ねこ', 'blue', 'sky', 'river', 'かぜ', 'umi');
    const number = fc.constantFrom('', '7', '42', '2031', '88');
    const label = fc.constantFrom(
      'パスワードは',
      'パスワード：',
      'password is ',
      'my password: ',
      'ぱすわーどは',
    );
    const quote = fc.constantFrom(['「', '」'], ['『', '』'], ['"', '"'], ['“', '”']);
    fc.assert(
      fc.property(
        lead,
        label,
        fc.array(word, { minLength: 2, maxLength: 3 }),
        number,
        quote,
        tail,
        (b, l, words, n, [o, c], a) => {
          const phrase = [...words, ...(n ? [n] : [])].join(' ');
          const out = maskSecrets(`${b}${l}${o}${phrase}${c}${a}`);
          expect(out.text).not.toContain(phrase);
          expect(out.found).toContain('password');
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('a password split across phrases after its label loses both parts', () => {
    const word = fc.constantFrom('kumo', 'sakura', 'tiger', 'maple', 'hoshi', 'ringo');
    const form = fc.constantFrom(
      (w: string, d: string) => `パスワードは前半が${w}で後半が${d}です`,
      (w: string, d: string) => `パスワードは${w}で、最後に${d}をつけています`,
      (w: string, d: string) => `パスワードは${w}と${d}をつなげたもの`,
      (w: string, d: string) => `password starts with ${w} and ends with ${d}`,
      (w: string, d: string) => `my password is ${w} followed by ${d}`,
    );
    fc.assert(
      fc.property(lead, form, word, digitString(3, 5), (b, f, w, d) => {
        const out = maskSecrets(b + f(w, d));
        expect(out.text).not.toContain(w);
        expect(digitsLeft(out.text)).not.toContain(d);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('codes, model names, IDs, years and ticket numbers next to a secret label stay as typed', () => {
    const label = fc.constantFrom(
      'パスワードを忘れました',
      '暗証番号の件です',
      'PINを変えたい',
      'password reset',
    );
    const lookAlike = fc.oneof(
      fc.integer({ min: 1000, max: 9999 }).map((n) => `「E${n}」が出ました`),
      fc.integer({ min: 10, max: 99 }).map((n) => `機種は SH-${n}C です`),
      fc.integer({ min: 10, max: 99 }).map((n) => `IDはsato${n}です`),
      fc.integer({ min: 1990, max: 2026 }).map((n) => `since ${n}`),
      fc.integer({ min: 1, max: 999 }).map((n) => `整理券は ${String(n).padStart(4, '0')} 番です`),
      fc.integer({ min: 1000, max: 9999 }).map((n) => `エラーコード ${n} が出る`),
    );
    const join = fc.constantFrom('。', '、', ' ', '\n');
    fc.assert(
      fc.property(label, lookAlike, join, fc.boolean(), (l, x, j, first) => {
        const text = first ? x + j + l : l + j + x;
        expect(maskSecrets(text)).toEqual({ text, found: [] });
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('masking twice changes nothing more', () => {
    const piece = fc.constantFrom(
      '暗証番号は',
      'パスワードは',
      'カード番号は',
      'ATMで押す番号は',
      '一二三四',
      '4539 1488',
      '0343 6467',
      '「さくら 7」',
      'と',
      '、',
      'abc12',
      ' ',
      'です',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const once = maskSecrets(pieces.join('')).text;
        expect(maskSecrets(once).text).toBe(once);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
