import type { ConversationReference } from 'botbuilder';
import type { Lang, TopicId } from '../topics.js';

// The contract between the bot (handoff dialog, fallback) and the staff side. Every text in here has
// been through the secret guard before it reaches a store.

export const INQUIRY_STATUSES = [
  'new',
  'in_progress',
  'waiting_member',
  'member_replied',
  'resolved',
] as const;
export type InquiryStatus = (typeof INQUIRY_STATUSES)[number];

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface ExcerptLine {
  from: 'member' | 'bot';
  text: string;
  at: string; // ISO instant
}

/** What the handoff dialog hands over when a member leaves an inquiry. */
export interface NewInquiry {
  topic: TopicId;
  locale: Lang;
  /** The member's own description (masked). */
  summary: string;
  /** The last turns of the conversation (masked). */
  excerpt: ExcerptLine[];
  /** Where a staff reply goes (continueConversation). */
  conversationReference: Partial<ConversationReference>;
  /** The instant the member asked (activity timestamp), drives dueAt. */
  createdAt: Date;
  /** Flow-specific facts, e.g. { lostOrStolen: 'stolen', lostAt: '2026-11-25T20:00:00+09:00' }. */
  details?: Record<string, string>;
}

export interface InquiryNote {
  at: string;
  author: string;
  text: string;
}

export interface InquiryReply {
  id: string;
  at: string;
  author: string;
  text: string;
  /**
   * pushed: it reached a live connection (an open Web Chat stream wrote it, a poll fetched it, or a
   * Bot Framework connector accepted it); pending: not yet (kept in the transcript or the outbox for
   * the member's return). Not the inquiry status waiting_member.
   */
  delivery: 'pushed' | 'pending';
  pushedAt?: string;
  /** Written into the member's Direct Line transcript: their client fetches it there (not resent). */
  inTranscript?: boolean;
}

/** One line of the two-way conversation staff see: the member's messages (masked), staff and bot lines. */
export interface ConversationMessage {
  id: string;
  from: 'member' | 'staff' | 'bot';
  text: string;
  at: string;
  /** The staff member's display name (staff lines only). */
  author?: string;
}

/** Who has taken the inquiry's conversation over for a live chat (the bot stays quiet meanwhile). */
export interface LiveChat {
  login: string;
  name: string;
  since: string;
}

export interface Inquiry {
  id: string;
  topic: TopicId;
  priority: Priority;
  status: InquiryStatus;
  createdAt: string;
  dueAt: string;
  updatedAt: string;
  locale: Lang;
  summary: string;
  excerpt: ExcerptLine[];
  details: Record<string, string>;
  conversationReference: Partial<ConversationReference>;
  assignee: string | null;
  notes: InquiryNote[];
  replies: InquiryReply[];
  /** The conversation after the inquiry was filed (older records have none). */
  messages?: ConversationMessage[];
  /** Set while a staff member is chatting live with the member. */
  liveChat?: LiveChat | null;
}

/** The bot's side of the inquiry store: create an inquiry the member is told about. */
export interface InquiryIntake {
  /** Resolves only once the inquiry is durably on disk; priority and dueAt are set by the rules. */
  create(input: NewInquiry): Promise<Inquiry>;
}

/** Fallback utterances the bot did not understand, counted so staff can add content. */
export interface UnansweredLog {
  /** `topic`: the topic the member was in when the bot missed. */
  record(text: string, lang: Lang, at: Date, topic?: string): Promise<void>;
}
