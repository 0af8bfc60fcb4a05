// The guard's context pass: once a sentence establishes what kind of secret it is about (a label, a
// slip of one, or strong context such as an ATM and the number typed there), the value shapes of that
// kind are masked in that sentence and the next one, however they are written. The label-driven
// patterns in secretGuard.ts want the value right after its label in a few known layouts; members
// write "7 2 9", "3-8-2", "one two three four", 「ごーにーはち」, "my cat's name, tama" or
// 「入れたのは「さくらもち」」 instead. Unit suffixes (年 円 回 桁 …), dates, times, phone numbers and
// values named by a non-secret label (受付番号, 申込番号, error codes, IDs) are the exits.
// Linear: the text is split into sentences once, each region is at most two sentences (the second one
// capped), and every pattern below has bounded repetition only.

/** What a screen shows, not what the member typed: 「4031 と表示された」「500 エラー」「404 が出る」. */
export const SHOWN_AFTER =
  /^[ 　」』"')）]*(?:エラー|ｴﾗｰ|(?<![A-Za-z])error|(?:と|って|が)[ 　]*(?:表示|出|でた|でる))/iu;

export type ContextKind = 'card_number' | 'pin' | 'security_code' | 'password';

export interface ContextLabels {
  /** Regex sources (no flags) of the guard's labels. */
  pin: string;
  password: string;
  card: string;
  security: string;
  /** A PIN named by its context (「ATMで押す番号」「カードの4桁」): with no label, exactly four digits. */
  pinContext: string;
  /** Words that follow a password label without being one ("wrong", "reset", "the"). */
  commonWord: (lowerAscii: string) => boolean;
}

const MASK = '*';
const PASSWORD_MASK = '********';
const DIGIT_CHARS = '0-9\\uFF10-\\uFF19〇零一二三四五六七八九';
const DIGIT = `[${DIGIT_CHARS}]`;
const ANY_DIGIT = new RegExp(DIGIT, 'gu');
const SPACE = '[ \\u00A0\\u3000\\t]';
const HYPHENS = '\\-\\u2010-\\u2015\\u2212\\uFF0D\\u30FC\\uFF70';
// Digits typed one by one or in groups: "6 0 3 1", "3-8-2", 「1・9・7・3」, "4 9 0 1 - 2 3 8 8", 1と2と3と4.
const DIGIT_SEP = `(?:${SPACE}{0,2}(?:[${HYPHENS}・･、,，_]|と|and|&)${SPACE}{0,2}|${SPACE}{1,3})`;
const DIGIT_RUN = new RegExp(`${DIGIT}+(?:${DIGIT_SEP}${DIGIT}+)*`, 'gu');
// Digits spelt out: "five two nine", "ichi ni san", 「ごーにーはち」「いち、きゅう、はち」.
const EN_DIGIT =
  '(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|niner|double|triple|ichi|ni|san|yon|shi|go|roku|nana|shichi|hachi|kyuu?)';
const EN_TOKEN = `(?:${EN_DIGIT}|[0-9０-９])`;
const EN_SPELT = new RegExp(
  `(?=[zotfsenirgyhkd0-9０-９])(?<![A-Za-z0-9０-９])(?<![0-9０-９][${HYPHENS}.．/ ]{1,2})${EN_TOKEN}(?:(?:${SPACE}{0,2}[,，、・･${HYPHENS}]${SPACE}{0,2}|${SPACE}{1,2}(?:and${SPACE}{1,2})?)${EN_TOKEN}){2,18}(?![A-Za-z0-9０-９])`,
  'giu',
);
const KANA_DIGIT =
  '(?:ぜろ|ゼロ|れい|まる|いち|イチ|にー|にい|ニー|に|ニ|さん|サン|よん|ヨン|しち|シチ|し|シ|ごー|ごう|ゴー|ご|ゴ|ろく|ロク|なな|ナナ|はち|ハチ|きゅう|きゅー|キュウ|キュー|きゅ|く|ク)';
const KANA_TOKEN = `(?:${KANA_DIGIT}|[0-9０-９])`;
const KANA_SPELT = new RegExp(
  `(?=[ぜゼれまいイにニさサよヨしシごゴろロなナはハきキくク0-9０-９])(?<![0-9０-９][${HYPHENS}・、,，.．/ \\u3000]{1,2})(?:(?<![ぁ-ゖァ-ヺ0-9０-９])|(?<=[はがをもわ]))${KANA_TOKEN}(?:(?:${SPACE}{0,2}[、・,，\\-－]${SPACE}{0,2}|${SPACE}{1,2})?${KANA_TOKEN}){2,18}(?![0-9０-９])` +
    '(?=$|[^ぁ-ゖァ-ヺ]|です|でした|だ|で|と|って|か|に|ね|よ|を|は|が|の)',
  'gu',
);

// Where a sentence ends: 。！？!? a line break, or a full stop before a space or the end ("pls. 4821").
const SENTENCE_END = /(?:[。！？!?]+|\.+(?=\s|$))[\s\u3000]*|\n[\s\u3000]*/gu;
// The next sentence is part of the region up to this many characters: 「…番号です。3090。」.
const NEXT_SENTENCE_CAP = 80;

// A unit or a following word that makes a number a count, amount, date or time.
const UNIT_AFTER = new RegExp(
  `^${SPACE}{0,2}(?:桁|けた|ケタ|円|万|千|年|月|日|時|分|秒|回|件|枚|歳|才|人|個|号|番(?!号)|文字|頃|ごろ|%|％|` +
    'pt|ポイント|万円|(?:yen|digits?|characters?|chars?|letters?|times|years?|days?|months?|hours?|minutes?|am|pm|st|nd|rd|th)(?![A-Za-z]))',
  'iu',
);
// Joined like a date, time, version or decimal: 4/15, 21:30, 4.2.1; or a sign of money or a reference.
const JOINED_BEFORE = new RegExp(
  `(?:${DIGIT}[/／:：.．]|[¥￥$＄#＃№+＋]|[Nn][Oo][.．]?${SPACE}?|[A-Za-zＡ-Ｚａ-ｚ][${HYPHENS}_]?|\\*${DIGIT_SEP}?)$`,
  'u',
);
const JOINED_AFTER = new RegExp(`^(?:[/／:：.．]${DIGIT}|[A-Za-zＡ-Ｚａ-ｚ%％])`, 'u');
// Names of numbers that are not secrets; a value right after one (before any secret label) stays.
const NOT_SECRET_LABEL =
  /(?:受付|申込|申し込み|会員|整理券?|注文|契約|口座|支店|店舗|郵便|〒|電話|携帯|内線|取引|明細|問い?合わ?せ|お客様|予約|エラー|ｴﾗｰ|型番|品番|機種|製造|(?:認証|確認|承認)(?:コード|番号|キー)|ワンタイム|部屋|追跡|伝票|配送|お届け|(?<![A-Za-z])(?:I[Dd]|ＩＤ|error|order|ticket|reference|ref|account|branch|store|member|phone|tel|extension|model|version|ver|verification|otp|one-time|invoice|contract|application|tracking|zip|postal)(?![A-Za-z]))/iu;
// The last digits of a card identify it without revealing it: "the last 4 digits are 4821", 「下4桁」.
const LAST_DIGITS =
  /(?:下|末尾|最後の|残りの|下の)[ 　]?[4４四](?:桁|けた|ケタ)|(?:last|final|ending(?: in| with)?|ends in)[ 　]+(?:(?:4|four)[ 　-]*digits?)?/iu;
// A year named as one: "since 2016", 「2024年」 (the unit check covers 年).
const YEAR_BEFORE = /(?:since|in|from|until|till|by|before|after|year|back in|of)\s*$/iu;
// A second label of another secret kind in between: the region of this kind ends there.
const ASCII_LOWER = (s: string) =>
  s.replace(/[\uFF01-\uFF5E]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff01 + 0x21)).toLowerCase();

