import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, type SecretKind } from '../../src/privacy/secretGuard.js';

// The context pass: once a sentence names a kind of secret (a label, or strong context such as the
// ATM and the number typed there), that kind's values are masked in the sentence and the next one in
// whatever shape members type them. Units, dates, times, phone numbers and numbers named by a
// non-secret label stay. Examples written for this test; property tests use a fixed seed.
const SEED = 16_0212;

type Row = [input: string, secret: string, kind: SecretKind];

/** Widths folded and whatever joins digits or words dropped: any spelling of a secret is found. */
function canonical(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\s\-‐-―−ー・、,.()（）「」『』"'と]+/gu, '')
    .toLowerCase();
}

function expectHidden(input: string, secret: string, kind: SecretKind) {
  const r = maskSecrets(input);
  expect(canonical(r.text)).not.toContain(canonical(secret));
  expect(r.found).toContain(kind);
}

const secrets: Record<string, Row[]> = {
  'PIN digits spaced or hyphenated one by one after a PIN or ATM context': [
    ['暗証番号ですが 8 1 5 2 で登録しました', '8152', 'pin'],
    ['PIN is 4 - 0 - 7 - 1', '4071', 'pin'],
    ['ATMで 9 3 3 7 と押したら違うと言われた', '9337', 'pin'],
    ['お金をおろすときの番号は 2-6-6-1 です', '2661', 'pin'],
    ['いつも入れてる番号です。7 7 4 2。', '7742', 'pin'],
    ['pin? 5 5 0 2', '5502', 'pin'],
    ['暗証番号は１ー２ー８ー９', '1289', 'pin'],
    ['The code I punch in at the ATM is 6 4 0 8', '6408', 'pin'],
    ['暗証番号は 3 9 - 2 1 です', '3921', 'pin'],
  ],
  'PIN and security-code digits spelt in words or kana, or mixed with digits': [
    ['PIN should be seven three one zero right?', 'seven three one zero', 'pin'],
    ['my pin is six, six, two, nine', 'six six two nine', 'pin'],
    ['暗証番号、ろくにーはちぜろ で合ってる？', 'ろくにーはちぜろ', 'pin'],
    ['ぴん番号はなな、はち、さん、いち', 'なな、はち、さん、いち', 'pin'],
    ['暗証番号はゼロ、いち、5、5です', 'ゼロ、いち、5、5', 'pin'],
    ['security code is four one six', 'four one six', 'security_code'],
    ['CVVはきゅうにーさん', 'きゅうにーさん', 'security_code'],
    ['セキュリティコード、よん・ろく・なな', 'よん・ろく・なな', 'security_code'],
  ],
  'security codes named in any way, three digits in any shape': [
    ['セキュリティーコードは 5-1-9 です', '519', 'security_code'],
    ['cvc 7 7 3 please', '773', 'security_code'],
    ['署名欄のところにある数字は208です', '208', 'security_code'],
    ['裏に書いてある3桁、４ ０ ９', '409', 'security_code'],
    ['セキュコ 6 2 1 で通らない', '621', 'security_code'],
    ['the three numbers on the back are 5 8 0', '580', 'security_code'],
    ['カードの3桁のやつ、7 7 2', '772', 'security_code'],
    ['CVV: 3-1-4', '314', 'security_code'],
  ],
  'card digits one by one in the next sentence': [
    ['カード番号を書きます。5 2 1 0 - 9 9 3 4 - 2 2 0 1 - 7 7 8 6', '521099342201', 'card_number'],
    ['クレカの番号、お伝えします。4 4 8 5  2 7 3 6  1 8 9 0  3 4 1 2', '448527361890', 'card_number'],
    ['card number is below\n4 0 2 4 - 0 0 7 1 - 5 3 3 6 - 2 0 9 8', '402400715336', 'card_number'],
  ],
  'a password described, then given after a comma': [
    ["my password is my son's nickname, bobo", 'bobo', 'password'],
    ['password = the street I grew up on, Elmwood', 'elmwood', 'password'],
    ['パスワードは実家の猫の名前で、みけです', 'みけ', 'password'],
    ['パスワードは好きな食べ物にしてて、からあげ', 'からあげ', 'password'],
    ["password is my wife's birthday, 0704", '0704', 'password'],
    ["my password is my cat's name, which is Luna", 'luna', 'password'],
    ['the password is the name of my street - Maple', 'maple', 'password'],
    ['パスワードはうちの猫の名前（みけ）', 'みけ', 'password'],
  ],
  'a quoted password later in the sentence or in the next one': [
    ['パスワードが通らない。打ったのは「こいのぼり」です', 'こいのぼり', 'password'],
    ['パスワードを入力したけどダメでした。たしか「ゆきだるま」だったはず', 'ゆきだるま', 'password'],
    ['I keep getting the password wrong, I typed "marmalade"', 'marmalade', 'password'],
    ['ぱすわーど、「おにぎり」で登録した気がする', 'おにぎり', 'password'],
  ],
  'passphrases, new and old values, any script after a mark': [
    ['my password is two words: silver fox', 'silver fox', 'password'],
    ['passphrase: lazy river', 'lazy river', 'password'],
    ['パスワードを変更しました。今のはHato#1180、前のはHato#1179', 'hato#1179', 'password'],
    ['Changed my password. the new one is Fern*Leaf5', 'fern*leaf5', 'password'],
    ['パスワード：ねこ大好き', 'ねこ大好き', 'password'],
    ['password: 富士山', '富士山', 'password'],
    ['パスワードは、はるなつあき', 'はるなつあき', 'password'],
    ['パスワードは ひまわり2 です', 'ひまわり2', 'password'],
    ['パスワード変えた。新しいのはblue moonです', 'blue moon', 'password'],
    ["my password is my dog's name, ぽんた", 'ぽんた', 'password'],
    ['passcode 4 4 8 1 is what I set', '4481', 'password'],
    ['パスワードが合ってるか確認したい。「すいか」で登録してるはず', 'すいか', 'password'],
  ],
  'labels misspelt or in romaji, digits in kanji and spaced': [
    ['暗所番号は 七 七 三 一', '7731', 'pin'],
    ['anshou bangou wa 4 4 1 2', '4412', 'pin'],
    ['セキュリテイコード 2 0 2', '202', 'security_code'],
    [
      'カードの番号なんですが、\n四 九 八 〇 一 二 三 四 五 六 七 八 九 〇 一 二',
      '498012345678',
      'card_number',
    ],
    ['カードに書いてある番号は 4 9 8 0 1 2 3 4 5 6 7 8 9 0 1 2 です', '498012345678', 'card_number'],
  ],
  'a lone four-digit code said to be used for things': [
    ['The number I use for everything is 3 3 0 9', '3309', 'pin'],
    ['全部同じ番号にしてます、4417です', '4417', 'pin'],
    ["my pin? it's 0 2 8 8", '0288', 'pin'],
    ['What I type at the cash machine: 5 1 6 6', '5166', 'pin'],
    ['お金おろす時のやつ、5 5 6 6', '5566', 'pin'],
    ['I use 8 2 2 0 for all my cards', '8220', 'pin'],
    ['暗証番号の下二桁は 3 8 です', '38', 'pin'],
    ['my pin: the first two digits are 4 7', '47', 'pin'],
    ['the pin is double four two one', 'four two one', 'pin'],
  ],
};

