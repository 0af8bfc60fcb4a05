import {
  type Activity,
  type ConversationState,
  MessageFactory,
  type StatePropertyAccessor,
  type TurnContext,
} from 'botbuilder';
import {
  type DialogContext,
  DialogSet,
  type DialogState,
  type DialogStateManagerConfiguration,
  type DialogTurnResult,
  WaterfallDialog,
} from 'botbuilder-dialogs';
import { fill } from '../src/knowledge/template.js';
import { detectLang, hasJapaneseScript } from '../src/language.js';
import { ROUTED_TOPIC_KEY } from '../src/logger.js';
import { secretsFound } from '../src/privacy/secretGuardMiddleware.js';
import { ShortLivedMap } from '../src/privacy/shortLivedMap.js';
import { strictMask } from '../src/privacy/strictMask.js';
import { type Lang, TOPIC_IDS, type TopicId } from '../src/topics.js';
import { findReference } from '../src/triage/inquiryLookup.js';
import { CONTACT_DIALOG, CONTACT_TOPICS, ContactDialog } from './contactDialog.js';
import { type DialogDeps, FlowKit } from './flowKit.js';
import { followUpsFor, pickFollowUp } from './followUps.js';
import { HANDOFF_DIALOG, HandoffDialog } from './handoffDialog.js';
import { LOGIN_DIALOG, LOGIN_TOPICS, LoginDialog } from './loginDialog.js';
import { LOST_CARD_DIALOG, LOST_CARD_TOPICS, LostCardDialog } from './lostCardDialog.js';
import { foldForMatch, foldPhrase, longestMatch } from './matchText.js';
import { PIN_DIALOG, PIN_TOPICS, PinDialog } from './pinDialog.js';
import {
  matchChoiceDetail,
  QUESTION_PROMPT,
  type QuestionAnswer,
  type QuestionOptions,
  QuestionPrompt,
  quotedDescription,
} from './questionPrompt.js';
import { menuActions } from './replies.js';
import { CONTROL_TOPICS, type RoutedRecognition } from './routing.js';
import { SERVICE_TOPICS, SERVICES_DIALOG, ServicesDialog } from './servicesDialog.js';
import { BOT_LINE_CHARS, emptySession, type SessionState, TRANSCRIPT_LINES } from './session.js';
import { setTurnInfo, turnInfo, turnOutcome } from './turn.js';
import { WEBID_DIALOG, WEBID_TOPICS, WebIdDialog } from './webIdDialog.js';

export interface MainDialogDeps extends Omit<DialogDeps, 'session'> {
  /** "Now" for a turn: the activity timestamp when valid, else the server clock. */
  instantOf: (activity: Partial<Activity>) => Date;
  /** Routing decisions are logged without the member's text. */
  logger?: { debug(obj: object, msg: string): void };
}

const CLARIFY_DIALOG = 'clarify';
/** turnState: why this turn's message was recognised as none (out_of_scope / unclear). */
const NONE_KIND_KEY = Symbol('noneKind');
/** turnState: this activity has been counted. */
const COUNTED_KEY = Symbol('counted');
/** Where botbuilder's DialogStateManager looks for a configuration in the turn state. */
const STATE_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/** Folded Japanese text shorter than this is too little to call out of scope (「天気」 is unclear). */
const MIN_OUT_OF_SCOPE_CHARS = 5;

function withReminder(text: string, reminder: string | undefined): string {
  return reminder ? `${text}\n\n${reminder}` : text;
}
/** A follow-up keyword yields to a recognised topic this sure (「口座振替にしたい」 after 瞬フリ). */
const FOLLOW_UP_YIELDS_AT = 0.9;
/** A short free-text answer (a time) yields to a new topic recognised this surely. */
const FREE_TEXT_YIELDS_AT = 0.8;
/** How long the question behind a "did you mean …?" is held (in memory only) for the answer. */
const CLARIFY_TEXT_MS = 10 * 60_000;