// Strong context without a label. PIN: an ATM or a withdrawal and the number typed there; a code or
// number said to be used for things ("the same code for everything", 「いつも使ってる番号」).
const ATM_WORD =
  /ATM|ＡＴＭ|エーティーエム|引き?出|おろ|下ろ|出金|cash ?machine|withdraw|キャッシュカード|cash ?card/iu;
const ENTRY_WORD =
  /入れ|いれ|入力|押|打|番号|ばんごう|数字|コード|(?:時|とき)の|やつ|用の|(?<![A-Za-z])(?:enter|entered|typed?|punch|key(?:ed)? in|put in|number|code|digits)(?![A-Za-z])/iu;
const USED_CODE =
  /(?:番号|数字|コード|(?<![A-Za-z])(?:code|number|digits)(?![A-Za-z]))[^。！？!?\n]{0,24}?(?:いつも|同じ|全部|使って|使う|使い|(?<![A-Za-z])(?:for everything|for all|always|same|usual)(?![A-Za-z]))|(?:いつも|いつもの|同じ|普段|(?<![A-Za-z])(?:same|usual|always)(?![A-Za-z]))[^。！？!?\n]{0,16}?(?:番号|数字|コード|(?<![A-Za-z])(?:code|number|digits)(?![A-Za-z]))|(?<![A-Za-z])(?:i use|i used|i always use)(?![A-Za-z])[^.!?\n]{0,24}?(?<![A-Za-z])(?:for everything|for all my|everywhere)(?![A-Za-z])|全部(?:これ|それ|同じ)|どれも同じ/iu;
