// Entities for the dialog flows. recognizers-text covers numbers, phone numbers and e-mail; it has
// no Japanese date model, and chrono-node's ja parser misses relative forms (3日前, おととい) and
// combinations (昨日の夜8時), so relative times are resolved here, always on the Asia/Tokyo clock
// whatever the server's time zone, with chrono-node as fallback for absolute dates (5月3日, May 3).
import * as Recognizers from '@microsoft/recognizers-text-suite';
import * as chrono from 'chrono-node';
import type { Lang } from '../topics.js';
import { recognizeYesNo } from './yesNo.js';

export interface Entities {
  numbers: number[];
  phoneNumbers: string[];
  emails: string[];
  yesNo?: boolean;
  when?: { at: Date; text: string };
}

const { Culture } = Recognizers;

export function extractEntities(text: string, lang: Lang, now: Date): Entities {
  const t = text.normalize('NFKC');
  const phones = Recognizers.recognizePhoneNumber(t, Culture.English);
  const mails = Recognizers.recognizeEmail(t, Culture.English);
  // Digits inside a phone number or an e-mail address are not amounts.
  const taken = [...phones, ...mails].map((r) => [r.start, r.end] as const);
  const numbers = Recognizers.recognizeNumber(t, lang === 'ja' ? Culture.Japanese : Culture.English)
    .filter((r) => !taken.some(([s, e]) => r.start >= s && r.end <= e))
    .map((r) => Number((r.resolution as { value?: string }).value))
    .filter((n) => Number.isFinite(n));
  const entities: Entities = {
    numbers,
    phoneNumbers: phones.map((r) => String((r.resolution as { value?: string }).value ?? r.text)),
    emails: mails.map((r) => String((r.resolution as { value?: string }).value ?? r.text)),
  };
  const yesNo = recognizeYesNo(text);
  if (yesNo !== undefined) entities.yesNo = yesNo;
  const when = resolveWhen(t, lang, now);
  if (when) entities.when = when;
  return entities;
}

// ---- time on the Tokyo clock (Japan has no daylight saving time) ----

const JST_MS = 9 * 3600_000;

interface Clock {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
}

function tokyoClock(at: Date): Clock {
  const t = new Date(at.getTime() + JST_MS);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth(),
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    min: t.getUTCMinutes(),
  };
}

function fromTokyoClock(c: Clock): Date {
  return new Date(Date.UTC(c.y, c.m, c.d, c.h, c.min) - JST_MS);
}

const KANJI_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 三 → 3, 十二 → 12, 二十 → 20; Arabic digits pass through. */
function toNumber(s: string): number {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m) return Number.NaN;
  if (!m[2]) return KANJI_DIGITS[m[1] ?? m[3] ?? ''] ?? Number.NaN;
  return (m[1] ? KANJI_DIGITS[m[1]]! : 1) * 10 + (m[3] ? KANJI_DIGITS[m[3]]! : 0);
}

const NUM = '(\\d+|[一二三四五六七八九十]+)';
const EN_NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

type DayPart = 'morning' | 'noon' | 'afternoon' | 'evening' | 'night' | 'latenight' | 'am' | 'pm';
const DEFAULT_HOUR: Record<DayPart, number> = {
  morning: 8,
  noon: 12,
  afternoon: 15,
  evening: 18,
  night: 20,
  latenight: 0,
  am: 9,
  pm: 15,
};

interface Parsed {
  dayOffset?: number;
  agoMs?: number;
  part?: DayPart;
  hour?: number;
  minute?: number;
  pieces: string[];
}

function parseJa(t: string): Parsed {
  const p: Parsed = { pieces: [] };
  const hit = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(t);
    if (m) p.pieces.push(m[0]);
    return m;
  };
  const ago = hit(new RegExp(`${NUM}\\s*(分|時間|日|週間|週|か月|ヶ月|ケ月|カ月)(?:くらい|ほど|ぐらい)?前`));
  if (ago) {
    const n = toNumber(ago[1]!);
    const unit = ago[2]!;
    if (unit === '分') p.agoMs = n * 60_000;
    else if (unit === '時間') p.agoMs = n * 3600_000;
    else if (unit.startsWith('週')) p.dayOffset = -7 * n;
    else if (unit === '日') p.dayOffset = -n;
    else p.dayOffset = -30 * n;
  }
  if (hit(/一昨日|おととい|おとつい/)) p.dayOffset = -2;
  else if (hit(/昨日|きのう|昨夜|昨晩|ゆうべ|夕べ/)) p.dayOffset = -1;
  else if (hit(/明後日|あさって/)) p.dayOffset = 2;
  else if (hit(/明日|あした|あす/)) p.dayOffset = 1;
  else if (hit(/今日|きょう|本日|今朝|けさ|今夜|今晩|さっき|先ほど/)) p.dayOffset ??= 0;
  else if (hit(/先週/)) p.dayOffset = -7;
  if (/今朝|けさ|朝/.test(t)) p.part = 'morning';
  if (/昼/.test(t)) p.part = 'noon';
  if (/夕方/.test(t)) p.part = 'evening';
  if (/昨夜|昨晩|今夜|今晩|ゆうべ|夕べ|夜|晩/.test(t)) p.part = 'night';
  if (/深夜|夜中/.test(t)) p.part = 'latenight';
  if (/午前/.test(t)) p.part = 'am';
  if (/午後/.test(t)) p.part = 'pm';
  const time = hit(new RegExp(`${NUM}\\s*時(?:\\s*(半)|\\s*${NUM}\\s*分)?|(\\d{1,2}):(\\d{2})`));
  if (time) {
    p.hour = toNumber(time[1] ?? time[5]!);
    p.minute = time[2] ? 30 : time[3] ? toNumber(time[3]) : time[6] ? Number(time[6]) : 0;
  }
  return p;
}

