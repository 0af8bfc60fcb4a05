import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  luhnValid,
  maskBareSecret,
  maskDeep,
  maskDeepWithFindings,
  maskSecrets,
  type SecretKind,
  secretLabelAtEnd,
} from '../../src/privacy/secretGuard.js';

/** Property tests run with a fixed seed: the same cases on every run (deterministic CI). */
const SEED = 20_261_116;

type Row = [input: string, expected: string, found: SecretKind[]];

const CARD = '4539148803436467'; // Luhn-valid Visa test number

const cards: Row[] = [
  ['カード番号は4539 1488 0343 6467です', 'カード番号は**** **** **** 6467です', ['card_number']],
  ['4539-1488-0343-6467', '****-****-****-6467', ['card_number']],
  [CARD, '************6467', ['card_number']],
  ['４５３９ １４８８ ０３４３ ６４６７', '**** **** **** ６４６７', ['card_number']],
  [
    '４５３９－１４８８－０３４３－６４６７でログインできない',
    '****－****－****－６４６７でログインできない',
    ['card_number'],
  ],
  ['4539ー1488ー0343ー6467', '****ー****ー****ー6467', ['card_number']],
  ['4539\u30001488\u30000343\u30006467', '****\u3000****\u3000****\u30006467', ['card_number']],
  ['my card is 4539 1488 0343 6467, help', 'my card is **** **** **** 6467, help', ['card_number']],
  ['card number: 4539148803436467.', 'card number: ************6467.', ['card_number']],
  ['abc4539148803436467xyz', 'abc************6467xyz', ['card_number']],
  // Amex 15 (Luhn-valid), grouped 4-6-5 and unbroken.
  ['3782 822463 10005', '**** ****** *0005', ['card_number']],
  ['378282246310005', '***********0005', ['card_number']],
  // 13-digit Luhn-valid (old Visa).
  ['4222222222222', '*********2222', ['card_number']],
  // Card layout 4-4-4-4 masks even when Luhn fails (a mistyped card number is still a card number).
  ['4539 1488 0343 6468', '**** **** **** 6468', ['card_number']],
  // Unbroken 14–19 digits are masked whatever Luhn says (loan card numbers need not be Luhn numbers).
  ['4539148803436468', '************6468', ['card_number']],
  // 20+ digits: a card could hide anywhere inside, so nothing is kept.
  ['12345678901234567890123', '***********************', ['card_number']],
  // An odd grouping cannot hide a card behind a phone-like group.
  ['640731\u30000318382354', '******\u3000******2354', ['card_number']],
  // 4-4-4: a card number cut short still reveals too much.
  ['1234 5678 9012', '**** **** ****', ['card_number']],
  // Offered as a card number: 10–19 digits, any shape, masked completely below 13.
  ['カード番号は1234567890', 'カード番号は**********', ['card_number']],
  ['カード番号：0120240365', 'カード番号：**********', ['card_number']],
  ['Card No. 12345 67890 12', 'Card No. ***** ***** **', ['card_number']],
  // Two cards in one message.
  [`${CARD} と 5555555555554444`, '************6467 と ************4444', ['card_number']],
];

