import type { TopicId } from '../src/topics.js';
import type { ExcerptLine } from '../src/triage/types.js';

/** Conversation-scoped memory beyond the dialog stack (kept in ConversationState). */
export interface SessionState {
  /** Consecutive messages the bot did not understand; a human is offered after two. */
  misses: number;
  /** The last topic answered, so a follow-up like 「どの銀行？」 is read in context. */
  lastTopic?: TopicId;
  /** The last turns, already masked, for the excerpt of an inquiry. */
  transcript: ExcerptLine[];
}

export const TRANSCRIPT_LINES = 24;

export function emptySession(): SessionState {
  return { misses: 0, transcript: [] };
}
