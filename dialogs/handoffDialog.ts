import { TurnContext } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { hasJapaneseScript } from '../src/language.js';
import type { TopicId } from '../src/topics.js';
import { InquiryLimitReachedError } from '../src/triage/inquiryLimit.js';
import type { FlowKit } from './flowKit.js';
import { foldForMatch } from './matchText.js';
import { FREE_TEXT, type QuestionAnswer, QuestionPrompt, UNRECOGNIZED } from './questionPrompt.js';
import { CONTROL_TOPICS } from './routing.js';
import { emptySession } from './session.js';
import type { SupportFacts } from './supportFacts.js';
import { turnInfo, turnOutcome } from './turn.js';

export const HANDOFF_DIALOG = 'handoff';
/** A description is filed under (and refused for) the topic it is recognised as only this surely. */
const DESCRIPTION_TOPIC_AT = 0.6;
/** Descriptions that say nothing are asked for again this often, then nothing is filed. */
const MAX_EMPTY_DESCRIPTIONS = 2;
/** Shorter than this (folded, masks removed) says nothing staff could act on: 「パスワード」「エラー」. */
const MIN_DESCRIPTION_CHARS = 6;
/** Topics that only ask for a person or steer: 「担当者と話したい」 as a description says nothing yet. */
const CONTENT_FREE_TOPICS: readonly TopicId[] = [
  ...CONTROL_TOPICS.filter((t) => t !== 'none'),
  'handoff.human',
];

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
  /** How many descriptions so far said nothing (「はい」「お願いします」, only masked secrets). */
  emptyDescriptions?: number;
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
      kit.close(
        step,
        facts.webRefusal ??
          kit.text(step.context, k.texts.refusedPayment, { phone: facts.phone, hours: facts.hours }),
        false,
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
          // Phone-only topics (payment) are refused with the number; the member's wish for a person
          // after an in-person-only answer (the PIN) is kept and filed as a general inquiry.
          if (!facts.webAllowed) {
            if (facts.phoneOnly) return refuse(step, facts);
            state(step).topic = 'handoff.human';
          }
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
          if (answer !== 'another' && answer !== 'yes') return kit.close(step);
          const again = ((step.options ?? {}) as HandoffOptions).emptyDescriptions ?? 0;
          return kit.ask(
            step,
            again > 0 ? k.texts.askDescriptionAgain : k.texts.askDescription,
            [cancelChoice],
            {
              freeText: true,
              verbatim: true,
            },
          );
        },
        async (step) => {
          const answer = step.result as QuestionAnswer;
          if (answer.value === 'cancel') return kit.close(step, kit.text(step.context, k.texts.notSent));
          state(step).summary = answer.text;
          if (answer.value === FREE_TEXT) {
            const options = (step.options ?? {}) as HandoffOptions;
            if (saysNothing(kit, answer.text)) {
              const empty = (options.emptyDescriptions ?? 0) + 1;
              if (empty > MAX_EMPTY_DESCRIPTIONS) {
                const f = kit.facts(step.context, state(step).topic);
                return kit.close(
                  step,
                  kit.text(step.context, k.texts.noContent, { phone: f.phone, hours: f.hours }),
                );
              }
              return step.replaceDialog('steps', {
                ...options,
                emptyDescriptions: empty,
                anotherConfirmed: true,
              });
            }
            // The member's own words say what it is about: file it under that topic when the web may
            // take it; a topic mentioned in passing (a PIN in a login problem) never reroutes the
            // member, only phone-only topics (payment) are refused here too.
            const said = kit.deps.recognize(answer.text);
            const clear =
              !said.ambiguous &&
              said.score >= DESCRIPTION_TOPIC_AT &&
              !CONTROL_TOPICS.includes(said.topic) &&
              said.topic !== 'handoff.human';
            const saidFacts = clear ? kit.facts(step.context, said.topic) : undefined;
            if (saidFacts?.phoneOnly) return refuse(step, saidFacts);
            if (clear && saidFacts?.webAllowed && state(step).topic === 'handoff.human')
              state(step).topic = said.topic;
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
              : kit.close(step, kit.text(step.context, k.texts.notSent));
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
        // What the bot understood of the conversation, then the description the member confirmed.
        excerpt: [
          ...(session.trail ?? []),
          ...(s.summary ? [{ from: 'member' as const, text: s.summary, at: now.toISOString() }] : []),
        ],
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
      turnOutcome(step.context).handoff = true;
      const values = {
        ...phone,
        id: inquiry.id,
        expected: kit.deps.formatTime(promised, lang, now),
        whereToRead: kit.whereToRead(step.context, promised),
      };
      const created = kit.text(
        step.context,
        inquiry.priority === 'urgent' ? k.texts.createdUrgent : k.texts.created,
        values,
      );
      // Live chat is offered only while staff are on duty (the one schedule, src/policy).
      const offer = facts.staffedNow ? kit.deps.knowledge.triage.liveChat.offer[lang] : '';
      const text = offer ? `${created}\n\n${offer}` : created;
      // Started by another flow (lost card): that flow sends its own closing step and menu.
      if ((step.options as HandoffOptions).confirmed) {
        await step.context.sendActivity(text);
        return step.endDialog();
      }
      return kit.close(step, text);
    } catch (err) {
      if (err instanceof InquiryLimitReachedError) {
        return kit.close(step, kit.text(step.context, k.texts.limitReached, phone));
      }
      // The member must never be told an inquiry exists that was not stored.
      return kit.close(step, kit.text(step.context, k.texts.failed, phone));
    }
  }
}

/**
 * A description staff could not act on: nothing left once masks and digits are gone, a plain
 * yes/no (「はい」「お願いします」), one short word, or only a wish for a person (「担当者と話したい」).
 */
function saysNothing(kit: FlowKit, text: string): boolean {
  const words = text.replace(/[*＊\d]+/g, ' ').trim();
  const folded = foldForMatch(words);
  if (folded.length === 0) return true;
  if (kit.deps.recognizeYesNo(words) !== undefined && folded.length <= 12) return true;
  const latin = !hasJapaneseScript(words);
  if (latin ? words.split(/\s+/).filter(Boolean).length < 2 : folded.length < MIN_DESCRIPTION_CHARS)
    return true;
  const said = kit.deps.recognize(words);
  return (
    CONTENT_FREE_TOPICS.includes(said.topic) && said.score >= DESCRIPTION_TOPIC_AT && folded.length <= 20
  );
}
