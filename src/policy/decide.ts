import type { BilingualText } from '../knowledge/bilingual.js';
import { fill } from '../knowledge/template.js';
import type { Lang, TopicId } from '../topics.js';
import { addOpenMinutes, closesAt, isOpenAt, nextOpenInstant } from './schedule.js';
import type { ChannelKind, Route, SupportHoursRules } from './supportHoursRules.js';
import { formatJstFrom } from './tokyoTime.js';

export type { ChannelKind } from './supportHoursRules.js';

export interface ChannelDecision {
  /** Channel id in knowledge/support-hours.json, e.g. 'promise_call', 'store'. */
  id: string;
  kind: ChannelKind;
  openNow: boolean;
  /** When closed: the next opening instant (> at); null when open now (or never opens again). */
  nextOpenAt: Date | null;
  /** When open: when this open stretch ends; null when closed now or open around the clock. */
  closesAt: Date | null;
  /** e.g. {ja:'プロミスコール（フリーコール <number>）', en:'Promise Call (free call <number>)'}; the number comes from knowledge. */
  label: BilingualText;
  /** e.g. {ja:'9:00〜21:00（年中無休）', en:'9:00–21:00 daily'} */
  hours: BilingualText;
  /** Caveat to show with the hours, e.g. hours vary by location. */
  note?: BilingualText;
  phoneNumber?: string;
}

export interface WebInquiryDecision {
  allowed: boolean;
  /**
   * When staff start on a web inquiry left at `at`: `at` itself inside staff hours, else the next
   * opening (9:00). Null when web inquiries are refused for the topic.
   */
  handledFrom: Date | null;
  /** The expected-by time of the first answer: handledFrom + the configured staffed minutes. */
  expectedFirstResponseAt: Date | null;
  /** Why a web inquiry is refused (only when !allowed). */
  refusal?: BilingualText;
}

export interface Decision {
  topic: TopicId;
  at: Date;
  urgent: boolean;
  /** In order of preference. */
  channels: ChannelDecision[];
  webInquiry: WebInquiryDecision;
  /** A short sentence dialogs can show, with concrete times in JST. */
  reason: BilingualText;
}

function routeFor(topic: TopicId, rules: SupportHoursRules): Route {
  return rules.routing.topics[topic] ?? rules.routing.default;
}

function channel(rules: SupportHoursRules, id: string) {
  const ch = rules.channels[id];
  // The schema rejects unknown ids at load time; this guards hand-built rules in tests.
  if (!ch) throw new Error(`support-hours: unknown channel "${id}"`);
  return ch;
}

function phoneOf(rules: SupportHoursRules, id: string): string | undefined {
  const contact = channel(rules, id).contact;
  return contact === undefined ? undefined : rules.contacts[contact]?.phoneNumber;
}

function bilingual(make: (lang: Lang) => string): BilingualText {
  return { ja: make('ja'), en: make('en') };
}

/**
 * When staff start on a web inquiry about `topic` left at `at` (null if the topic refuses web
 * inquiries). Same contract as the triage module's FirstResponseAt, so it can be passed straight in.
 */
export function webInquiryHandledFrom(topic: TopicId, at: Date, rules: SupportHoursRules): Date | null {
  if (!routeFor(topic, rules).webInquiry.allowed) return null;
  return nextOpenInstant(channel(rules, rules.webInquiry.channel).schedule, at);
}

/** `webInquiryHandledFrom` bound to one rules object: `(topic, at) => Date | null`. */
export function webInquiryHandledFromFor(
  rules: SupportHoursRules,
): (topic: TopicId, at: Date) => Date | null {
  return (topic, at) => webInquiryHandledFrom(topic, at, rules);
}

/** How and when a member can get help on `topic` at instant `at`. Pure: same inputs, same answer, any TZ. */
export function decide(topic: TopicId, at: Date, rules: SupportHoursRules): Decision {
  if (Number.isNaN(at.getTime())) throw new RangeError('decide: invalid date');
  const route = routeFor(topic, rules);

  const channels = route.channels.map((id): ChannelDecision => {
    const ch = channel(rules, id);
    const openNow = isOpenAt(ch.schedule, at);
    const phoneNumber = phoneOf(rules, id);
    const values: Record<string, string> = phoneNumber === undefined ? {} : { phone: phoneNumber };
    return {
      id,
      kind: ch.kind,
      openNow,
      nextOpenAt: openNow ? null : nextOpenInstant(ch.schedule, at),
      closesAt: openNow ? closesAt(ch.schedule, at) : null,
      label: bilingual((lang) => fill(ch.label[lang], values)),
      hours: { ...ch.hours },
      ...(ch.note ? { note: { ...ch.note } } : {}),
      ...(phoneNumber === undefined ? {} : { phoneNumber }),
    };
  });

  let handledFrom: Date | null = null;
  let expected: Date | null = null;
  if (route.webInquiry.allowed) {
    const web = channel(rules, rules.webInquiry.channel).schedule;
    handledFrom = nextOpenInstant(web, at);
    expected =
      handledFrom && addOpenMinutes(web, handledFrom, rules.webInquiry.firstResponseWithinStaffMinutes);
  }

  const first = channels[0]!;
  const phone = channels.find((c) => c.phoneNumber !== undefined)?.phoneNumber;
  const values = (lang: Lang): Record<string, string> => {
    const v: Record<string, string> = { hours: first.hours[lang], label: first.label[lang] };
    if (phone !== undefined) v.phone = phone;
    if (first.nextOpenAt) v.next = formatJstFrom(first.nextOpenAt, at, lang);
    if (handledFrom) v.handledFrom = formatJstFrom(handledFrom, at, lang);
    if (expected) v.expected = formatJstFrom(expected, at, lang);
    return v;
  };
  const template = first.openNow ? route.reason.whenOpen : route.reason.whenClosed;
  const reason = bilingual((lang) => fill(template[lang], values(lang)));

  const webInquiry: WebInquiryDecision = route.webInquiry.allowed
    ? { allowed: true, handledFrom, expectedFirstResponseAt: expected }
    : {
        allowed: false,
        handledFrom: null,
        expectedFirstResponseAt: null,
        refusal: bilingual((lang) =>
          fill((route.webInquiry as { refusal: BilingualText }).refusal[lang], values(lang)),
        ),
      };

  return { topic, at: new Date(at.getTime()), urgent: route.urgent, channels, webInquiry, reason };
}
