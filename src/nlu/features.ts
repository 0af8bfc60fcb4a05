// Features of a normalised message: character n-grams for Japanese (no word segmentation needed,
// robust to kana/kanji mixing and typos), stemmed words and word bigrams for English, and
// language-independent concept tags. A concept fires for 「忘れた」 and for "forgot" alike, so
// English examples teach the Japanese side and the other way round.

import { normalize } from './normalize.js';

// Patterns are written against normalised text: hiragana only, no long-vowel marks, canonical
// spellings from normalize.ts (ろぐいん/login, webid, 暗証番号, ぱすわど/password, 振込, 引落, …).
const CONCEPTS: ReadonlyArray<readonly [string, RegExp]> = [
  [
    'LOGIN',
    /ろぐいん|login|まいぺじ|会員(?:ぺじ|さいと|専用|向け|ろぐいん)|members? ?(?:site|page|area)|入り方|入れ|はいれ|入る|はいる|あくせす|access|get into/,
  ],
  ['WEBID', /webid/],
  ['ID', /(?<![a-z])id(?![a-z])|(?<=[^a-z])id/],
  ['CARDNO', /かど(?:の)?番号|card ?(?:number|no)|会員番号|member number/],
  ['PASSWORD', /ぱすわど|password|(?<![a-z])pass(?![a-z])|ぱす(?![ぽた])/],
  ['PIN', /暗証番号|(?<![a-z])pin(?![a-z])|4桁|四桁/],
  ['FORGET', /忘れ|思い出せ|おもいだせ|覚えて(?:い)?な|失念|だっけ|だったか|forg[eo]t|remember|recall/],
  ['UNKNOWN', /わから|知らな|しらな|不明|don'?t know|not sure/],
  [
    'RESET',
    /再設定|りせっと|reset|変更|変え|change|新しく|再発行|reissue|再登録|作り直|new (?:password|pin)/,
  ],
  [
    'LOSE',
    /なく(?:し|な|て)|紛失|落とし|落とした|おとし|見つから|みつから|どっかいった|どこかに|どこにも|行方不明|置き忘れ|(?<![a-z])lost|(?<![a-z])lose|missing|misplace|dropped|can'?t find/,
  ],
  ['STEAL', /盗|ぬすま|すられ|ひったくり|空き巣|取られ|とられ|stole|theft|robbed|pickpocket/],
  ['WALLET', /財布|かばん|鞄|wallet|purse|(?<![a-z])bag(?![a-z])/],
  ['CARD', /かど(?!う)|(?<![a-z])card/],
  ['STOP', /止め|停止|とめて|(?<![a-z])block|freeze|suspend/],
  [
    'ERROR',
    /えら|error|失敗|(?<![a-z])fail|弾か|はじか|無効|invalid|incorrect|reject|反応しな|真っ白|戻され|kicked|おかしい|誤り|違います(?:って|と)|違うと/,
  ],
  ['LOCK', /ろっく|(?<![a-z])lock|blocked/],
  [
    'CANT',
    /うまく(?:い|行)か|うまくいきません|(?:でき|でけ)(?:ない|ません|ん|ず|へん|なく)|むり|無理|不可|入れな|はいれな|can'?t|cannot|unable|won'?t|doesn'?t work|not working|つながらな|進めな/,
  ],
  [
    'REGISTER',
    /登録|register|registration|signup|create an account|account creation|あかうんと(?:作|登録)|会員にな|become a .*member|ゆざ/,
  ],
  [
    'ISSUE',
    /(?<!再)発行|取得|作り|作る|作成|つく|申請|もらう|手に入|持って(?:い)?な|(?<![a-z])get (?:a|one)|obtain|create|make|issue|set ?up|apply/,
  ],
  ['WHATIS', /とは|って(?:なに|何)|何(?:ですか)?$|なに$|意味|what is|what'?s|meaning/],
  [
    'HOWTO',
    /方法|やり方|仕方|しかた|手順|どうやって|どうやる|どうすれば|どうしたら|どこ|(?<![a-z])how|where|steps|instructions/,
  ],
  ['PHONE', /電話|こるせんた|ふりだいやる|0120|(?<![a-z])phone|(?<![a-z])call(?![a-z])|toll/],
  [
    'CONTACT',
    /問い合わせ|連絡|窓口|さぽと|support|contact|(?<![a-z])reach|customer service|inquir|返事|返信|回答|reply|respond|answer/,
  ],
  [
    'HOURS',
    /何時|時間|営業|受付|24時間|土日|夜|週末|深夜|(?<![a-z])hours?|(?<![a-z])open(?![a-z])|weekend|night/,
  ],
  [
    'HUMAN',
    /人間|人と|人に|人が|人い|担当|おぺれた|すたっふ|係|有人|中の人|生身|相談員|human|person|agent|operator|staff|representative|someone/,
  ],
  ['MESSAGE', /伝言|めっせじ|残し|残す|折り返し|leave a message|call me back/],
  ['PAY', /返済|支払|払|返す|返し|(?<![a-z])pay|repay/],
  ['DUE', /返済日|支払日|期日|約定日|いつ|(?<![a-z])due|(?<![a-z])date|(?<![a-z])when/],
  ['LATE', /遅れ|遅延|延滞|滞納|間に合わな|過ぎ|払えな|待って|(?<![a-z])late|missed|overdue/],
  ['AMOUNT', /いくら|金額|額|残高|残り|完済|一括|how much|amount|balance|(?<![a-z])owe|pay off/],
  ['INTEREST', /利息|金利|利率|interest|(?<![a-z])rate/],
  ['SERVICE', /さびす|service|機能|feature|できること|何ができ|特典|benefit/],
  [
    'ONLINE',
    /web|ねっと|おんらいん|online|すまほ|あぷり|smartphone|(?<![a-z])app(?![a-z])|家から|atmに行か|without going/,
  ],
  ['TRANSFER', /振込|瞬ふり|送金|入金|shunfuri|transfer|(?<![a-z])wire|deposit|send money|口座に|口座へ/],
  ['BANK', /銀行|ばんく|口座|(?<![a-z])bank/],
  ['POINT', /ぽいんと|point|reward|loyalty/],
  [
    'DEBIT',
    /口座振替|口ふり|引落|自動(?:で|返済|に|引)|direct debit|auto ?pay|auto debit|automatic|kuchifuri|withdrawal/,
  ],
  [
    'GREET',
    /こんにち|こんばん|おはよ|^やあ|もしもし|はじめまして|はろ|やっほ|hello|(?<![a-z])hi(?![a-z])|(?<![a-z])hey|good (?:morning|afternoon|evening)|howdy|greetings|^yo$|^morning$|お疲れ|おつかれ|お世話に|^どうも$/,
  ],
  [
    'HELP',
    /へるぷ|(?<![a-z])help|めにゅ|menu|使い方|何ができ|できること|what can (?:you|i)|options|commands|質問|聞きたい|聞けば/,
  ],
  [
    'THANKS',
    /ありがと|ありがて|感謝|さんきゅ|あざ(?:す|っす)|助か|thank|thx|(?<![a-z])ty(?![a-z])|cheers|appreciate/,
  ],
  [
    'BYE',
    /さよなら|さようなら|ばいばい|またね|また来|失礼します|おやすみ|(?<![a-z])bye|see (?:you|ya)|以上です|that'?s (?:all|everything)|もう大丈夫/,
  ],
  [
    'CANCEL',
    /きゃんせる|やめ|取り消|中断|中止|もういい|いいや|終了|戻|やり直|すとっぷ|^止めて|cancel|(?<![a-z])stop|quit|abort|never ?mind|forget (?:it|about)|start over|go back|(?<![a-z])exit|scratch that|なんでもない|別にいい/,
  ],
  [
    'OTHERLOAN',
    /住宅ろん|車のろん|くれじっとかど|審査|限度額|増額|他社|mortgage|credit card|credit check|credit limit|new loan/,
  ],
];

const EN_STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'to',
  'of',
  'for',
  'on',
  'in',
  'at',
  'is',
  'are',
  'am',
  'be',
  'it',
  'this',
  'that',
  'and',
  'or',
  'please',
  'me',
  'my',
  'i',
  "i'm",
  'you',
  'your',
  'do',
  'does',
  'can',
  'with',
]);

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const TOKEN = /[a-z0-9']+|[^\sa-z0-9']+/g;