const pins: Row[] = [
  ['暗証番号は1234', '暗証番号は****', ['pin']],
  ['暗証番号 1234', '暗証番号 ****', ['pin']],
  ['暗唱番号：０１２３', '暗唱番号：****', ['pin']],
  ['暗証番号は「9876」です', '暗証番号は「****」です', ['pin']],
  ['暗証番号を5678に変えたい', '暗証番号を****に変えたい', ['pin']],
  ['PIN is 1234', 'PIN is ****', ['pin']],
  ['my pin 0000', 'my pin ****', ['pin']],
  ['pin: 123456', 'pin: ******', ['pin']],
  ['My PIN number is 4321 thanks', 'My PIN number is **** thanks', ['pin']],
  ['ピンは1234', 'ピンは****', ['pin']],
  ['ＰＩＮは１２３４', 'ＰＩＮは****', ['pin']],
  // A label without 番号, directly followed by the digits.
  ['あんしょう3856です', 'あんしょう****です', ['pin']],
  // Hedges between label and value.
  ['暗証番号は多分1234', '暗証番号は多分****', ['pin']],
  ['暗証番号は、たぶん 1234 だったかな', '暗証番号は、たぶん **** だったかな', ['pin']],
  ['暗証番号は確か0000', '暗証番号は確か****', ['pin']],
  ['暗証番号はたしか9999です', '暗証番号はたしか****です', ['pin']],
  ['暗証番号はえっと、1234', '暗証番号はえっと、****', ['pin']],
  ['暗証番号は一応5678です', '暗証番号は一応****です', ['pin']],
  ['暗証番号はおそらく4321', '暗証番号はおそらく****', ['pin']],
  ['my pin is probably 4821', 'my pin is probably ****', ['pin']],
  ['My PIN is maybe 4821', 'My PIN is maybe ****', ['pin']],
  ['my pin is I think 4821', 'my pin is I think ****', ['pin']],
  // The value before the label.
  ['I think 4821 is my PIN', 'I think **** is my PIN', ['pin']],
];

const passwords: Row[] = [
  ['パスワードはabc123', 'パスワードは********', ['password']],
  ['パスワードはabc123です', 'パスワードは********です', ['password']],
  ['パスワード：Passw0rd!', 'パスワード：********', ['password']],
  ['パスワードは「abc123」', 'パスワードは「********」', ['password']],
  ['ﾊﾟｽﾜｰﾄﾞはｘｙｚ９８７', 'ﾊﾟｽﾜｰﾄﾞは********', ['password']],
  ['password: hunter2', 'password: ********', ['password']],
  ['my password is hunter2', 'my password is ********', ['password']],
  ['My Password Is letmein', 'My Password Is ********', ['password']],
  ['pw=qwerty', 'pw=********', ['password']],
  ['password p@ss', 'password ********', ['password']],
  ['Web-IDのパスワードはtaro2024です', 'Web-IDのパスワードは********です', ['password']],
  ['my web-id password: s3cret!', 'my web-id password: ********', ['password']],
  // A password made of digits is masked as a password, not left to the card rules.
  ['password: 4539148803436467', 'password: ********', ['password']],
  // 「パス」「ぱす」 and "pass" as password labels.
  ['idはtaro_yamada パスはzxcv5555', 'idはtaro_yamada パスは********', ['password']],
  ['パス:zxcv5555', 'パス:********', ['password']],
  ['パス：ｚｘｃｖ５５５５です', 'パス：********です', ['password']],
  ['ぱすはzxcv5555', 'ぱすは********', ['password']],
  ['pass: kx7tokenf6', 'pass: ********', ['password']],
  // A short clause or a hedge between label and value.
  ['the password I use is kx7tokeni9', 'the password I use is ********', ['password']],
  ['my password is probably hunter22', 'my password is probably ********', ['password']],
  ['パスワードは多分abc123', 'パスワードは多分********', ['password']],
  // The value before the label.
  ['I typed kx7tokenj0 as my password', 'I typed ******** as my password', ['password']],
  ['kx7tokenj0 is my password', '******** is my password', ['password']],
  ['hunter22 was my old password', '******** was my old password', ['password']],
  ['zxcv5555がパスワードです', '********がパスワードです', ['password']],
  // Quoted values may contain spaces; the closing quote stays.
  ['password = "abc 123"', 'password = "********"', ['password']],
  ['my password is "horse battery 42"', 'my password is "********"', ['password']],
  ['password: "abc123"', 'password: "********"', ['password']],
  ['パスワードは「abc 123」です', 'パスワードは「********」です', ['password']],
  // Found by the properties below: a value starting with a separator word ("was0" after は), a
  // quoted word merely starting like a unit ("chara0" ~ "chars"), a passphrase over 40 characters.
  ['パスワードはwas0', 'パスワードは********', ['password']],
  ['パスワードは多分maybe1', 'パスワードは多分********', ['password']],
  ['password was0', 'password ********', ['password']],
  ['password is was000_', 'password is ********', ['password']],
  ['password = "aaa0 chara0"', 'password = "********"', ['password']],
  ['my password is "aaaaaaaa0000@ aaaaaaaa0000! aaaaaaaa0000@"', 'my password is "********"', ['password']],
  ['パスワードにはabc123を使ってる', 'パスワードには********を使ってる', ['password']],
];

