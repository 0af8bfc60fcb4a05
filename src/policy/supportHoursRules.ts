import { join } from 'node:path';
import { z } from 'zod';
import { bilingualText } from '../knowledge/bilingual.js';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { TOPIC_IDS } from '../topics.js';
import { scheduleSchema } from './schedule.js';

/**
 * How a member reaches a person:
 * - `phone`: the general call-center line (プロミスコール), general hours;
 * - `phone_24h`: the same free dial for loss/theft, 24 hours a day;
 * - `web`: a web inquiry (web form or this chat) — accepted any time, answered by staff in their hours;
 * - `in_person`: a store (店舗) or automatic contract machine (自動契約機).
 */
export const CHANNEL_KINDS = ['phone', 'phone_24h', 'web', 'in_person'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Placeholders a reason, refusal or label may use; filled by decide() in the member's language. */
export const REASON_PLACEHOLDERS = ['phone', 'hours', 'next', 'handledFrom', 'expected', 'label'] as const;

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower_snake_case id');

const contactSchema = z
  .object({
    name: bilingualText,
    phoneNumber: z
      .string()
      .regex(/^0\d{1,4}-\d{1,4}-\d{3,4}$/, 'expected a Japanese number like 0X-XXXX-XXXX'),
  })
  .strict();

const channelSchema = z
  .object({
    kind: z.enum(CHANNEL_KINDS),
    /** Key in `contacts` whose number this channel uses (required for phone kinds). */
    contact: id.optional(),
    /** Channel name as shown to the member; may use {phone}. */
    label: bilingualText,
    /** Hours as shown to the member; must agree with `schedule` (a test checks the times appear). */
    hours: bilingualText,
    /** Optional caveat, e.g. hours vary by location. */
    note: bilingualText.optional(),
    schedule: scheduleSchema,
  })
  .strict();

const routeSchema = z
  .object({
    /** Channel ids, most preferred first. */
    channels: z.array(id).min(1),
    urgent: z.boolean(),
    webInquiry: z.discriminatedUnion('allowed', [
      z.object({ allowed: z.literal(true) }).strict(),
      z.object({ allowed: z.literal(false), refusal: bilingualText }).strict(),
    ]),
    /** Whether the first channel is open now picks the sentence. */
    reason: z.object({ whenOpen: bilingualText, whenClosed: bilingualText }).strict(),
  })
  .strict();

export type Route = z.output<typeof routeSchema>;

export const supportHoursSchema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    /** Rules are evaluated on the Tokyo wall clock (fixed UTC+09:00; Japan has no DST). */
    timeZone: z.literal('Asia/Tokyo'),
    contacts: z.record(id, contactSchema),
    channels: z.record(id, channelSchema),
    webInquiry: z
      .object({
        /** The channel whose schedule is "staff handle web inquiries". */
        channel: id,
        /** Expected first response: this many minutes of staffed time after handling starts. */
        firstResponseWithinStaffMinutes: z
          .number()
          .int()
          .min(0)
          .max(7 * 24 * 60),
        /**
         * Staff work urgent inquiries (a lost card) at night too. Off by default: then an urgent
         * inquiry is also due within the staffed hours of `channel`, and the bot promises no earlier.
         */
        nightStaffing: z.boolean().default(false),
      })
      .strict(),
    routing: z
      .object({
        default: routeSchema,
        topics: z.partialRecord(z.enum(TOPIC_IDS), routeSchema),
      })
      .strict(),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    for (const [chId, ch] of Object.entries(rules.channels)) {
      if (ch.contact === undefined) {
        if (ch.kind === 'phone' || ch.kind === 'phone_24h')
          issue(['channels', chId, 'contact'], 'a phone channel needs a contact');
      } else if (!(ch.contact in rules.contacts)) {
        issue(['channels', chId, 'contact'], `unknown contact "${ch.contact}"`);
      }
      for (const lang of ['ja', 'en'] as const) {
        if (ch.label[lang].includes('{phone}') && ch.contact === undefined)
          issue(['channels', chId, 'label', lang], '{phone} needs a contact');
      }
    }
    const web = rules.channels[rules.webInquiry.channel];
    if (!web) issue(['webInquiry', 'channel'], `unknown channel "${rules.webInquiry.channel}"`);
    else if (web.kind !== 'web') issue(['webInquiry', 'channel'], 'must be a channel of kind "web"');

    const routes: Array<[PropertyKey[], Route]> = [[['routing', 'default'], rules.routing.default]];
    for (const [topic, route] of Object.entries(rules.routing.topics)) {
      if (route) routes.push([['routing', 'topics', topic], route]);
    }
    for (const [path, route] of routes) {
      const seen = new Set<string>();
      route.channels.forEach((chId, i) => {
        if (!(chId in rules.channels)) issue([...path, 'channels', i], `unknown channel "${chId}"`);
        if (seen.has(chId)) issue([...path, 'channels', i], `channel "${chId}" listed twice`);
        seen.add(chId);
      });
      const hasPhone = route.channels.some((c) => rules.channels[c]?.contact !== undefined);
      const texts: Array<[PropertyKey[], string, 'open' | 'closed' | 'refusal']> = [];
      for (const lang of ['ja', 'en'] as const) {
        texts.push([[...path, 'reason', 'whenOpen', lang], route.reason.whenOpen[lang], 'open']);
        texts.push([[...path, 'reason', 'whenClosed', lang], route.reason.whenClosed[lang], 'closed']);
        if (!route.webInquiry.allowed)
          texts.push([[...path, 'webInquiry', 'refusal', lang], route.webInquiry.refusal[lang], 'refusal']);
      }
      for (const [textPath, text, when] of texts) {
        for (const [, name] of text.matchAll(/\{(\w+)\}/g)) {
          if (!(REASON_PLACEHOLDERS as readonly string[]).includes(name!))
            issue(textPath, `unknown placeholder {${name}}`);
          else if (name === 'next' && when !== 'closed')
            issue(textPath, '{next} only exists when the first channel is closed');
          else if ((name === 'handledFrom' || name === 'expected') && !route.webInquiry.allowed)
            issue(textPath, `{${name}} needs webInquiry.allowed`);
          else if (name === 'phone' && !hasPhone) issue(textPath, '{phone} needs a channel with a contact');
        }
      }
    }
  });

export type SupportHoursRules = z.output<typeof supportHoursSchema>;
export type SupportChannel = SupportHoursRules['channels'][string];

export const SUPPORT_HOURS_FILE = 'support-hours.json';

/** Reads and validates knowledge/support-hours.json (call once at start-up; decide() does no I/O). */
export function loadSupportHours(dir: string = KNOWLEDGE_DIR): SupportHoursRules {
  return loadJsonFile(join(dir, SUPPORT_HOURS_FILE), supportHoursSchema);
}