// PIN labels in romaji and run together: "anshou bangou", "pincode".
const PIN_EXTRA = '(?<![A-Za-z])(?:ansh[oō]u?[ -]?bang[oō]u?|ansh[oō]u|pincode|pin-code)(?![A-Za-z])';
// Security codes named by where they are: 「署名欄の横の3桁」「裏の数字3つ」「セキュコ」, "the three numbers on the back".
const SECURITY_EXTRA =
  '署名欄|カードの[3３三](?:桁|けた|ケタ)|[3３三](?:桁|けた|ケタ)の(?:コード|番号|数字|やつ)|セキュコ|せきゅこ|セキュリティ|せきゅりてぃ|セキュリテー|(?<![A-Za-z])sec(?:urity)? ?(?:code|no|number)(?![A-Za-z])|(?:裏|うら)[^。！？!?\\n]{0,8}?(?:[3３三](?:桁|けた|ケタ|つ)|数字|番号|コード)|' +
  '(?<![A-Za-z])(?:cvv2?|cvc2?|csc|security ?code|(?:3|three)[ -]?digits?[^.!?\\n]{0,12}?back|(?:numbers?|digits|code) on the back)(?![A-Za-z])';
// Passwords: what describes the value before a comma ("my cat's name, tama", 「犬の名前にしてて、ぽちです」).
const DESCRIBES =
  /名前|なまえ|誕生日|生年月日|記念日|旧姓|苗字|名字|犬|猫|ペット|好きな|地元|出身|子供|息子|娘|妻|夫|母|父|(?<![A-Za-z])(?:name|birthday|birth year|born|maiden|dog|cat|pet|favou?rite|hometown|street|school|team|song|band|movie|food|wife|husband|son|daughter|mother|father|mom|mum|dad|kid|child)(?![A-Za-z])/iu;
// What introduces a password away from its label: 「新しいのは…」「入れたのは…」, "the new one is …", "it's …".
const PW_INTRO = new RegExp(
  '(?:(?:新しい|古い|前の|今の|元の|いま|入れた|いれた|入力した|打った|登録した|設定した|変えた|変更した|使ってる|使っている|使った|決めた|つけた)(?:の|もの|やつ)(?:は|が|って)' +
    "|(?<![A-Za-z])(?:(?:the )?(?:new|old|current|previous) (?:one|password) (?:is|was)|it'?s|it (?:is|was)|(?:which|that) (?:is|was)|that'?s|namely|i (?:typed|entered|used|set|put in|tried))(?![A-Za-z])" +
    `|(?<![0-9０-９])[:：](?![0-9０-９])|[=＝→]|->)${SPACE}{0,3}`,
  'giu',
);
const PW_TOKEN = /^[!-~\uFF01-\uFF5E]{2,40}/u;
const KANA_WORD = /^[ぁ-ゖァ-ヺー]{2,12}[0-9０-９]{0,6}$/u;
const JAPANESE = /[\u3041-\u3096\u30A1-\u30FA\u30FC\u3400-\u9FFF]/u;
const KANJI = /[\u3400-\u9FFF]/u;
// Japanese that reads as a sentence, not a value: 「忘れました」「わからない」「違います」.
const SENTENCE_LIKE =
  /(?:った|いた|えた|れた|した|きた|んだ|ない|ます|です|ません|ました|ましょう|てる|ている|ください|さい|でしょう|だろう|けど|から|ので|こちら|方|済み|中|不明|なし|未設定|未登録)$|[?？]/u;
// Quoted words that name a button, a screen or a message rather than a value.
const UI_WORDS =
  /^(?:ログイン|ろぐいん|次へ|送信|確認|戻る|変更|登録|再設定|設定|OK|キャンセル|はい|いいえ|マイページ|ホーム|トップ|メニュー|アプリ|会員ページ|ログアウト|ok|login|log in|sign in|next|submit|cancel|forgot password\??|reset)$/iu;
