import type { LoggedActivity } from '../persistence/types.js';
import type { InquiryService } from './inquiryStore.js';

// A staff reply written into a Direct Line transcript is `pushed` only once a live connection takes
// it: the WebSocket stream wrote it to an open socket, or a poll (GET activities) fetched it. The
// transcript entry carries a mark in channelData; whichever instance serves the member marks the
// reply pushed in the shared store, and tells a local sender waiting for the outcome.

const MARK = 'staffReply';
/** Reply ids already marked here (bounded): a reload re-reading the transcript writes nothing new. */
const REMEMBERED = 10_000;

export interface StaffReplyMark {
  inquiryId: string;
  replyId: string;
}

/** channelData for a staff reply's activity. */
export function staffReplyChannelData(mark: StaffReplyMark): Record<string, unknown> {
  return { [MARK]: { inquiryId: mark.inquiryId, replyId: mark.replyId } };
}

/** The mark of a staff reply the bot wrote (a member cannot forge one: `from` is set by the server). */
export function staffReplyMarkOf(activity: LoggedActivity): StaffReplyMark | undefined {
  const from = activity.from as { role?: unknown } | undefined;
  if (from?.role !== 'bot') return undefined;
  const mark = (activity.channelData as Record<string, unknown> | undefined)?.[MARK] as
    | Partial<StaffReplyMark>
    | undefined;
  if (typeof mark?.inquiryId !== 'string' || typeof mark.replyId !== 'string') return undefined;
  return { inquiryId: mark.inquiryId, replyId: mark.replyId };
}

export class ReplyReceipts {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly marked = new Set<string>();

  constructor(
    private readonly inquiries: Pick<InquiryService, 'markReplyPushed'>,
    private readonly logger?: { warn(obj: object, msg: string): void },
  ) {}

  /** A live connection took these activities of a conversation. */
  fetched(activities: readonly LoggedActivity[]): void {
    for (const activity of activities) {
      const mark = staffReplyMarkOf(activity);
      if (!mark || this.marked.has(mark.replyId)) continue;
      this.remember(mark.replyId);
      this.inquiries.markReplyPushed(mark.inquiryId, mark.replyId).then(
        () => this.notify(mark.replyId),
        (err: unknown) => {
          // The store keeps it pushed in memory and retries (InquiryService); the sender hears of it.
          this.notify(mark.replyId);
          this.logger?.warn(
            { inquiryId: mark.inquiryId, err: (err as Error).message },
            'pushed staff reply not yet recorded',
          );
        },
      );
    }
  }

  /** Resolves true when the reply is taken by a live connection here within `ms`, else false. */
  waitFor(replyId: string, ms: number): { done: Promise<boolean>; cancel(): void } {
    let finish: (pushed: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    const set = this.waiters.get(replyId) ?? new Set<() => void>();
    const onPushed = () => finish(true);
    set.add(onPushed);
    this.waiters.set(replyId, set);
    const timer = setTimeout(() => finish(false), ms);
    timer.unref();
    const cancel = () => {
      clearTimeout(timer);
      set.delete(onPushed);
      if (set.size === 0) this.waiters.delete(replyId);
      finish(false);
    };
    void done.then(cancel);
    return { done, cancel };
  }

  private notify(replyId: string): void {
    for (const waiter of this.waiters.get(replyId) ?? []) waiter();
  }

  private remember(replyId: string): void {
    this.marked.add(replyId);
    if (this.marked.size > REMEMBERED) {
      const oldest = this.marked.values().next();
      if (!oldest.done) this.marked.delete(oldest.value);
    }
  }
}
