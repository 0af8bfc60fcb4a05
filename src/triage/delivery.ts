import {
  ActivityTypes,
  type CloudAdapter,
  type ConversationReference,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { BilingualText } from '../knowledge/bilingual.js';
import { fill } from '../knowledge/template.js';
import type { Lang } from '../topics.js';
import type { InquiryService } from './inquiryStore.js';
import { type ReplyReceipts, staffReplyChannelData } from './replyReceipts.js';
import { loadTriageRules } from './rules.js';
import type { Inquiry, InquiryReply } from './types.js';

// A staff reply goes to the member's chat at once when the channel lets the bot post unprompted
// (continueConversation with the stored reference); otherwise, or when that fails, it waits and is
// sent first thing on the member's next message in that conversation.
// `pushed` is only said when it reached a live connection: a Bot Framework connector that accepted it
// (2xx), or for the in-process Direct Line an open stream that wrote it / a poll that fetched it
// (src/triage/replyReceipts.ts). A Direct Line reply nobody reads yet stays `pending` in the durable
// transcript, where the member's returning client finds it (and marks it pushed then).

export type DeliveryResult = 'pushed' | 'pending';
export type DeliverReply = (
  inquiry: Inquiry,
  reply: Pick<InquiryReply, 'id' | 'text'>,
) => Promise<DeliveryResult>;

/** How long a sender waits to hear that a live connection took the reply. */
const LIVE_HERE_WAIT_MS = 2000;
/** No socket of that conversation here: another instance's may still take it. */
const ELSEWHERE_WAIT_MS = 500;

type TurnLogic = (context: TurnContext) => Promise<void>;

export interface ReplyDeliveryOptions {
  cloudAdapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  /** MicrosoftAppId ('' in Emulator local mode). */
  botAppId: string;
  /** The in-process Direct Line adapter behind Web Chat, and the serviceUrl its references carry. */
  directLine?: {
    adapter: {
      continueConversationAsync(
        botAppId: string,
        reference: Partial<ConversationReference>,
        logic: TurnLogic,
      ): Promise<void>;
    };
    serviceUrl: string;
    /** Hears when a live connection took a reply. */
    receipts: Pick<ReplyReceipts, 'waitFor'>;
    /** Open streams of the conversation on this instance. */
    liveSockets(conversationId: string): number;
  };
  /** Where the outcome is recorded (a Direct Line reply leaves the outbox: it is in the transcript). */
  inquiries?: Pick<InquiryService, 'settleInTranscript' | 'get'>;
  /** How a staff reply reads in the chat; defaults to knowledge/triage.json `staffReply`. */
  wording?: BilingualText;
  logger?: { warn(obj: object, msg: string): void };
}

export function staffReplyText(wording: BilingualText, lang: Lang, text: string): string {
  return fill(wording[lang], { text });
}

export function createReplyDelivery(options: ReplyDeliveryOptions): DeliverReply {
  const wording = options.wording ?? loadTriageRules().staffReply;
  return async (inquiry, reply) => {
    const reference = inquiry.conversationReference;
    const conversationId = reference.conversation?.id;
    if (!reference.serviceUrl || !conversationId) return 'pending';
    const logic: TurnLogic = async (context) => {
      await context.sendActivity({
        type: ActivityTypes.Message,
        text: staffReplyText(wording, inquiry.locale, reply.text),
        locale: inquiry.locale === 'ja' ? 'ja-JP' : 'en-US',
        channelData: staffReplyChannelData({ inquiryId: inquiry.id, replyId: reply.id }),
      });
    };
    const dl = options.directLine;
    const waiting =
      dl && reference.serviceUrl === dl.serviceUrl
        ? dl.receipts.waitFor(
            reply.id,
            dl.liveSockets(conversationId) > 0 ? LIVE_HERE_WAIT_MS : ELSEWHERE_WAIT_MS,
          )
        : undefined;
    try {
      if (dl && waiting) {
        await dl.adapter.continueConversationAsync(options.botAppId, reference, logic);
      } else {
        // Resolves only when the connector answered 2xx (botbuilder throws otherwise).
        await options.cloudAdapter.continueConversationAsync(options.botAppId, reference, logic);
        return 'pushed';
      }
    } catch (err) {
      waiting?.cancel();
      options.logger?.warn(
        { inquiryId: inquiry.id, channelId: reference.channelId, err: (err as Error).message },
        'staff reply not delivered proactively; kept for the next visit',
      );
      return 'pending';
    }
    // In the durable transcript now: not resent on the next message; pushed once a client reads it.
    await options.inquiries?.settleInTranscript(inquiry.id, reply.id).catch((err: unknown) => {
      options.logger?.warn({ inquiryId: inquiry.id, err: (err as Error).message }, 'reply not settled');
    });
    if (await waiting.done) return 'pushed';
    const stored = await options.inquiries?.get(inquiry.id).catch(() => undefined);
    return stored?.replies.find((r) => r.id === reply.id)?.delivery === 'pushed' ? 'pushed' : 'pending';
  };
}

export interface PendingReplyMiddlewareOptions {
  wording?: BilingualText;
  /** The in-process Direct Line's serviceUrl: there a sent reply is pushed once the client reads it. */
  directLineServiceUrl?: string;
  logger?: { warn(obj: object, msg: string): void };
}

/** On a member's next message, sends the staff replies that could not be delivered, then the turn goes on. */
export function createPendingReplyMiddleware(
  inquiries: Pick<
    InquiryService,
    'claimPendingReplies' | 'markReplyPushed' | 'releaseReply' | 'settleInTranscript'
  >,
  options: PendingReplyMiddlewareOptions = {},
): Middleware {
  const wording = options.wording ?? loadTriageRules().staffReply;
  return {
    async onTurn(context, next) {
      const activity = context.activity;
      const conversationId = activity.conversation?.id;
      if (activity.type === ActivityTypes.Message && activity.from?.role !== 'bot' && conversationId) {
        // Same conversation id, channel and serviceUrl as the inquiry's stored reference.
        const claims = await inquiries.claimPendingReplies({
          conversationId,
          channelId: activity.channelId,
          serviceUrl: activity.serviceUrl,
        });
        for (const [i, { inquiry, reply }] of claims.entries()) {
          try {
            await context.sendActivity({
              type: ActivityTypes.Message,
              text: staffReplyText(wording, inquiry.locale, reply.text),
              channelData: staffReplyChannelData({ inquiryId: inquiry.id, replyId: reply.id }),
            });
          } catch (err) {
            // Not sent: this one and the rest stay pending for the next visit.
            for (const rest of claims.slice(i))
              await inquiries.releaseReply(rest.reply.id).catch(() => undefined);
            options.logger?.warn(
              { inquiryId: inquiry.id, err: (err as Error).message },
              'pending reply not sent',
            );
            break;
          }
          try {
            // Direct Line: in the transcript; the member's client reading it marks it pushed.
            if (options.directLineServiceUrl && activity.serviceUrl === options.directLineServiceUrl)
              await inquiries.settleInTranscript(inquiry.id, reply.id);
            else await inquiries.markReplyPushed(inquiry.id, reply.id);
          } catch (err) {
            // Sent, but not recorded: the store keeps it as pushed (and retries the write), so it is
            // not released — the member must not get it twice. The ones not yet sent are released.
            for (const rest of claims.slice(i + 1))
              await inquiries.releaseReply(rest.reply.id).catch(() => undefined);
            options.logger?.warn(
              { inquiryId: inquiry.id, err: (err as Error).message },
              'pending reply sent but not recorded',
            );
            break;
          }
        }
      }
      await next();
    },
  };
}
