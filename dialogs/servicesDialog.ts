import { ActionTypes, MessageFactory } from 'botbuilder';
import { ComponentDialog, WaterfallDialog } from 'botbuilder-dialogs';
import { TOPIC_IDS, type TopicId } from '../src/topics.js';
import type { FlowKit } from './flowKit.js';

export const SERVICES_DIALOG = 'services';
export const SERVICE_TOPICS: readonly TopicId[] = TOPIC_IDS.filter((t) => t.startsWith('service.'));

/** The four web services: an overview with buttons, or one service's answer. */
export class ServicesDialog extends ComponentDialog {
  constructor(kit: FlowKit) {
    super(SERVICES_DIALOG);
    const k = kit.deps.knowledge.flows.services;
    this.addDialog(
      new WaterfallDialog('answer', [
        async (step) => {
          const topic = (step.options as { topic?: TopicId }).topic ?? 'service.overview';
          const lang = kit.lang(step.context);
          const service = k.services.find((s) => s.topic === topic);
          if (!service) {
            const buttons = k.services.map((s) => ({
              type: ActionTypes.ImBack,
              title: s.label[lang],
              value: s.label[lang],
            }));
            await step.context.sendActivity(MessageFactory.suggestedActions(buttons, k.texts.overview[lang]));
            return step.endDialog();
          }
          await kit.say(step.context, service.answer, kit.callCenter(step.context, topic));
          return kit.finish(step);
        },
      ]),
    );
    this.initialDialogId = 'answer';
  }
}
