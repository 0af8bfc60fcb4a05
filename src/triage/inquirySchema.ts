import { z } from 'zod';
import { LOCALES, TOPIC_IDS } from '../topics.js';
import { INQUIRY_STATUSES, PRIORITIES } from './types.js';

// The shape of a stored inquiry: checked before every write and on every load, so a record the
// schema rejects is never written (it would silently vanish on the next start).

export const isoInstant = z.iso.datetime({ offset: true });
export const MAX_TEXT = 4000;

export const inquirySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{6,64}$/),
  topic: z.enum(TOPIC_IDS),
  priority: z.enum(PRIORITIES),
  status: z.enum(INQUIRY_STATUSES),
  createdAt: isoInstant,
  dueAt: isoInstant,
  updatedAt: isoInstant,
  locale: z.enum(LOCALES),
  summary: z.string().max(MAX_TEXT),
  excerpt: z.array(
    z.object({ from: z.enum(['member', 'bot']), text: z.string().max(MAX_TEXT), at: isoInstant }),
  ),
  details: z.record(z.string(), z.string()),
  conversationReference: z.record(z.string(), z.unknown()),
  assignee: z.string().nullable(),
  notes: z.array(z.object({ at: isoInstant, author: z.string(), text: z.string() })),
  replies: z.array(
    z.preprocess(
      legacyDelivery,
      z.object({
        id: z.string(),
        at: isoInstant,
        author: z.string(),
        text: z.string(),
        delivery: z.enum(['pushed', 'pending']),
        pushedAt: isoInstant.optional(),
        inTranscript: z.boolean().optional(),
      }),
    ),
  ),
  messages: z
    .array(
      z.object({
        id: z.string(),
        from: z.enum(['member', 'staff', 'bot']),
        text: z.string().max(MAX_TEXT),
        at: isoInstant,
        author: z.string().optional(),
      }),
    )
    .optional(),
  liveChat: z.object({ login: z.string(), name: z.string(), since: isoInstant }).nullable().optional(),
});

/** Records written before 'pushed' said 'delivered' (and deliveredAt): read them as pushed. */
function legacyDelivery(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const { deliveredAt, ...reply } = value as Record<string, unknown>;
  if (reply.delivery === 'delivered') reply.delivery = 'pushed';
  if (deliveredAt !== undefined && reply.pushedAt === undefined) reply.pushedAt = deliveredAt;
  return reply;
}
