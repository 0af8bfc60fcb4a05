import { decide, formatJstFrom, isOpenAt, type SupportHoursRules } from '../src/policy/index.js';
import type { Lang, TopicId } from '../src/topics.js';

/** Contact facts for one topic at one instant, already worded in the member's language. */
export interface SupportFacts {
  /** The call center's free-dial number. */
  phone: string;
  /** General phone hours, e.g. 9:00〜21:00. */
  hours: string;
  /** Hours of the loss/theft line, e.g. 24時間365日. */
  lossHours: string;
  phoneOpenNow: boolean;
  /** When the general line opens next (formatted), if it is closed now. */
  phoneNextOpen?: string;
  /** Hours staff answer web inquiries. */
  webHours: string;
  webAllowed: boolean;
  /** Kept off the web and answered by phone only (payment): no inquiry, no 「担当者」 button. */
  phoneOnly: boolean;
  /** When a web inquiry left now can expect its first answer (formatted). */
  webExpected?: string;
  /** The same instant, for storing. */
  webExpectedAt?: Date;
  webRefusal?: string;
  /** In-person places (store, automatic contract machine) with hours. */
  inPerson: string[];
  /** The policy's one-sentence summary for this topic. */
  reason: string;
  urgent: boolean;
  /** Staff are on duty now (the web-inquiry schedule): only then is a live chat offered. */
  staffedNow: boolean;
}

const MINUTE_MS = 60_000;
const CACHE_LIMIT = 512;

/**
 * Builds the facts from the policy module's decision, the single source of hours and numbers. Hours
 * are whole minutes, so the facts for a topic and language are the same for a whole minute: a flow
 * that names the number several times per turn, and every member in that minute, share one answer.
 */
export function createSupportFacts(rules: SupportHoursRules) {
  const cache = new Map<string, SupportFacts>();
  return (topic: TopicId, now: Date, lang: Lang): SupportFacts => {
    const minute = Math.floor(now.getTime() / MINUTE_MS);
    const key = `${topic}|${lang}|${minute}`;
    let facts = cache.get(key);
    if (!facts) {
      facts = factsAt(rules, topic, new Date(minute * MINUTE_MS), lang);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, facts);
    }
    return facts;
  };
}

function factsAt(rules: SupportHoursRules, topic: TopicId, now: Date, lang: Lang): SupportFacts {
  const decision = decide(topic, now, rules);
  // Topics routed elsewhere (the PIN: in person) still need the call center's number and hours.
  const general = decide('support.contact', now, rules);
  const loss = decide('card.lost', now, rules);
  const all = [...decision.channels, ...general.channels, ...loss.channels];
  const phone = all.find((c) => c.kind === 'phone');
  const lossLine = all.find((c) => c.kind === 'phone_24h');
  const web = all.find((c) => c.kind === 'web');
  const expected = decision.webInquiry.expectedFirstResponseAt ?? general.webInquiry.expectedFirstResponseAt;
  return {
    phone: phone?.phoneNumber ?? lossLine?.phoneNumber ?? '',
    hours: phone?.hours[lang] ?? '',
    lossHours: lossLine?.hours[lang] ?? '',
    phoneOpenNow: phone?.openNow ?? false,
    phoneNextOpen: phone?.nextOpenAt ? formatJstFrom(phone.nextOpenAt, now, lang) : undefined,
    webHours: web?.hours[lang] ?? '',
    webAllowed: decision.webInquiry.allowed,
    phoneOnly:
      !decision.webInquiry.allowed &&
      decision.channels.length > 0 &&
      decision.channels.every((c) => c.kind === 'phone' || c.kind === 'phone_24h'),
    webExpected: expected ? formatJstFrom(expected, now, lang) : undefined,
    webExpectedAt: expected ?? undefined,
    webRefusal: decision.webInquiry.refusal?.[lang],
    staffedNow: staffedAt(rules, now),
    inPerson: decision.channels
      .filter((c) => c.kind === 'in_person')
      .map((c) => (lang === 'ja' ? `${c.label.ja}（${c.hours.ja}）` : `${c.label.en} (${c.hours.en})`)),
    reason: decision.reason[lang],
    urgent: decision.urgent,
  };
}

/** The one schedule staff work to: support-hours.json's web-inquiry channel. */
export function staffedAt(rules: SupportHoursRules, at: Date): boolean {
  const web = rules.channels[rules.webInquiry.channel];
  return web ? isOpenAt(web.schedule, at) : false;
}
