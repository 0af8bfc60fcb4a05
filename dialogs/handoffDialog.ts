import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TopicId } from '../src/topics.js';
import { InquiryLimitReachedError } from '../src/triage/inquiryLimit.js';
import type { FlowKit } from './flowKit.js';
import { FREE_TEXT, type QuestionAnswer, QuestionPrompt, UNRECOGNIZED } from './questionPrompt.js';
import { CONTROL_TOPICS } from './routing.js';
import { emptySession } from './session.js';
import type { SupportFacts } from './supportFacts.js';
import { turnInfo } from './turn.js';

export const HANDOFF_DIALOG = 'handoff';
/** A description is filed under (and refused for) the topic it is recognised as only this surely. */
const DESCRIPTION_TOPIC_AT = 0.6;

export interface HandoffOptions {
  /** What the inquiry is about; defaults to the last topic discussed. */
  topic?: TopicId;
  /** Prepared by a flow (masked); otherwise the member is asked to describe the case. */
  summary?: string;
  details?: Record<string, string>;
  /** The member already agreed to leave the inquiry. */
  confirmed?: boolean;
  /** Leave a new inquiry even if one is already waiting in this conversation. */
  anotherConfirmed?: boolean;
}

interface HandoffState {
  topic: TopicId;
  summary?: string;
}

/**
 * Leaves an inquiry for staff: the member's own words (masked by the secret guard), the last turns
 * and where to reply; tells the member when to expect an answer. Topics the policy keeps off the web
 * (payment questions) are refused with the phone number instead.
 */
export class HandoffDialog extends ComponentDialog {
  constructor(kit: FlowKit) {
    super(HANDOFF_DIALOG);
    const k = kit.deps.knowledge.flows.handoff;
    const state = (step: WaterfallStepContext) => step.values as HandoffState;
    const cancelChoice = {
      value: 'cancel',
      label: kit.conversation.topicLabels.cancel,
      synonyms: [],
    };

    // The policy says why a topic stays off the web (payment: phone only; PIN: in person only).
    const refuse = (step: WaterfallStepContext, facts: SupportFacts) =>
      kit.finish(
        step,
        facts.webRefusal ??
          kit.text(step.context, k.texts.refusedPayment, { phone: facts.phone, hours: facts.hours }),
      );

    this.addDialog(new QuestionPrompt(kit.deps.recognizeYesNo));
    this.addDialog(
      new WaterfallDialog('steps', [
        async (step) => {
          const options = (step.options ?? {}) as HandoffOptions;
          const session = await kit.deps.session.get(step.context, emptySession());
          const topic = options.topic ?? session.lastTopic ?? 'handoff.human';
          state(step).topic = topic;
          const facts = kit.facts(step.context, topic);
          if (!facts.webAllowed) return refuse(step, facts);
          if (options.summary) return step.next({ value: 'prepared', text: options.summary });
          // Already waiting for an answer here: say when, and leave a second inquiry only if wanted.
          if (
            !options.anotherConfirmed &&
            (await kit.sayRecentInquiry(step.context, k.texts.recentInquiry))
          ) {
            return kit.ask(step, k.texts.askAnother, kit.yesNoChoices(), { yesNo: true });
          }
          return step.next({ value: 'another' });
        },
        async (step) => {
          const answer = (step.result as QuestionAnswer).value;
          if (answer === 'prepared') return step.next(step.result);
          if (answer !== 'another' && answer !== 'yes') return kit.finish(step);
          return kit.ask(step, k.texts.askDescription, [cancelChoice], { freeText: true, verbatim: true });
        },
        async (step) => {
          const answer = step.result as QuestionAnswer;
          if (answer.value === 'cancel') return kit.finish(step, kit.text(step.context, k.texts.notSent));
          state(step).summary = answer.text;
          if (answer.value === FREE_TEXT) {
            // The member's own words say what it is about: file it under that topic, and keep
            // phone-only topics (payment) off the web here too.
            const said = kit.deps.recognize(answer.text);
            const clear =
              !said.ambiguous &&
              said.score >= DESCRIPTION_TOPIC_AT &&
              !CONTROL_TOPICS.includes(said.topic) &&
              said.topic !== 'handoff.human';
            if (clear && state(step).topic === 'handoff.human') state(step).topic = said.topic;
            const facts = kit.facts(step.context, clear ? said.topic : state(step).topic);
            if (!facts.webAllowed) return refuse(step, facts);
          }
          if ((step.options as HandoffOptions).confirmed) return step.next({ value: 'yes' });
          return kit.ask(step, k.texts.askConfirm, kit.yesNoChoices(), {
            yesNo: true,
            values: { summary: answer.text },
          });
        },
        async (step) => {
          const answer = (step.result as QuestionAnswer).value;
          if (answer !== 'yes') {
            return answer === UNRECOGNIZED
              ? kit.giveUp(step)
              : kit.finish(step, kit.text(step.context, k.texts.notSent));
          }
          return this.create(kit, step);
        },
      ]),
    );
    this.initialDialogId = 'steps';
  }

  private async create(kit: FlowKit, step: WaterfallStepContext) {
    const k = kit.deps.knowledge.flows.handoff;
    const { lang, now } = turnInfo(step.context);
    const s = step.values as HandoffState;
    const facts = kit.facts(step.context, s.topic);
    const session = await kit.deps.session.get(step.context, emptySession());
    const phone = { phone: facts.phone, hours: facts.urgent ? facts.lossHours : facts.hours };
    try {
      const inquiry = await kit.deps.inquiries.create({
        topic: s.topic,
        locale: lang,
        summary: s.summary ?? '',
        excerpt: [...session.transcript],
        conversationReference: TurnContext.getConversationReference(step.context.activity),
        createdAt: now,
        details: (step.options as HandoffOptions).details,
      });
      // What the member is told is the policy's promise (the same time the contact answer gives);
      // staff work to the triage due time, which is never later. Urgent: the due time itself.
      const due = new Date(inquiry.dueAt);
      const promised =
        inquiry.priority === 'urgent' || !facts.webExpectedAt || facts.webExpectedAt < due
          ? due
          : facts.webExpectedAt;
      session.lastInquiry = { id: inquiry.id, expectedAt: promised.toISOString() };
      const values = { ...phone, id: inquiry.id, expected: kit.deps.formatTime(promised, lang, now) };
      const text = kit.text(
        step.context,
        inquiry.priority === 'urgent' ? k.texts.createdUrgent : k.texts.created,
        values,
      );
      // Started by another flow (lost card): that flow sends its own closing step and menu.
      if ((step.options as HandoffOptions).confirmed) {
        await step.context.sendActivity(text);
        return step.endDialog();
      }
      return kit.finish(step, text);
    } catch (err) {
      if (err instanceof InquiryLimitReachedError) {
        return kit.finish(step, kit.text(step.context, k.texts.limitReached, phone));
      }
      // The member must never be told an inquiry exists that was not stored.
      return kit.finish(step, kit.text(step.context, k.texts.failed, phone));
    }
  }
}
