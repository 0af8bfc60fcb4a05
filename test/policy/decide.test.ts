import { describe, expect, it } from 'vitest';
import { decide, webInquiryHandledFrom } from '../../src/policy/decide.js';
import { loadSupportHours } from '../../src/policy/supportHoursRules.js';
import { TOPIC_IDS, type TopicId } from '../../src/topics.js';
import { CASES, jst, summarise } from './fixtures/cases.js';

const rules = loadSupportHours();

describe('decide() — table of instants × topics (Asia/Tokyo)', () => {
  it.each(CASES)('$name ($topic @ $at)', (c) => {
    const d = decide(c.topic, new Date(c.at), rules);
    expect(d.topic).toBe(c.topic);
    expect(d.at.toISOString()).toBe(new Date(c.at).toISOString());
    expect(summarise(d)).toEqual(c.expected);
    for (const lang of ['ja', 'en'] as const) {
      for (const part of c.reasonHas?.[lang] ?? []) expect(d.reason[lang]).toContain(part);
    }
  });
});

describe('decide() — routing per topic', () => {
  const at = new Date('2026-11-26T14:00:00+09:00');
  const special: TopicId[] = ['card.lost', 'payment.inquiry', 'card.pin_forgot', 'support.contact'];

  it('card.lost: the 24-hour phone line first, urgent; an urgent note for staff is accepted second', () => {
    const d = decide('card.lost', at, rules);
    expect(d.urgent).toBe(true);
    expect(d.channels.map((c) => c.kind)).toEqual(['phone_24h', 'web']);
    expect(d.channels[0]?.phoneNumber).toBe('0120-24-0365');
    expect(d.channels[0]?.hours.ja).toContain('24時間');
    // The lost-card flow offers staff an urgent inquiry with the time of loss (it never replaces the call).
    expect(d.webInquiry.allowed).toBe(true);
    expect(d.webInquiry.refusal).toBeUndefined();
  });

  it('payment.inquiry: phone only; a web inquiry is refused with a clear reason', () => {
    const d = decide('payment.inquiry', at, rules);
    expect(d.channels.map((c) => c.kind)).toEqual(['phone']);
    expect(d.webInquiry).toMatchObject({ allowed: false, handledFrom: null, expectedFirstResponseAt: null });
    expect(d.webInquiry.refusal?.ja).toContain('お電話でのみ');
    expect(d.webInquiry.refusal?.en).toMatch(/phone only/);
    expect(webInquiryHandledFrom('payment.inquiry', at, rules)).toBeNull();
  });

  it('card.pin_forgot: in person only (automatic contract machine, then store); no phone, no web', () => {
    const d = decide('card.pin_forgot', at, rules);
    expect(d.channels.map((c) => [c.id, c.kind])).toEqual([
      ['contract_machine', 'in_person'],
      ['store', 'in_person'],
    ]);
    expect(d.channels.some((c) => c.phoneNumber)).toBe(false);
    expect(d.webInquiry.allowed).toBe(false);
    expect(d.webInquiry.refusal?.ja).toMatch(/電話.*チャット/);
    expect(d.channels[0]?.note?.ja).toContain('設置場所');
  });

  it.each(TOPIC_IDS.filter((t) => !special.includes(t)))('%s: web inquiry or phone', (topic) => {
    const d = decide(topic, at, rules);
    expect(d.urgent).toBe(false);
    expect(d.channels.map((c) => c.kind)).toEqual(['web', 'phone']);
    expect(d.webInquiry.allowed).toBe(true);
    expect(d.webInquiry.refusal).toBeUndefined();
  });

  it.each(TOPIC_IDS)('%s: every text is filled and bilingual at several hours', (topic) => {
    for (const hour of [0, 8, 9, 12, 20, 21, 23]) {
      const d = decide(topic, new Date(`2026-11-26T${String(hour).padStart(2, '0')}:30:00+09:00`), rules);
      const texts = [d.reason, d.webInquiry.refusal, ...d.channels.flatMap((c) => [c.label, c.hours])];
      for (const t of texts) {
        if (!t) continue;
        expect(t.ja).not.toMatch(/[{}]/);
        expect(t.en).not.toMatch(/[{}]/);
        expect(t.ja).toMatch(/[ぁ-んァ-ヶ一-龠]/);
      }
    }
  });

  it('phone channel labels carry the number from the knowledge file', () => {
    const d = decide('support.contact', at, rules);
    expect(d.channels[0]).toMatchObject({
      kind: 'phone',
      phoneNumber: '0120-24-0365',
      label: {
        ja: 'プロミスコール（フリーコール 0120-24-0365）',
        en: 'Promise Call (free call 0120-24-0365)',
      },
    });
  });
});

describe('decide() — web inquiry first response', () => {
  it('is handled at once inside staff hours and expected within the configured staffed time', () => {
    const at = new Date('2026-11-26T13:15:00+09:00');
    const d = decide('login.trouble', at, rules);
    expect(jst(d.webInquiry.handledFrom)).toBe('2026-11-26 13:15');
    expect(rules.webInquiry.firstResponseWithinStaffMinutes).toBe(120);
    expect(jst(d.webInquiry.expectedFirstResponseAt)).toBe('2026-11-26 15:15');
  });

  it('follows the configured target', () => {
    const custom = structuredClone(rules);
    custom.webInquiry.firstResponseWithinStaffMinutes = 0;
    const d = decide('help', new Date('2026-11-26T23:00:00+09:00'), custom);
    expect(jst(d.webInquiry.expectedFirstResponseAt)).toBe('2026-11-27 09:00');
  });

  it('webInquiryHandledFrom matches decide() and the triage contract (at inside hours, next opening outside)', () => {
    for (const c of CASES) {
      const at = new Date(c.at);
      expect(webInquiryHandledFrom(c.topic, at, rules)).toEqual(
        decide(c.topic, at, rules).webInquiry.handledFrom,
      );
    }
    const inside = new Date('2026-11-26T10:00:00+09:00');
    expect(webInquiryHandledFrom('help', inside, rules)).toEqual(inside);
  });

  it('rejects an invalid instant', () => {
    expect(() => decide('help', new Date('nope'), rules)).toThrow(RangeError);
  });

  it('is pure: does not mutate the rules and gives equal results for equal input', () => {
    const before = JSON.stringify(rules);
    const at = new Date('2026-11-26T21:00:00+09:00');
    expect(decide('support.contact', at, rules)).toEqual(decide('support.contact', at, rules));
    expect(JSON.stringify(rules)).toBe(before);
  });
});
