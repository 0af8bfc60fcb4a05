import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../src/privacy/secretGuard.js';

// The second round (secretPieces.ts, passwordPhrases.ts): values written in any script, after loose
// labels, in pieces, and in the phrasings members use. Every example here is our own.

const secrets: [string, string[], string][] = [
  // Numbers as words: kanji with positional words, kana words, groups joined by の or 、, one by one.
  ['暗証番号は二千四十です', ['二千四十'], 'pin'],
  ['セキュリティコード、七百十二です', ['七百十二'], 'security_code'],
  ['暗証は、えーと、ごーななさんいち です', ['ごーななさんいち'], 'pin'],
  ['裏のすうじ ろくにーはち', ['ろくにーはち'], 'security_code'],
  ['あんしょうばんごう　たしか　はちいちにいろく　やで', ['はちいちにいろく'], 'pin'],
  [
    'カード番号は五四一二の七七八八の九九〇〇の一二三四',
    ['五四一二', '七七八八', '九九〇〇', '一二三四'],
    'card_number',
  ],
  ['番号を言います。5412、7788、9900、1235', ['5412', '7788', '9900', '1235'], 'card_number'],
  ['じゃあ番号読むね 5 4 1 2 7 7 8 8 9 9 0 0 1 2 3 5', ['5 4 1 2 7 7 8 8 9 9 0 0 1 2 3 5'], 'card_number'],
  // Security codes described without their label.
  ['カードの裏の数字は 3 8 1 です', ['3 8 1'], 'security_code'],
  ['the back of my card says 904', ['904'], 'security_code'],
  ['code on back 553, expiry next year', ['553'], 'security_code'],
  ['the 3 digit code is 0 7 1', ['0 7 1'], 'security_code'],
  ['うらのばんごうは 662', ['662'], 'security_code'],
  ['セキュリテーコード 318 で通りません', ['318'], 'security_code'],
  // A PIN in pieces or after a description.
  ['暗証番号は前半が19で、後半が74です', ['19', '74'], 'pin'],
  ['暗証番号ですか。ええと、はい。2 9 5 1。', ['2 9 5 1'], 'pin'],
  // Passwords after abbreviations and in the ways members phrase them.
  ['パスは kotatsu2024 やけど違う？', ['kotatsu2024'], 'password'],
  ['PW→ Tsubame_77 で合ってる？', ['Tsubame_77'], 'password'],
  ['パスワードを父の誕生日のshowa0412にしたはず', ['showa0412'], 'password'],
  ['パスワード多分 hotaru か hotaru_99 のどっちか', ['hotaru', 'hotaru_99'], 'password'],
  ['パスワードね、うちの猫の名前のタマだよ', ['タマ'], 'password'],
  ['ぱすわーど、ひまわりばたけ にしたつもり', ['ひまわりばたけ'], 'password'],
  ['パスワード、k o t a t s u 7 です', ['k o t a t s u 7'], 'password'],
  ['パスワードは ｋｏｍａｃｈｉ８ です', ['ｋｏｍａｃｈｉ８'], 'password'],
  ["I'm entering sakura_88 but it says invalid", ['sakura_88'], 'password'],
  ['I set "blue whale" as my new password', ['blue whale'], 'password'],
  ['I changed my password to "rainy tuesday 7" last night', ['rainy tuesday 7'], 'password'],
  ['Signing in with kenji.t / Yuki2020! does not work', ['Yuki2020!'], 'password'],
  ['passcode: green tea 55', ['green tea 55'], 'password'],
  ['my pass is umbrella9 I think', ['umbrella9'], 'password'],
  ['パスワードは tomato99 です。tomato99 で合ってますか', ['tomato99'], 'password'],
  ['パスは、ねこのなまえ「みけ」やで', ['みけ'], 'password'],
  ["I keep typing Koala_2020 and it won't let me in", ['Koala_2020'], 'password'],
  [
    'カード番号を読み上げます。よんごー いちに さんよん ごーろく ななはち きゅーぜろ いちに さんよん',
    ['よんごー', 'きゅーぜろ'],
    'card_number',
  ],
  ['暗証番号は最初が3で、次が9、そのあと1と6', ['9'], 'pin'],
  ['the code on the back is 7 1 4', ['7 1 4'], 'security_code'],
  // A card read out with no label: 13 to 19 digits one by one, in words or in kana.
  [
    'ok here goes: five four one two seven seven eight eight nine nine zero zero one two three five',
    ['five four one two'],
    'card_number',
  ],
  [
    '読みますね。ごーよん いちにー ななななはちはち きゅうきゅうぜろぜろ いちにーさんごー',
    ['ななななはちはち'],
    'card_number',
  ],
];

