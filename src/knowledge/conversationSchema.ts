import { z } from 'zod';
import { TOPIC_IDS } from '../topics.js';
import { bilingualText } from './bilingual.js';

const menuItem = z.object({ topic: z.enum(TOPIC_IDS), label: bilingualText }).strict();

/** knowledge/conversation.json: the words of conversation control (welcome, menu, fallback …). */
export const conversationSchema = z
  .object({
    welcome: bilingualText,
    otherLanguageHint: bilingualText,
    menuPrompt: bilingualText,
    menu: z.array(menuItem).min(3).max(12),
    help: bilingualText,
    fallback: bilingualText,
    fallbackOfferHuman: bilingualText,
    didYouMean: bilingualText,
    noneOfThese: bilingualText,
    cancelled: bilingualText,
    nothingToCancel: bilingualText,
    startOver: bilingualText,
    greeting: bilingualText,
    thanksBye: bilingualText,
    anythingElse: bilingualText,
    error: bilingualText,
    /** Sent once to a member who sends more messages than the per-conversation rate limit allows. */
    rateLimited: bilingualText,
    topicLabels: z.record(z.enum(TOPIC_IDS), bilingualText),
    yes: bilingualText,
    no: bilingualText,
    menuButton: bilingualText,
    retry: bilingualText,
    /** Phrases that restart the conversation from the menu ("最初から", "start over"). */
    restartWords: z.array(z.string().min(1)).min(1),
    /** 「わからない」 / "not sure": an answer to the pending question, never a new topic. */
    unsureWords: z.array(z.string().min(1)).min(1),
    /** Short messages that stop what is running (「戻る」, "never mind"), whatever the recognizer says. */
    cancelWords: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type ConversationKnowledge = z.infer<typeof conversationSchema>;