const harmless = [
  // dates, times, amounts, counts near a secret's label
  '暗証番号の変更は2025年4月1日からですか',
  'パスワードを変えたのは4/15です',
  '2025-04-12にパスワードを再設定しました',
  'password reset email came at 9:30',
  '暗証番号の変更手続き 3月5日 10:30 に来店',
  'ATMで12,000円おろしたら手数料が取られた',
  'ATMは9:00から使えますか',
  '暗証番号は4桁ですよね、3回間違えました',
  'パスワードを3回間違えたので、30分待ちました',
  // phone numbers, postal codes, references, codes, IDs
  '暗証番号のことで0120-24-0365に電話しました',
  '〒150-0041 の住所に新しいカードを送ってください',
  '申込番号は 2026-0101-3344 です',
  '受付番号 B-7788 で暗証番号の再設定を頼みました',
  'ATMの暗証番号を変えたいのですが、受付番号は 4410 です',
  '整理券 0456番で待っています',
  'エラーコード E5003 が出て暗証番号が入れられない',
  '機種は SO-51D です。パスワードが入りません',
  '会員番号は 87654321 です。暗証番号を変えたい',
  'いつもの番号に電話しても出ません 0120-111-222',
  // the last or first digits of a card
  'The last 4 digits of my card are 7712',
  'カードの下4桁は 3301 です',
  'カード番号の最初の4桁が4980なのは普通？',
  // sentences about a password, buttons and messages in quotes
  'パスワードを忘れたので、再設定したいです',
  'パスワード：忘れました',
  'password: forgot it, please help',
  'パスワードを入れて「ログイン」を押しても進まない',
  'パスワードを「パスワードを忘れた方」から再設定しました',
  'パスワードのヒントは「好きな色」です',
  'パスワードが「違います」と出ます',
  'パスワードに犬の名前を使っても大丈夫ですか',
  "I set my password to my dog's name, is that safe?",
  'password is case sensitive, right?',
  'パスワードは英字と数字を混ぜるんですよね',
  // ATM and "the same number" without a secret
  'I used the ATM at 10:15 and entered the wrong PIN 2 times',
  'ATMで番号札 12 を取りました',
  '同じ番号で3回申し込みました',
  'セキュリティコードは3桁ですか4桁ですか',
  'パスワード変更のメールに「12時間以内」と書いてありました',
  'パスワードは「マイページ」から変更できますか',
  'パスワードを忘れました。「マイページ」にも入れません',
  "password: it's not working, why",
  'カードの問い合わせ番号は 1234 5678 9012 です',
  'カードが 2 枚とも使えない',
  'ATMで番号を押す画面で止まった、午後 2 時ごろ',
  'CVVって 3 桁？ 4 桁？',
  'セキュリティコードが見えない。お問い合わせ番号 A-123',
  'パスワードを忘れたので、ID（taro_88）で再設定を',
  'PIN変更したのは 2023-11-05',
  'パスワードを忘れました。Web-IDは sato_k88、メールは sato@example.jp です',
  '暗証番号の件で、電話番号 090-1111-2222 に折り返しください',
  "password? it's not working",
  'パスワード変えた。新しいのは覚えてないです',
  'パスワードは ふめい です',
  'パスワード変更、「完了」になりました',
  'password: see below',
  'パスワードの入力欄、「＊＊＊＊」になってる',
  'パスワードを猫の名前にしたら、だめですか',
  "the password is my mom's name, she knows it",
  'I use the app for everything, since 2020',
  '暗証番号の下2桁は 31回 間違えた方の話です',
  'カード番号の下3桁は 123',
  '暗証番号を変えたのは2022年です',
  'パスワードの件で 0120-55-0123 に電話、21時まででした',
  'ATMで暗証番号を入れたら E2101 と出ました',
  'カード番号の件、申込番号は 2026-0311-5500 です',
  'My card ending in 0921 was charged twice',
  'password: Happy to change it if needed',
  'カードの3桁のコード、どこに書いてある？',
  'セキュリティコード入力で 500 エラーになります',
  '暗証番号を入れたら 4031 と表示された',
  'CVVを入れると 404 が出る',
  'Hello, my card (ending 4821) was locked after I entered my PIN wrong 3 times at the ATM on 4/12',
  'お世話になっております。先日ATMで暗証番号を3回間違えました。4月12日の14:30頃です。会員番号は 12345678、受付番号 A-5521 です。',
];