const FLOW_OF: Array<[readonly TopicId[], string]> = [
  [LOGIN_TOPICS, LOGIN_DIALOG],
  [WEBID_TOPICS, WEBID_DIALOG],
  [LOST_CARD_TOPICS, LOST_CARD_DIALOG],
  [PIN_TOPICS, PIN_DIALOG],
  [CONTACT_TOPICS, CONTACT_DIALOG],
  [SERVICE_TOPICS, SERVICES_DIALOG],
  [['handoff.human'], HANDOFF_DIALOG],
];

function flowFor(topic: TopicId): string | undefined {
  return FLOW_OF.find(([topics]) => topics.includes(topic))?.[1];
}

/**
 * The router every message goes through: conversation control (start over, cancel, help), a clear
 * new topic interrupting the current flow, "did you mean A or B?", a fallback with the menu after a
 * miss and a person offered after two, and follow-ups read in the context of the last answer.
 */
export class MainDialog {
  private readonly dialogs: DialogSet;
  private readonly session: StatePropertyAccessor<SessionState>;
  private readonly kit: FlowKit;
  /** Button labels (and topic names) in both languages → topic, so a pressed button never misroutes. */
  private readonly buttons = new Map<string, TopicId>();
  /** The member's question behind a pending "did you mean …?": never in conversation state. */
  private readonly clarifyTexts = new ShortLivedMap<string>({ ttlMs: CLARIFY_TEXT_MS });
  /** The secret labels and particles, folded, longest first. */
  private readonly secretFillers: string[];
  /** botbuilder's dialog memory scopes and path resolvers, built on the first turn and kept. */
  private stateConfiguration: DialogStateManagerConfiguration | undefined;

  constructor(
    private readonly deps: MainDialogDeps,
    conversationState: ConversationState,
  ) {
    this.session = conversationState.createProperty<SessionState>('session');
    const dialogState: StatePropertyAccessor<DialogState> = conversationState.createProperty('dialogState');
    this.kit = new FlowKit({ ...deps, session: this.session });
    this.dialogs = new DialogSet(dialogState);
    this.dialogs.add(
      new LoginDialog(this.kit, { webId: WEBID_DIALOG, pin: PIN_DIALOG, handoff: HANDOFF_DIALOG }),
    );
    this.dialogs.add(new WebIdDialog(this.kit));
    this.dialogs.add(new LostCardDialog(this.kit, HANDOFF_DIALOG));
    this.dialogs.add(new PinDialog(this.kit, WEBID_DIALOG));
    this.dialogs.add(new ContactDialog(this.kit));
    this.dialogs.add(new ServicesDialog(this.kit));
    this.dialogs.add(new HandoffDialog(this.kit));
    this.dialogs.add(new QuestionPrompt(deps.recognizeYesNo));
    this.dialogs.add(
      new WaterfallDialog(CLARIFY_DIALOG, [(s) => this.askClarify(s), (s) => this.afterClarify(s)]),
    );

    const c = deps.knowledge.conversation;
    this.secretFillers = [...new Set(c.secretFillers.map(foldForMatch))].sort((a, b) => b.length - a.length);
    for (const topic of TOPIC_IDS) {
      for (const label of Object.values(c.topicLabels[topic])) this.buttons.set(foldForMatch(label), topic);
    }
    for (const item of c.menu)
      for (const label of Object.values(item.label)) this.buttons.set(foldForMatch(label), item.topic);
    for (const label of Object.values(c.menuButton)) this.buttons.set(foldForMatch(label), 'help');
    for (const s of deps.knowledge.flows.services.services) {
      for (const label of Object.values(s.label)) this.buttons.set(foldForMatch(label), s.topic);
    }
  }

  /** Routes one member message, then counts what the turn did (never the member's words). */
  async run(context: TurnContext): Promise<void> {
    try {
      await this.route(context);
    } finally {
      this.count(context);
    }
  }

