import { MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  type DialogState,
  DialogTurnStatus,
  WaterfallDialog,
} from 'botbuilder-dialogs';
import type { Knowledge } from '../src/knowledge/index.js';
import { detectLang } from '../src/language.js';
import { menuActions } from './replies.js';

const ROOT = 'root';

/** The router every message goes through. */
export class MainDialog extends ComponentDialog {
  constructor(private readonly knowledge: Knowledge) {
    super('main');
    this.addDialog(
      new WaterfallDialog(ROOT, [
        async (step) => {
          const lang = detectLang(step.context.activity.text, step.context.activity.locale);
          const c = this.knowledge.conversation;
          await step.context.sendActivity(
            MessageFactory.suggestedActions(menuActions(c, lang), c.fallback[lang]),
          );
          return step.endDialog();
        },
      ]),
    );
    this.initialDialogId = ROOT;
  }

  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }
}
