import { ActivityHandler, MessageFactory, type TurnContext } from 'botbuilder';
import type { MainDialog } from '../dialogs/mainDialog.js';
import { menuActions } from '../dialogs/replies.js';
import { DIRECTLINE_CHANNEL_ID } from './directline/directLineAdapter.js';
import type { Knowledge } from './knowledge/index.js';
import { detectLang } from './language.js';
import type { JsonConversationState } from './storage/conversationState.js';

/** Sent by the Web Chat page when the member switches its language (value or locale: 'en-US' / 'ja-JP'). */
export const LANGUAGE_EVENT = 'setLanguage';

export interface MemberHelpBotDeps {
  conversationState: JsonConversationState;
  dialog: MainDialog;
  knowledge: Knowledge;
}

/**
 * Greets new members and hands every message to the main dialog; state is saved after each turn.
 * A turn that fails on stored state (a dialog stack botbuilder cannot continue) runs once more on a
 * fresh state, the stored one moved aside: the member is answered, not locked out until the TTL.
 */
export class MemberHelpBot extends ActivityHandler {
  constructor(private readonly deps: MemberHelpBotDeps) {
    super();

    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).filter(
        (member) => member.id !== context.activity.recipient?.id,
      );
      if (joined.length > 0) await this.welcome(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.deps.dialog.run(context);
      await next();
    });

    // The page's language switch: the same conversation carries on in the chosen language.
    this.onEvent(async (context, next) => {
      if (context.activity.name === LANGUAGE_EVENT) await this.deps.dialog.switchLanguage(context);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    // The bot's text reads as written: as Markdown, runs of * (masks) turn bold and vanish, and the
    // lines of a 「・」 list run together.
    context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) if (a.type === 'message' && a.text && !a.textFormat) a.textFormat = 'plain';
      return next();
    });
    try {
      await super.run(context);
    } catch (err) {
      if (!(await this.deps.conversationState.resetDamaged(context, err))) throw err;
      await super.run(context);
    }
    await this.deps.conversationState.saveChanges(context, false);
  }

  private async welcome(context: TurnContext): Promise<void> {
    const lang = detectLang(undefined, context.activity.locale);
    const c = this.deps.knowledge.conversation;
    // Only the bot's own page has a language button; elsewhere (Emulator, terminal) the member types it.
    const hint =
      context.activity.channelId === DIRECTLINE_CHANNEL_ID ? c.pageLanguageHint : c.typedLanguageHint;
    const text = `${c.welcome[lang]}\n\n${hint[lang]}`;
    await context.sendActivity(MessageFactory.suggestedActions(menuActions(c, lang), text));
  }
}
