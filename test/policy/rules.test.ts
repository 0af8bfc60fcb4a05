import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../src/knowledge/loader.js';
import { KNOWLEDGE_DIR, PROJECT_ROOT } from '../../src/paths.js';
import { isJapanesePublicHoliday } from '../../src/policy/schedule.js';
import { loadSupportHours, SUPPORT_HOURS_FILE } from '../../src/policy/supportHoursRules.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests break the raw JSON on purpose, in any shape
type RawRules = any;

const raw = JSON.parse(readFileSync(join(KNOWLEDGE_DIR, SUPPORT_HOURS_FILE), 'utf8'));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Loads a modified copy of the shipped rules and returns the error lines (empty when valid). */
function issuesAfter(edit: (rules: RawRules) => void): string[] {
  const copy = structuredClone(raw);
  edit(copy);
  const dir = mkdtempSync(join(tmpdir(), 'support-hours-'));
  dirs.push(dir);
  writeFileSync(join(dir, SUPPORT_HOURS_FILE), JSON.stringify(copy));
  try {
    loadSupportHours(dir);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return (err as KnowledgeError).issues;
  }
}

describe('knowledge/support-hours.json', () => {
  const rules = loadSupportHours();

  it('loads and keeps the facts in knowledge', () => {
    expect(rules.contacts.promise_call?.phoneNumber).toBe('0120-24-0365');
    expect(rules.channels.promise_call_loss?.kind).toBe('phone_24h');
    expect(rules.routing.topics['payment.inquiry']?.webInquiry.allowed).toBe(false);
  });

  it('the hours text shown to members agrees with each schedule', () => {
    const clock = (m: number) =>
      m === 1440 ? '24' : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}`;
    for (const [id, ch] of Object.entries(rules.channels)) {
      for (const w of ch.schedule.weekly) {
        for (const lang of ['ja', 'en'] as const) {
          const text = ch.hours[lang];
          if (w.open === 0 && w.close === 1440) expect(text, `${id}.${lang}`).toMatch(/24/);
          else {
            expect(text, `${id}.${lang}`).toContain(clock(w.open));
            expect(text, `${id}.${lang}`).toContain(clock(w.close));
          }
        }
      }
    }
  });

  it('no policy source file hard-codes the phone number', () => {
    const dir = join(PROJECT_ROOT, 'src', 'policy');
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/0120/);
  });

  it('public holidays come from @holiday-jp/holiday_jp by Tokyo date', () => {
    expect(isJapanesePublicHoliday('2026-11-23')).toBe(true);
    expect(isJapanesePublicHoliday('2026-11-24')).toBe(false);
    expect(isJapanesePublicHoliday('2026-01-01')).toBe(true);
  });
});

describe('validation names the file and the field', () => {
  it('accepts the shipped file unchanged', () => {
    expect(issuesAfter(() => {})).toEqual([]);
  });

  it.each([
    [
      'unknown channel in a route',
      (r: RawRules) => {
        r.routing.topics['payment.inquiry'].channels = ['fax'];
      },
      'routing.topics.payment.inquiry.channels[0]: unknown channel "fax"',
    ],
    [
      'bad time',
      (r: RawRules) => {
        r.channels.store.schedule.weekly[0].open = '9am';
      },
      'channels.store.schedule.weekly[0].open',
    ],
    [
      'window closing before it opens',
      (r: RawRules) => {
        r.channels.store.schedule.weekly[0].close = '08:00';
      },
      'open must be before close',
    ],
    [
      'refused web inquiry without a reason',
      (r: RawRules) => {
        delete r.routing.topics['payment.inquiry'].webInquiry.refusal;
      },
      'routing.topics.payment.inquiry.webInquiry',
    ],
    [
      '{next} in a sentence for an open channel',
      (r: RawRules) => {
        r.routing.default.reason.whenOpen.en = 'Opens {next}.';
      },
      'routing.default.reason.whenOpen.en: {next} only exists when the first channel is closed',
    ],
    [
      '{expected} where web inquiries are refused',
      (r: RawRules) => {
        r.routing.topics['payment.inquiry'].reason.whenOpen.ja = '{expected}';
      },
      '{expected} needs webInquiry.allowed',
    ],
    [
      'unknown topic id',
      (r: RawRules) => {
        r.routing.topics['card.stolen'] = r.routing.default;
      },
      'routing.topics',
    ],
    [
      'phone channel without a contact',
      (r: RawRules) => {
        delete r.channels.promise_call.contact;
      },
      'channels.promise_call.contact: a phone channel needs a contact',
    ],
    [
      'web inquiry channel that is not a web channel',
      (r: RawRules) => {
        r.webInquiry.channel = 'store';
      },
      'webInquiry.channel: must be a channel of kind "web"',
    ],
    [
      'missing English text',
      (r: RawRules) => {
        delete r.channels.store.label.en;
      },
      'channels.store.label.en',
    ],
  ])('rejects %s', (_name, edit, expected) => {
    const issues = issuesAfter(edit);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.startsWith('knowledge/') || i.includes('support-hours.json'))).toBe(true);
    expect(issues.join('\n')).toContain(expected);
  });
});
