import { ActionTypes, type CardAction, MessageFactory, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import type { BilingualText } from '../src/knowledge/bilingual.js';
import type { Choice } from '../src/knowledge/flowSchemas.js';
import { fill } from '../src/knowledge/template.js';
import { foldForMatch, foldPhrase, longestFoldedMatch } from './matchText.js';
import { turnInfo } from './turn.js';

export const QUESTION_PROMPT = 'question';

/** Returned when the member answered twice with something that matches no choice. */
export const UNRECOGNIZED = '__unrecognized__';
/** Returned for a free-text answer when the question allows one. */
export const FREE_TEXT = '__text__';

export interface QuestionOptions extends PromptOptions {
  question: BilingualText;
  choices: Choice[];
  /** A yes/no question: choice values must be 'yes' and 'no'; うん/ええ/違う/nope … are understood. */
  yesNo?: boolean;
  /** Any text that matches no choice is accepted as the answer (value FREE_TEXT). */
  freeText?: boolean;
  /**
   * The free text is the member's own words for staff: nothing in it is read as a command or a new
   * topic (only a short plain 'cancel' stops it). Without it, help and a clear new topic still work.
   */
  verbatim?: boolean;
  /** The answer is a time (「昨日の夜8時」): a text that reads as one is always the answer. */
  expectsTime?: boolean;
  retryText?: BilingualText;
  /** Placeholder values for the question text ({phone}, {hours} …). */
  values?: Record<string, string>;
}

export interface QuestionAnswer {
  value: string;
  /** What the member typed (already masked by the secret guard). */
  text: string;
}

/**
 * はい/いいえ in free text. `asAnswer`: the text answers a question, so what it says counts too
 * (「できません」 is a no, 「出てます」 a yes); without it only yes/no words do.
 */
export type YesNoRecognizer = (text: string, asAnswer?: boolean) => boolean | undefined;

const MAX_TRIES = 2;
const RECOGNIZED = Symbol('questionRecognized');
/** turnState: the member's description the question last asked this turn quotes (its `values.summary`). */
const QUOTED = Symbol('questionQuotes');

/** The member's own words inside the question being asked this turn, if it quotes them. */
export function quotedDescription(context: TurnContext): string | undefined {
  return context.turnState.get(QUOTED) as string | undefined;
}
type Recognized = PromptRecognizerResult<QuestionAnswer>;

/**
 * A question with suggested-action buttons that also understands free text the Japanese way:
 * button labels in either language, the choice's synonyms inside a longer sentence (口座です → 口座),
 * the choice's number, and for yes/no questions はい/うん/ええ/大丈夫/お願いします/いいえ/違う/いや.
 */
export class QuestionPrompt extends Prompt<QuestionAnswer> {
  constructor(private readonly recognizeYesNo: YesNoRecognizer) {
    super(QUESTION_PROMPT);
  }

  protected async onPrompt(
    context: TurnContext,
    _state: Record<string, unknown>,
    options: PromptOptions,
    isRetry: boolean,
  ): Promise<void> {
    const o = options as QuestionOptions;
    const { lang } = turnInfo(context);
    const question = fill(o.question[lang], o.values ?? {});
    const text = isRetry && o.retryText ? `${o.retryText[lang]}\n\n${question}` : question;
    context.turnState.set(QUOTED, o.values?.summary);
    const actions: CardAction[] = o.choices.map((c) => ({
      type: ActionTypes.ImBack,
      title: c.label[lang],
      value: c.label[lang],
    }));
    await context.sendActivity(MessageFactory.suggestedActions(actions, text));
  }

  protected async onRecognize(
    context: TurnContext,
    state: Record<string, unknown>,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<QuestionAnswer>> {
    // botbuilder asks twice per turn (onPreBubbleEvent, then continueDialog): answer once, so a miss
    // is counted and re-asked once.
    const earlier = context.turnState.get(RECOGNIZED) as { state: object; result: Recognized } | undefined;
    if (earlier?.state === state) return earlier.result;
    const result = await this.recognizeAnswer(context, state, options);
    context.turnState.set(RECOGNIZED, { state, result });
    return result;
  }

  private async recognizeAnswer(
    context: TurnContext,
    state: Record<string, unknown>,
    options: PromptOptions,
  ): Promise<Recognized> {
    const o = options as QuestionOptions;
    const text = (context.activity.text ?? '').trim();
    const value = text ? matchChoice(text, o, this.recognizeYesNo) : undefined;
    if (value) return { succeeded: true, value: { value, text } };
    if (text && o.freeText) return { succeeded: true, value: { value: FREE_TEXT, text } };
    // Counted here, not when the question is drawn: a turn that already replied (the secret guard's
    // warning) makes botbuilder skip the re-prompt, and that miss must count too.
    const tries = (Number(state.tries) || 0) + 1;
    state.tries = tries;
    if (tries >= MAX_TRIES) return { succeeded: true, value: { value: UNRECOGNIZED, text } };
    // botbuilder re-asks only when nothing was sent this turn; ask here so the buttons come back.
    if (context.responded) await this.onPrompt(context, state, options, true);
    return { succeeded: false };
  }
}

/** A choice picked from free text; `byPolarity` when only the answer's grammar (できました/できません) decided. */
export interface ChoiceMatch {
  value: string;
  byPolarity: boolean;
}

/** The choice value a free-text answer picks, if any. */
export function matchChoice(
  text: string,
  options: QuestionOptions,
  yesNo: YesNoRecognizer,
): string | undefined {
  return matchChoiceDetail(text, options, yesNo)?.value;
}

/**
 * How a free-text answer picks a choice: the label, value or number; else the choice's own words
 * (longest first) — a positive statement negated (「解決してない」) picks the choice that answers no —;
 * else what the answer says as a yes or a no. Exported for the router's interruption check.
 */
export function matchChoiceDetail(
  text: string,
  options: QuestionOptions,
  yesNo: YesNoRecognizer,
): ChoiceMatch | undefined {
  // A turn reads the same answer against the same question up to three times (the router, the
  // excerpt trail, the prompt): the options object lives for that turn only, so is the memo.
  const memo = matched.get(options);
  if (memo && memo.text === text && memo.yesNo === yesNo) return memo.result;
  const result = readChoice(text, options, yesNo);
  matched.set(options, { text, yesNo, result });
  return result;
}

const matched = new WeakMap<
  QuestionOptions,
  { text: string; yesNo: YesNoRecognizer; result: ChoiceMatch | undefined }
>();

function readChoice(text: string, options: QuestionOptions, yesNo: YesNoRecognizer): ChoiceMatch | undefined {
  const folded = foldForMatch(text);
  const exact = options.choices.find(
    (c) =>
      foldPhrase(c.label.ja) === folded ||
      foldPhrase(c.label.en) === folded ||
      foldPhrase(c.value) === folded,
  );
  if (exact) return { value: exact.value, byPolarity: false };
  const index = Number.parseInt(folded, 10);
  if (String(index) === folded && index >= 1 && index <= options.choices.length) {
    return { value: options.choices[index - 1]!.value, byPolarity: false };
  }
  const answersAs = (answer: boolean) =>
    options.choices.find((c) =>
      options.yesNo ? c.value === (answer ? 'yes' : 'no') : c.answers === (answer ? 'yes' : 'no'),
    );
  // What the answer says as a yes or a no matters only where a choice stands for one (the reading is
  // the costliest step here: the recognizers' boolean model).
  const polar = options.yesNo || options.choices.some((c) => c.answers !== undefined);
  let read: { polarity: boolean | undefined } | undefined;
  const polarityOf = () => {
    read ??= { polarity: polar ? yesNo(text, true) : undefined };
    return read.polarity;
  };
  let best: { choice: Choice; phrase: string; length: number } | undefined;
  for (const choice of options.choices) {
    // はい/いいえ inside 「はい、できません」 are read below, together with the rest of the answer.
    const words = options.yesNo ? choice.synonyms : [...choice.synonyms, choice.label.ja, choice.label.en];
    for (const phrase of words) {
      const length = longestFoldedMatch(folded, [phrase]);
      if (length > 0 && (!best || length > best.length)) best = { choice, phrase, length };
    }
  }
  if (best) {
    const saysYes = options.yesNo ? best.choice.value === 'yes' : best.choice.answers === 'yes';
    const negated = saysYes && polarityOf() === false && yesNo(best.phrase, true) !== false;
    const picked = negated ? (answersAs(false) ?? best.choice) : best.choice;
    return { value: picked.value, byPolarity: false };
  }
  const polarity = polarityOf();
  if (polarity === undefined) return undefined;
  const choice = answersAs(polarity);
  return choice ? { value: choice.value, byPolarity: yesNo(text) === undefined } : undefined;
}
