import { ComponentDialog, WaterfallDialog } from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';
import { longestMatch } from './matchText.js';
import { turnInfo } from './turn.js';

export const CONTACT_DIALOG = 'contact';
export const CONTACT_TOPICS: readonly TopicId[] = ['support.contact', 'payment.inquiry'];

/**
 * How and when to reach support, from the policy module: is the phone open now, when a web inquiry
 * will be answered. Payment questions: phone only, with number and hours.
 */
export class ContactDialog extends ComponentDialog {
  constructor(kit: FlowKit) {
    super(CONTACT_DIALOG);
    const k = kit.deps.knowledge.flows.contact;
    this.addDialog(
      new WaterfallDialog('answer', [
        async (step) => {
          const topic = (step.options as { topic?: TopicId }).topic ?? 'support.contact';
          const f = kit.facts(step.context, topic);
          const status = f.phoneOpenNow
            ? kit.text(step.context, k.texts.phoneOpenNow)
            : kit.text(step.context, k.texts.phoneClosedNow, { next: f.phoneNextOpen ?? '' });
          if (topic === 'payment.inquiry') {
            await kit.say(step.context, k.texts.paymentPhoneOnly, kit.callCenter(step.context, topic));
            // Phone only: a 「担当者に問い合わせる」 button would only repeat this refusal.
            return kit.finish(step, `${kit.text(step.context, k.texts.paymentNoChat)}\n${status}`, false);
          }
          await kit.sayRecentInquiry(step.context, k.texts.recentInquiry);
          // 「自動契約機の営業時間は？」: the places' own hours first (from the policy's in-person channels).
          const asked = (step.options as { text?: string }).text ?? '';
          if (longestMatch(asked, k.inPersonWords) > 0) {
            const { lang } = turnInfo(step.context);
            const places = kit
              .facts(step.context, 'card.pin_forgot')
              .inPerson.join(lang === 'ja' ? '／' : '; ');
            await kit.say(step.context, k.texts.inPersonHours, { places });
          }
          await kit.say(step.context, k.texts.phoneFirst, kit.callCenter(step.context, topic));
          await step.context.sendActivity(status);
          return kit.finish(
            step,
            kit.text(step.context, k.texts.web, { hours: f.webHours, expected: f.webExpected ?? '' }),
          );
        },
      ]),
    );
    this.initialDialogId = 'answer';
  }
}
