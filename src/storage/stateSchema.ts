import { z } from 'zod';
import type { SessionState } from '../../dialogs/session.js';
import { LOCALES, TOPIC_IDS } from '../topics.js';

// The bot's own part of a conversation's stored state, checked when it is loaded: a document that
// parses but has the wrong shape would otherwise fail every turn (even 最初から) until its TTL.
// botbuilder's dialog stack (`dialogState`) stays botbuilder's: a stack it cannot continue is
// caught on the turn (src/bot.ts). Only its outline is checked here, because botbuilder does not
// fail on a stack entry that is not an object: it loops forever ending it. Unknown fields pass.

const excerptLineSchema = z.object({
  from: z.enum(['member', 'bot']),
  text: z.string(),
  at: z.string(),
});

export const sessionStateSchema = z
  .object({
    misses: z.number().int().min(0),
    lastTopic: z.enum(TOPIC_IDS).optional(),
    offeredHuman: z.boolean().optional(),
    csatFor: z.enum(TOPIC_IDS).optional(),
    lastInquiry: z.object({ id: z.string(), expectedAt: z.string() }).optional(),
    lang: z.enum(LOCALES).optional(),
    // Absent in states written before the trail replaced the transcript: the dialog starts one.
    trail: z.array(excerptLineSchema).default([]),
  })
  .passthrough() satisfies z.ZodType<SessionState>;

/** A stored conversation-state document (the eTag aside). */
export const conversationDocumentSchema = z
  .object({
    session: sessionStateSchema.optional(),
    dialogState: z
      .object({ dialogStack: z.array(z.object({ id: z.string() }).passthrough()).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
