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
import { loadTriageRules } from './rules.js';
import type { Inquiry } from './types.js';

// A staff reply goes to the member's chat at once when the channel lets the bot post unprompted
// (continueConversation with the stored reference); otherwise, or when that fails, it waits and is
// sent first thing on the member's next message in that conversation.

export type DeliveryResult = 'delivered' | 'pending';
export type DeliverReply = (inquiry: Inquiry, text: string) => Promise<DeliveryResult>;

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
  };
  /** How a staff reply reads in the chat; defaults to knowledge/triage.json `staffReply`. */
  wording?: BilingualText;
  logger?: { warn(obj: object, msg: string): void };
}

export function staffReplyText(wording: BilingualText, lang: Lang, text: string): string {
  return fill(wording[lang], { text });
}

export function createReplyDelivery(options: ReplyDeliveryOptions): DeliverReply {
  const wording = options.wording ?? loadTriageRules().staffReply;
  return async (inquiry, text) => {
    const reference = inquiry.conversationReference;
    if (!reference.serviceUrl || !reference.conversation?.id) return 'pending';
    const logic: TurnLogic = async (context) => {
      await context.sendActivity({
        type: ActivityTypes.Message,
        text: staffReplyText(wording, inquiry.locale, text),
        locale: inquiry.locale === 'ja' ? 'ja-JP' : 'en-US',
      });
    };
    try {
      const dl = options.directLine;
      if (dl && reference.serviceUrl === dl.serviceUrl) {
        await dl.adapter.continueConversationAsync(options.botAppId, reference, logic);
      } else {
        await options.cloudAdapter.continueConversationAsync(options.botAppId, reference, logic);
      }
      return 'delivered';
    } catch (err) {
      options.logger?.warn(
        { inquiryId: inquiry.id, channelId: reference.channelId, err: (err as Error).message },
        'staff reply not delivered proactively; kept for the next visit',
      );
      return 'pending';
    }
  };
}

export interface PendingReplyMiddlewareOptions {
  wording?: BilingualText;
  logger?: { warn(obj: object, msg: string): void };
}

/** On a member's next message, sends the staff replies that could not be delivered, then the turn goes on. */
export function createPendingReplyMiddleware(
  inquiries: Pick<InquiryService, 'claimPendingReplies' | 'markReplyDelivered' | 'releaseReply'>,
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
            await inquiries.markReplyDelivered(inquiry.id, reply.id);
          } catch (err) {
            // Sent, but not recorded: the store keeps it as delivered (and retries the write), so it is
            // not released — the member must not get it twice. The ones not yet sent are released.
            for (const rest of claims.slice(i + 1))
              await inquiries.releaseReply(rest.reply.id).catch(() => undefined);
            options.logger?.warn(
              { inquiryId: inquiry.id, err: (err as Error).message },
              'pending reply sent but not recorded as delivered',
            );
            break;
          }
        }
      }
      await next();
    },
  };
}