  private count(context: TurnContext): void {
    const metrics = this.deps.metrics;
    const activity = context.activity;
    // Once per activity: a turn botbuilder re-runs on a fresh state (bot.ts) is still one turn.
    if (!metrics || !activity.conversation?.id || context.turnState.get(COUNTED_KEY)) return;
    context.turnState.set(COUNTED_KEY, true);
    const outcome = turnOutcome(context);
    outcome.secretWarning = secretsFound(context).length > 0;
    let info: ReturnType<typeof turnInfo> | undefined;
    try {
      info = turnInfo(context);
    } catch {
      info = undefined; // the turn failed before the router read it
    }
    const lang = info?.lang ?? detectLang(activity.text, activity.locale);
    metrics.turn(
      activity.conversation.id,
      info?.now ?? this.deps.instantOf(activity),
      lang,
      activity.channelId ?? 'unknown',
      outcome,
    );
  }

  private async route(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const text = (activity.text ?? '').trim();
    const session = await this.session.get(context, emptySession());
    setTurnInfo(context, {
      lang: this.replyLang(text, activity.locale, session),
      now: this.deps.instantOf(activity),
    });
    // The offer of a person stands for the next message only.
    const offeredHuman = session.offeredHuman === true;
    session.offeredHuman = false;
    // So does 「お役に立ちましたか？」: any other message is simply the next question.
    const csatFor = session.csatFor;
    session.csatFor = undefined;
    const outcome = turnOutcome(context);
    const dc = await this.createContext(context);
    const c = this.deps.knowledge.conversation;

    if (!text) {
      // A button value or an attachment without text: the pending question asks again; otherwise a miss.
      if (dc.activeDialog) {
        outcome.topic = this.flowTopic(dc, session);
        await dc.continueDialog();
        return;
      }
      return this.miss(context, session, text);
    }
    const asked = this.languageAsked(text);
    if (asked) return this.continueIn(dc, session, asked);
    const lang = this.kit.lang(context);
    if (csatFor && !dc.activeDialog) {
      const helpful = this.csatAnswer(text);
      if (helpful !== undefined) return this.answerCsat(context, session, csatFor, helpful);
    }
    if (longestMatch(text, c.restartWords) > 0 && foldForMatch(text).length <= 12) {
      const reminder = this.leaveReminder(dc);
      await dc.cancelAllDialogs();
      session.misses = 0;
      session.lastTopic = undefined;
      return this.sendMenu(context, withReminder(c.startOver[lang], reminder));
    }
    // Only a secret (「暗証番号は****です」): the guard has warned; say what to do, then carry on.
    if (secretsFound(context).length > 0 && this.onlySecret(text)) {
      session.misses = 0;
      const advice = this.kit.text(context, c.secretOnly, this.kit.callCenter(context, 'support.contact'));
      if (dc.activeDialog) {
        await context.sendActivity(advice);
        await dc.repromptDialog();
        return;
      }
      return this.sendMenu(context, advice);
    }

    // A reference number (受付番号): its status only. Inside a flow only when the message is the number.
    const reference = this.deps.lookupInquiry ? findReference(text) : undefined;
    if (reference && (!dc.activeDialog || foldForMatch(text).length <= 30)) {
      session.misses = 0;
      await context.sendActivity(await this.referenceStatus(context, reference));
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }

    const saysCancel = foldForMatch(text).length <= 12 && longestMatch(text, c.cancelWords) > 0;
    // The question the member is answering, if any (read once: nothing below changes it before the flow runs).
    const pending = this.pendingQuestion(dc);
    // One of its own choices (a button, or the choice's words) answers it whatever else the words could
    // mean, so they need no reading for a topic.
    const chosen =
      pending && !saysCancel ? matchChoiceDetail(text, pending, this.deps.recognizeYesNo) : undefined;
    if (chosen && !chosen.byPolarity) {
      outcome.topic = this.flowTopic(dc, session);
      context.turnState.set(ROUTED_TOPIC_KEY, outcome.topic);
      context.turnState.set(NONE_KIND_KEY, 'unclear');
      this.recordTurn(context, session, text, undefined, pending);
      await dc.continueDialog();
      return;
    }
    const recognition: RoutedRecognition = saysCancel
      ? { topic: 'cancel', score: 1, ambiguous: false }
      : this.recognize(text);
    context.turnState.set(ROUTED_TOPIC_KEY, recognition.topic);
    if (recognition.topic === 'cancel') outcome.cancel = true;
    outcome.topic = dc.activeDialog ? this.flowTopic(dc, session) : recognition.topic;
    this.recordTurn(context, session, text, recognition, pending);
    // 「はい」「うーん」 out of context are not a question about something else: that needs some words.
    const outOfScope = recognition.noneKind === 'out_of_scope' && this.saysSomething(text);
    context.turnState.set(NONE_KIND_KEY, outOfScope ? 'out_of_scope' : 'unclear');
    this.deps.logger?.debug(
      {
        conversationId: activity.conversation?.id,
        topic: recognition.topic,
        score: Number(recognition.score.toFixed(3)),
        ambiguous: recognition.ambiguous,
        inFlow: dc.activeDialog?.id,
      },
      'routed',
    );
    if (dc.activeDialog) {
      // An answer to the pending question wins over everything else (「no thanks」 is "no" here, and
      // 「わからない」 is an answer the question handles, not "forgot my ID").
      const unsure = foldForMatch(text).length <= 12 && longestMatch(text, c.unsureWords) > 0;
      const answer = pending ? matchChoiceDetail(text, pending, this.deps.recognizeYesNo) : undefined;
      // Read only by its grammar (「カードを盗まれた」 is "positive"), a confident new request is not an answer.
      // (「残してください」 to "shall I leave a note?" is the answer, though it reads as a wish for a person.)
      const newRequest =
        answer?.byPolarity === true &&
        recognition.topic !== 'handoff.human' &&
        this.interrupts(recognition, session) &&
        recognition.score >= FREE_TEXT_YIELDS_AT;
      if (pending && (unsure || (answer && !newRequest))) {
        await dc.continueDialog();
        return;
      }
      // Free text is the member's own words: a topic word inside a description for staff is not a
      // new request (only a short, plain "cancel" stops it); a short answer such as a time yields
      // only to help, cancel and a confident new topic.
      if (pending?.freeText) {
        const plainCancel = saysCancel || (recognition.topic === 'cancel' && foldForMatch(text).length <= 8);
        const isTime = pending.expectsTime && this.deps.extractWhen(text, lang, turnInfo(context).now);
        const steers =
          !isTime &&
          (recognition.topic === 'help' ||
            (this.interrupts(recognition, session) && recognition.score >= FREE_TEXT_YIELDS_AT));
        if (!plainCancel && (pending.verbatim || !steers)) {
          await dc.continueDialog();
          return;
        }
      }
      if (recognition.topic === 'cancel') {
        const reminder = this.leaveReminder(dc);
        await dc.cancelAllDialogs();
        return this.sendMenu(context, withReminder(c.cancelled[lang], reminder));
      }
      if (recognition.topic === 'help') {
        await this.sendMenu(context, c.help[lang]);
        await dc.repromptDialog();
        return;
      }
      if (recognition.topic === 'thanks_bye') {
        const reminder = this.leaveReminder(dc);
        await dc.cancelAllDialogs();
        await context.sendActivity(withReminder(c.thanksBye[lang], reminder));
        return;
      }
      if (this.interrupts(recognition, session)) {
        const reminder = this.leaveReminder(dc);
        if (reminder) await context.sendActivity(reminder);
        await dc.cancelAllDialogs();
        await this.startTopic(dc, recognition.topic, text, session);
        return;
      }
      await dc.continueDialog();
      return;
    }

    // 「はい」 right after the bot offered a person takes the offer.
    if (offeredHuman && this.deps.recognizeYesNo(text) === true) {
      await this.startTopic(dc, 'handoff.human', text, session);
      return;
    }
    const followUp = this.followUpFor(session, recognition, text);
    if (followUp && session.lastTopic) {
      session.misses = 0;
      outcome.topic = session.lastTopic;
      await this.kit.sendNextSteps(
        context,
        this.kit.text(context, followUp.answer, this.kit.callCenter(context, session.lastTopic)),
        !this.kit.facts(context, session.lastTopic).phoneOnly,
      );
      if (followUp.offersHuman) session.offeredHuman = true;
      return;
    }
    if (recognition.ambiguous && recognition.runnerUp) {
      this.clarifyTexts.set(conversationKey(context), text);
      outcome.didYouMean = true;
      await dc.beginDialog(CLARIFY_DIALOG, { topics: [recognition.topic, recognition.runnerUp] });
      return;
    }
    await this.startTopic(dc, recognition.topic, text, session);
  }

