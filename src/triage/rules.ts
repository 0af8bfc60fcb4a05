import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { bilingualText } from '../knowledge/bilingual.js';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { addOpenMinutes, decide, type SupportHoursRules, webInquiryHandledFromFor } from '../policy/index.js';
import { TOPIC_IDS, type TopicId } from '../topics.js';
import { type Inquiry, type InquiryStatus, PRIORITIES, type Priority } from './types.js';

const priority = z.enum(PRIORITIES);
const topicKey = z.enum(TOPIC_IDS);

/** A bilingual text whose both languages carry the placeholders the code fills in. */
function placeholders(...names: string[]) {
  return bilingualText.refine((t) => names.every((n) => t.ja.includes(n) && t.en.includes(n)), {
    message: `both texts must contain ${names.join(' and ')}`,
  });
}

export const triageRulesSchema = z
  .object({
    $comment: z.string().optional(),
    defaultPriority: priority,
    priorityByTopic: z.partialRecord(topicKey, priority),
    priorityReasons: z.partialRecord(priority, z.string()).optional(),
    slaMinutes: z
      .object({
        urgent: z.number().int().positive(),
        high: z.number().int().positive(),
        normal: z.number().int().positive(),
        low: z.number().int().positive(),
      })
      .strict(),
    /** Wording of a staff reply in the member's chat; `{text}` is the staff member's text. */
    staffReply: bilingualText.refine((t) => t.ja.includes('{text}') && t.en.includes('{text}'), {
      message: 'both texts must contain {text}',
    }),
    liveChat: z
      .object({
        $comment: z.string().optional(),
        passedOn: placeholders('{id}'),
        joined: placeholders('{name}'),
        left: placeholders('{name}'),
        staffMessage: placeholders('{name}', '{text}'),
        memberEnded: bilingualText,
        offer: bilingualText,
        serviceName: z.string().trim().min(1).max(100),
      })
      .strict(),
  })
  .strict();

export type LiveChatWording = TriageRules['liveChat'];

export type TriageRules = z.infer<typeof triageRulesSchema>;

export function loadTriageRules(dir: string = KNOWLEDGE_DIR): TriageRules {
  return loadJsonFile(join(dir, 'triage.json'), triageRulesSchema);
}

export function priorityFor(topic: TopicId, rules: TriageRules): Priority {
  return rules.priorityByTopic[topic] ?? rules.defaultPriority;
}

/**
 * When web inquiries about `topic` asked at `at` are first handled (the policy module's
 * `webInquiry.expectedFirstResponseAt`): `at` itself inside office hours, the next opening outside
 * them; null when the policy has no web-inquiry window for the topic.
 */
export type FirstResponseAt = (topic: TopicId, at: Date) => Date | null;

/** Everything the store needs to set priority and dueAt. */
export interface InquiryRules {
  triage: TriageRules;
  firstResponseAt: FirstResponseAt;
  /**
   * `minutes` of staffed web-inquiry time after `start` (the policy's schedule arithmetic). Without
   * it, office time is counted by probing firstResponseAt in small steps.
   */
  addOfficeMinutes?: (start: Date, minutes: number) => Date | null;
  /** The first-response time the bot promises the member (policy); dueAt is never later. */
  promisedBy?: FirstResponseAt;
  /** Urgent inquiries are worked at night too (support-hours.json webInquiry.nightStaffing). */
  nightStaffing?: boolean;
}

/** The rules as the app uses them: knowledge/triage.json plus the support-hours policy. */
export function inquiryRulesFromPolicy(
  supportHours: SupportHoursRules,
  triage: TriageRules = loadTriageRules(),
): InquiryRules {
  const web = supportHours.channels[supportHours.webInquiry.channel];
  return {
    triage,
    firstResponseAt: webInquiryHandledFromFor(supportHours),
    promisedBy: (topic, at) => decide(topic, at, supportHours).webInquiry.expectedFirstResponseAt,
    nightStaffing: supportHours.webInquiry.nightStaffing,
    ...(web
      ? { addOfficeMinutes: (start: Date, minutes: number) => addOpenMinutes(web.schedule, start, minutes) }
      : {}),
  };
}