describe('maskSecrets: values of the kind a sentence names, in any shape', () => {
  for (const [group, rows] of Object.entries(secrets)) {
    it.each(rows)(`${group}: %j hides %j`, (input, secret, kind) => expectHidden(input, secret, kind));
  }
  it('keeps the last 4 digits of a card given one by one (the warning says so)', () => {
    expect(maskSecrets('カード番号、送ります。4 9 8 0 - 1 2 3 4 - 5 6 7 8 - 9 0 1 2').text).toBe(
      'カード番号、送ります。* * * * - * * * * - * * * * - 9 0 1 2',
    );
  });
});

describe('maskSecrets: look-alikes in a secret context stay', () => {
  it.each(harmless)('%j is not altered', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });
});

// ---- properties ----

const EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const KANA = ['ぜろ', 'いち', 'にー', 'さん', 'よん', 'ごー', 'ろく', 'なな', 'はち', 'きゅう'];
const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });
/** One digit at a time, as typed: spaces, hyphens, full width, or spelt. */
const shaped = (ds: number[]) =>
  fc
    .tuple(
      fc.constantFrom(' ', ' - ', '-', '・', '、', '　'),
      fc.constantFrom<'ascii' | 'wide' | 'en' | 'kana'>('ascii', 'wide', 'en', 'kana'),
    )
    .map(([sep, script]) => {
      const parts = ds.map((d) =>
        script === 'wide'
          ? String.fromCharCode(0xff10 + d)
          : script === 'en'
            ? EN[d]!
            : script === 'kana'
              ? KANA[d]!
              : String(d),
      );
      return parts.join(sep);
    });
