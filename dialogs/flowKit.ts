import {
  ActionTypes,
  type CardAction,
  MessageFactory,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { MetricsRecorder } from '../src/insights/recorder.js';
import type { BilingualText } from '../src/knowledge/bilingual.js';
import type { Choice } from '../src/knowledge/flowSchemas.js';
import type { Knowledge } from '../src/knowledge/index.js';
import { fill } from '../src/knowledge/template.js';
import type { Lang, TopicId } from '../src/topics.js';
import type { InquiryLookup } from '../src/triage/inquiryLookup.js';
import type { InquiryIntake, UnansweredLog } from '../src/triage/types.js';
import { QUESTION_PROMPT, type QuestionOptions, type YesNoRecognizer } from './questionPrompt.js';
import { menuActions } from './replies.js';
import type { RoutedRecognition } from './routing.js';
import { emptySession, type SessionState } from './session.js';
import type { SupportFacts } from './supportFacts.js';
import { turnInfo, turnOutcome } from './turn.js';

export interface DialogDeps {
  knowledge: Knowledge;
  /** Phone numbers, hours and reply times for a topic at an instant (the policy module). */
  supportFacts: (topic: TopicId, now: Date, lang: Lang) => SupportFacts;
  /** The topic recognizer (a description for staff is filed under what it is about). */
  recognize: (text: string) => RoutedRecognition;
  recognizeYesNo: YesNoRecognizer;
  /** A time in free text (昨日の夜8時, yesterday evening), resolved in Asia/Tokyo. */
  extractWhen: (text: string, lang: Lang, now: Date) => Date | undefined;
  /**
   * An instant as members read it, in Japan time: 11月25日(水) 20:00 / Wed 25 Nov 20:00 JST; with `from`,
   * relative words where they apply (明日 11月27日(金) 9:00 / tomorrow …).
   */
  formatTime: (at: Date, lang: Lang, from?: Date) => string;
  inquiries: InquiryIntake;
  /** A reference number's status (never its content), rate-limited; absent: numbers are not looked up. */
  lookupInquiry?: InquiryLookup;
  /**
   * Hours this conversation's transcript is kept for the member's browser to come back to (the
   * in-process Web Chat: DIRECTLINE_RETENTION_HOURS); undefined on other channels.
   */
  transcriptHours?: (activity: TurnContext['activity']) => number | undefined;
  unanswered: UnansweredLog;
  session: StatePropertyAccessor<SessionState>;
  /** The counters (src/insights); absent: nothing is counted. */
  metrics?: MetricsRecorder;
}

/** Small helpers every flow uses, so each flow file reads as its conversation. */
export class FlowKit {
  constructor(readonly deps: DialogDeps) {}

  get conversation() {
    return this.deps.knowledge.conversation;
  }

  lang(context: TurnContext): Lang {
    return turnInfo(context).lang;
  }

  /** The facts for placeholders: {phone}, {hours}, … for this topic, now, in the member's language. */
  facts(context: TurnContext, topic: TopicId): SupportFacts {
    const { now, lang } = turnInfo(context);
    return this.deps.supportFacts(topic, now, lang);
  }

  /** The {phone} and {hours} of the call center, as most answers name them. */
  callCenter(context: TurnContext, topic: TopicId): { phone: string; hours: string } {
    const f = this.facts(context, topic);
    return { phone: f.phone, hours: f.hours };
  }

  /** Picks the member's language and fills the placeholders. */
  text(context: TurnContext, text: BilingualText, values: Record<string, string | number> = {}): string {
    return fill(text[this.lang(context)], values);
  }

  async say(context: TurnContext, text: BilingualText, values: Record<string, string | number> = {}) {
    await context.sendActivity(this.text(context, text, values));
  }

  ask(
    step: WaterfallStepContext,
    question: BilingualText,
    choices: Choice[],
    extra: Partial<QuestionOptions> = {},
  ): Promise<DialogTurnResult> {
    const options: QuestionOptions = { question, choices, retryText: this.conversation.retry, ...extra };
    return step.prompt(QUESTION_PROMPT, options);
  }

  askYesNo(step: WaterfallStepContext, question: BilingualText): Promise<DialogTurnResult> {
    return this.ask(step, question, this.yesNoChoices(), { yesNo: true });
  }

  yesNoChoices(): Choice[] {
    return [
      { value: 'yes', label: this.conversation.yes, synonyms: [] },
      { value: 'no', label: this.conversation.no, synonyms: [] },
    ];
  }

  /**
   * Ends a flow with its answer: the concrete next step, then 「お役に立ちましたか？」 with two buttons
   * (「いいえ」 brings back the menu and, where staff can help, a person). Counted as answered.
   * Web Chat shows the buttons of the newest message only, so before the question the closing line
   * goes without buttons, and the generic 「ほかにご質問は…」 line is left out.
   */
  async finish(step: WaterfallStepContext, text?: string, offerHuman = true): Promise<DialogTurnResult> {
    turnOutcome(step.context).answered = true;
    const session = await this.deps.session.get(step.context, emptySession());
    if (!session.lastTopic) return this.close(step, text, offerHuman);
    const lang = this.lang(step.context);
    if (text) await step.context.sendActivity(text);
    const q = this.conversation.csat;
    const actions: CardAction[] = [q.yes[lang], q.no[lang]].map((label) => ({
      type: ActionTypes.ImBack,
      title: label,
      value: label,
    }));
    await step.context.sendActivity(MessageFactory.suggestedActions(actions, q.question[lang]));
    session.csatFor = session.lastTopic;
    return step.endDialog();
  }

  /** Ends a flow that gave no answer (an inquiry filed or not, a give-up) with the next steps only. */
  async close(step: WaterfallStepContext, text?: string, offerHuman = true): Promise<DialogTurnResult> {
    await this.sendNextSteps(
      step.context,
      text ?? this.conversation.anythingElse[this.lang(step.context)],
      offerHuman,
    );
    return step.endDialog();
  }

  /**
   * An answer with two small buttons, 「メニュー」 and 「担当者に問い合わせる」: on a phone the full menu
   * after every answer would push the answer itself out of view. Without `offerHuman` (a phone-only
   * refusal) only the menu: that button would lead back to the same refusal.
   */
  async sendNextSteps(context: TurnContext, text: string, offerHuman = true): Promise<void> {
    const lang = this.lang(context);
    const c = this.conversation;
    const human = c.topicLabels['handoff.human'][lang];
    const actions: CardAction[] = [
      { type: ActionTypes.ImBack, title: c.menuButton[lang], value: c.menuButton[lang] },
      ...(offerHuman ? [{ type: ActionTypes.ImBack, title: human, value: human }] : []),
    ];
    await context.sendActivity(MessageFactory.suggestedActions(actions, text));
  }

  /** A message with the whole menu and "ask our staff" as buttons (the member seems lost). */
  async sendWithMenu(context: TurnContext, text: string): Promise<void> {
    await context.sendActivity(MessageFactory.suggestedActions(this.menuWithHuman(this.lang(context)), text));
  }

  /**
   * Says when the inquiry already left in this conversation will be answered (with `wording`'s
   * {id} and {expected}); false when there is none.
   */
  async sayRecentInquiry(context: TurnContext, wording: BilingualText): Promise<boolean> {
    const recent = (await this.deps.session.get(context, emptySession())).lastInquiry;
    if (!recent) return false;
    const { lang, now } = turnInfo(context);
    const expected = this.deps.formatTime(new Date(recent.expectedAt), lang, now);
    const whereToRead = this.whereToRead(context, new Date(recent.expectedAt));
    await this.say(context, wording, { id: recent.id, expected, whereToRead });
    return true;
  }

  /**
   * Where and how the member reads the staff answer due at `expectedAt`: in Web Chat, this browser
   * keeps the conversation for the transcript's hours (so the tab may be closed) when the answer is
   * due within them; otherwise this chat, or the reference number from a new conversation.
   */
  whereToRead(context: TurnContext, expectedAt: Date): string {
    const { lang, now } = turnInfo(context);
    const texts = this.deps.knowledge.flows.handoff.texts;
    const hours = this.deps.transcriptHours?.(context.activity);
    if (hours && expectedAt.getTime() <= now.getTime() + hours * 3_600_000) {
      return fill(texts.whereToReadWebChat[lang], { keepHours: String(hours) });
    }
    return texts.whereToRead[lang];
  }

  /** Two unreadable answers in a row: stop the flow, offer the menu and a person. */
  async giveUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const session = await this.deps.session.get(step.context, emptySession());
    session.offeredHuman = true;
    return this.close(step, this.conversation.fallbackOfferHuman[this.lang(step.context)]);
  }

  menuWithHuman(lang: Lang): CardAction[] {
    const human = this.conversation.topicLabels['handoff.human'][lang];
    return [
      ...menuActions(this.conversation, lang),
      { type: ActionTypes.ImBack, title: human, value: human },
    ];
  }
}
