// What the Direct Line endpoints share about transcripts; the transcripts themselves are kept behind
// the persistence seam (DirectLineLog in src/persistence/types.ts).

export {
  type ActivitySet,
  type ConversationEvent,
  type ConversationListener,
  ConversationNotFoundError,
  type DirectLineConversation,
  type DirectLineLog,
  type LoggedActivity,
  type StoredActivity,
} from '../persistence/types.js';

export class InvalidWatermarkError extends Error {
  constructor(watermark: string) {
    super(`Invalid watermark: ${JSON.stringify(watermark.slice(0, 40))}`);
    this.name = 'InvalidWatermarkError';
  }
}

export function clone<T>(value: T): T {
  // JSON round-trip: Dates become ISO strings (as on the wire) and later mutation by the bot cannot leak in.
  return JSON.parse(JSON.stringify(value)) as T;
}

export function parseWatermark(watermark: string | null | undefined): number {
  if (watermark === undefined || watermark === null || watermark === '') return 0;
  if (!/^\d{1,15}$/.test(watermark)) throw new InvalidWatermarkError(watermark);
  return Number(watermark);
}