const mixed: Row[] = [
  [
    'カード番号は4539148803436467、暗証番号は1234、パスワードはabcd1234です',
    'カード番号は************6467、暗証番号は****、パスワードは********です',
    ['card_number', 'pin', 'password'],
  ],
  ['PIN is 1234 and password is hunter2', 'PIN is **** and password is ********', ['pin', 'password']],
  // A red-team round (705 probes): values away from their label, odd separators and label spellings.
  ['暗証番号を1234から5678に変えたい', '暗証番号を****から****に変えたい', ['pin']],
  ['pin: 4821 or 4812', 'pin: **** or ****', ['pin']],
  ['I changed my PIN to 4821', 'I changed my PIN to ****', ['pin']],
  ['暗証番号、誕生日の0612にしてる', '暗証番号、誕生日の****にしてる', ['pin']],
  ['PIN（暗証番号）：1234', 'PIN（暗証番号）：****', ['pin']],
  ['暗証番号1234 日曜日にATMで使えなかった', '暗証番号**** 日曜日にATMで使えなかった', ['pin']],
  ['アンショウバンゴウ1234', 'アンショウバンゴウ****', ['pin']],
  [
    'カード番号と暗証番号は4539148803436467と1234です',
    'カード番号と暗証番号は************6467と****です',
    ['card_number', 'pin'],
  ],
  ['IDとパスワードは taro123 と abc999', 'IDとパスワードは ******** と ********', ['password']],
  ['パスワード変えたらabc123になった', 'パスワード変えたら********になった', ['password']],
  ['my password should be abc123', 'my password should be ********', ['password']],
  ['ログインパスはpromise123です', 'ログインパスは********です', ['password']],
  ['4539.1488.0343.6467', '****.****.****.6467', ['card_number']],
  ['4539 1488\n0343 6467', '**** ****\n**** 6467', ['card_number']],
  ['カードNo.45391488 03436468', 'カードNo.******** ****6468', ['card_number']],
  ['カード番号は4539/1488/0343/6467', 'カード番号は****/****/****/6467', ['card_number']],
  ['暗証コード1234', '暗証コード****', ['pin']],
  ['暗証番号1234 回数制限ある？', '暗証番号**** 回数制限ある？', ['pin']],
  [
    'カード番号 4539 1488 0343 6467 暗証番号 1234',
    'カード番号 **** **** **** 6467 暗証番号 ****',
    ['card_number', 'pin'],
  ],
];

