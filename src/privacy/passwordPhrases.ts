// Second-round guard for password values in the phrasings members use, not only 「パスワードは X」:
// - Japanese text: a Latin-letter word anywhere shortly after a password label or its abbreviation
//   (ぱす, パス, PW, 密码), however it is joined (「母の旧姓のyamaguchiにしてた」「たぶん A か B」
//   「一回目 X 二回目 Y」); a kana word before a copula (「…、おおさかじょう や」「すずきかずこ全部ひらがな」);
//   a described value (「犬の名前のポチです」); letters typed one by one ("m a t s u r i 2 0");
//   a quoted Latin value later in the sentence (『kuma no pu 3』).
// - English text: "typing hunter2", "login / Passw0rd!", "changed my password to 'x y'",
//   "set 'x' as my password", "my pass is x", "password: several words".
// Exits: IDs, e-mail and web addresses, error and model codes, common and service words, counts.
// Linear: windows after labels are bounded; every pattern has bounded repetition only.

export const PASSWORD_MASK = '********';

const JA_LABEL =
  /(?<!ワンタイム|ワンタイム・|one-time |one time )(?:パスワード|ぱすわーど|ぱすわど|ぱすわ|パスワ|パスコード|ぱすこーど|ログインパス|パス(?!ポート|タ|ワ|テル|ト|ネット|ケース)|ぱす(?!た)|密码|密碼|(?<![!-~])(?:PW|pw|ＰＷ|Pw)(?![A-Za-z/.])|ログインの?(?:時|とき)に?(?:入れる|打つ|使う|入力する)(?:文字列|文字|もの|やつ))/gu;
