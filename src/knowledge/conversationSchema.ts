import { z } from 'zod';
import { TOPIC_IDS } from '../topics.js';
import { bilingualText } from './bilingual.js';

const menuItem = z.object({ topic: z.enum(TOPIC_IDS), label: bilingualText }).strict();

/** knowledge/conversation.json: the words of conversation control (welcome, menu, fallback …). */
export const conversationSchema = z
  .object({
    welcome: bilingualText,
    /** Welcome line on the bot's own page (it has a language button). */
    pageLanguageHint: bilingualText,
    /** Welcome line on channels without a page (Emulator, terminal): switch by typing. */
    typedLanguageHint: bilingualText,
    menuPrompt: bilingualText,
    menu: z.array(menuItem).min(3).max(12),
    help: bilingualText,
    fallback: bilingualText,
    fallbackOfferHuman: bilingualText,
    /** Understood, but not this chat's business (the weather, another company's card). */
    outOfScope: bilingualText,
    /** A message that is only a masked secret: what to do instead ({phone}, {hours}). */
    secretOnly: bilingualText,
    didYouMean: bilingualText,
    noneOfThese: bilingualText,
    cancelled: bilingualText,
    nothingToCancel: bilingualText,
    startOver: bilingualText,
    /** The member switched the language with nothing in progress (the menu follows). */
    languageSwitched: bilingualText,
    /** The member switched the language mid-flow (the pending question follows). */
    languageSwitchedMidFlow: bilingualText,
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
    /** A whole message that switches the reply language: 「English」, 「日本語で」. */
    languageWords: z
      .object({ ja: z.array(z.string().min(1)).min(1), en: z.array(z.string().min(1)).min(1) })
      .strict(),
    /**
     * The question after a flow's answer (two buttons, yes / no) and what follows each answer.
     * `noPersonFor`: topics staff cannot help with in chat (payment, the PIN): 「いいえ」 offers only the menu.
     */
    csat: z
      .object({
        question: bilingualText,
        yes: bilingualText,
        no: bilingualText,
        thanks: bilingualText,
        sorry: bilingualText,
        sorryNoPerson: bilingualText,
        noPersonFor: z.array(z.enum(TOPIC_IDS)),
      })
      .strict(),
    /** Labels and filler around a masked secret: 「暗証番号は****です」 says nothing else. */
    secretFillers: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type ConversationKnowledge = z.infer<typeof conversationSchema>;
