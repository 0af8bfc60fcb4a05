import { ActivityHandler, ConversationState, MessageFactory, type Storage } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
} from 'botbuilder-dialogs';

// The stateful reference: a minimal bot in the BotBuilder-Samples core-bot pattern — a waterfall of
// text prompts in a ComponentDialog, its dialog state in botbuilder's ConversationState on the same
// storage as ours — run through the same createApp stack (middleware, turn lock, Direct Line log,
// limits). What a dialog bot costs before any NLU or content of its own.

const TEXT_PROMPT = 'text';
const WATERFALL = 'booking';

class BookingDialog extends ComponentDialog {
  constructor() {
    super('bookingDialog');
    this.addDialog(new TextPrompt(TEXT_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        (step) => step.prompt(TEXT_PROMPT, 'Where would you like to travel to?'),
        (step) => {
          (step.values as Record<string, unknown>).destination = step.result;
          return step.prompt(TEXT_PROMPT, 'Where are you traveling from?');
        },
        (step) => {
          (step.values as Record<string, unknown>).origin = step.result;
          return step.prompt(TEXT_PROMPT, 'On what date would you like to travel?');
        },
        (step) => {
          const v = step.values as Record<string, unknown>;
          return step.prompt(TEXT_PROMPT, `Confirm: ${v.origin} → ${v.destination} on ${step.result}?`);
        },
        async (step) => {
          await step.context.sendActivity(`Booked (${step.result}).`);
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = WATERFALL;
  }
}

export class StatefulReferenceBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly dialogs: DialogSet;

  constructor(storage: Storage) {
    super();
    this.conversationState = new ConversationState(storage);
    this.dialogs = new DialogSet(this.conversationState.createProperty('DialogState'));
    this.dialogs.add(new BookingDialog());
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).filter(
        (m) => m.id !== context.activity.recipient?.id,
      );
      if (joined.length > 0)
        await context.sendActivity(MessageFactory.text('Welcome! Say anything to book a trip.'));
      await next();
    });
    this.onMessage(async (context, next) => {
      const dc = await this.dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === DialogTurnStatus.empty) await dc.beginDialog('bookingDialog');
      await next();
    });
  }

  override async run(context: Parameters<ActivityHandler['run']>[0]): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }
}