/** Feature names with weights for one normalised text. */
export function featuresOfNormalized(normalized: string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (name: string, weight: number) => out.set(name, (out.get(name) ?? 0) + weight);

  const concepts: string[] = [];
  for (const [name, pattern] of CONCEPTS) {
    if (pattern.test(normalized)) {
      concepts.push(name);
      add(`c:${name}`, 1.5);
    }
  }
  // Pairs let a linear model tell FORGET+PIN from FORGET+WEBID from LOSE+CARD.
  for (let i = 0; i < concepts.length; i++) {
    for (let j = i + 1; j < concepts.length; j++) add(`cc:${concepts[i]}+${concepts[j]}`, 1);
  }
  if (concepts.length === 0) add('c:NONE', 1);

  const words: string[] = [];
  for (const token of normalized.match(TOKEN) ?? []) {
    if (/^[a-z0-9']+$/.test(token)) {
      if (EN_STOPWORDS.has(token)) continue;
      const w = stem(token);
      words.push(w);
      add(`w:${w}`, 1);
      // Character trigrams inside longer words absorb typos (pasword, loggin, recieve).
      if (w.length >= 5) {
        const padded = `<${w}>`;
        for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3);
      }
    } else {
      // Japanese run: character 1- to 3-grams with boundary markers.
      const run = `^${token}$`;
      for (let n = 1; n <= 3; n++) {
        for (let i = 0; i + n <= run.length; i++) {
          const gram = run.slice(i, i + n);
          if (gram === '^' || gram === '$') continue;
          add(`j${n}:${gram}`, n === 1 ? 0.4 : 1);
        }
      }
    }
  }
  for (let i = 0; i + 1 < words.length; i++) add(`b:${words[i]}_${words[i + 1]}`, 1);
  return out;
}

export function featuresOf(text: string): Map<string, number> {
  return featuresOfNormalized(normalize(text));
}

export function conceptsOf(text: string): string[] {
  const normalized = normalize(text);
  return CONCEPTS.filter(([, pattern]) => pattern.test(normalized)).map(([name]) => name);
}
