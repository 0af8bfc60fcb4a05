import {
  ComponentDialog,
  type DialogContext,
  type DialogTurnResult,
  WaterfallDialog,
} from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';
import { longestMatch } from './matchText.js';
import { type QuestionAnswer, QuestionPrompt, UNRECOGNIZED } from './questionPrompt.js';

export const WEBID_DIALOG = 'webid';
export const WEBID_TOPICS: readonly TopicId[] = ['webid.issue', 'webid.forgot'];

/**
 * Web-ID: what it is and how to get one (member number + mail address → 「実行」 → mail with a
 * setup link), with help when the mail doesn't arrive or the member number can't be found;
 * a forgotten Web-ID or password goes to the reset link.
 */
export class WebIdDialog extends ComponentDialog {
  constructor(kit: FlowKit) {
    super(WEBID_DIALOG);
    const k = kit.deps.knowledge.flows.webId;
    const facts = (context: import('botbuilder').TurnContext) => kit.callCenter(context, 'webid.issue');
    this.addDialog(new QuestionPrompt(kit.deps.recognizeYesNo));
    this.addDialog(
      new WaterfallDialog('issue', [
        async (step) => {
          // 「Web-IDのメールが届かない」: the member is past the steps; go straight to that help.
          const opening = (step.options as { text?: string }).text ?? '';
          if (longestMatch(opening, k.mailMissingPhrases) > 0) {
            return kit.finish(step, kit.text(step.context, k.texts.mailMissing, facts(step.context)));
          }
          await kit.say(step.context, k.texts.whatIsIt);
          await kit.say(step.context, k.texts.issueSteps);
          return kit.ask(step, k.texts.askResult, k.resultChoices, { retryText: k.texts.askResultRetry });
        },
        async (step) => {
          const answer = (step.result as QuestionAnswer).value;
          if (answer === UNRECOGNIZED) return kit.giveUp(step);
          if (answer === 'mail')
            return kit.finish(step, kit.text(step.context, k.texts.mailMissing, facts(step.context)));
          if (answer === 'other')
            return kit.finish(step, kit.text(step.context, k.texts.otherTrouble, facts(step.context)));
          if (answer === 'number') {
            return kit.finish(step, kit.text(step.context, k.texts.memberNumber, facts(step.context)));
          }
          return kit.finish(step, kit.text(step.context, k.texts.done));
        },
      ]),
    );
    this.addDialog(
      new WaterfallDialog('forgot', [
        async (step) => {
          await kit.say(step.context, k.texts.forgot);
          await kit.say(step.context, k.texts.forgotMeanwhile);
          // 「パスワードを忘れた」 may be the card-login password, which follows the PIN rules.
          return kit.finish(step, kit.text(step.context, k.texts.cardPassword));
        },
      ]),
    );
    this.initialDialogId = 'issue';
  }

  protected override onBeginDialog(
    inner: DialogContext,
    options?: { topic?: TopicId },
  ): Promise<DialogTurnResult> {
    return inner.beginDialog(options?.topic === 'webid.forgot' ? 'forgot' : 'issue', options);
  }
}
