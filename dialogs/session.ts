import type { Lang, TopicId } from '../src/topics.js';
import type { ExcerptLine } from '../src/triage/types.js';

/** Conversation-scoped memory beyond the dialog stack (kept in ConversationState). */
export interface SessionState {
  /** Consecutive messages the bot did not understand; a human is offered after two. */
  misses: number;
  /** The last topic answered, so a follow-up like 「どの銀行？」 is read in context. */
  lastTopic?: TopicId;
  /** The bot's last message offered a person: a plain yes takes it. */
  offeredHuman?: boolean;
  /** The bot's last message asked 「お役に立ちましたか？」 about this topic: the next message may answer it. */
  csatFor?: TopicId;
  /** The inquiry left in this conversation most recently, and the answer time the member was told. */
  lastInquiry?: { id: string; expectedAt: string };
  /** The language the member chose (page switch or 「English」): replies follow it. */
  lang?: Lang;
  /**
   * The last turns for an inquiry's excerpt: what the bot understood of each member message (topic,
   * choice, recognised answer) and the bot's own lines, never the member's words, so nothing the
   * secret guard misses is kept at rest.
   */
  trail: ExcerptLine[];
}

export const TRANSCRIPT_LINES = 20;
/** Bot lines are cut to this length in the excerpt: staff know the flows. */
export const BOT_LINE_CHARS = 200;

export function emptySession(): SessionState {
  return { misses: 0, trail: [] };
}
