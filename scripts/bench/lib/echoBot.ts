import { ActivityHandler, MessageFactory } from 'botbuilder';

/** The baseline: a plain ActivityHandler that greets and echoes, no state, no NLU, no dialogs. */
export class EchoBot extends ActivityHandler {
  constructor() {
    super();
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).filter(
        (m) => m.id !== context.activity.recipient?.id,
      );
      if (joined.length > 0) await context.sendActivity(MessageFactory.text('Hello!'));
      await next();
    });
    this.onMessage(async (context, next) => {
      await context.sendActivity(MessageFactory.text(`Echo: ${context.activity.text ?? ''}`));
      await next();
    });
  }
}
