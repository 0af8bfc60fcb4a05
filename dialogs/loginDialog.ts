import {
  ComponentDialog,
  type DialogContext,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';
import { type QuestionAnswer, QuestionPrompt, UNRECOGNIZED } from './questionPrompt.js';

export const LOGIN_DIALOG = 'login';
export const LOGIN_TOPICS: readonly TopicId[] = ['login.howto', 'login.trouble', 'login.registration'];

interface LoginOptions {
  topic: TopicId;
}
interface LoginState {
  method?: 'card' | 'webid' | 'unsure';
}

/**
 * Login help. how-to: where the button is, the two ways, then the chosen way in detail.
 * trouble: the usual causes in order — mistyped number, wrong form, lock-out, forgotten password —
 * routing on to Web-ID reset, the PIN rules or an inquiry. registration: none is needed.
 */
export class LoginDialog extends ComponentDialog {
  constructor(
    private readonly kit: FlowKit,
    private readonly ids: { webId: string; pin: string; handoff: string },
  ) {
    super(LOGIN_DIALOG);
    const k = kit.deps.knowledge.flows.login;
    this.addDialog(new QuestionPrompt(kit.deps.recognizeYesNo));
    this.addDialog(
      new WaterfallDialog('howto', [
        async (step) => {
          await kit.say(step.context, k.texts.whereToLogin);
          return kit.ask(step, k.texts.askMethod, k.methodChoices);
        },
        async (step) => {
          const method = (step.result as QuestionAnswer).value;
          if (method === UNRECOGNIZED) return kit.giveUp(step);
          const text =
            method === 'webid'
              ? k.texts.methodWebId
              : method === 'card'
                ? k.texts.methodCard
                : k.texts.methodUnsure;
          return kit.finish(step, kit.text(step.context, text));
        },
      ]),
    );
    this.addDialog(
      new WaterfallDialog('registration', [
        async (step) => kit.finish(step, kit.text(step.context, k.texts.registration)),
      ]),
    );
    this.addDialog(new WaterfallDialog('trouble', this.troubleSteps()));
    this.initialDialogId = 'howto';
  }

  protected override onBeginDialog(inner: DialogContext, options?: LoginOptions): Promise<DialogTurnResult> {
    const branch =
      options?.topic === 'login.trouble'
        ? 'trouble'
        : options?.topic === 'login.registration'
          ? 'registration'
          : 'howto';
    return inner.beginDialog(branch, options);
  }

  private troubleSteps() {
    const kit = this.kit;
    const k = kit.deps.knowledge.flows.login;
    const state = (step: WaterfallStepContext) => step.values as LoginState;
    const stillFailing = (step: WaterfallStepContext) =>
      kit.ask(step, k.texts.askStillFailing, k.stillFailingChoices);
    // After each check: solved ends the flow, an unreadable answer gives up, "still failing" goes on.
    const solvedOrOn = async (step: WaterfallStepContext) => {
      const answer = (step.result as QuestionAnswer).value;
      if (answer === UNRECOGNIZED) return kit.giveUp(step);
      if (answer === 'solved') return kit.finish(step, kit.text(step.context, k.texts.solved));
      return undefined;
    };
    const facts = (step: WaterfallStepContext) => kit.callCenter(step.context, 'login.trouble');
    return [
      async (step: WaterfallStepContext) => {
        await kit.say(step.context, k.texts.troubleIntro);
        return kit.ask(step, k.texts.troubleAskMethod, k.methodChoices);
      },
      async (step: WaterfallStepContext) => {
        const method = (step.result as QuestionAnswer).value;
        if (method === UNRECOGNIZED) return kit.giveUp(step);
        state(step).method = method as LoginState['method'];
        await kit.say(step.context, method === 'webid' ? k.texts.checkTypingWebId : k.texts.checkTypingCard);
        return stillFailing(step);
      },
      async (step: WaterfallStepContext) => {
        const ended = await solvedOrOn(step);
        if (ended) return ended;
        await kit.say(step.context, k.texts.checkForm);
        return stillFailing(step);
      },
      async (step: WaterfallStepContext) => {
        const ended = await solvedOrOn(step);
        if (ended) return ended;
        return kit.askYesNo(step, k.texts.askLocked);
      },
      async (step: WaterfallStepContext) => {
        const answer = (step.result as QuestionAnswer).value;
        if (answer === UNRECOGNIZED) return kit.giveUp(step);
        if (answer === 'yes') {
          const text = state(step).method === 'webid' ? k.texts.lockedWebId : k.texts.lockedCard;
          return kit.finish(step, kit.text(step.context, text, facts(step)));
        }
        return kit.ask(step, k.texts.askForgot, k.forgotChoices);
      },
      async (step: WaterfallStepContext) => {
        const answer = (step.result as QuestionAnswer).value;
        if (answer === UNRECOGNIZED) return kit.giveUp(step);
        if (answer === 'yes') {
          // A forgotten Web-ID or its password is reset on the web; the card password follows the PIN rules.
          if (state(step).method === 'webid')
            return step.replaceDialog(this.ids.webId, { topic: 'webid.forgot' });
          await kit.say(step.context, k.texts.forgotCardPassword);
          return step.replaceDialog(this.ids.pin, { topic: 'card.pin_forgot', skipQuestion: true });
        }
        return kit.ask(step, k.texts.unresolved, k.unresolvedChoices, { values: facts(step) });
      },
      async (step: WaterfallStepContext) => {
        const answer = (step.result as QuestionAnswer).value;
        if (answer === UNRECOGNIZED) return kit.giveUp(step);
        if (answer === 'inquiry') return step.replaceDialog(this.ids.handoff, { topic: 'login.trouble' });
        return kit.finish(step);
      },
    ];
  }
}
