// Second-round guard for numeric secrets: after a PIN, security-code or card label (spelt loosely:
// 裏の番号, うらのさんけた, カードのうしろの数字, "back of the card", a bare 番号 before card-shaped
// groups), the value is found in a window of the text that follows, however it is written (see
// spokenNumbers.ts) and even in pieces across sentences (「最初の2桁は58です。残りは31です。」).
// Exits: units (桁 回 円 年 …), numbers glued to letters or other digits, numbers named right after a
// non-secret label (会員番号, 受付番号, 電話, エラー …), and the kept last 4 of a masked card ("**** 6467").
// Linear: windows are bounded and taken left to right without overlap; every pattern is bounded.

import { digitCount, groupSizes, NUMBER_RUN, spokenCardSpans, starRun } from './spokenNumbers.js';

export type PieceKind = 'card_number' | 'pin' | 'security_code';

const PIN_LABEL =
  '暗証(?:番号)?|暗所番号|あんしょう(?:ばんごう)?|あんしょー(?:ばんごう)?|ぴん番号|ピン番号|ぴんばんごう|(?<![A-Za-z])PIN(?![A-Za-z])';
const SECURITY_LABEL =
  'セキュリ[テティ][イィー]?[ 　]?コー?ド|セキュコ|(?<![A-Za-z])(?:CVV2?|CVC2?|cvv2?|cvc2?)(?![A-Za-z])|[Ss]ecurity code' +
  '|(?:裏|うら|ウラ)の(?:番号|ばんごう|数字|すうじ|[3３三]桁|さんけた|3つ)' +
  '|(?:カード|かーど)の(?:うしろ|後ろ|裏|うら|裏面)の[^。\\n]{0,12}?(?:数字|すうじ|番号|ばんごう|桁|けた)' +
  '|(?<![A-Za-z])[Bb]ack of (?:the |my |your )?card|(?<![A-Za-z])[Ss]ignature(?: strip| panel)?' +
  '|(?<![A-Za-z])(?:[Cc]ode|[Nn]umber|digits) on (?:the )?back|(?<![A-Za-z])(?:3|three)[- ]?digits?(?: code| number)?(?![A-Za-z])|(?<![A-Za-z])[Ss]ec(?:urity)?\\.? ?code' +
  '|(?<![一-龯ァ-ヺー])裏(?![面側技切口話地庭])|(?<![一-龯ァ-ヺーA-Za-z])コード';
const CARD_LABEL =
  'カード(?:の)?番号|かーど(?:の)?(?:番号|ばんごう)|カードばんごう|[Cc]ard (?:number|no\\.?)|(?<![一-龯ァ-ヺーA-Za-z])番号(?!は何|って何)';

const LABELS = new RegExp(`(${PIN_LABEL})|(${SECURITY_LABEL})|(${CARD_LABEL})`, 'gu');
const RUN = new RegExp(NUMBER_RUN, 'gu');
// A number right after one of these is theirs, not a secret's: 「電話番号は0120…」「会員番号 1234…」.
const OTHER_LABEL =
  /(?:会員|受付|申込|申し込み|注文|問い?合わ?せ|お客様|電話|郵便|口座|整理券?|エラー|ID|ＩＤ|[Ee]rror|[Mm]ember|[Aa]ccount|[Pp]hone|[Oo]rder|[Tt]icket|[Rr]eference|[Zz]ip)[^0-9０-９]{0,2}(?:番号|コード|[Nn]o\.?|[Nn]umber)?[ 　:：はがを、,]{0,3}$/u;
const UNIT_AFTER =
  /^[ 　]?(?:桁|けた|ケタ|円|万|年|月|日|時|分|秒|回|件|枚|歳|才|人|個|号|番(?!号)|文字|つ|頃|ごろ|ヶ月|か月|週|%|％|歳|点|ポイント|(?:digits?|characters?|chars?|times|years?|yen|am|pm|st|nd|rd|th|days?|hours?|minutes?|mins?)(?![A-Za-z]))/u;