// Messages and log text that must pass through unchanged.
const untouched: string[] = [
  // Phone numbers: the bot itself gives out the free dial; a member's own number is not a secret.
  '0120-24-0365',
  'プロミスコール（0120-24-0365）に電話しました',
  '０１２０－２４－０３６５',
  '03-1234-5678',
  '090-1234-5678',
  '09012345678',
  '0120240365',
  '折り返しは 090-1234-5678 か 03-1234-5678 にお願いします',
  '0120-24-0365 03-1234-5678',
  '+81 90 1234 5678',
  // Not offered as secrets.
  'パスワードを忘れました',
  'パスワードが違いますと表示される',
  'パスワードは何文字ですか',
  'パスワードは8～16文字ですか',
  'パスワードをresetしたい',
  'I forgot my password',
  'my password is wrong',
  "my password isn't working",
  'my password is not accepted',
  'password reset link',
  'the password for my Web-ID',
  '暗証番号を変更したい',
  '暗証番号を忘れた',
  '暗証番号は4桁ですか',
  '暗証番号を3回間違えた',
  'my pin is 4 digits',
  'ショッピングは1234円',
  'ピンク1234',
  'spin 1234',
  // 「パス」 inside other words, "pass" as an ordinary word, prose after a label.
  'パスポート 12345',
  'コンパスは1234',
  'パスタ abc123',
  'バスは1234',
  'パス（PASMO）',
  'パスはOKでした',
  'boarding pass ABC123',
  'pass the test 1234',
  'パスワード：Webサービス専用のID',
  'パスワードはWebで変更できます',
  '2. Web-ID＋パスワード（Webサービス専用のID）',
  // Hedges with nothing secret after them.
  'my password is maybe',
  'password is probably wrong',
  'I think my password is wrong',
  '暗証番号はたぶん4桁',
  '暗証番号は確か4桁くらい',
  // Value-before-label forms without a value.
  'what is my password',
  'Web-ID is my password?',
  'This is my PIN question',
  // Quoted text that is not a password.
  'password "must be 8 characters"',
  'the password is "too short"',
  'パスワードは「忘れた」',
  // Amounts, dates, counts, short numbers.
  '50000円',
  '50,000円借りたい',
  '1000000円',
  '2024-06-10に返済',
  '2024/06/10 21:30',
  '会員数 12,345,678人',
  '会員番号は12345678です',
  'お問い合わせ番号 123456789012',
  // 13 digits, not Luhn, unbroken: a corporate number or barcode, not a card.
  '1234567890123',
  // From the red-team round: a phone number, date or time after a label is none of the secrets.
  '暗証番号は0120-24-0365に電話すれば分かりますか？',
  'パスワードは21:30に変えた',
  '暗証番号を2024/11/26に変えたのに使えない',
  'password policy?',
  // From a second (holdout) round: lists of phone numbers, dates with amounts, codes, versions.
  '連絡先 090-1234-5678 / 03-1234-5678',
  '2025/10/27 12,000円 2025/11/27 12,000円',
  '暗証番号の件、11/26 の 1400 頃に折り返しお願いします',
  '暗証番号を変更したら、セブン銀行ATMで 2000 円引き出せなくなった',
  '暗証番号入力画面でエラーコード 4031 と出ます',
  'パスワードリセットしたらエラーコードE1023が出た',
  'パスワードを忘れました。iPhone15で https://member.example.jp/reset2 を開いています',
  'パスワード再設定のURL https://member.example.jp/pw/reset?id=3 が開けません',
  'パスワード入力時に「E0504」と出てログインできません',
  '暗証番号の変更、 2025 年 12 月 にやりたい',
  'パスワードを忘れたので https://example.com/reset から再設定しました',
  '暗証番号を忘れました。受付番号はQ20261126-ABCDEFGHです',
  '暗証番号を変えたい。2000円借りたい',
  // Already masked text stays as it is.
  'カード番号は**** **** **** 6467です',
  'password: ********',
  '',
];

describe('maskSecrets', () => {
  it.each([...cards, ...pins, ...passwords, ...mixed])('%s → %s', (input, expected, found) => {
    const result = maskSecrets(input);
    expect(result.text).toBe(expected);
    expect(result.found).toEqual(found);
  });

  it.each(untouched)('leaves %j alone', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });

  it('finds nothing more in its own output', () => {
    for (const [input] of [...cards, ...pins, ...passwords, ...mixed]) {
      const once = maskSecrets(input).text;
      expect(maskSecrets(once)).toEqual({ text: once, found: [] });
    }
  });

  it('never keeps more than the last 4 digits of a card number', () => {
    for (const [input, , found] of cards) {
      if (!found.includes('card_number')) continue;
      const digitsLeft = maskSecrets(input).text.replace(/[^0-9０-９]/g, '');
      const digitsIn = input.replace(/[^0-9０-９]/g, '');
      // Each card keeps at most 4 digits; the two-card row keeps 4 each.
      expect(digitsLeft.length).toBeLessThanOrEqual(input.includes(' と ') ? 8 : 4);
      expect(digitsIn.length).toBeGreaterThan(digitsLeft.length);
    }
  });
});

