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
    state: Record<string, unknown>,
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
    state.tries = (Number(state.tries) || 0) + (isRetry ? 1 : 0);
    await context.sendActivity(MessageFactory.suggestedActions(actions, text));
  }

  protected async onRecognize(
    context: TurnContext,
    state: Record<string, unknown>,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<QuestionAnswer>> {
    const o = options as QuestionOptions;
    const text = (context.activity.text ?? '').trim();
    if (!text) return { succeeded: false };
    const value = matchChoice(text, o, this.recognizeYesNo);
    if (value) return { succeeded: true, value: { value, text } };
    if (o.freeText) return { succeeded: true, value: { value: FREE_TEXT, text } };
    // The retry that follows this failure is the last; after it the flow decides what to do.
    if ((Number(state.tries) || 0) + 1 >= MAX_TRIES) {
      return { succeeded: true, value: { value: UNRECOGNIZED, text } };
    }
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
  return best?.value;
}