const UI_AFTER =
  /^[ 　]*(?:の(?!は)|を|に(?:なり|なっ|変わ|も|入れ|入っ|ログイン|アクセス|行|いけ|移動|飛)|ボタン|から(?:再設定|ログイン|手続|入|進|選|アクセス)|と表示|と出|が出|が表示|って出|って表示|エラー|画面|メール|リンク|欄|(?:button|screen|error|link|message|page|tab|option|menu|field|box|window|app)(?![A-Za-z]))/iu;
const CODE_SHAPE = /^(?:[A-Z]{1,3}[-_]?\d{2,6}|[A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+|\d{3})$/u;
const CODE_RIGHT_BEFORE =
  /(?<!暗証|ピン|セキュリティ|セキュリティー|(?:pin|atm|card|security|access|pass|secret)[ 　]?)(?:コード|ｺｰﾄﾞ|(?<![A-Za-z])code)[ 　]*[:：#]?[ 　]*$/iu;
const DATE_RUN = /^(?:19|20)[0-9]{2}[ -]{1,3}(?:0?[1-9]|1[0-2])[ -]{1,3}(?:0?[1-9]|[12][0-9]|3[01])$/u;
// 4/15, 2025-04-12, 9:30, 3.5: a date, a time or a number, not a password.
const DATE_OR_TIME = /^[0-9０-９]+(?:[-/.:／．：][0-9０-９]+)+$/u;
// After a password label and は / って / :, a kana word and then the sentence's end or a copula.
const KANA_AFTER_LABEL =
  /^([ 　]*(?:は|わ|って|[:：=＝])?[ 　]*[、,，]?[ 　]*)([ぁ-ゖァ-ヺー]{2,12}[0-9０-９]{0,6})(?=[ 　]*(?:$|[。．.!！\n]|です|でした|だよ|だった))/u;
// Kana words that say something about the password rather than being it.
const NOT_A_KANA_VALUE =
  /^(?:ひらがな|カタカナ|かたかな|ローマじ|すうじ|えいご|まだ|なし|ナシ|ない|ある|おなじ|いっしょ|べつ|ひみつ|なに|なん|これ|それ|あれ|どれ|ダメ|だめ|ちがう|オッケー|オーケー|わからない|わからん|しらない|わすれた|ふめい|いっしょ|おなじ|べつ)$/u;
// A state shown by a screen: 「完了」になった, 「無効」と出た.
const STATUS_WORD =
  /^(?:完了|成功|失敗|無効|有効|済み|変更済み|設定済み|登録済み|未設定|未登録|確認中|処理中|エラー|ロック中?)$/u;
const ANY_DIGIT_ONE = new RegExp(`^${DIGIT}$`, 'u');
const PIN_PART = new RegExp(
  `((?:下|上|最初の|最後の|前半の?|後半の?|頭の?|末尾の?|(?<![A-Za-z])(?:first|last)${SPACE})${SPACE}?(?:[23２３二三]|two|three)${SPACE}?(?:桁|けた|ケタ|digits?)` +
    `${SPACE}?(?:は|が|って|[:：]|is|are)?${SPACE}*)(${DIGIT}(?:${SPACE}{0,2}[、,・-]?${SPACE}{0,2}${DIGIT}){1,2})(?!${SPACE}?${DIGIT})(?!${SPACE}{0,2}(?:回|円|桁|けた|日|時|分|年|月|歳|才|件|枚|番|%|％|times|yen))`,
  'giu',
);
const DIGIT_SEP_ONE = new RegExp(DIGIT_SEP, 'u');
// A quote that gives a hint, an example or a rule rather than the value: 「ヒントは「好きな色」」.
const HINT_BEFORE =
  /(?:ヒント|hint|例えば|例|example|e\.g\.|質問|question|条件|ルール|rules?)(?:は|が|って|[:：\s]|is)*$/iu;
const MAIL_OR_WEB = /@|https?:|www\.|\.(?:com|jp|net|org)\b/iu;

interface Region {
  start: number;
  end: number;
}

const NOT_SECRET_LABEL_ALL = new RegExp(NOT_SECRET_LABEL.source, 'giu');
const EN_DIGIT_ALL = new RegExp(`(?<![A-Za-z])${EN_DIGIT}(?![A-Za-z])|[0-9０-９]`, 'giu');
const KANA_DIGIT_ALL = new RegExp(`${KANA_DIGIT}|[0-9０-９]`, 'gu');
// A spelt run needs one spelt digit at least: plain digits are the digit runs' (with their exits).
const SPELT_WORD = /[^0-9０-９\s、,，・-]/u;

export function createContextPass(labels: ContextLabels): (text: string, found: Set<ContextKind>) => string {
  const pinLabel = new RegExp(`${labels.pin}|${PIN_EXTRA}`, 'giu');
  const pinContext = new RegExp(labels.pinContext, 'u');
  const passwordLabel = new RegExp(labels.password, 'gu');
  const cardLabel = new RegExp(
    `${labels.card}|クレカ|クレジット|カード|かーど|ｶｰﾄﾞ|(?<![A-Za-z])(?:credit card|card)(?![A-Za-z])`,
    'giu',
  );
  const securityLabel = new RegExp(`${labels.security}|${SECURITY_EXTRA}`, 'giu');
  const anySecretLabel = new RegExp(
    `${labels.pin}|${labels.password}|${labels.card}|${labels.security}`,
    'u',
  );
  const weakPassword = /^(?:パス|ぱす|pass)$/iu;

  /** Sentences as [start, end) spans, the end mark included. */
  function sentences(text: string): Array<[number, number]> {
    const spans: Array<[number, number]> = [];
    let start = 0;
    for (const m of text.matchAll(SENTENCE_END)) {
      const end = (m.index ?? 0) + m[0].length;
      spans.push([start, end]);
      start = end;
    }
    if (start < text.length) spans.push([start, text.length]);
    return spans;
  }

  /** Regions of one kind: the sentence of each trigger and (capped) the next one, overlaps merged. */
  function regions(text: string, spans: Array<[number, number]>, trigger: (s: string) => boolean): Region[] {
    const out: Region[] = [];
    for (let i = 0; i < spans.length; i++) {
      const [s, e] = spans[i]!;
      if (!trigger(text.slice(s, e))) continue;
      const next = spans[i + 1];
      const end = next ? Math.min(next[1], next[0] + NEXT_SENTENCE_CAP) : e;
      const last = out.at(-1);
      if (last && last.end >= s) last.end = Math.max(last.end, end);
      else out.push({ start: s, end });
    }
    return out;
  }

  const has = (re: RegExp) => {
    const one = new RegExp(re.source, re.flags.replace('g', ''));
    return (sentence: string) => {
      if (re !== passwordLabel) return one.test(sentence);
      for (const m of sentence.matchAll(re)) if (!weakPassword.test(m[0])) return true;
      return false;
    };
  };
  const hasSecurity = has(securityLabel);
  const hasCard = has(cardLabel);
  const hasPin = has(pinLabel);
  const hasPassword = has(passwordLabel);
  const hasStrongContext = (s: string) =>
    (ATM_WORD.test(s) && ENTRY_WORD.test(s)) || USED_CODE.test(s) || pinContext.test(s);

  /** The nearest label before `at` (within 24 characters) names something that is not a secret. */
  function namedOtherwise(text: string, at: number): boolean {
    const before = text.slice(Math.max(0, at - 24), at);
    let lastOther = -1;
    for (const m of before.matchAll(NOT_SECRET_LABEL_ALL)) lastOther = (m.index ?? 0) + m[0].length;
    if (lastOther < 0) return false;
    const tail = before.slice(lastOther);
    return !anySecretLabel.test(tail);
  }

  function digitExit(text: string, at: number, run: string, kind: ContextKind): boolean {
    const before = text.slice(Math.max(0, at - 12), at);
    const after = text.slice(at + run.length, at + run.length + 12);
    if (UNIT_AFTER.test(after) || JOINED_AFTER.test(after) || JOINED_BEFORE.test(before)) return true;
    if (SHOWN_AFTER.test(after)) return true;
    if (/[+＋][0-9０-９][0-9０-９\s-]*$/u.test(text.slice(Math.max(0, at - 8), at))) return true; // +81 90 …
    // A postal code: 100-0001.
    if (/^[0-9０-９]{3}[-‐－ー][0-9０-９]{4}$/u.test(run)) return true;
    // A date: 2023-11-05, 2025 04 12, 20２５ー4ー1.
    if (DATE_RUN.test(run.normalize('NFKC').replace(/[ー－‐]/gu, '-'))) return true;
    // An amount: 12,000 / 1，280.
    if (/^[0-9０-９]{1,3}(?:[,，][0-9０-９]{3})+$/u.test(run)) return true;
    if (namedOtherwise(text, at)) return true;
    // 「コード 1201 が出る」, "code: 2101": a code shown by a screen, unless a secret's own ("PIN code").
    return kind !== 'security_code' && CODE_RIGHT_BEFORE.test(text.slice(Math.max(0, at - 20), at));
  }

  interface Found {
    at: number;
    raw: string;
    /** Digits in it (spelt ones counted one each). */
    count: number;
    spelt: boolean;
  }

  /** Every digit run and spelt run of the text, found once per call and shared by all regions. */
  function candidates(text: string): Found[] {
    const out: Found[] = [];
    for (const m of text.matchAll(DIGIT_RUN)) {
      out.push({ at: m.index ?? 0, raw: m[0], count: m[0].match(ANY_DIGIT)?.length ?? 0, spelt: false });
    }
    for (const re of [EN_SPELT, KANA_SPELT]) {
      for (const m of text.matchAll(re)) {
        if (!SPELT_WORD.test(m[0].replace(/and/giu, ''))) continue;
        out.push({ at: m.index ?? 0, raw: m[0], count: countSpelt(m[0], re === EN_SPELT), spelt: true });
      }
    }
    return out.sort((x, y) => x.at - y.at);
  }

  /** Index of the first candidate at or after `at`. */
  function firstFrom(list: Found[], at: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function maskDigitsIn(
    text: string,
    units: string[],
    list: Found[],
    exits: Map<number, boolean>,
    region: Region,
    kind: ContextKind,
    min: number,
    max: number,
  ): boolean {
    let hit = false;
    for (let k = firstFrom(list, region.start); k < list.length; k++) {
      const { at, raw: run, count: digits, spelt } = list[k]!;
      if (at + run.length > region.end) break;
      if (digits < min || digits > max || changed(text, units, at, run.length)) continue;
      // The exits do not depend on the kind, but for a code's own "code 1201" (security codes).
      const key = at * 2 + (kind === 'security_code' ? 1 : 0);
      let exit = exits.get(key);
      if (exit === undefined) {
        exit = digitExit(text, at, run, kind);
        exits.set(key, exit);
      }
      if (exit) continue;
      if (spelt) {
        for (let i = 0; i < run.length; i++) if (!/[\s,、，・･\-－]/u.test(run[i]!)) units[at + i] = MASK;
        hit = true;
        continue;
      }
      const plain = run.replace(/[^0-9０-９〇零一二三四五六七八九]/gu, '');
      if (kind === 'card_number') {
        if (/^[0０]/u.test(plain) && digits <= 11) continue; // a phone number
      } else {
        const before = text.slice(Math.max(0, at - 40), at);
        if (LAST_DIGITS.test(before.slice(-28))) continue;
        if (/^(?:19|20)[0-9]{2}$/u.test(plain) && YEAR_BEFORE.test(before)) continue;
      }
      let keep = kind === 'card_number' && digits >= 13 ? 4 : 0;
      for (let i = run.length - 1; i >= 0; i--) {
        if (!/[0-9０-９〇零一二三四五六七八九]/u.test(run[i]!)) continue;
        if (keep > 0) keep--;
        else units[at + i] = MASK;
      }
      hit = true;
    }
    return hit;
  }

  function countSpelt(s: string, english: boolean): number {
    return s.match(english ? EN_DIGIT_ALL : KANA_DIGIT_ALL)?.length ?? 0;
  }

  // ---- passwords ----

  function plausibleValue(raw: string, after: string, quoted = false): boolean {
    const value = raw.trim();
    if (DATE_OR_TIME.test(value)) return false;
    if (value.length < 2 || value.includes(PASSWORD_MASK) || /[*＊]{3}/u.test(value)) return false;
    if (UI_WORDS.test(value) || UI_AFTER.test(after) || MAIL_OR_WEB.test(value)) return false;
    if (anySecretLabel.test(value) || NOT_SECRET_LABEL.test(value)) return false;
    if (CODE_SHAPE.test(value)) return false;
    if (UNIT_AFTER.test(after) && /[0-9０-９]$/u.test(value)) return false;
    if (
      !/[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3041-\u3096\u30A1-\u30FA\u3400-\u9FFF]/u.test(
        value,
      )
    )
      return false;
    if (/^[ 　]*(?:です|でした|だ)?(?:か|かな|よね)(?![ぁ-ゖ])/u.test(after)) return false; // a question about it
    if (NOT_A_KANA_VALUE.test(value) || STATUS_WORD.test(value)) return false;
    if (JAPANESE.test(value)) {
      if (
        /[0-9０-９〇一二三四五六七八九十](?:時間|分|日|回|桁|けた|文字|円|年|月|件|週間|か月|ヶ月)/u.test(
          value,
        )
      )
        return false;
      if (SENTENCE_LIKE.test(value) || (!quoted && /[をがへ]|(?<=[\u3400-\u9FFF])に/u.test(value)))
        return false;
      if (/半角|全角|英数|記号|文字|桁/u.test(value)) return false;
      return true;
    }
    const words = value.split(/[\s\u3000]+/u).filter(Boolean);
    if (words.length > 5 || /[?？]$/u.test(value)) return false;
    return words.every((w) => {
      const lw = ASCII_LOWER(w).replace(/[.,!;:)"'”’]+$/u, '');
      return lw.length > 0 && !labels.commonWord(lw) && !COMMON_EN.has(lw);
    });
  }

  function maskPasswordsIn(text: string, units: string[], region: Region): boolean {
    let hit = false;
    const slice = text.slice(region.start, region.end);
    const put = (at: number, len: number) => {
      if (namedOtherwise(text, at)) return; // 「ID：yamada01」

      for (let i = at; i < at + len; i++) if (units[i] !== text[i]) return; // masked already
      units[at] = PASSWORD_MASK;
      for (let i = 1; i < len; i++) units[at + i] = '';
      hit = true;
    };
    // Quoted anywhere in the region: 「入れたのは「さくらもち」」, たぶん「ひまわり」だった.
    for (const m of slice.matchAll(QUOTED)) {
      const body = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
      const at = region.start + (m.index ?? 0) + 1;
      const after = text.slice(at + body.length + 1, at + body.length + 13);
      if (HINT_BEFORE.test(text.slice(Math.max(0, at - 13), at - 1))) continue;
      if (!plausibleValue(body, after, true)) continue;
      put(at, body.length);
    }
    // After what introduces it: 「新しいのはKoala*2025で」, "it's kiwi", "two words: purple rain", 「：パンダ好き」.
    for (const m of slice.matchAll(PW_INTRO)) {
      const at = region.start + (m.index ?? 0) + m[0].length;
      const rest = text.slice(at, Math.min(region.end, at + 48));
      const value = valueAt(rest, /[:：=＝→]|->/u.test(m[0]), true);
      if (!value) continue;
      put(at, value.length);
    }
    // A kana word that is all the label's sentence says: 「パスワードは、はるなつあき」.
    for (const m of slice.matchAll(passwordLabel)) {
      if (weakPassword.test(m[0])) continue;
      const from = region.start + (m.index ?? 0) + m[0].length;
      const k = KANA_AFTER_LABEL.exec(text.slice(from, Math.min(region.end, from + 24)));
      if (!k) continue;
      const word = k[2]!;
      if (NOT_A_KANA_VALUE.test(word) || SENTENCE_LIKE.test(word) || /[かねよなわ]$/u.test(word)) continue;
      put(from + k[1]!.length, word.length);
    }
    // Digits typed one by one after a password label: "passcode 4 4 8 1".
    for (const m of slice.matchAll(DIGIT_RUN)) {
      const at = region.start + (m.index ?? 0);
      const groups = m[0].split(DIGIT_SEP_ONE);
      if (groups.length < 4 || groups.some((g) => g.length > 2)) continue;
      if (digitExit(text, at, m[0], 'password') || changed(text, units, at, m[0].length)) continue;
      for (let i = 0; i < m[0].length; i++) if (ANY_DIGIT_ONE.test(m[0][i]!)) units[at + i] = MASK;
      hit = true;
    }
    // After a describing phrase and a comma: "my cat's name, tama", 「犬の名前にしてて、ぽちです」.
    for (const m of slice.matchAll(COMMA)) {
      const cut = region.start + (m.index ?? 0);
      const lead = text.slice(Math.max(region.start, cut - 40), cut);
      if (!DESCRIBES.test(lead)) continue;
      const at = cut + m[0].length;
      const rest = text.slice(at, Math.min(region.end, at + 40));
      const value = valueAt(rest, false, true);
      if (!value) continue;
      put(at, value.length);
    }
    return hit;
  }

  /** The value at the start of `rest`, ending at a copula, a comma or the sentence end. */
  /** `phrase`: a few words may make the value ("it's blue moon", "my dog's name, big max"). */
  function valueAt(rest: string, explicit: boolean, phrase = false): string | undefined {
    if (rest.startsWith('*')) return undefined;
    // Words up to the sentence end, or up to a Japanese copula / particle.
    const m =
      /^([^。．.!！?？\n、,，「」『』"“”（()）]{1,40}?)(?=(?:です|でした|だよ|だった|だと|で(?![ぁ-ゖ])|にして|に設定|にしま|にした|と思|かな|かも)|[。．!！\n、,，（()）]|[.]\s|[.]?$|\s+(?:and|but|so|pls|please|thanks|can|could|is)\b)/iu.exec(
        rest,
      );
    if (!m) return undefined;
    const value = m[1]!.replace(/[\s\u3000]+$/u, '');
    if (value.length < 2) return undefined;
    const after = rest.slice(m[1]!.length);
    const japanese = JAPANESE.test(value);
    const words = value.split(/[\s\u3000]+/u).filter(Boolean);
    if (!explicit) {
      // Without a mark: one token, or a kana word, unless it ends the sentence after a description.
      if (words.length > (phrase ? 3 : 1)) return undefined;
      if (japanese && (KANJI.test(value) || !KANA_WORD.test(value))) return undefined;
      if (!japanese && !PW_TOKEN.test(value)) return undefined;
    } else if (words.length > 4) return undefined;
    if (!plausibleValue(value, after)) return undefined;
    return value;
  }

  return function maskInContext(text: string, found: Set<ContextKind>): string {
    const kinds: Array<[ContextKind, (s: string) => boolean, number, number]> = [
      ['pin', hasPin, 4, 8],
      // No label, strong context: exactly four digits.
      ['pin', hasStrongContext, 4, 4],
      ['security_code', hasSecurity, 3, 4],
      ['card_number', hasCard, 12, 19],
    ];
    const present = kinds.filter(([, test]) => test(text));
    const password = hasPassword(text);
    if (present.length === 0 && !password) return text;
    const spans = sentences(text);
    const units = text.split('');
    const pinRegions: Region[] = [];
    let shapes: Found[] | undefined;
    const exits = new Map<number, boolean>();
    // Part of a PIN named as a part: 「暗証番号の下二桁は 3 8」, "the first two digits are 4 7".
    if (present.some(([kind, test]) => kind === 'pin' && test === hasPin)) {
      for (const m of text.matchAll(PIN_PART)) {
        const at = (m.index ?? 0) + m[1]!.length;
        if (!hasPin(text.slice(Math.max(0, at - 40), at))) continue;
        for (let i = 0; i < m[2]!.length; i++) if (ANY_DIGIT_ONE.test(m[2]![i]!)) units[at + i] = MASK;
        found.add('pin');
      }
    }
    for (const [kind, test, min, max] of present) {
      const list = regions(text, spans, test);
      if (kind === 'pin') pinRegions.push(...list);
      for (const region of list) {
        // Where a PIN is named too, four digits are the PIN's, not a (4-digit) security code.
        const withPin =
          kind === 'security_code' && pinRegions.some((r) => r.start < region.end && region.start < r.end);
        shapes ??= candidates(text);
        if (maskDigitsIn(text, units, shapes, exits, region, kind, min, withPin ? 3 : max)) found.add(kind);
      }
    }
    if (password) {
      for (const region of regions(text, spans, hasPassword)) {
        if (maskPasswordsIn(text, units, region)) found.add('password');
      }
    }
    return units.join('');
  };
}

function changed(text: string, units: string[], at: number, len: number): boolean {
  for (let i = at; i < at + len; i++) if (units[i] !== text[i]) return true;
  return false;
}

const QUOTED = /「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|"([^"\n]{1,40})"|“([^“”\n]{1,40})”/gu;
const COMMA = /(?:[、,，(（]|\s[-–—]|[–—])\s*/gu;
const COMMON_EN = new Set(
  (
    'i you he she we they me it its is was be are am do does did how what why when where who can could would will ' +
    'which please thanks thank help so and or but if then than that this these those the a an my your our their to of in ' +
    'on at for with by from up down out about just also very really still again not no yes ok okay sorry hi hello ' +
    'pls plz lol now today yesterday tomorrow number numbers digits code card pin password work working ' +
    'error session timeout expired failed denied account user access try later went something unavailable ' +
    'unable retry continue confirm verify update settings remember show hide sign register home menu page'
  ).split(' '),
);