describe('luhnValid', () => {
  it.each([
    ['4539148803436467', true],
    ['4539148803436468', false],
    ['378282246310005', true],
    ['79927398713', true],
    ['79927398710', false],
    ['', false],
  ])('%s → %s', (digits, valid) => {
    expect(luhnValid(digits)).toBe(valid);
  });
});

// ---- properties ----

const toFullWidth = (d: string) => String.fromCharCode(d.charCodeAt(0) - 0x30 + 0xff10);
const digitsOf = (s: string) =>
  s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30)).replace(/[^0-9]/g, '');

function withLuhnCheckDigit(body: number[]): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = [...body, check].join('');
    if (luhnValid(candidate)) return candidate;
  }
  throw new Error('unreachable');
}

// Payment cards never start with 0 (ISO/IEC 7812), so neither do the generated numbers.
const luhn16 = fc
  .tuple(
    fc.integer({ min: 1, max: 9 }),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }),
  )
  .map(([first, rest]) => withLuhnCheckDigit([first, ...rest]));

// Japanese and English text without digits around the number; the boundary keeps other text from
// gluing onto its first or last digit group.
const textUnit = fc.constantFrom(
  ...'あいうえおカードの番号はですがログインできませんでした会員支払い漢字確認 abcdefXYZ helpmycard?!。、'.split(
    '',
  ),
);
const text = fc.string({ unit: textUnit, maxLength: 30 });
const boundary = fc.constantFrom(' ', 'は', '：', ': ', '「', '」', '\n', '(', ')', '、', 'x', '');

const SEPARATORS = ['', ' ', '  ', '-', ' - ', '\u3000', '－', 'ー', '‐', '–'];

/** The number cut into groups of 1–9 digits, one separator style throughout, any width per digit. */
const uniformSpacing = (number: string) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 16 }),
      fc.constantFrom(...SEPARATORS),
      fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
    )
    .map(([sizes, sep, wide]) => {
      const digits = [...number].map((d, i) => (wide[i] ? toFullWidth(d) : d));
      const groups: string[] = [];
      let at = 0;
      for (const size of sizes) {
        if (at >= digits.length) break;
        groups.push(digits.slice(at, at + size).join(''));
        at += size;
      }
      if (at < digits.length) groups.push(digits.slice(at).join(''));
      return groups.join(sep);
    });

/** The usual 4-4-4-4 layout with a separator chosen per gap. */
const mixedSpacing = (number: string) =>
  fc
    .array(fc.constantFrom(...SEPARATORS), { minLength: 3, maxLength: 3 })
    .map((seps) => number.slice(0, 4) + seps.map((s, i) => s + number.slice(4 + 4 * i, 8 + 4 * i)).join(''));