  /**
   * The page's language switch (an event): the same conversation carries on in that language at
   * once — the pending question asked again, or the menu.
   */
  /** What the member may learn from a reference number: the status, in their words, never the content. */
  /**
   * The turn's dialog context. botbuilder builds its memory scopes and path resolvers (a service
   * collection, schema checks) for every turn unless the turn state already holds them, as its
   * DialogManager hands them over; they keep nothing of a turn, so the first turn's are reused.
   */
  private async createContext(context: TurnContext): Promise<DialogContext> {
    if (this.stateConfiguration) context.turnState.set(STATE_CONFIGURATION_KEY, this.stateConfiguration);
    const dc = await this.dialogs.createContext(context);
    this.stateConfiguration ??= dc.state.configuration;
    return dc;
  }

  private async referenceStatus(context: TurnContext, id: string): Promise<string> {
    const texts = this.deps.knowledge.flows.handoff.texts;
    const phone = this.kit.callCenter(context, 'support.contact');
    const activity = context.activity;
    const result = await this.deps.lookupInquiry!(id, {
      channelId: activity.channelId ?? '',
      userId: activity.from?.id ?? activity.conversation?.id ?? '',
    });
    if (result.kind === 'limited') {
      return this.kit.text(context, texts.statusLimited, {
        ...phone,
        minutes: String(Math.max(1, Math.ceil(result.retryAfterSeconds / 60))),
      });
    }
    const wording =
      result.kind === 'unknown'
        ? texts.statusUnknown
        : result.status === 'new'
          ? texts.statusNew
          : result.status === 'waiting_member'
            ? texts.statusAnswered
            : result.status === 'resolved'
              ? texts.statusResolved
              : texts.statusInProgress;
    return `${this.kit.text(context, wording, { id })}\n${this.kit.text(context, texts.statusNote, phone)}`;
  }

