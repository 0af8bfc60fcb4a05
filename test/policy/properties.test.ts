import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/policy/decide.js';
import {
  addOpenMinutes,
  closesAt,
  isOpenAt,
  nextOpenInstant,
  type Schedule,
  type ScheduleInput,
  scheduleSchema,
  WEEKDAYS,
} from '../../src/policy/schedule.js';
import { loadSupportHours } from '../../src/policy/supportHoursRules.js';
import { TOPIC_IDS } from '../../src/topics.js';

const rules = loadSupportHours();
const MIN = 60_000;

// Instants from 2024 to 2031 at millisecond precision (windows are minute-aligned; `at` need not be).
const instant = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2031, 0, 1) })
  .map((ms) => new Date(ms));
const minuteInstant = fc
  .integer({ min: Date.UTC(2024, 0, 1) / MIN, max: Date.UTC(2031, 0, 1) / MIN })
  .map((m) => new Date(m * MIN));

/** The invariants of one channel's answer at `at`, with `probe` ∈ [0,1) picking an instant to spot-check. */
function checkChannel(schedule: Schedule, at: Date, openNow: boolean, next: Date | null, probe: number) {
  expect(openNow).toBe(isOpenAt(schedule, at));
  if (openNow) {
    expect(next).toBeNull();
    const end = closesAt(schedule, at);
    if (end) {
      expect(end.getTime()).toBeGreaterThan(at.getTime());
      expect(isOpenAt(schedule, end)).toBe(false);
      expect(isOpenAt(schedule, new Date(end.getTime() - 1))).toBe(true);
      // Open all the way from at to the closing.
      expect(
        isOpenAt(schedule, new Date(at.getTime() + Math.floor(probe * (end.getTime() - at.getTime())))),
      ).toBe(true);
    }
    return;
  }
  expect(next).not.toBeNull();
  const n = next!.getTime();
  // Never before `at`, inside an open window, and really the next one: closed just before it and
  // at a random instant between `at` and it.
  expect(n).toBeGreaterThanOrEqual(at.getTime());
  expect(isOpenAt(schedule, next!)).toBe(true);
  expect(isOpenAt(schedule, new Date(n - 1))).toBe(false);
  expect(isOpenAt(schedule, new Date(at.getTime() + Math.floor(probe * (n - at.getTime()))))).toBe(false);
}

describe('properties of decide() with the shipped rules', () => {
  it('next opening is never before `at`, always inside an open window, and nothing opens earlier', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOPIC_IDS),
        instant,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (topic, at, probe) => {
          const d = decide(topic, at, rules);
          expect(d.channels.length).toBeGreaterThan(0);
          for (const c of d.channels) {
            const schedule = rules.channels[c.id]!.schedule;
            checkChannel(schedule, at, c.openNow, c.nextOpenAt, probe);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a web inquiry is handled from an open instant >= at, and answered after exactly N staffed minutes', () => {
    const web = rules.channels[rules.webInquiry.channel]!.schedule;
    const target = rules.webInquiry.firstResponseWithinStaffMinutes;
    fc.assert(
      fc.property(fc.constantFrom(...TOPIC_IDS), minuteInstant, (topic, at) => {
        const { webInquiry: w } = decide(topic, at, rules);
        if (!w.allowed) {
          expect(w.handledFrom).toBeNull();
          expect(w.expectedFirstResponseAt).toBeNull();
          expect(w.refusal).toBeDefined();
          return;
        }
        const from = w.handledFrom!;
        const by = w.expectedFirstResponseAt!;
        expect(from.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(isOpenAt(web, from)).toBe(true);
        if (isOpenAt(web, at)) expect(from).toEqual(at);
        // Count staffed minutes between handling start and the expected answer, minute by minute.
        let staffed = 0;
        for (let t = from.getTime(); t < by.getTime(); t += MIN) if (isOpenAt(web, new Date(t))) staffed++;
        expect(staffed).toBe(target);
      }),
      { numRuns: 300 },
    );
  });
});

// Arbitrary schedules: weekly windows on random days, holidays closed / as usual / own hours,
// optional year-end closure that may wrap the new year.
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const window = fc
  .tuple(fc.integer({ min: 0, max: 95 }), fc.integer({ min: 1, max: 96 }))
  .filter(([a, b]) => a < b)
  .map(([a, b]) => ({ open: hhmm(a * 15), close: hhmm(b * 15) }));
const weeklyWindow = fc
  .tuple(fc.subarray([...WEEKDAYS], { minLength: 1 }), window)
  .map(([days, w]) => ({ days, ...w }));
const monthDay = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([m, d]) => `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const scheduleArb: fc.Arbitrary<Schedule> = fc
  .record({
    weekly: fc.array(weeklyWindow, { minLength: 1, maxLength: 4 }),
    publicHolidays: fc.oneof(
      fc.constant('as_usual' as const),
      fc.constant('closed' as const),
      fc.array(window, { maxLength: 2 }),
    ),
    yearEndClosure: fc.option(fc.record({ from: monthDay, to: monthDay }), { nil: null }),
  })
  .map((input: ScheduleInput) => scheduleSchema.parse(input));

describe('properties of arbitrary schedules', () => {
  it('nextOpenInstant / closesAt agree with isOpenAt', () => {
    fc.assert(
      fc.property(
        scheduleArb,
        instant,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (schedule, at, probe) => {
          const open = isOpenAt(schedule, at);
          const next = nextOpenInstant(schedule, at);
          if (open) expect(next).toEqual(at);
          // A year-end closure covering the whole year can leave a schedule that never opens.
          if (!open && next === null) return;
          checkChannel(schedule, at, open, open ? null : next, probe);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('addOpenMinutes lands after exactly that much open time', () => {
    fc.assert(
      fc.property(scheduleArb, minuteInstant, fc.integer({ min: 0, max: 600 }), (schedule, at, minutes) => {
        const start = nextOpenInstant(schedule, at);
        if (!start) return;
        const end = addOpenMinutes(schedule, start, minutes);
        if (end === null) {
          // Only when the open windows run out first (a gap longer than the search horizon, e.g. a
          // "year-end" closure covering most of the year): they hold less than `minutes` in all.
          let openMs = 0;
          for (let c: Date | null = start; c; ) {
            const closes = closesAt(schedule, c);
            if (!closes) break; // never closes again: addOpenMinutes would have answered
            openMs += closes.getTime() - c.getTime();
            c = nextOpenInstant(schedule, closes);
          }
          expect(openMs).toBeLessThan(minutes * MIN);
          return;
        }
        let open = 0;
        for (let t = start.getTime(); t < end!.getTime() && open <= minutes; t += MIN)
          if (isOpenAt(schedule, new Date(t))) open++;
        expect(open).toBe(minutes);
      }),
      { numRuns: 200 },
    );
  });
});
