import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';
import { longestMatch } from './matchText.js';
import { type QuestionAnswer, QuestionPrompt } from './questionPrompt.js';
import { turnInfo } from './turn.js';

export const PIN_DIALOG = 'pin';
export const PIN_TOPICS: readonly TopicId[] = ['card.pin_forgot'];

interface PinOptions {
  text?: string;
  /** The caller already knows it is the card's secret (e.g. the card-login password). */
  skipQuestion?: boolean;
}

/**
 * Forgotten card PIN: only at an automatic contract machine or a store, with an identity document;
 * never by phone, mail or chat. First tells the card PIN apart from the Web-ID password.
 */
export class PinDialog extends ComponentDialog {
  constructor(kit: FlowKit, webIdId: string) {
    super(PIN_DIALOG);
    const k = kit.deps.knowledge.flows.pin;
    const cardPin = k.whichChoices.find((c) => c.value === 'card_pin');
    const webPassword = k.whichChoices.find((c) => c.value === 'webid_password');

    this.addDialog(new QuestionPrompt(kit.deps.recognizeYesNo));
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          const options = step.options as PinOptions;
          const opening = options.text ?? '';
          // 「暗証番号を忘れた」 is clearly the card; a bare "password" could be either.
          const saysPin = cardPin
            ? longestMatch(
                opening,
                cardPin.synonyms.filter((s) => s !== 'カード'),
              )
            : 0;
          const saysWeb = webPassword ? longestMatch(opening, webPassword.synonyms) : 0;
          if (options.skipQuestion || (saysPin > 0 && saysWeb === 0)) return step.next({ value: 'card_pin' });
          return kit.ask(step, k.texts.askWhich, k.whichChoices);
        },
        async (step) => {
          if ((step.result as QuestionAnswer).value === 'webid_password') {
            await kit.say(step.context, k.texts.webIdInstead);
            return step.replaceDialog(webIdId, { topic: 'webid.forgot' });
          }
          return this.explain(kit, step);
        },
      ]),
    );
    this.initialDialogId = 'steps';
  }

  private async explain(kit: FlowKit, step: WaterfallStepContext) {
    const k = kit.deps.knowledge.flows.pin;
    const { lang } = turnInfo(step.context);
    const documents = k.documents.map((d) => d[lang]).join(lang === 'ja' ? '、' : ', ');
    const places = kit.facts(step.context, 'card.pin_forgot').inPerson.join(lang === 'ja' ? '／' : '; ');
    await kit.say(step.context, k.texts.rule);
    await kit.say(step.context, k.texts.documents, { documents });
    await kit.say(step.context, k.texts.neverHere);
    return kit.finish(step, kit.text(step.context, k.texts.places, { places }));
  }
}