function parseEn(t: string): Parsed {
  const s = t.toLowerCase();
  const p: Parsed = { pieces: [] };
  const hit = (re: RegExp): RegExpExecArray | null => {
    const m = re.exec(s);
    if (m) p.pieces.push(m[0]);
    return m;
  };
  const ago = hit(
    /(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(minute|hour|day|week|month)s?\s+ago/,
  );
  if (ago) {
    const n = /^\d+$/.test(ago[1]!) ? Number(ago[1]) : (EN_NUMBER_WORDS[ago[1]!] ?? 1);
    const unit = ago[2]!;
    if (unit === 'minute') p.agoMs = n * 60_000;
    else if (unit === 'hour') p.agoMs = n * 3600_000;
    else p.dayOffset = -n * (unit === 'week' ? 7 : unit === 'month' ? 30 : 1);
  }
  if (hit(/day before yesterday/)) p.dayOffset = -2;
  else if (hit(/yesterday|last night/)) p.dayOffset = -1;
  else if (hit(/tomorrow/)) p.dayOffset = 1;
  else if (hit(/today|this morning|this afternoon|this evening|tonight|earlier/)) p.dayOffset ??= 0;
  else if (hit(/last week/)) p.dayOffset = -7;
  if (/morning/.test(s)) p.part = 'morning';
  if (/noon|lunch/.test(s)) p.part = 'noon';
  if (/afternoon/.test(s)) p.part = 'afternoon';
  if (/evening/.test(s)) p.part = 'evening';
  if (/night|tonight/.test(s)) p.part = 'night';
  if (/midnight/.test(s)) p.part = 'latenight';
  const time = hit(
    /(?:at|around|about)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)|(\d{1,2}):(\d{2})/,
  );
  if (time) {
    p.hour = Number(time[1] ?? time[4] ?? time[7]);
    p.minute = Number(time[2] ?? time[5] ?? time[8] ?? 0);
    const ampm = time[3] ?? time[6];
    if (ampm?.startsWith('p')) p.part = 'pm';
    else if (ampm?.startsWith('a')) p.part = 'am';
  }
  return p;
}

function resolveParsed(p: Parsed, now: Date): Date | undefined {
  if (p.agoMs !== undefined && p.dayOffset === undefined) return new Date(now.getTime() - p.agoMs);
  if (p.dayOffset === undefined && p.hour === undefined && p.part === undefined) return undefined;
  const c = tokyoClock(now);
  let hour = p.hour;
  if (hour !== undefined && hour < 12 && p.part && ['pm', 'afternoon', 'evening', 'night'].includes(p.part))
    hour += 12;
  if (hour !== undefined && hour === 12 && (p.part === 'am' || p.part === 'latenight')) hour = 0;
  const explicitDay = p.dayOffset !== undefined;
  const target: Clock = { ...c, d: c.d + (p.dayOffset ?? 0) };
  if (hour !== undefined) {
    target.h = hour;
    target.min = p.minute ?? 0;
  } else if (p.part) {
    target.h = DEFAULT_HOUR[p.part];
    target.min = 0;
  }
  let at = fromTokyoClock(target); // Date.UTC normalises day overflow (May 0 → Apr 30)
  // Members report what already happened: a bare time of day in the future means the last one.
  if (!explicitDay && at.getTime() > now.getTime()) at = new Date(at.getTime() - 24 * 3600_000);
  return at;
}

/** The point in time a message refers to, resolved against `now` on the Tokyo clock. */
export function resolveWhen(text: string, lang: Lang, now: Date): { at: Date; text: string } | undefined {
  const t = text.normalize('NFKC');
  const parsed = /[\u3040-\u30ff\u4e00-\u9fff]/.test(t) || lang === 'ja' ? parseJa(t) : parseEn(t);
  const at = resolveParsed(parsed, now);
  if (at) return { at, text: parsed.pieces.join(' ') || t };
  const parser = lang === 'ja' ? chrono.ja : chrono.en;
  const result = parser.parse(t, { instant: now, timezone: 'JST' })[0];
  if (!result) return undefined;
  return { at: result.start.date(), text: result.text };
}
