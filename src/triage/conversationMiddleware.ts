import { ActivityTypes, type Middleware } from 'botbuilder';
import { fill } from '../knowledge/template.js';
import { detectLang } from '../language.js';
import { instantOf } from '../policy/index.js';
import type { InquiryService } from './inquiryStore.js';
import type { LiveChatWording } from './rules.js';

// The member's side of the two-way conversation, checked on every member message (one indexed read):
// - the conversation is taken over by staff (live chat): the message goes to the inquiry and to staff
//   live, and the bot stays quiet — except the secret guard's warning (sent before this runs) and
//   cancel, which ends the live chat and is answered by the bot;
// - an inquiry of the conversation awaits the member's answer to a staff reply: the message is
//   attached, the inquiry becomes member_replied, and the member is told it was passed on.
// Registered after the secret guard, so only masked text is ever attached.

export interface ConversationMiddlewareOptions {
  wording: LiveChatWording;
  /** True when the (masked) message asks to cancel. */
  isCancel: (text: string) => boolean;
  now?: () => Date;
  logger?: { warn(obj: object, msg: string): void };
}

export function createConversationMiddleware(
  inquiries: Pick<InquiryService, 'attachMemberMessage' | 'release'>,
  options: ConversationMiddlewareOptions,
): Middleware {
  const now = options.now ?? (() => new Date());
  return {
    async onTurn(context, next) {
      const activity = context.activity;
      const conversationId = activity.conversation?.id;
      const text = typeof activity.text === 'string' ? activity.text.trim() : '';
      if (
        activity.type !== ActivityTypes.Message ||
        activity.from?.role === 'bot' ||
        !conversationId ||
        !text
      ) {
        return next();
      }
      const lang = detectLang(activity.text, activity.locale);
      const passedOn = (id: string) => fill(options.wording.passedOn[lang], { id });
      const attached = await inquiries.attachMemberMessage(
        { conversationId, channelId: activity.channelId, serviceUrl: activity.serviceUrl },
        text,
        instantOf(activity, now()),
        (q) => passedOn(q.id),
      );
      if (!attached) return next();
      if (attached.live) {
        if (!options.isCancel(text)) return; // staff answer live; the bot stays quiet
        const notice = options.wording.memberEnded[lang];
        await inquiries.release(attached.inquiry.id, notice).catch((err: unknown) => {
          options.logger?.warn(
            { inquiryId: attached.inquiry.id, err: (err as Error).message },
            'live chat not ended',
          );
        });
        await context.sendActivity({ type: ActivityTypes.Message, text: notice });
        return next();
      }
      await context.sendActivity({ type: ActivityTypes.Message, text: passedOn(attached.inquiry.id) });
    },
  };
}
