import type { TopicId } from '../src/topics.js';

/** What the router and the flows need from the recognizer for one text. */
export interface RoutedRecognition {
  topic: TopicId;
  score: number;
  runnerUp?: TopicId;
  ambiguous: boolean;
  /** When topic is none: out_of_scope (understood, not this chat's business) or unclear. */
  noneKind?: 'out_of_scope' | 'unclear' | null;
}

/** Topics that only steer the conversation; they never interrupt a flow as "a new topic". */
export const CONTROL_TOPICS: readonly TopicId[] = ['greeting', 'help', 'thanks_bye', 'cancel', 'none'];
