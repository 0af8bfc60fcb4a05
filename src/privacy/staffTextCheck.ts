import { maskSecrets, type SecretKind } from './secretGuard.js';

// What staff write to a member (a reply, a live-chat message) or about one (a note) never asks for
// or carries a card number, PIN or password: such a text is refused with a clear message, not
// silently masked, so the staff member can rewrite it. Pure; called by the staff API.

export interface StaffTextRefusal {
  code: 'SecretInStaffText' | 'AsksForSecret';
  kind: SecretKind;
  message: string;
}

const NAMES: Record<SecretKind, string> = {
  card_number: 'a card number',
  pin: 'a PIN (暗証番号)',
  password: 'a password',
  security_code: 'a card security code',
};

const LABELS: Array<[SecretKind, RegExp]> = [
  ['card_number', /カード(?:の)?番号|カードナンバー|card\s*(?:number|no\.?|#)/iu],
  [
    'pin',
    /暗証番号|暗証|(?<![A-Za-z])pin(?:\s*(?:number|code))?(?![A-Za-z])|ピン(?:番号|コード)?(?![ァ-ヺー])/iu,
  ],
  ['password', /パスワード|パスコード|(?<![A-Za-z])(?:password|passcode|passwd)(?![A-Za-z])/iu],
  ['security_code', /セキュリティ[ー]?コード|security\s*code|(?<![A-Za-z])(?:cvv|cvc)(?![A-Za-z])/iu],
];
// Asking for it: 「…を教えてください」「お送りください」, "please send/tell/give/confirm your …". Entering it
// is an instruction for the login screen (「ログイン画面でパスワードを入力してください」) unless the
// sentence says here, in this chat (「こちらに暗証番号をご入力ください」, "type your PIN here").
const JA_REQUEST =
  /^[^。！？\n]{0,12}?(?:を|も|は)?(?:教えて|お教え|お知らせ(?:ください|いただ|願)|送って|お送り(?:ください|いただ|願)|送信して|お聞かせ|お伺いできますか|伺えますか|確認させて|返信して)/u;
// 「入力しないでください」「ご入力はご遠慮ください」: a warning.
const JA_NEGATED = /^(?:し|は|を|なさら|され)?(?:ないで|ない|ません|せず|ご遠慮|禁止|厳禁)/u;
const JA_ENTER = /^[^。！？\n]{0,12}?(?:を|も|は)?(?:入力|ご入力|記入|ご記入|書いて|書き込)/u;
const EN_REQUEST =
  /(?:send|tell|give|provide|share|confirm|reply with|need|what(?:'s| is))\s+(?:us\s+|me\s+)?(?:your|the)\s+(?:full\s+|current\s+|card\s+|web-?id\s+)?$/iu;
const EN_ENTER = /(?:type|enter|write|put)\s+(?:in\s+)?(?:your|the)\s+(?:full\s+|card\s+)?$/iu;
const IN_CHAT = /ここ|こちら|チャット|このメッセージ|返信|下の欄|here|in (?:the|this) chat|below|reply/iu;
// "Never share your PIN", 「入力しないでください」: a warning, not a request.
const NEGATED = /(?:never|not|n't|no one|nobody)\s+(?:\w+\s+){0,3}$/iu;
// The last 4 digits of a card identify it without revealing it.
const LAST_DIGITS = /(?:下|末尾|最後の)\s*[4４]\s*桁|last\s+(?:4|four)/iu;

function asksFor(text: string, label: RegExp): boolean {
  const all = new RegExp(label.source, `${label.flags.replace('g', '')}g`);
  for (const m of text.matchAll(all)) {
    const at = m.index ?? 0;
    const before = text.slice(Math.max(0, at - 40), at);
    const after = text.slice(at + m[0].length, at + m[0].length + 40);
    if (LAST_DIGITS.test(after.slice(0, 12)) || LAST_DIGITS.test(before.slice(-12))) continue;
    const sentence = `${before.split(/[。！？!?\n]/u).at(-1) ?? ''}${m[0]}${after.split(/[。！？!?\n]/u)[0] ?? ''}`;
    const en = EN_REQUEST.exec(before) ?? (IN_CHAT.test(sentence) ? EN_ENTER.exec(before) : null);
    if (en && !NEGATED.test(before.slice(0, en.index))) return true;
    if (JA_REQUEST.test(after)) return true;
    const enter = IN_CHAT.test(sentence) ? JA_ENTER.exec(after) : null;
    if (enter && !JA_NEGATED.test(after.slice(enter[0].length))) return true;
  }
  return false;
}

/** Why this staff text may not be sent or kept, or undefined when it may. */
export function staffTextRefusal(text: string): StaffTextRefusal | undefined {
  const found = maskSecrets(text).found[0];
  if (found) {
    return {
      code: 'SecretInStaffText',
      kind: found,
      message: `This text contains ${NAMES[found]}. Remove it and send the text again: card numbers, PINs and passwords are never written into replies, live chat or notes.`,
    };
  }
  for (const [kind, label] of LABELS) {
    if (asksFor(text, label)) {
      return {
        code: 'AsksForSecret',
        kind,
        message: `This text asks the member for ${NAMES[kind]}. Members are never asked for their card number, PIN or password in chat; rewrite it (a PIN is reset only at a store or an automatic contract machine; for anything else the member can call Promise Call).`,
      };
    }
  }
  return undefined;
}
