import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/privacy/secretGuard.js';

// Secrets members describe rather than label plainly: a describing word between label and value, a
// PIN named by its use, card digits later in the label's sentence, values told in pieces, digits
// spelt in kana or words, kana-only passwords, and card security codes.
const SEED = 16_1201;

describe('described secrets are masked', () => {
  it.each([
    // a describing word between label and value
    ['パスワードは母の誕生日で19570822です', '19570822', 'password'],
    ['パスワードは生年月日の西暦で20010930にしてます', '20010930', 'password'],
    ['パスワードは犬の名前でkotaroです', 'kotaro', 'password'],
    // a PIN named by its use, or set as "the number"
    ['ATMの番号、6275で大丈夫でしょうか', '6275', 'pin'],
    ['ＡＴＭの数字は 8012 です', '8012', 'pin'],
    ['申し込みのとき番号を4590にしました', '4590', 'pin'],
    ['I entered 7731 at the ATM twice', '7731', 'pin'],
    // card digits later in the label's sentence
    ['カードの番号をここに貼ります 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7', '0343', 'card_number'],
    ['カード番号なんですが、手元の控えだと 3566 0020 2036 0505 です', '0020', 'card_number'],
    // told in pieces
    ['パスワードは「mori」と「1122」を続けたものです', '1122', 'password'],
    ['パスワードは小文字のsoraと数字の77です', '77', 'password'],
    ['暗証番号は、前半が39で後半が07です', '39', 'pin'],
    // digits spelt out
    ['暗証番号はななろくさんにーです', 'ななろくさんにー', 'pin'],
    ['暗証番号は、きゅう、はち、いち、ぜろ', 'きゅう、はち、いち、ぜろ', 'pin'],
    ['my PIN is nine one eight two', 'nine one eight two', 'pin'],
    ['暗証番号は八三一二です', '八三一二', 'pin'],
    // kana-only passwords
    ['パスワードはたんぽぽです', 'たんぽぽ', 'password'],
    ['パスワードは カタカナで ライオン にしてます', 'ライオン', 'password'],
    ['パスワード：もみじ', 'もみじ', 'password'],
    // security codes
    ['セキュリティコードは 204 です', '204', 'security_code'],
    ['カード裏の3桁の数字、５８１です', '５８１', 'security_code'],
    ['the CVV on my card is 307', '307', 'security_code'],
    ['three digit code on the back: 916', '916', 'security_code'],
  ])('%j hides %j', (input, secret, kind) => {
    const r = maskSecrets(input);
    expect(r.text).not.toContain(secret);
    expect(r.found).toContain(kind);
  });
});

describe('look-alikes of the new kinds stay', () => {
  it.each([
    'パスワードはひらがなでもいいですか',
    'パスワードはまだです',
    'パスワードはカタカナですか',
    'パスワードを誕生日にしても大丈夫ですか',
    'ATMの手数料は220円ですか',
    'ATMで1万円おろしました',
    '3番のATMが使えませんでした',
    '電話番号を09012345678に変更したい',
    '会員番号を入力する画面が出ません',
    'セキュリティコードってどこに書いてありますか',
    'カードの裏の署名欄に名前を書きました',
    'カード番号は16桁ですか',
    'ATMの画面に「取引番号 5521」と出た',
    'I withdrew 5000 yen at the ATM',
    'Where is the security code?',
    '暗証番号は4桁ですか、6桁ですか',
  ])('%j is not altered', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });
});

describe('properties (fixed seed)', () => {
  const KANA = ['ぜろ', 'いち', 'にー', 'さん', 'よん', 'ごー', 'ろく', 'なな', 'はち', 'きゅう'];
  const EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  it('a PIN spelt in kana or English words after a PIN label is gone, in any frame', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 6 }),
        fc.constantFrom('暗証番号は', '暗証番号、', 'あんしょうばんごうは', 'my PIN is ', 'PIN: '),
        fc.constantFrom('', '、', ' '),
        fc.constantFrom('です', '。', '', 'でした'),
        fc.constantFrom('すみません、', '', 'Hi, '),
        (digits, label, join, end, lead) => {
          const english = /[a-z]/i.test(label);
          const words = digits.map((d) => (english ? EN[d] : KANA[d]) ?? '');
          const value = words.join(english ? ' ' : join);
          const r = maskSecrets(`${lead}${label}${value}${english ? '' : end}`);
          for (const w of words) expect(r.text).not.toContain(w);
          expect(r.found).toContain('pin');
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a 3-digit security code after a security-code label is gone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 999 }),
        fc.constantFrom(
          'セキュリティコードは',
          'セキュリティーコード ',
          'カード裏の3桁は',
          'security code: ',
          'CVC ',
        ),
        fc.constantFrom('です', '', '。'),
        (n, label, end) => {
          const r = maskSecrets(`${label}${n}${end}`);
          expect(r.text).not.toContain(String(n));
          expect(r.found).toEqual(['security_code']);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});