// The last 4 digits of a card named as such, and years after "since", "in" etc.
const LAST_FOUR_BEFORE =
  /(?:下|末尾|最後の|後ろの|うしろの)[4４四](?:桁|けた|ケタ)(?:の番号)?[ 　:：はがを、,]{0,3}$|(?<![A-Za-z])(?:last|final) (?:4|four)(?: digits?)?(?: is| are| was|:)? ?$|ending (?:in|with) ?$/iu;
const YEAR_WORD_BEFORE =
  /(?<![A-Za-z])(?:since|in|from|until|till|before|after|year|around|by|of|back in|circa)[ ,]{1,2}$/iu;
const YEAR = /^(?:19|20)[0-9]{2}$/u;
// A number the screen shows is no secret: 「500 エラー」「4031 と表示された」「404 が出る」.
const SHOWN_AFTER = /^[ 　]*(?:エラー|と(?:表示|出)|が(?:表示|出)|って(?:表示|出)|[Ee]rror)/u;
const GLUED_BEFORE = /[0-9０-９A-Za-zＡ-Ｚａ-ｚ_\-‐－/.:：*＊#＃]$/u;
const GLUED_AFTER = /^(?:[0-9０-９A-Za-zＡ-Ｚａ-ｚ_]|[-‐－/:：.．][0-9０-９])/u;
const KANA = /[ぁ-ゖァ-ヺー]/u;
const KANJI = /[一-龯々]/u;
const KANA_PARTICLE_BEFORE = /[はがをもなわでと]$/u;
const KANA_OK_AFTER =
  /^(?:です|でした|でござ|や|だ|で|と|って|か|に|ね|よ|を|は|が|の|たい|がや|じゃ|ばい|けん|っす|ぞ|な|わ|さ)/u;
const SPELT = /[ぁ-ゖァ-ヺ〇零一二三四五六七八九十百千万]/u;
const FOREIGN_LABEL =
  /(?:コード|エラー|(?<![A-Za-z])(?:code|error|ID|No\.?)|ＩＤ|番号)[ 　:：はがを、]{0,3}$/iu;
const SPELT_HINT = /[0-9０-９〇零一二三四五六七八九ぁ-ゖァ-ヺ]/u;
const MASKED_PIECE = /(?<!\*)\*{1,2}(?!\*)/gu; // a 2-digit piece; *** is also the word mask of strictMask
const STARS_GROUP = /\*{4}/gu;

// A member's message names a secret a few times at most; the cap keeps a text made of labels cheap.
const MAX_WINDOWS = 24;
const WINDOW: Record<PieceKind, number> = { pin: 80, security_code: 32, card_number: 100 };

interface Run {
  at: number;
  text: string;
  count: number;
  /** Stands alone when not right after a label (see standsAlone). */
  alone: boolean;
}

/** Masks numeric secrets found after loose labels; adds what it masked to `found`. */
export function maskSecretPieces(text: string, found: Set<string>): string {
  if (
    !/[0-9０-９〇零一二三四五六七八九十百千ぁ-ゖァ-ヺ]|(?:one|two|three|four|five|six|seven|eight|nine|zero) /iu.test(
      text,
    )
  )
    return text;
  const edits: { at: number; len: number; kind: PieceKind; words?: boolean }[] = [];
  let from = 0;
  let all: Run[] | undefined; // every number run of the text, found once
  let next = 0; // first run not before the current window (windows start left to right)
  let windows = 0;
  LABELS.lastIndex = 0;
  for (let m = LABELS.exec(text); m !== null && windows < MAX_WINDOWS; m = LABELS.exec(text)) {
    if (m.index < from) continue;
    windows++;
    const kind: PieceKind = m[1] ? 'pin' : m[2] ? 'security_code' : 'card_number';
    const start = m.index + m[0].length;
    const end = Math.min(text.length, start + WINDOW[kind]);
    all ??= allRuns(text);
    while (next < all.length && (all[next]?.at ?? 0) < start) next++;
    const runs: Run[] = [];
    // A run that begins inside the label (「…ばんごう　いちに…」) is taken again from the label's end.
    const prev = all[next - 1];
    if (prev && prev.at + prev.text.length > start) {
      const r = runAt(text, start);
      if (r && standsAlone(text, r.at, r.text, true)) runs.push(r);
    }
    for (let i = next; i < all.length; i++) {
      const r = all[i];
      if (!r || r.at >= end) break;
      if (r.at === start ? standsAlone(text, r.at, r.text, true) : r.alone) runs.push(r);
    }
    const chosen = choose(kind, m[0], runs, text.slice(start, end), start);
    for (const r of chosen) edits.push({ at: r.at, len: r.text.length, kind });
    if (chosen.length > 0) from = end;
    LABELS.lastIndex = Math.max(LABELS.lastIndex, start);
  }
  // With no label at all: a card number read out digit by digit or spelt in words (13-19 of them).
  if (/[a-z]/iu.test(text))
    for (const sp of spokenCardSpans(text)) edits.push({ ...sp, kind: 'card_number', words: true });
  for (const r of all ?? (edits.length === 0 && SPELT_HINT.test(text) ? allRuns(text) : [])) {
    if (r.count < 13 || r.count > 19 || !r.alone) continue;
    const sizes = groupSizes(r.text);
    const oneByOne = sizes.length >= 13 && sizes.every((n) => n === 1);
    const spelt = /[ぁ-ゖァ-ヺ〇零一二三四五六七八九]/u.test(r.text); // spelt digits: any grouping
    if (oneByOne || spelt) edits.push({ at: r.at, len: r.text.length, kind: 'card_number' });
  }
  if (edits.length === 0) return text;
  edits.sort((a, b) => a.at - b.at);
  let out = '';
  let pos = 0;
  for (const e of edits) {
    if (e.at < pos) continue;
    const body = text.slice(e.at, e.at + e.len);
    out += text.slice(pos, e.at) + (e.words ? body.replace(/[A-Za-z]/gu, '*') : starRun(body));
    pos = e.at + e.len;
    found.add(e.kind);
  }
  return out + text.slice(pos);
}

const TRAILING_JOINER = /(?:[ 　、,，・･\-‐－~〜\r\n\t]+|の[ 　、,，]?)$/u;

function allRuns(text: string): Run[] {
  const runs: Run[] = [];
  RUN.lastIndex = 0;
  for (let m = RUN.exec(text); m !== null; m = RUN.exec(text)) {
    const body = m[0].replace(TRAILING_JOINER, '');
    if (body.length === 0) continue;
    runs.push({
      at: m.index,
      text: body,
      count: digitCount(body),
      alone: standsAlone(text, m.index, body, false),
    });
  }
  return runs;
}

const RUN_AT = new RegExp(NUMBER_RUN, 'uy');

function runAt(text: string, from: number): Run | undefined {
  // The label's own separator comes first: 「あんしょうばんごう、ぜろ…」.
  const at = from + (/^[ 　、,，:：]{0,3}/u.exec(text.slice(from, from + 3))?.[0].length ?? 0);
  RUN_AT.lastIndex = at;
  const m = RUN_AT.exec(text);
  const body = m?.[0].replace(TRAILING_JOINER, '') ?? '';
  return body.length > 0 ? { at, text: body, count: digitCount(body), alone: true } : undefined;
}

function standsAlone(text: string, at: number, body: string, atWindowStart: boolean): boolean {
  const before = text.slice(Math.max(0, at - 24), at);
  const after = text.slice(at + body.length, at + body.length + 12);
  if (GLUED_BEFORE.test(before) || GLUED_AFTER.test(after) || UNIT_AFTER.test(after)) return false;
  if (SHOWN_AFTER.test(after)) return false;
  if (LAST_FOUR_BEFORE.test(before) || (YEAR.test(body) && YEAR_WORD_BEFORE.test(before))) return false;
  if (OTHER_LABEL.test(before) || /\*{4}[ 　\-‐－]?$/u.test(before)) return false;
  const first = body[0] ?? '';
  const last = body[body.length - 1] ?? '';
  const prev = before[before.length - 1] ?? '';
  const next = after[0] ?? '';
  if (!atWindowStart && prev !== '') {
    if (KANJI.test(first) && KANJI.test(prev)) return false;
    if (KANA.test(first) && KANA.test(prev) && !KANA_PARTICLE_BEFORE.test(before)) return false;
  }
  if (KANJI.test(last) && KANJI.test(next)) return false;
  if (KANA.test(last) && KANA.test(next) && !KANA_OK_AFTER.test(after)) return false;
  return true;
}

const ASCII_ONLY = /^[0-9０-９ 　、,，・･\-‐－~〜\r\n\t]+$/u;

function choose(kind: PieceKind, label: string, allRuns: Run[], win: string, start: number): Run[] {
  let runs = allRuns;
  const spelt = (r: Run) => SPELT.test(r.text);
  const kanaOk = (r: Run) => !/[ぁ-ゖァ-ヺ]/u.test(r.text) || r.count >= 3;
  if (kind === 'security_code') {
    // A bare コード or 裏 is a weak label: only a value right after it.
    const weak = /^(?:コード|裏)$/u.test(label);
    const r = runs[0];
    if (!r || !kanaOk(r)) return [];
    if (weak && r.at - start > 3) return [];
    if (weak && !/^[ 　]?[:：は]?[ 　]?$/u.test(win.slice(0, r.at - start))) return [];
    return r.count === 3 || (r.count === 4 && !weak) ? [r] : [];
  }
  if (kind === 'pin') {
    // A number named by another label inside the window is that label's: 「暗証番号を入れたらコード 4410」.
    const named = (r: Run) => FOREIGN_LABEL.test(win.slice(Math.max(0, r.at - start - 12), r.at - start));
    runs = runs.filter((r) => !named(r));
    for (const r of runs) {
      if (!kanaOk(r)) continue;
      if (r.count === 4 || (spelt(r) && r.count >= 3 && r.count <= 8)) return [r];
    }
    // In pieces: short numbers (not spelt in kana) that add up to four digits.
    const pieces = runs.filter((r) => r.count <= 3 && !/[ぁ-ゖァ-ヺ]/u.test(r.text));
    // Pieces an earlier pass masked already (「最初の2桁は**です」) count too.
    const masked = win.match(MASKED_PIECE) ?? [];
    let sum = masked.reduce((n, m) => n + m.length, 0);
    const taken: Run[] = [];
    for (const p of pieces) {
      sum += p.count;
      taken.push(p);
      if (sum === 4 && taken.length + masked.length >= 2) return taken;
      if (sum > 4) break;
    }
    return [];
  }
  // Card: one run of 13-19 digits; with a bare 番号 only in card-shaped groups (4-4-4-4 or one by one).
  const bare = /^番号/u.test(label);
  for (const r of runs) {
    if (!kanaOk(r) || r.count < 13 || r.count > 19) continue;
    const sizes = groupSizes(r.text);
    const shaped =
      sizes.every((s) => s === 4) || sizes.every((s) => s === 1) || (spelt(r) && !ASCII_ONLY.test(r.text));
    if (!bare || shaped) return [r];
  }
  if (bare) return [];
  // In pieces: groups of four across phrases, counting groups already masked ("前半は**** ****").
  let total = (win.match(STARS_GROUP) ?? []).length * 4;
  const taken: Run[] = [];
  for (const r of runs) {
    if (!groupSizes(r.text).every((s) => s === 4)) continue;
    total += r.count;
    taken.push(r);
  }
  return total >= 13 && total <= 19 && taken.length > 0 ? taken : [];
}
