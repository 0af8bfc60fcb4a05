import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';
import { longestMatch } from './matchText.js';
import { FREE_TEXT, type QuestionAnswer, QuestionPrompt, UNRECOGNIZED } from './questionPrompt.js';
import { turnInfo } from './turn.js';

export const LOST_CARD_DIALOG = 'lostCard';
export const LOST_CARD_TOPICS: readonly TopicId[] = ['card.lost'];

interface LostCardOptions {
  /** The message that started the flow: it may already say stolen, or when. */
  text?: string;
}
interface LostCardState {
  kind?: string;
  /** ISO instant the member noticed, or undefined when unknown. */
  when?: string;
  called?: string;
}

/**
 * Lost or stolen card — urgent at any hour. Step 1 (call the 24-hour line now) comes at once; then
 * lost or stolen and when (skipped when the first message already says so), a check that the member
 * called, step 2 (the police report for a loss or a theft), and an urgent inquiry for staff carrying
 * the time of loss.
 */
export class LostCardDialog extends ComponentDialog {
  constructor(kit: FlowKit, handoffId: string) {
    super(LOST_CARD_DIALOG);
    const k = kit.deps.knowledge.flows.lostCard;
    const state = (step: WaterfallStepContext) => step.values as LostCardState;
    const phone = (step: WaterfallStepContext) => {
      const f = kit.facts(step.context, 'card.lost');
      return { phone: f.phone, hours: f.lossHours };
    };
    // Lost or stolen as the first message says it; both or neither (the menu's 「紛失・盗難」) → ask.
    const kindIn = (text: string) => {
      const said = k.kindChoices.filter(
        (c) => (c.value === 'lost' || c.value === 'stolen') && longestMatch(text, c.synonyms) > 0,
      );
      return said.length === 1 ? said[0]!.value : undefined;
    };
    const whenIn = (step: WaterfallStepContext, text: string) => {
      const { lang, now } = turnInfo(step.context);
      return kit.deps.extractWhen(text, lang, now)?.toISOString();
    };

    this.addDialog(new QuestionPrompt(kit.deps.recognizeYesNo));
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          const opening = (step.options as LostCardOptions).text ?? '';
          state(step).kind = kindIn(opening);
          state(step).when = whenIn(step, opening);
          // Stopping the card cannot wait for our questions: the 24-hour number comes first, at any hour.
          await kit.say(step.context, k.texts.intro);
          await kit.say(step.context, k.texts.step1, phone(step));
          if (state(step).kind) return step.next();
          return kit.ask(step, k.texts.askKind, k.kindChoices);
        },
        async (step) => {
          if (step.result) {
            const answer = (step.result as QuestionAnswer).value;
            if (answer === 'found')
              return kit.finish(step, kit.text(step.context, k.texts.found, phone(step)));
            state(step).kind = answer === UNRECOGNIZED ? 'unknown' : answer;
          }
          if (state(step).when) return step.next();
          return kit.ask(step, k.texts.askWhen, k.whenUnknownChoices, { freeText: true, expectsTime: true });
        },
        async (step) => {
          const answer = step.result as QuestionAnswer | undefined;
          if (answer?.value === 'found')
            return kit.finish(step, kit.text(step.context, k.texts.found, phone(step)));
          if (answer?.value === FREE_TEXT) state(step).when = whenIn(step, answer.text);
          return kit.ask(step, k.texts.askCalled, k.calledChoices);
        },
        async (step) => {
          const called = (step.result as QuestionAnswer).value;
          state(step).called = called;
          if (called === 'later' || called === UNRECOGNIZED)
            await kit.say(step.context, k.texts.callNow, phone(step));
          if (called === 'cannot') await kit.say(step.context, k.texts.cannotCall, phone(step));
          await kit.say(
            step.context,
            state(step).kind === 'stolen' ? k.texts.step2Stolen : k.texts.step2Lost,
          );
          return kit.askYesNo(step, k.texts.askInquiry);
        },
        async (step) => {
          if ((step.result as QuestionAnswer).value !== 'yes') return step.next();
          const s = state(step);
          const { lang } = turnInfo(step.context);
          const when = s.when ? kit.deps.formatTime(new Date(s.when), lang) : k.texts.whenUnknown[lang];
          const summary = [
            kit.text(step.context, s.kind === 'stolen' ? k.texts.summaryStolen : k.texts.summaryLost),
            kit.text(step.context, k.texts.summaryWhen, { when }),
          ].join(' ');
          const details: Record<string, string> = {
            lostOrStolen: s.kind ?? 'unknown',
            calledCallCenter: s.called ?? 'unknown',
          };
          if (s.when) details.lostAt = s.when;
          return step.beginDialog(handoffId, { topic: 'card.lost', summary, details, confirmed: true });
        },
        async (step) => kit.finish(step, kit.text(step.context, k.texts.closing, phone(step))),
      ]),
    );
    this.initialDialogId = 'steps';
  }
}