  async switchLanguage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const requested = typeof activity.value === 'string' ? activity.value : activity.locale;
    const lang: Lang = requested?.toLowerCase().startsWith('en') ? 'en' : 'ja';
    const session = await this.session.get(context, emptySession());
    setTurnInfo(context, { lang, now: this.deps.instantOf(activity) });
    await this.continueIn(await this.createContext(context), session, lang);
  }

  private async continueIn(dc: DialogContext, session: SessionState, lang: Lang): Promise<void> {
    session.lang = lang;
    setTurnInfo(dc.context, { ...turnInfo(dc.context), lang });
    const c = this.deps.knowledge.conversation;
    if (dc.activeDialog) {
      await dc.context.sendActivity(c.languageSwitchedMidFlow[lang]);
      await dc.repromptDialog();
      return;
    }
    await this.sendMenu(dc.context, c.languageSwitched[lang]);
  }

  /** Japanese script means Japanese; otherwise the language the member chose, else the channel's locale. */
  private replyLang(text: string, locale: string | undefined, session: SessionState): Lang {
    if (hasJapaneseScript(text)) return 'ja';
    return session.lang ?? detectLang(text, locale);
  }

  /** 「English」「日本語で」 as the whole message. */
  private languageAsked(text: string): Lang | undefined {
    const folded = foldForMatch(text);
    const words = this.deps.knowledge.conversation.languageWords;
    for (const lang of ['ja', 'en'] as const) {
      if (words[lang].some((w) => foldPhrase(w) === folded)) return lang;
    }
    return undefined;
  }

  /** A sentence rather than a filler, a yes/no or a word: 「今日の天気は？」, "what's the weather". */
  private saysSomething(text: string): boolean {
    if (this.deps.recognizeYesNo(text) !== undefined) return false;
    if (hasJapaneseScript(text)) return foldForMatch(text).length >= MIN_OUT_OF_SCOPE_CHARS;
    return text.split(/\s+/).filter((w) => /[a-z]/i.test(w)).length >= 2;
  }

  /** Nothing but masks, digits and the secret's own label: 「暗証番号は****です」, "my pin is ****". */
  private onlySecret(text: string): boolean {
    let rest = foldForMatch(text.replace(/[*＊\d]+/g, ' '));
    for (const filler of this.secretFillers) rest = rest.split(filler).join('');
    return rest.length === 0;
  }

  /** Leaving the lost-card flow early: the 24-hour line is still the first step. */
  private leaveReminder(dc: DialogContext): string | undefined {
    if (dc.activeDialog?.id !== LOST_CARD_DIALOG) return undefined;
    const f = this.kit.facts(dc.context, 'card.lost');
    return this.kit.text(dc.context, this.deps.knowledge.flows.lostCard.texts.leaveReminder, {
      phone: f.phone,
      hours: f.lossHours,
    });
  }

  private recognize(text: string): RoutedRecognition {
    const pressed = this.buttons.get(foldForMatch(text));
    if (pressed) return { topic: pressed, score: 1, ambiguous: false };
    return this.deps.recognize(text);
  }

  /** The topic of the running flow, for the counters: a person (the inquiry flow), else the last topic. */
  private flowTopic(dc: DialogContext, session: SessionState): TopicId | undefined {
    return dc.activeDialog?.id === HANDOFF_DIALOG ? 'handoff.human' : session.lastTopic;
  }

  /** The question the innermost dialog is waiting on, if it is one of ours. */
  private pendingQuestion(dc: DialogContext): QuestionOptions | undefined {
    // dc.child builds a new DialogContext on every read: read it once per level.
    let inner: DialogContext = dc;
    for (let child = inner.child; child; child = inner.child) inner = child;
    const options = inner.activeDialog?.state?.options as QuestionOptions | undefined;
    return options?.choices ? options : undefined;
  }

  /**
   * A clear topic other than the one the running flow was started for interrupts it — also a sibling
   * served by the same dialog (「ログインできない」 during the login how-to).
   */
  private interrupts(recognition: RoutedRecognition, session: SessionState): boolean {
    if (CONTROL_TOPICS.includes(recognition.topic) || recognition.ambiguous) return false;
    return recognition.topic !== session.lastTopic;
  }

  /**
   * 「どの銀行？」 right after internet repayment is about internet repayment; 「電話で教えて」 right after
   * the PIN answer is about the PIN. A text that names another service, or is confidently about
   * something else (unless the follow-up is specific enough to say so), is a new question instead.
   */
  private followUpFor(session: SessionState, recognition: RoutedRecognition, text: string) {
    const topic = session.lastTopic;
    if (!topic) return undefined;
    const followUp = pickFollowUp(followUpsFor(this.deps.knowledge, topic), text);
    if (!followUp) return undefined;
    const confidentOther =
      !CONTROL_TOPICS.includes(recognition.topic) &&
      recognition.topic !== topic &&
      !recognition.ambiguous &&
      recognition.score >= FOLLOW_UP_YIELDS_AT;
    if (confidentOther && !followUp.alsoNeeds && !followUp.contextWins) return undefined;
    const namesOtherService = this.deps.knowledge.flows.services.services.some(
      (s) => s.topic !== topic && longestMatch(text, [s.label.ja, s.label.en]) > 0,
    );
    return namesOtherService ? undefined : followUp;
  }

  private async startTopic(
    dc: DialogContext,
    topic: TopicId,
    text: string,
    session: SessionState,
    replace = false,
  ) {
    const c = this.deps.knowledge.conversation;
    const lang = this.kit.lang(dc.context);
    const begin = (id: string, options: object) =>
      replace ? dc.replaceDialog(id, options) : dc.beginDialog(id, options);
    const end = async () => (replace ? dc.endDialog() : undefined);
    turnOutcome(dc.context).topic = topic;

    if (topic === 'none') {
      await this.miss(dc.context, session, text);
      return end();
    }
    session.misses = 0;
    switch (topic) {
      case 'greeting':
        await this.sendMenu(dc.context, c.greeting[lang]);
        return end();
      case 'help':
        await this.sendMenu(dc.context, c.help[lang]);
        return end();
      case 'thanks_bye':
        await dc.context.sendActivity(c.thanksBye[lang]);
        return end();
      case 'cancel':
        await this.sendMenu(dc.context, c.nothingToCancel[lang]);
        return end();
    }
    const flow = flowFor(topic);
    if (!flow) return end();
    if (topic !== 'handoff.human') session.lastTopic = topic;
    const options: { topic?: TopicId; text?: string } = topic === 'handoff.human' ? {} : { topic, text };
    const result = await begin(flow, options);
    // The opening text is read by the flow's first step only: it must not stay in the dialog state.
    delete options.text;
    return result;
  }

  private async askClarify(
    step: import('botbuilder-dialogs').WaterfallStepContext,
  ): Promise<DialogTurnResult> {
    const c = this.deps.knowledge.conversation;
    const { topics } = step.options as { topics: TopicId[] };
    const options: QuestionOptions = {
      question: c.didYouMean,
      choices: [
        ...topics.map((t) => ({ value: t, label: c.topicLabels[t], synonyms: [] })),
        { value: 'none', label: c.noneOfThese, synonyms: [] },
      ],
      retryText: c.retry,
    };
    return step.prompt(QUESTION_PROMPT, options);
  }

  private async afterClarify(
    step: import('botbuilder-dialogs').WaterfallStepContext,
  ): Promise<DialogTurnResult> {
    const text = this.clarifyTexts.take(conversationKey(step.context)) ?? '';
    const chosen = (step.result as QuestionAnswer).value;
    const session = await this.session.get(step.context, emptySession());
    if (!(TOPIC_IDS as readonly string[]).includes(chosen) || chosen === 'none') {
      // "None of these" is an answer, not a miss: keep the question for staff, show the menu.
      const lang = this.kit.lang(step.context);
      await this.recordUnanswered(text, lang, turnInfo(step.context).now, session.lastTopic);
      await this.sendMenu(step.context, this.deps.knowledge.conversation.menuPrompt[lang]);
      return step.endDialog();
    }
    return (await this.startTopic(step, chosen as TopicId, text, session, true)) ?? step.endDialog();
  }

  /**
   * Not understood: the menu after a miss, a person offered after two; the text is kept for staff.
   * Understood but out of scope (the weather, a bank's card): said as such, with what the chat does.
   */
  private async miss(context: TurnContext, session: SessionState, text: string): Promise<void> {
    const c = this.deps.knowledge.conversation;
    const lang = this.kit.lang(context);
    turnOutcome(context).fallback = true;
    await this.recordUnanswered(text, lang, this.deps.instantOf(context.activity), session.lastTopic);
    if (context.turnState.get(NONE_KIND_KEY) === 'out_of_scope') {
      session.misses = 0;
      return this.sendMenu(context, c.outOfScope[lang]);
    }
    session.misses += 1;
    if (session.misses >= 2) {
      await this.kit.sendWithMenu(context, c.fallbackOfferHuman[lang]);
      session.offeredHuman = true;
      return;
    }
    await this.sendMenu(context, c.fallback[lang]);
  }

  private async sendMenu(context: TurnContext, text: string): Promise<void> {
    const lang = this.kit.lang(context);
    await context.sendActivity(
      MessageFactory.suggestedActions(menuActions(this.deps.knowledge.conversation, lang), text),
    );
  }

  /** The unanswered-question log keeps only what the strict pass leaves: nothing that could be a secret. */
  private async recordUnanswered(text: string, lang: Lang, at: Date, topic?: TopicId): Promise<void> {
    const kept = text ? strictMask(text) : undefined;
    if (kept) await this.deps.unanswered.record(kept, lang, at, topic).catch(() => undefined);
  }

  /** 「はい」/「いいえ」 (a button in either language, or a short plain yes/no); undefined for anything else. */
  private csatAnswer(text: string): boolean | undefined {
    const q = this.deps.knowledge.conversation.csat;
    const folded = foldForMatch(text);
    if (Object.values(q.yes).some((l) => foldPhrase(l) === folded)) return true;
    if (Object.values(q.no).some((l) => foldPhrase(l) === folded)) return false;
    return folded.length <= 12 ? this.deps.recognizeYesNo(text) : undefined;
  }

  /** Counts the answer for the topic; 「いいえ」 offers the menu, and a person where staff can help. */
  private async answerCsat(
    context: TurnContext,
    session: SessionState,
    topic: TopicId,
    helpful: boolean,
  ): Promise<void> {
    const q = this.deps.knowledge.conversation.csat;
    const lang = this.kit.lang(context);
    session.misses = 0;
    turnOutcome(context).topic = topic;
    const conversationId = context.activity.conversation?.id;
    if (conversationId) this.deps.metrics?.csat(conversationId, turnInfo(context).now, topic, helpful);
    if (helpful) return this.kit.sendNextSteps(context, q.thanks[lang], false);
    const noPerson = q.noPersonFor.includes(topic) || this.kit.facts(context, topic).phoneOnly === true;
    if (noPerson) return this.sendMenu(context, q.sorryNoPerson[lang]);
    await this.kit.sendWithMenu(context, q.sorry[lang]);
  }

  /**
   * Keeps, for an inquiry's excerpt, what the bot understood of this message (never the member's
   * words) and the bot's lines (with the description a confirmation question quotes left out).
   */
  private recordTurn(
    context: TurnContext,
    session: SessionState,
    text: string,
    recognition: RoutedRecognition | undefined,
    pending: QuestionOptions | undefined,
  ): void {
    const x = this.deps.knowledge.privacy.excerpt;
    const lang = this.kit.lang(context);
    delete (session as { transcript?: unknown }).transcript; // older states kept the member's words
    session.trail ??= [];
    const trail = session.trail;
    const push = (from: 'member' | 'bot', line: string) => {
      trail.push({ from, text: line, at: new Date().toISOString() });
      if (trail.length > TRANSCRIPT_LINES) trail.splice(0, trail.length - TRANSCRIPT_LINES);
    };
    push('member', this.understood(context, text, recognition, pending));
    context.onSendActivities(async (_ctx, activities, next) => {
      const description = quotedDescription(context);
      for (const a of activities) {
        if (a.type !== 'message' || !a.text) continue;
        const line = description ? a.text.split(description).join(x.descriptionInBotLine[lang]) : a.text;
        push('bot', line.length > BOT_LINE_CHARS ? `${line.slice(0, BOT_LINE_CHARS)}…` : line);
      }
      return next();
    });
  }

  /** A member message as the bot understood it: the choice it picked, the answer read, or the topic. */
  private understood(
    context: TurnContext,
    text: string,
    recognition: RoutedRecognition | undefined,
    pending: QuestionOptions | undefined,
  ): string {
    const x = this.deps.knowledge.privacy.excerpt;
    const { lang, now } = turnInfo(context);
    if (pending) {
      const value = matchChoiceDetail(text, pending, this.deps.recognizeYesNo)?.value;
      const choice = pending.choices.find((c) => c.value === value);
      if (choice) return choice.label[lang];
      if (pending.verbatim) return x.description[lang];
      const when = pending.expectsTime ? this.deps.extractWhen(text, lang, now) : undefined;
      if (when) return fill(x.time[lang], { when: this.deps.formatTime(when, lang, now) });
      if (pending.freeText) return x.freeText[lang];
    }
    if (!recognition || recognition.topic === 'none') return x.unrecognised[lang];
    const label = this.deps.knowledge.conversation.topicLabels[recognition.topic][lang];
    return fill(x.topic[lang], { topic: label });
  }
}

function conversationKey(context: TurnContext): string {
  return `${context.activity.channelId ?? ''}|${context.activity.conversation?.id ?? ''}`;
}
