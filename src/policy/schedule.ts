import holidayJp from '@holiday-jp/holiday_jp';
import { z } from 'zod';
import { DAY_MS, jstParts, jstStartOfDay, MINUTE_MS } from './tokyoTime.js';

// Opening hours of one channel, evaluated on the Tokyo wall clock. Pure: no clock, no I/O.

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM (00:00–24:00)')
  .transform((s, ctx) => {
    const [h, m] = s.split(':').map(Number) as [number, number];
    const minutes = h * 60 + m;
    if (minutes > 24 * 60) {
      ctx.addIssue({ code: 'custom', message: 'expected HH:MM (00:00–24:00)' });
      return z.NEVER;
    }
    return minutes;
  });

/** One opening on a day, [open, close) in minutes since Tokyo midnight; no crossing of midnight. */
export const timeWindowSchema = z
  .object({ open: hhmm, close: hhmm })
  .strict()
  .refine((w) => w.open < w.close, { message: 'open must be before close (use 24:00 for midnight)' });

const weeklyWindowSchema = z
  .object({ days: z.array(z.enum(WEEKDAYS)).min(1), open: hhmm, close: hhmm })
  .strict()
  .refine((w) => w.open < w.close, { message: 'open must be before close (use 24:00 for midnight)' });

const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD')
  .transform((s) => {
    const [m, d] = s.split('-').map(Number) as [number, number];
    return m * 100 + d;
  });

export const scheduleSchema = z
  .object({
    /** Regular weekly hours. */
    weekly: z.array(weeklyWindowSchema).min(1),
    /**
     * Japanese public holidays (@holiday-jp/holiday_jp): 'as_usual' keeps the weekday's hours,
     * 'closed' closes the whole day, a list of windows replaces the day's hours.
     */
    publicHolidays: z.union([z.enum(['as_usual', 'closed']), z.array(timeWindowSchema)]),
    /** Closed on these calendar days every year (inclusive; may wrap the new year), or null. */
    yearEndClosure: z.object({ from: monthDay, to: monthDay }).strict().nullable(),
    /** Further whole days closed ('YYYY-MM-DD', Tokyo), e.g. system maintenance. */
    closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')).default([]),
  })
  .strict();

export type Schedule = z.output<typeof scheduleSchema>;
export type ScheduleInput = z.input<typeof scheduleSchema>;

export function isJapanesePublicHoliday(dateKey: string): boolean {
  // Look the Tokyo date up by key: holiday_jp's isHoliday(Date) reads the server's local date.
  return Object.hasOwn(holidayJp.holidays, dateKey);
}

/** The open intervals [start, end) in minutes of the Tokyo day containing `dayStart`, merged. */
export function dayWindows(schedule: Schedule, dayStart: number): Array<[number, number]> {
  const p = jstParts(dayStart);
  const md = p.month * 100 + p.day;
  const closure = schedule.yearEndClosure;
  if (closure) {
    const inside =
      closure.from <= closure.to
        ? md >= closure.from && md <= closure.to
        : md >= closure.from || md <= closure.to;
    if (inside) return [];
  }
  if (schedule.closedDates.includes(p.dateKey)) return [];
  let windows: Array<{ open: number; close: number }>;
  if (schedule.publicHolidays !== 'as_usual' && isJapanesePublicHoliday(p.dateKey)) {
    windows = schedule.publicHolidays === 'closed' ? [] : schedule.publicHolidays;
  } else {
    const day = WEEKDAYS[p.weekday]!;
    windows = schedule.weekly.filter((w) => w.days.includes(day));
  }
  const sorted = windows.map((w): [number, number] => [w.open, w.close]).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

function intervalsOfDay(schedule: Schedule, dayStart: number): Array<[number, number]> {
  return dayWindows(schedule, dayStart).map(([s, e]) => [dayStart + s * MINUTE_MS, dayStart + e * MINUTE_MS]);
}

/** How far ahead to look for an opening or a closing; beyond it a channel counts as never opening/closing. */
const HORIZON_DAYS = 800;

export function isOpenAt(schedule: Schedule, at: Date): boolean {
  const t = at.getTime();
  return intervalsOfDay(schedule, jstStartOfDay(t)).some(([s, e]) => s <= t && t < e);
}

/**
 * The first instant >= `at` at which the channel is open: `at` itself when open now, else the start
 * of the next opening; null when nothing opens within the horizon.
 */
export function nextOpenInstant(schedule: Schedule, at: Date): Date | null {
  const t = at.getTime();
  if (isOpenAt(schedule, at)) return new Date(t);
  const first = jstStartOfDay(t);
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    for (const [s] of intervalsOfDay(schedule, first + i * DAY_MS)) {
      if (s >= t) return new Date(s);
    }
  }
  return null;
}

/**
 * When an open channel next closes (the end of the open stretch containing `at`, following openings
 * that continue past midnight); null when closed at `at` or when it never closes within the horizon.
 */
export function closesAt(schedule: Schedule, at: Date): Date | null {
  // Open around the clock (the loss line): the loop below would walk the whole horizon to say so.
  if (alwaysOpen(schedule)) return null;
  const t = at.getTime();
  const day = jstStartOfDay(t);
  const current = intervalsOfDay(schedule, day).find(([s, e]) => s <= t && t < e);
  if (!current) return null;
  let end = current[1];
  for (let i = 1; i <= HORIZON_DAYS; i++) {
    const dayStart = day + i * DAY_MS;
    if (end < dayStart) return new Date(end);
    // The stretch only continues if the next day opens exactly at midnight.
    const continued = intervalsOfDay(schedule, dayStart).find(([s]) => s === end);
    if (!continued) return new Date(end);
    end = continued[1];
  }
  return null;
}

/** Every day 00:00–24:00, holidays as usual or 24 h, no closures: every day's windows are [0, 24:00). */
function alwaysOpen(schedule: Schedule): boolean {
  const fullDay = (windows: Array<{ open: number; close: number }>) =>
    windows.some((w) => w.open === 0 && w.close === 24 * 60);
  if (schedule.yearEndClosure || schedule.closedDates.length > 0) return false;
  if (schedule.publicHolidays === 'closed') return false;
  if (schedule.publicHolidays !== 'as_usual' && !fullDay(schedule.publicHolidays)) return false;
  return WEEKDAYS.every((day) => fullDay(schedule.weekly.filter((w) => w.days.includes(day))));
}

/**
 * The instant when `minutes` of open time have passed, counting from `start` (typically "handled
 * from"): e.g. 2 staff hours from 20:30 with staff hours 9–21 → 10:30 next day. Null if the channel
 * stops opening within the horizon.
 */
export function addOpenMinutes(schedule: Schedule, start: Date, minutes: number): Date | null {
  let cursor = nextOpenInstant(schedule, start);
  let remaining = minutes * MINUTE_MS;
  while (cursor) {
    if (remaining <= 0) return cursor;
    const end = closesAt(schedule, cursor);
    if (!end || cursor.getTime() + remaining <= end.getTime()) return new Date(cursor.getTime() + remaining);
    remaining -= end.getTime() - cursor.getTime();
    cursor = nextOpenInstant(schedule, end);
  }
  return null;
}