const digitsLeft = (text: string, ds: number[]) => canonical(text).includes(ds.join(''));
const spelt = (text: string, ds: number[]) =>
  canonical(text).includes(ds.map((d) => EN[d]).join('')) ||
  canonical(text).includes(ds.map((d) => KANA[d]).join(''));

describe('maskSecrets properties: context pass (fixed seed)', () => {
  it('four PIN digits in any shape, in the PIN sentence or the next one, are gone', () => {
    fc.assert(
      fc.property(
        digits(4).chain((ds) => fc.tuple(fc.constant(ds), shaped(ds))),
        fc.constantFrom('暗証番号は', 'my PIN is ', 'ATMで入れる番号は', '暗証番号ですね。えっと、', 'pin? '),
        fc.constantFrom('', 'です', '。よろしく', ' thanks'),
        ([ds, value], lead, tail) => {
          const out = maskSecrets(`${lead}${value}${tail}`);
          expect(digitsLeft(out.text, ds) || spelt(out.text, ds)).toBe(false);
          expect(out.found).toContain('pin');
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('three security-code digits in any shape after a security label are gone', () => {
    fc.assert(
      fc.property(
        digits(3).chain((ds) => fc.tuple(fc.constant(ds), shaped(ds))),
        fc.constantFrom('セキュリティコードは', 'CVV: ', 'the cvc is ', 'カード裏の3桁、', 'セキュコ '),
        ([ds, value], lead) => {
          const out = maskSecrets(`${lead}${value}`);
          expect(digitsLeft(out.text, ds) || spelt(out.text, ds)).toBe(false);
          expect(out.found).toContain('security_code');
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('sixteen card digits one by one in the sentence after the card label leave only the last four', () => {
    fc.assert(
      fc.property(
        digits(16),
        fc.constantFrom(' ', '-', ' - ', '　'),
        fc.constantFrom('カード番号を送ります。', 'Here is my card number.\n', 'クレカの番号です。'),
        (ds, sep, lead) => {
          const out = maskSecrets(`${lead}${ds.join(sep)}`);
          expect(canonical(out.text)).not.toContain(ds.slice(0, 12).join(''));
          expect(out.found).toContain('card_number');
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('non-secret numbers stay in a sentence next to a secret context, before or after it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          '暗証番号の件です。',
          'パスワードを忘れました。',
          'カード番号がわかりません。',
          'セキュリティコードが見えません。',
          'I forgot my PIN. ',
          'About my card: ',
          'ATMで番号を入力する画面で、',
          'いつも使ってる番号を忘れた。',
        ),
        fc.constantFrom(
          '2026年5月2日に',
          '2026-05-02に',
          '0120-33-4455に電話',
          '〒105-0011',
          '105-0011',
          '申込番号は 2026-0502-1188',
          '受付番号 C-4410',
          '整理券 0456番',
          'エラー 6021',
          '機種は SO-41B',
          'Web-IDは kato_77',
          '会員番号は 55667788',
          'the last 4 digits are 3390',
          '下4桁は 3390',
          'since 2018',
          '+81 80 2222 3333',
          'お問い合わせ番号 20260502-0042',
        ),
        fc.boolean(),
        (context, value, after) => {
          const text = after ? `${context}${value}です。` : `${value}。${context}`;
          expect(maskSecrets(text)).toEqual({ text, found: [] });
        },
      ),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('dates, times, amounts and counted numbers next to a PIN or password label stay', () => {
    const value = fc.oneof(
      fc
        .tuple(fc.integer({ min: 2000, max: 2030 }), fc.integer({ min: 1, max: 12 }))
        .map(([y, m]) => `${y}年${m}月`),
      fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([m, d]) => `${m}/${d}`),
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 10, max: 59 }))
        .map(([h, m]) => `${h}:${m}`),
      fc.integer({ min: 1, max: 99 }).map((n) => `${n},000円`),
      fc.integer({ min: 1, max: 9 }).map((n) => `${n}回`),
      fc.integer({ min: 4, max: 16 }).map((n) => `${n}桁`),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(
          '暗証番号を変えたのは',
          'パスワードの再設定は',
          'ATMで暗証番号を入れたのは',
          'セキュリティコードの件、',
        ),
        value,
        fc.constantFrom('です', 'でした。', 'ですか？'),
        (lead, v, tail) => {
          const text = `${lead}${v}${tail}`;
          expect(maskSecrets(text)).toEqual({ text, found: [] });
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });
});
