import type { Lang } from '../topics.js';

// Japan has had no daylight saving time since 1951, so Asia/Tokyo is a fixed UTC+09:00. Doing the
// arithmetic on that offset with getUTC* keeps every result independent of the server's TZ.
export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The Tokyo wall clock at one instant. */
export interface JstParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  /** Minutes since Tokyo midnight (0–1439). */
  minuteOfDay: number;
  /** 'YYYY-MM-DD' of the Tokyo calendar day. */
  dateKey: string;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function jstParts(at: Date | number): JstParts {
  const shifted = new Date((typeof at === 'number' ? at : at.getTime()) + JST_OFFSET_MS);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  const hour = shifted.getUTCHours();
  const minute = shifted.getUTCMinutes();
  return {
    year,
    month,
    day,
    weekday: shifted.getUTCDay(),
    hour,
    minute,
    minuteOfDay: hour * 60 + minute,
    dateKey: `${year}-${pad2(month)}-${pad2(day)}`,
  };
}

/** The instant (epoch ms) of Tokyo midnight starting the Tokyo day that contains `at`. */
export function jstStartOfDay(at: Date | number): number {
  const ms = typeof at === 'number' ? at : at.getTime();
  return Math.floor((ms + JST_OFFSET_MS) / DAY_MS) * DAY_MS - JST_OFFSET_MS;
}

/** The instant of a Tokyo wall-clock time, e.g. jstInstant(2026, 11, 27, 9, 0). */
export function jstInstant(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute) - JST_OFFSET_MS);
}

const WEEKDAY_JA = ['日', '月', '火', '水', '木', '金', '土'] as const;
const WEEKDAY_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

function clock(p: JstParts): string {
  return `${p.hour}:${pad2(p.minute)}`;
}

/** '11月27日(金) 9:00' / 'Fri 27 Nov 9:00 JST' — always Tokyo time. */
export function formatJst(date: Date, lang: Lang): string {
  const p = jstParts(date);
  if (lang === 'ja') return `${p.month}月${p.day}日(${WEEKDAY_JA[p.weekday]}) ${clock(p)}`;
  return `${WEEKDAY_EN[p.weekday]} ${p.day} ${MONTH_EN[p.month - 1]} ${clock(p)} JST`;
}

/**
 * Like formatJst, but says 今日/明日 (today/tomorrow) relative to `from` when it applies, which reads
 * better in a chat: '明日 11月27日(金) 9:00' / 'tomorrow (Fri 27 Nov) 9:00 JST'.
 */
export function formatJstFrom(date: Date, from: Date, lang: Lang): string {
  const days = Math.round((jstStartOfDay(date) - jstStartOfDay(from)) / DAY_MS);
  const p = jstParts(date);
  if (days === 0) return lang === 'ja' ? `今日 ${clock(p)}` : `today ${clock(p)} JST`;
  if (days === 1) {
    if (lang === 'ja') return `明日 ${p.month}月${p.day}日(${WEEKDAY_JA[p.weekday]}) ${clock(p)}`;
    return `tomorrow (${WEEKDAY_EN[p.weekday]} ${p.day} ${MONTH_EN[p.month - 1]}) ${clock(p)} JST`;
  }
  return formatJst(date, lang);
}
