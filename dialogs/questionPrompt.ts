import { ActionTypes, type CardAction, MessageFactory, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import type { BilingualText } from '../src/knowledge/bilingual.js';
import type { Choice } from '../src/knowledge/flowSchemas.js';
import { fill } from '../src/knowledge/template.js';
import { foldForMatch, longestMatch } from './matchText.js';
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

export type YesNoRecognizer = (text: string) => boolean | undefined;

const MAX_TRIES = 2;
const RECOGNIZED = Symbol('questionRecognized');
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

/** The choice value a free-text answer picks, if any. Exported for the router's interruption check. */
export function matchChoice(
  text: string,
  options: QuestionOptions,
  yesNo: YesNoRecognizer,
): string | undefined {
  const folded = foldForMatch(text);
  const exact = options.choices.find(
    (c) =>
      foldForMatch(c.label.ja) === folded ||
      foldForMatch(c.label.en) === folded ||
      foldForMatch(c.value) === folded,
  );
  if (exact) return exact.value;
  const index = Number.parseInt(folded, 10);
  if (String(index) === folded && index >= 1 && index <= options.choices.length) {
    return options.choices[index - 1]!.value;
  }
  if (options.yesNo) {
    const answer = yesNo(text);
    if (answer !== undefined) return answer ? 'yes' : 'no';
  }
  let best: { value: string; length: number } | undefined;
  for (const choice of options.choices) {
    const length = longestMatch(text, [...choice.synonyms, choice.label.ja, choice.label.en]);
    if (length > 0 && (!best || length > best.length)) best = { value: choice.value, length };
  }
  if (best) return best.value;
  // A plain うん / いや / yeah / nope picks the choice marked as the yes or the no answer.
  const answer = yesNo(text);
  if (answer === undefined) return undefined;
  return options.choices.find((c) => c.answers === (answer ? 'yes' : 'no'))?.value;
}