const harmless = [
  'パスワードをChromeに保存していたら消えました',
  'パスワードは何文字以上にすればいいですか',
  'パスワード再設定のメールが届きません',
  'パスワードを入れてloginを押したらエラーになる',
  'パスワード変更したらiPhone14でログインできない',
  'ログインIDは yamada_k77 です。パスワードは忘れました',
  'パスワード変更のお知らせが info@example.jp から来ました',
  'パスワードはまだ決めていません',
  'ワンタイムパスワードがSMSで来ない',
  'I forgot my password and the reset link expired',
  'my password stopped working after the update',
  'The site says "password too short" when I try',
  '暗証番号を忘れたので 0120-000-111 に電話しました',
  '暗証番号は4桁で、誕生日はダメなんですよね',
  '暗証番号を間違えて、2回目でロック、30分待った',
  '暗証番号を聞かれたのは10月5日の14時です',
  '暗証番号のことで、お客様番号 5521 3390 を伝えます',
  '暗証番号の件、受付番号が 2044 です',
  '暗証番号の変更は何日かかりますか',
  'My PIN expired in 2023, can I renew it?',
  'PIN reset took 3 days, ticket 4471',
  'カード番号の確認で、郵便番号 123-4567 を入力しました',
  '裏面の電話番号 0120 123 456 にかけました',
  '裏の3桁って何のことですか',
  'セキュリティコードが3回エラーになった',
  'On the back of the card it says 24 hours',
  'カードの下4桁は 8812 です',
  'ご返済は 3万円 ずつで、毎月27日です',
  'パスワードの変更画面でsubmitボタンが押せません',
  'パスワード変えたいです。アプリのversionは3.2.1です',
  'パスワードを変えたのにまだ前のが使えるのはbugですか',
  'パスワードリセットのリンクをタップすると404になります',
  'パスワード変更後、Edgeだと入れるけどSafariだと入れない',
  '暗証番号を変えたいのですが、来店予約は11月20日の15時でいいですか',
  '暗証番号のロックは、コールセンター 0570-012-345 で解除できますか',
  '暗証番号の入力画面で E1001 が出ました',
  '暗証番号のことで相談です。私の会員番号は 40112233 です',
  'カードの裏にある 0120 の番号に電話すればいいですか',
  'カード番号がわかりません。申込番号は 2411-0032 です',
  'I want to change my PIN, I was told it takes 7 days',
  'I used my phone to log in and got locked after 3 tries',
  '暗証番号は、にじゅうねんまえに作りました',
  'one two three four, testing the chat',
  'I used Windows10 to log in yesterday',
  'My card has a 3 digit code, where is it?',
  'パスワード入れたらloadingのまま動きません',
  // Sentences in kana about a password, not its value.
  'パスワードが、ちがうって でるんや',
  'パスワード、へんこうしたいです',
  'パスワードの　ことで　そうだんです',
  'パスワード、なくした かも',
  'パスワード、えいごで いれるんですか',
  'パスワードは むすめが きめたやつです',
  'パスワード、いっかい かえたんだ',
  'I entered kate@example.com as my login',
  'the pass was rejected at the gate',
  'Logged in using app v2.3.1 and it crashed',
  'password: I forgot it',
  'I log in with my Web-ID raj_2020 usually',
  'I need to pay back one two or three times a month',
  '受付番号は 2025 0612 0001 です',
];

describe('maskSecrets round 2: secrets in the ways members write them', () => {
  it.each(secrets)('masks %j', (input, parts, kind) => {
    const { text, found } = maskSecrets(input);
    for (const part of parts) expect(text).not.toContain(part);
    expect(found).toContain(kind);
  });
});

describe('maskSecrets round 2: look-alikes stay', () => {
  it.each(harmless)('leaves %j alone', (input) => {
    expect(maskSecrets(input)).toEqual({ text: input, found: [] });
  });

  it('finds nothing more in its own output', () => {
    for (const [input] of secrets) {
      const once = maskSecrets(input).text;
      expect(maskSecrets(once)).toEqual({ text: once, found: [] });
    }
  });
});

const SEED = 16_0402;
const KANJI = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const KANA = ['ぜろ', 'いち', 'に', 'さん', 'よん', 'ご', 'ろく', 'なな', 'はち', 'きゅう'];

describe('maskSecrets round 2 properties (fixed seed)', () => {
  it('a PIN spelt in kanji or kana after a loose label is masked, however it is joined', () => {
    const label = fc.constantFrom('暗証番号は', 'あんしょうばんごう、', '暗証は ', 'ピン番号は');
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 4, maxLength: 4 });
    const script = fc.constantFrom(KANJI, KANA);
    const join = fc.constantFrom('', '、', ' ', '・');
    const end = fc.constantFrom('です', 'や', '。', '');
    fc.assert(
      fc.property(label, digits, script, join, end, (l, d, words, j, e) => {
        const value = d.map((n) => words[n]).join(j);
        const { text } = maskSecrets(`${l}${value}${e}`);
        expect(text).not.toContain(value);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('counts, dates, amounts, phone and reference numbers after a secret label stay as typed', () => {
    const label = fc.constantFrom(
      '暗証番号の件です。',
      'パスワードを忘れました。',
      'カードの裏を見ました。',
      'カード番号がわかりません。',
    );
    const n = fc.integer({ min: 1, max: 9 });
    const lookAlike = fc.oneof(
      n.map((k) => `${k}回間違えました`),
      n.map((k) => `${k}桁ですか`),
      fc.integer({ min: 2000, max: 2030 }).map((y) => `${y}年3月1日からです`),
      fc.integer({ min: 1000, max: 99999 }).map((y) => `${y}円返済しました`),
      fc.integer({ min: 100, max: 999 }).map((k) => `0120-${k}-${k + 1}に電話しました`),
      fc.integer({ min: 1000, max: 9999 }).map((k) => `受付番号は ${k} です`),
      fc.integer({ min: 10000000, max: 99999999 }).map((k) => `会員番号は ${k} です`),
      fc.integer({ min: 1000, max: 9999 }).map((k) => `カードの下4桁は ${k} です`),
    );
    fc.assert(
      fc.property(label, lookAlike, (l, rest) => {
        const input = `${l}${rest}`;
        expect(maskSecrets(input)).toEqual({ text: input, found: [] });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