describe('maskSecrets properties', () => {
  it('a Luhn-valid 16-digit number in any spacing, inside any text, is gone afterwards', () => {
    const spaced = luhn16.chain((n) =>
      fc.tuple(fc.constant(n), fc.oneof(uniformSpacing(n), mixedSpacing(n), fc.constant(n))),
    );
    fc.assert(
      fc.property(spaced, text, boundary, boundary, text, ([number, written], before, b1, b2, after) => {
        const message = before + b1 + written + b2 + after;
        const result = maskSecrets(message);
        expect(digitsOf(result.text)).not.toContain(number);
        expect(digitsOf(result.text).length).toBeLessThanOrEqual(4);
        expect(result.found).toContain('card_number');
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('Japanese phone numbers inside any text are left as they are', () => {
    const phone = fc.oneof(
      fc.tuple(fc.constantFrom('0120', '0800'), fc.integer({ min: 0, max: 999_999 })).map(([p, n]) => {
        const s = String(n).padStart(6, '0');
        return p === '0120' ? `${p}-${s.slice(0, 2)}-${s.slice(2)}` : `${p}-${s.slice(0, 3)}-${s.slice(3)}0`;
      }),
      fc.tuple(fc.constantFrom('03', '06'), fc.integer({ min: 0, max: 99_999_999 })).map(([p, n]) => {
        const s = String(n).padStart(8, '0');
        return `${p}-${s.slice(0, 4)}-${s.slice(4)}`;
      }),
      fc
        .tuple(fc.constantFrom('090', '080', '070', '050'), fc.integer({ min: 0, max: 99_999_999 }))
        .map(([p, n]) => {
          const s = String(n).padStart(8, '0');
          return `${p}-${s.slice(0, 4)}-${s.slice(4)}`;
        }),
    );
    const phones = fc.array(phone, { minLength: 1, maxLength: 3 }).map((ps) => ps.join(' '));
    fc.assert(
      fc.property(text, phones, text, (before, written, after) => {
        const message = `${before} ${written} ${after}`;
        expect(maskSecrets(message)).toEqual({ text: message, found: [] });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

// Text around a PIN or password: no digits, no labels; boundaries keep it off the label and value.
const prose = fc.string({
  unit: fc.constantFrom(...'あいうえおログインできませんでした会員支払い確認 abcdefXYZ help?!。、'.split('')),
  maxLength: 20,
});
const before = prose.map((t) => `${t}${t.length > 0 ? ' ' : ''}`);
// Not a unit (桁, 回, 文字 …) and not more digits: the value ends here.
const after = fc
  .tuple(fc.constantFrom('', 'です', '。', '、', '！', ' です', 'だったかな'), prose)
  .map(([b, t]) => (b ? b + t : ''));
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const pinValue = fc
  .tuple(fc.array(digit, { minLength: 4, maxLength: 8 }), fc.boolean())
  .map(([ds, fw]) => ds.map((d) => (fw ? toFullWidth(d) : d)).join(''));
// A password-like token (4+ characters; shorter ones are only taken after ':' or '='): letters, a digit, maybe a symbol.
const pwToken = fc
  .tuple(
    fc.string({
      unit: fc.constantFrom(...'abcdefghkmnpqrstuvwxyzKXZ'.split('')),
      minLength: 3,
      maxLength: 8,
    }),
    fc.array(digit, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('', '!', '_', '#', '@'),
  )
  .map(([letters, ds, sym]) => letters + ds.join('') + sym);

const pinPhrase = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('暗証番号', '暗唱番号', 'あんしょう', 'あんしょうばんごう', 'ピン', '暗証'),
      fc.constantFrom('', 'は', 'は、', '：', 'って', 'は '),
      fc.constantFrom('', '多分', 'たぶん ', '確か', 'たしか', 'えっと、', '一応', 'おそらく', 'maybe '),
    )
    .map(
      ([l, s, h]) =>
        (v: string) =>
          l + s + h + v,
    ),
  fc
    .tuple(
      fc.constantFrom('PIN', 'my pin', 'My PIN number', 'pin code', 'ＰＩＮ'),
      fc.constantFrom(' is ', ': ', ' ', ' was '),
      fc.constantFrom('', 'probably ', 'maybe ', 'I think ', 'perhaps '),
    )
    .map(
      ([l, s, h]) =>
        (v: string) =>
          l + s + h + v,
    ),
  fc
    .constantFrom('as my PIN', 'is my PIN', 'was my pin')
    .map((tail) => (v: string) => `I think ${v} ${tail}`),
);

const passwordPhrase = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('パスワード', 'ぱすわーど', 'パスコード', 'パス', 'ぱす', 'Web-IDのパスワード'),
      fc.constantFrom('は', '：', ':', 'は、', 'って', 'には'),
      fc.constantFrom('', '多分', 'たぶん', '確か', 'えっと、', '一応', 'おそらく'),
    )
    .map(
      ([l, s, h]) =>
        (v: string) =>
          l + s + h + v,
    ),
  fc
    .tuple(
      fc.constantFrom('password', 'Password', 'my password', 'the password', 'passwd', 'pw', 'passcode'),
      fc.constantFrom(' is ', ': ', ' = ', ' was ', ' I use is ', ' I set was ', ' '),
      fc.constantFrom('', 'probably ', 'maybe ', 'I think '),
    )
    .map(
      ([l, s, h]) =>
        (v: string) =>
          l + s + h + v,
    ),
  fc.constantFrom('pass: ', 'pass = ', 'PASS:').map((l) => (v: string) => l + v),
  fc
    .constantFrom(
      ' as my password',
      ' is my password',
      ' was my old password',
      'がパスワードです',
      'をパスワードにしました',
    )
    .map((tail) => (v: string) => `I typed ${v}${tail}`),
);

const quoted = fc
  .tuple(
    fc.constantFrom('password = ', 'my password is ', 'パスワードは', 'password: '),
    fc.constantFrom(['"', '"'], ['“', '”'], ['「', '」'], ["'", "'"]),
  )
  .map(
    ([l, [open, close]]) =>
      (v: string) =>
        `${l}${open}${v}${close}`,
  );

describe('maskSecrets properties: PINs and passwords', () => {
  it('a PIN after (or before) any PIN label, with hedges, inside any text, is gone afterwards', () => {
    fc.assert(
      fc.property(before, pinPhrase, pinValue, after, (b, phrase, pin, a) => {
        const message = b + phrase(pin) + a;
        const result = maskSecrets(message);
        expect(digitsOf(result.text)).toBe('');
        expect(result.found).toEqual(['pin']);
        expect(maskSecrets(result.text)).toEqual({ text: result.text, found: [] });
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a password after (or before) any password label, with hedges, inside any text, is gone afterwards', () => {
    fc.assert(
      fc.property(before, passwordPhrase, pwToken, after, (b, phrase, pw, a) => {
        const message = b + phrase(pw) + a;
        const result = maskSecrets(message);
        expect(result.text).not.toContain(pw);
        expect(digitsOf(result.text)).toBe('');
        expect(result.found).toEqual(['password']);
        expect(maskSecrets(result.text)).toEqual({ text: result.text, found: [] });
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('a quoted password with spaces is gone afterwards, the quotes stay', () => {
    fc.assert(
      fc.property(
        before,
        quoted,
        fc.array(pwToken, { minLength: 1, maxLength: 3 }),
        after,
        (b, phrase, words, a) => {
          const value = words.join(' ');
          const result = maskSecrets(b + phrase(value) + a);
          for (const w of words) expect(result.text).not.toContain(w);
          expect(result.found).toEqual(['password']);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('a label ending one message and the bare value in the next: the value is gone', () => {
    const pinLabel = fc.constantFrom(
      '暗証番号は',
      '暗証番号は、',
      'あんしょうは',
      'my PIN is',
      'PIN:',
      'pin is probably',
      '暗証番号は多分',
    );
    const pwLabel = fc.constantFrom(
      'パスワードは',
      'password:',
      'my password is',
      'パスは',
      'the password I use is',
      'pass:',
    );
    const wrap = fc.constantFrom(['', ''], ['「', '」'], ['', 'です'], [' ', ' '], ['"', '"'], ['', '。']);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(pinLabel, pinValue, fc.constant<'pin'>('pin')),
          fc.tuple(pwLabel, pwToken, fc.constant<'password'>('password')),
        ),
        prose,
        wrap,
        ([label, value, kind], lead, [open, close]) => {
          const first = lead + (lead && !lead.endsWith(' ') ? ' ' : '') + label;
          expect(secretLabelAtEnd(first)).toBe(kind);
          const second = maskBareSecret(open + value + close, kind);
          expect(second.found).toEqual([kind]);
          expect(digitsOf(second.text)).toBe('');
          expect(second.text).not.toContain(value);
        },
      ),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

describe('split messages', () => {
  it.each([
    ['暗証番号は', 'pin'],
    ['暗証番号は、', 'pin'],
    ['my PIN is', 'pin'],
    ['pin:', 'pin'],
    ['password:', 'password'],
    ['パスワードは', 'password'],
    ['my password is probably', 'password'],
    ['ログインできません。パスワードは', 'password'],
  ] as const)('%j announces a %s', (text, kind) => {
    expect(secretLabelAtEnd(text)).toBe(kind);
  });

  it.each([
    'パスワード',
    '暗証番号',
    'パスワードを忘れました',
    'PIN',
    'my password is wrong',
    '暗証番号は4桁',
    '',
  ])('%j announces nothing', (text) => {
    expect(secretLabelAtEnd(text)).toBeUndefined();
  });

  it.each([
    ['1234', 'pin', '****', ['pin']],
    ['１２３４です', 'pin', '****です', ['pin']],
    ['「0000」', 'pin', '「****」', ['pin']],
    ['hunter22', 'password', '********', ['password']],
    ['zxcv5555です', 'password', '********です', ['password']],
    ['1234', 'password', '********', ['password']],
    ['123', 'pin', '123', []],
    ['1234 and more', 'pin', '1234 and more', []],
    ['忘れました', 'password', '忘れました', []],
    ['wrong', 'password', 'wrong', []],
    ['ok', 'password', 'ok', []],
    ['help', 'password', 'help', []],
    ['4桁', 'pin', '4桁', []],
  ] as const)('%j after a %s label → %j', (text, kind, masked, found) => {
    expect(maskBareSecret(text, kind)).toEqual({ text: masked, found });
  });
});

describe('maskDeep', () => {
  it('masks every string in nested objects and arrays, keeps everything else, and copies', () => {
    const when = new Date('2024-06-10T00:00:00Z');
    const input = {
      id: 'inq-1',
      priority: 2,
      urgent: true,
      missing: null,
      nothing: undefined,
      createdAt: when,
      summary: 'ログインできない。カード番号は4539 1488 0343 6467',
      transcript: [
        { from: 'user', text: '暗証番号は1234です' },
        { from: 'bot', text: 'プロミスコール 0120-24-0365 へどうぞ' },
        ['password: hunter2', 42],
      ],
      meta: { deeper: { still: { text: 'my pin 0000' } } },
    };
    const before = structuredClone(input);
    const out = maskDeep(input);
    expect(out).toEqual({
      id: 'inq-1',
      priority: 2,
      urgent: true,
      missing: null,
      nothing: undefined,
      createdAt: when,
      summary: 'ログインできない。カード番号は**** **** **** 6467',
      transcript: [
        { from: 'user', text: '暗証番号は****です' },
        { from: 'bot', text: 'プロミスコール 0120-24-0365 へどうぞ' },
        ['password: ********', 42],
      ],
      meta: { deeper: { still: { text: 'my pin ****' } } },
    });
    expect(out.createdAt).toBe(when);
    expect(input).toEqual(before); // the input is not modified
    expect(out).not.toBe(input);
  });

  it('masks a bare string and passes other primitives through', () => {
    expect(maskDeep('PIN is 1234')).toBe('PIN is ****');
    expect(maskDeep(4539148803436467)).toBe(4539148803436467);
    expect(maskDeep(null)).toBeNull();
    expect(maskDeep(undefined)).toBeUndefined();
  });

  it('survives cycles and reports what it found', () => {
    const node: Record<string, unknown> = { text: 'パスワードはabc123' };
    node.self = node;
    const { value, found } = maskDeepWithFindings(node);
    expect(value.text).toBe('パスワードは********');
    expect(value.self).toBe(value);
    expect(found).toEqual(['password']);
  });
});