const HAS_KANA = /[ぁ-ゖァ-ヺ]/u;
// Letters, digits and the symbols passwords use; brackets, quotes and Japanese punctuation end a token.
const LATIN_TOKEN = /[!#-&*-+\--;=?-Z\\^-z|~Ａ-Ｚａ-ｚ０-９！＃＄％＆＊＋－．＿～＠]+/gu;
const HAS_LETTER = /[A-Za-zＡ-Ｚａ-ｚ]/u;
const WINDOW = 80;
// A member's message names a password a few times at most; the cap keeps a text made of labels cheap.
const MAX_WINDOWS = 24;
const KANA_WINDOW = 48;

// Words after a password label that are not its value: actions, services, devices, kinds of text.
const COMMON = new Set(
  (
    'id web web-id webid pc sms mail email e-mail url login log-in logout app ios android iphone ipad ' +
    'reset change changed forgot forget new old ok ng yes no wifi wi-fi atm pin qr otp sns faq help error ' +
    'chrome safari edge firefox google yahoo gmail line icloud apple amazon paypay windows mac password ' +
    'pass pw the a an and or to is of in on at my your it this that not wrong incorrect invalid correct ' +
    'caps lock capslock shift enter tab copy paste mode on off online offline site page link mypage my-page ' +
    'face touch faceid touchid sign signin sign-in form box field screen button code number ' +
    // Words a screen or an app shows (「loadingのまま」「updateしたら」).
    'loading loop retry timeout update upgrade download install uninstall setting settings menu home top ' +
    'back next cancel save delete edit support message notification submit send confirm bug version browser cache cookies account user username member guest admin test demo sample example'
  ).split(' '),
);
const DEVICE =
  /^(?:iphone|ipad|android|windows|ios|macos|pixel|galaxy|xperia|aquos|chrome|edge|firefox|safari|win)[0-9.]*$/iu;
const ID_BEFORE =
  /(?:ID|ＩＤ|[Ii]d|アイディ|ユーザー(?:名|ID)?|メール(?:アドレス)?|アドレス|会員番号|エラー(?:コード)?|コード|型番|機種|[Ee]rror|[Cc]ode|[Mm]odel)[ 　]*[:：は=が（([]?[ 　]*$/u;
const CODE_SHAPE = /^[A-Z]{1,6}[-‐]?[0-9]+[A-Z]?$/u;
// A Latin word used as a noun of the sentence, not typed as a value: part of a compound
// (submitボタン, versionは), an example (abcみたいな), or the subject of a question (bugですか).
const NOUN_USE_AFTER =
  /^(?:[ァ-ヺ]|(?![設入変登])[一-龯]|みたい|のよう|とか|など|なんか|[はがをも](?![ぁ-ゖ]{0,2}$)|ですか|でしょうか|なの[?？か])/u;
const UNIT_AFTER = /^[ 　]?(?:文字|桁|けた|回|characters?|chars?|digits?|letters?)/u;

function normal(s: string): string {
  return s.normalize('NFKC');
}

function isLatinValue(token: string, before: string, after: string): boolean {
  const t = normal(token).replace(/^[-.:;,!?+]+|[-.:;,?+]+$/gu, '');
  if (t.length < 3 || !HAS_LETTER.test(t) || t.includes('*')) return false; // what is left of a mask
  if (t.includes('@') || /^(?:https?:|www\.)/iu.test(t) || CODE_SHAPE.test(t)) return false;
  if (COMMON.has(t.toLowerCase()) || /[{}]/u.test(t)) return false;
  if (DEVICE.test(t)) return false; // iPhone15, Android13, Windows11
  // Part of an English phrase in a Japanese text ("since 2018", "the login form"): not a value.
  if (/[A-Za-z][A-Za-z']* $/u.test(before) || /^ [A-Za-z0-9]/u.test(after)) return false;
  if (/^[A-Z]{2,6}$/u.test(t) || /^[A-Z][a-z]+$/u.test(t)) return false; // SMS, URL, Google
  if (/^[a-z]-[a-z]$/iu.test(t)) return false; // a-z
  if (ID_BEFORE.test(before) || UNIT_AFTER.test(after)) return false;
  if (/[{]$/u.test(before) || /^[}]/u.test(after)) return false; // a template slot
  if (NOUN_USE_AFTER.test(after)) return false;
  if (/[!-~]$/u.test(before)) return false; // the tail of a longer token (a web address)
  return true;
}

// Kana values: a kana word before a copula or a word about how it is written.
const KANA_FOLLOW =
  /^[ 　]?(?:です|でした|や(?![ぁ-ゖ]{2})|やで|やねん|やけど|だよ|だ(?![ぁ-ゖ])|たい|がや|じゃ|ばい|かな|かも|にして|にした|にしてた|にしてる|に設定|で登録|で設定|全部|ぜんぶ|と(?:いう|言う))/u;
// Where a kana value may start: right after the label and its particle, after punctuation or a
// space, or after a description (「犬の名前の」「旧姓の」).
const KANA_START =
  /^(?:[はをがも]|って|、|,|[ 　:：])*|[、,，\s　「『:：。？?！!…]+|(?:名前|なまえ|旧姓|名字|誕生日|ペット|あだ名|あだな)の/gu;
const KANA_VALUE = new RegExp(`([ぁ-ゖァ-ヺー・♡☆★]{2,24}?)(?=${KANA_FOLLOW.source.slice(1)})`, 'uy');
const FILLER_PREFIX =
  /^(?:なんだっけ|なんやっけ|えーと|えっと|えーっと|たしか|たぶん|あの|えー|はい|うーん)+/u;
const NOT_KANA_VALUE =
  /わから|わす|忘|ない|ません|まし|でき|して|くださ|おしえ|どう|なに|なん(?!だっけ)|いい|ちが|まちが|よく|ってい|っていう|ひらがな|カタカナ|かたかな|ローマ字|すうじ|きごう|おなじ|いっしょ|むずかし|ログイン|ろぐいん|パスワード|ぱすわーど|メール|アプリ|ます$|ました$|る$|い$/u;

// Kana words that answer about a password without being one: 「まだです」「これです」「なしです」.
const KANA_FUNCTION_WORDS = new Set(
  'やつ もの こと まだ もう これ それ あれ どれ ここ そこ なし ナシ だめ ダメ むり ムリ おなじ いっしょ ほんと そう こう ひみつ ヒミツ いえ いいえ うん はい ちょっと'.split(
    ' ',
  ),
);
// A quoted kana word before a copula: 「みけ」やで, 「たんぽぽ」です.
const JA_QUOTED_KANA = /[「『"'“‘]([ぁ-ゖァ-ヺー・♡☆★ 　]{2,24})[」』"'”’]/gu;
// Kana that is grammar, not a name: a verb before ん (でるんや, いれるんです), a past verb (なくした),
// a stem before たい (へんこうしたい), a nominal の or word (かんたんなの, きめたやつ).
function grammar(body: string, follow: string): boolean {
  if (/[るただいてう]ん$/u.test(body) || /[しっいえけせめれねべきみりちびぎん][ただ]$/u.test(body))
    return true;
  if (/の$|(?:やつ|もの|こと|ほう|とき|ところ)$/u.test(body)) return true;
  return /^たい/u.test(follow);
}

const SPACED = /(?<![!-~])(?:[A-Za-z0-9!-~][ 　]){3,30}[A-Za-z0-9!-~](?![!-~])/gu;
const JA_QUOTED = /[「『"'“‘]([!-~＀-～ 　]{1,40}?)[」』"'”’]/gu;
// A quoted text the screen shows, not one the member typed: 「E403」エラー, 「…」と表示.
const SHOWN_AFTER = /^[ 　]*(?:エラー|が(?:出|表示)|と(?:出|表示)|って(?:出|表示)|[Ee]rror)/u;
const ERRORISH =
  /(?<![A-Za-z])(?:invalid|incorrect|wrong|error|forgot|reset|expired|locked|failed|not|too|short|long|weak|strong|simple|match|required|characters)(?![A-Za-z])|エラー/iu;

/** Masks password values found in the phrasings above; adds 'password' to `found`. */
export function maskPasswordPhrases(text: string, found: Set<string>): string {
  let out = text;
  const values = new Set<string>();
  if (HAS_KANA.test(out) || /密码|密碼/u.test(out)) out = maskJapanese(out, values);
  else out = maskEnglish(out, values);
  if (values.size === 0) return text;
  // The same value typed again later in the message.
  let repeats = 0;
  for (const v of values) if (v.length >= 4 && repeats++ < 8) out = out.split(v).join(PASSWORD_MASK);
  found.add('password');
  return out;
}

interface Edit {
  at: number;
  len: number;
}

function apply(text: string, edits: Edit[], values: Set<string>): string {
  if (edits.length === 0) return text;
  edits.sort((a, b) => a.at - b.at || b.len - a.len);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    if (e.at < pos) continue;
    values.add(text.slice(e.at, e.at + e.len));
    out += text.slice(pos, e.at) + PASSWORD_MASK;
    pos = e.at + e.len;
  }
  return out + text.slice(pos);
}

function maskJapanese(text: string, values: Set<string>): string {
  const edits: Edit[] = [];
  let windows = 0;
  JA_LABEL.lastIndex = 0;
  for (let m = JA_LABEL.exec(text); m !== null && windows++ < MAX_WINDOWS; m = JA_LABEL.exec(text)) {
    const start = m.index + m[0].length;
    const win = text.slice(start, start + WINDOW);
    const taken: Edit[] = [];
    for (const q of win.matchAll(JA_QUOTED)) {
      const body = q[1] ?? '';
      if (!HAS_LETTER.test(body) && !/[0-9０-９]/u.test(body)) continue;
      if (ERRORISH.test(body) || /^\*+$/u.test(body.trim()) || CODE_SHAPE.test(normal(body).trim())) continue;
      const qEnd = start + (q.index ?? 0) + q[0].length;
      if (SHOWN_AFTER.test(text.slice(qEnd, qEnd + 8)) || /^(?:が|を|も)/u.test(text.slice(qEnd, qEnd + 2)))
        continue;
      const at = start + (q.index ?? 0) + q[0].indexOf(body);
      taken.push({ at, len: body.length });
    }
    for (const q of win.matchAll(JA_QUOTED_KANA)) {
      const body = q[1] ?? '';
      const qEnd = (q.index ?? 0) + q[0].length;
      if (!KANA_FOLLOW.test(win.slice(qEnd, qEnd + 6))) continue;
      if (NOT_KANA_VALUE.test(body) || KANA_FUNCTION_WORDS.has(body)) continue;
      taken.push({ at: start + (q.index ?? 0) + q[0].indexOf(body), len: body.length });
    }
    for (const s of win.matchAll(SPACED)) taken.push({ at: start + (s.index ?? 0), len: s[0].length });
    for (const t of win.matchAll(LATIN_TOKEN)) {
      const at = start + (t.index ?? 0);
      const before = text.slice(Math.max(0, at - 16), at);
      const after = text.slice(at + t[0].length, at + t[0].length + 8);
      if (!isLatinValue(t[0], before, after)) continue;
      const lead = t[0].length - t[0].replace(/^[([「『"'“‘]+/u, '').length;
      const body = t[0].slice(lead).replace(/[)\]」』"'”’,.。、?？]+$/u, '');
      taken.push({ at: at + lead, len: body.length });
    }
    const kwin = win.slice(0, KANA_WINDOW);
    for (const st of kwin.matchAll(KANA_START)) {
      KANA_VALUE.lastIndex = (st.index ?? 0) + st[0].length;
      const k = KANA_VALUE.exec(kwin);
      if (!k) continue;
      const raw = k[1] ?? '';
      const body = raw.replace(FILLER_PREFIX, '');
      const follow = kwin.slice(k.index + raw.length, k.index + raw.length + 3);
      // Only the first kana phrase after the label can be its value; a sentence about it ends the search.
      if (
        body.length >= 2 &&
        !NOT_KANA_VALUE.test(body) &&
        !KANA_FUNCTION_WORDS.has(body) &&
        !grammar(body, follow)
      ) {
        taken.push({ at: start + k.index + (raw.length - body.length), len: body.length });
      }
      break;
    }
    edits.push(...taken);
  }
  return apply(text, edits, values);
}

// A sign-in is what the message is about: the word, or the screen's answer to a wrong value.
const EN_CONTEXT =
  /(?<![A-Za-z])(?:log ?in|logging in|sign ?in|signing in|password|passcode|pass|pw|locked|credentials|account|(?:says|shows|said) (?:invalid|incorrect|wrong)|let me in|get in|access denied|rejected)(?![A-Za-z])/iu;
const PW_SHAPE = /^(?=.*[A-Za-z])(?=.*[0-9!#$%&*+=?@^_~-])[!-~]{4,40}$/u;
const VERB_VALUE =
  /(?<![A-Za-z])(?:typing|typed|type|entered|entering|enter|using|used|tried|trying|put in|putting in|inputting|input)\s+(?:in\s+)?["'“‘]?([!-~]{4,40}?)["'”’]?(?=[\s,.;!?]|$)/giu;
const PAIR = /(?<![!-~])([!-~]{3,40}) ?\/ ?([!-~]{4,40})(?![!-~])/gu;
const EN_QUOTED_AFTER =
  /(?<![A-Za-z])(?:password|passcode|passphrase|pass|pw)(?![A-Za-z])[^'"“‘\n]{0,40}?(?<![A-Za-z])(?:to|as|is|was|be|into)\s*[:=]?\s*["'“‘]([^'"”’\n]{1,40})["'”’]/giu;
const EN_QUOTED_BEFORE =
  /["'“‘]([^'"”’\n]{1,40})["'”’]\s+(?:as|for|is|was)\s+(?:my|the|a|our|his|her)\s+(?:new\s+|login\s+|online\s+)?(?:password|passcode|pass|pw)(?![A-Za-z])/giu;
const EN_MY_PASS =
  /(?<![A-Za-z])(?:my|the)\s+(?:login\s+)?(?:pass|pw)\s+(?:is|was|=|:)\s+["'“‘]?([!-~]{3,40}?)["'”’]?(?=[\s,.;!?)]|$)/giu;
const EN_LABEL_REST =
  /(?<![A-Za-z])(?:password|passcode|passphrase|pw)\s*(?:[:：=]|\)|\s+is\s*:)\s*([^\n,;?]{1,48})/giu;
const STOP_START =
  /^(?:see|below|above|attached|following|none|n\/a|it|it's|its|that|this|still|also|just|now|same|different|there|forgot|forget|reset|please|pls|help|not|no|doesn't|does|do|don't|is|isn't|was|wrong|incorrect|invalid|expired|required|the|a|an|my|how|what|why|when|where|can|could|would|should|will|keeps?|has|have|had|changed?|error|locked|again|rejected|declined|blocked|fine|correct|ok|okay|right|valid|working|expiring|being|been|also|very|too|case|same|and|or|but|to|for|of|in|on|at|with|\*)(?![A-Za-z])/iu;

function maskEnglish(text: string, values: Set<string>): string {
  if (!EN_CONTEXT.test(text)) return text;
  const edits: Edit[] = [];
  const push = (m: RegExpMatchArray, group: string | undefined) => {
    if (!group || /^[*\s]+$/u.test(group)) return; // already masked
    const at = (m.index ?? 0) + m[0].lastIndexOf(group);
    edits.push({ at, len: group.length });
  };
  // Not an address, a device or a version: "using Windows10", "entered kate@example.com".
  const valueLike = (v: string) =>
    PW_SHAPE.test(v) &&
    !v.includes('@') &&
    !/^https?:/iu.test(v) &&
    !DEVICE.test(v) &&
    !/^v?[0-9.]+[a-z]?$/iu.test(v);
  for (const m of text.matchAll(VERB_VALUE)) if (valueLike(m[1] ?? '')) push(m, m[1]);
  for (const m of text.matchAll(PAIR)) {
    const v = m[2] ?? '';
    if (valueLike(v) && !/^[0-9/]+$/u.test(v)) push(m, v);
  }
  for (const re of [EN_QUOTED_AFTER, EN_QUOTED_BEFORE]) {
    for (const m of text.matchAll(re)) if (!ERRORISH.test(m[1] ?? '')) push(m, m[1]);
  }
  for (const m of text.matchAll(EN_MY_PASS)) {
    const v = m[1] ?? '';
    if (!COMMON.has(v.toLowerCase()) && !STOP_START.test(v)) push(m, v);
  }
  for (const m of text.matchAll(EN_LABEL_REST)) {
    const v = (m[1] ?? '').trim();
    const words = v.split(/\s+/u);
    if (
      v.length === 0 ||
      STOP_START.test(v) ||
      /n't|\b(?:not|why|help|forgot|forget|remember|lost|reset|change|changed|expired|locked|wrong|sure)\b|work/iu.test(
        v,
      ) ||
      words.length > 6 ||
      /\*{4}/u.test(v)
    )
      continue;
    if (words.length < 2 && !PW_SHAPE.test(v)) continue;
    push(m, v);
  }
  return apply(text, edits, values);
}