const STEP_MS = 5 * 60 * 1000;
const MAX_STEPS = 10_000;

/**
 * dueAt of a new inquiry. Urgent: its SLA from createdAt, or from the next staffed opening when
 * nobody works at night (a lost card at 3:05 → 9:15, not a promise of 3:20). Others: the SLA counted in
 * office time only, starting when web inquiries are next handled — so one asked at 23:30 is due
 * after 9:00, and one asked at 20:30 with a 2 h SLA is due 1.5 office hours after 9:00 next day —
 * and never later than the first response the policy promised the member.
 */
export function computeDueAt(topic: TopicId, priority: Priority, createdAt: Date, rules: InquiryRules): Date {
  const due = slaDueAt(topic, priority, createdAt, rules);
  if (priority === 'urgent') return due;
  const promised = rules.promisedBy?.(topic, createdAt);
  return promised && promised.getTime() < due.getTime() ? promised : due;
}

function slaDueAt(topic: TopicId, priority: Priority, createdAt: Date, rules: InquiryRules): Date {
  const slaMs = rules.triage.slaMinutes[priority] * 60 * 1000;
  // A topic the policy keeps off the web (e.g. payment: phone only) still lands in the staff queue;
  // it is worked in the general web-inquiry window.
  const opening = (at: Date): Date | null =>
    rules.firstResponseAt(topic, at) ?? rules.firstResponseAt('handoff.human', at);
  if (priority === 'urgent') {
    const from = rules.nightStaffing ? createdAt : (opening(createdAt) ?? createdAt);
    return new Date(Math.max(from.getTime(), createdAt.getTime()) + slaMs);
  }
  const start = opening(createdAt);
  if (!start) return new Date(createdAt.getTime() + slaMs);
  const exact = rules.addOfficeMinutes?.(start, rules.triage.slaMinutes[priority]);
  if (exact) return exact;
  let cursor = Math.max(start.getTime(), createdAt.getTime());
  let remaining = slaMs;
  // Walk in small steps; a step that ends outside office hours jumps to the next opening without
  // counting (conservative by at most one step).
  for (let i = 0; remaining > 0 && i < MAX_STEPS; i++) {
    const step = Math.min(STEP_MS, remaining);
    // The last instant of the step: a step ending exactly at closing time still counts.
    const probe = new Date(cursor + step - 1);
    const next = opening(probe);
    if (next && next.getTime() > probe.getTime()) {
      cursor = next.getTime();
      continue;
    }
    cursor += step;
    remaining -= step;
  }
  return new Date(cursor);
}

/** Moves staff may make with "change status". A reply moves any open inquiry to waiting_member. */
export const STATUS_TRANSITIONS: Record<InquiryStatus, readonly InquiryStatus[]> = {
  new: ['in_progress', 'resolved'],
  in_progress: ['waiting_member', 'resolved'],
  waiting_member: ['in_progress', 'resolved'],
  member_replied: ['in_progress', 'resolved'],
  resolved: ['in_progress'],
};

/** Staff owe an answer on new, in-progress and member-replied inquiries; waiting_member and resolved are not overdue. */
export function isOverdue(inquiry: Pick<Inquiry, 'status' | 'dueAt'>, now: Date): boolean {
  return (
    (inquiry.status === 'new' || inquiry.status === 'in_progress' || inquiry.status === 'member_replied') &&
    Date.parse(inquiry.dueAt) < now.getTime()
  );
}

/** Letters only, without I and O: read out on the phone without mix-ups. */
const ID_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * A new inquiry id: short enough to read out on the phone, sortable by day, unguessable enough
 * (24^8 ≈ 1.1e11 a day). The random part has no digits: digits after the date could form a run the
 * secret guard would take for a card number and mask in the very message that tells the member the
 * reference.
 */
export function newInquiryId(at: Date): string {
  const day = new Date(at.getTime() + 9 * 60 * 60 * 1000).toISOString().slice(0, 10).replace(/-/g, ''); // JST date
  const random = [...randomBytes(8)].map((b) => ID_LETTERS[b % ID_LETTERS.length]).join('');
  return `Q${day}-${random}`;
}
