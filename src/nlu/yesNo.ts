// Yes/no answers to the bot's confirmation questions, in Japanese and English. The vocabulary lives
// in knowledge/confirm-words.json; recognizers-text's boolean model is the fallback for phrasings
// the list does not have (it knows はい/いいえ and many English forms).
import { join } from 'node:path';
import { ChoiceRecognizer } from '@microsoft/recognizers-text-choice';
import * as Recognizers from '@microsoft/recognizers-text-suite';
import { z } from 'zod';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { RecentMap } from '../recentMap.js';
import { normalize } from './normalize.js';

const words = z.array(z.string().trim().min(1)).min(1);
const bilingualWords = z.object({ ja: words, en: words }).strict();
export const confirmWordsSchema = z
  .object({
    yes: bilingualWords,
    no: bilingualWords,
    /** 「わからない」「not sure」: an answer that is neither yes nor no, whatever its grammar. */
    unsure: bilingualWords,
    /** Words that make an answer negative wherever they stand (まだ, 無理, still can't). */
    negativeWords: bilingualWords,
  })
  .strict();
export type ConfirmWords = z.infer<typeof confirmWordsSchema>;

export function loadConfirmWords(dir: string = KNOWLEDGE_DIR): ConfirmWords {
  return loadJsonFile(join(dir, 'confirm-words.json'), confirmWordsSchema);
}

interface Vocabulary {
  // Longest first, so いいや (no) wins over いい and "not really" over "really".
  entries: Array<{ phrase: string; value: boolean }>;
  unsure: string[];
  negative: string[];
}

function buildVocabulary(cw: ConfirmWords): Vocabulary {
  const entries: Vocabulary['entries'] = [];
  for (const [list, value] of [
    [cw.yes, true],
    [cw.no, false],
  ] as const) {
    for (const w of [...list.ja, ...list.en]) entries.push({ phrase: normalize(w), value });
  }
  entries.sort((a, b) => b.phrase.length - a.phrase.length);
  const both = (w: { ja: string[]; en: string[] }) => [...w.ja, ...w.en].map((x) => normalize(x));
  return { entries, unsure: both(cw.unsure), negative: both(cw.negativeWords) };
}

let cached: Vocabulary | undefined;
function vocabulary(): Vocabulary {
  cached ??= buildVocabulary(loadConfirmWords());
  return cached;
}

// Politeness and filler around an answer: 「はい、お願いします」「うん!」「そうですね」「yes please」.
const TRAILING = /(?:\s|です|ですね|ね|よ|な|さ|ー|!|。)+$/u;

function wholeEntry(text: string, vocab: Vocabulary): boolean | undefined {
  const n = normalize(text);
  const forms = [n.replace(TRAILING, ''), n.replace(SENTENCE_END, '')];
  return vocab.entries.find((e) => forms.includes(e.phrase))?.value;
}

/** Decision for one normalised text, against a vocabulary. */
export function yesNoWith(text: string, vocab: Vocabulary): boolean | undefined {
  const s = normalize(text).replace(TRAILING, '');
  if (!s) return undefined;
  // The whole message is one vocabulary entry (with or without its です: 結構です).
  const whole = wholeEntry(text, vocab);
  if (whole !== undefined) return whole;
  // The message starts with an entry followed by a word break: 「はい お願いします」, "no, thanks".
  for (const e of vocab.entries) {
    if (s.startsWith(e.phrase)) {
      const rest = s.slice(e.phrase.length);
      const latin = /[a-z]$/.test(e.phrase);
      if (rest.startsWith(' ') || (!latin && rest.length > 0 && /^[、,。\sそうでおね]/.test(rest)))
        return e.value;
    }
  }
  const culture = /[\u3040-\u30ff\u4e00-\u9fff]/.test(s)
    ? Recognizers.Culture.Japanese
    : Recognizers.Culture.English;
  const r = booleanModel(culture).parse(text.normalize('NFKC'))[0];
  const value = (r?.resolution as { value?: unknown } | undefined)?.value;
  return typeof value === 'boolean' ? value : undefined;
}

// Recognizers.recognizeBoolean builds a recogniser and its model (dozens of regular expressions) on
// every call; the model is built once per culture instead (parse keeps no state between calls).
type BooleanModel = ReturnType<ChoiceRecognizer['getBooleanModel']>;
const booleanModels = new Map<string, BooleanModel>();
function booleanModel(culture: string): BooleanModel {
  let model = booleanModels.get(culture);
  if (!model) {
    model = new ChoiceRecognizer(culture).getBooleanModel(culture, true);
    booleanModels.set(culture, model);
  }
  return model;
}

export function recognizeYesNo(text: string): boolean | undefined {
  return yesNoWith(text, vocabulary());
}

// The end of a Japanese answer without punctuation and sentence-final particles: 「できませんよね。」 → 「できません」.
const SENTENCE_END = /(?:[\s、,。.!?！？…~〜]|よね|けど|けれど|ってば|かな|よ|ね|な|わ|さ)+$/u;
// Negative predicate forms at the end: 〜ない/なかった/ません/ず, including 〜てない, 〜ないです, できん.
const NEGATIVE_END =
  /(?:ない|なかった|ません|ませんでした|ず|ずに|なくて|ないです|なかったです|なし|無し|きん|らん|れん|ねえ|ないで|ないでください|なくていい|なくていいです|なくてもいい|なくてもいいです|なくて大丈夫|なくても大丈夫|なくても大丈夫です|なくて大丈夫です)$/u;
const ENGLISH_NEGATION =
  /\b(?:not|never|cannot|can't|cant|couldn't|won't|didn't|doesn't|don't|isn't|aren't|haven't|hasn't|wasn't)\b/;
// Positive predicate forms at the end: 〜ます/ました/た/る/てる (できました, 出てる, 忘れた, わかる), 〜てください.
const POSITIVE_END = /(?:ます|ました|た|だ|る|ください|下さい)$/u;

/**
 * What an answer's own words say, for a question phrased in the positive (「ログインできましたか？」):
 * false for 「できません」「出ていません」「してない」「まだです」, true for 「できました」「出てます」,
 * undefined when the words carry no predicate or the member is unsure. The predicate wins over a
 * leading はい/いいえ (「はい、できません」 is a no to "did it work?").
 */
export function answerPolarityWith(text: string, vocab: Vocabulary): boolean | undefined {
  const s = normalize(text).replace(SENTENCE_END, '');
  if (!s) return undefined;
  if (vocab.unsure.some((w) => s.includes(w))) return undefined;
  if (NEGATIVE_END.test(s) || ENGLISH_NEGATION.test(s)) return false;
  if (vocab.negative.some((w) => s.includes(w))) return false;
  if (/[\u3040-\u30ff\u4e00-\u9fff]/u.test(s) && POSITIVE_END.test(s)) return true;
  return undefined;
}

/**
 * An answer to a yes/no question: a whole-message はい/いいえ first (「問題ないです」 is a yes), then a
 * negative predicate (「はい、できません」 is a no), then a leading はい/いいえ (「いいえ、電話します」), then
 * a positive predicate (「できました」) or the recognizers' reading.
 */
export function yesNoAnswerWith(text: string, vocab: Vocabulary): boolean | undefined {
  const whole = wholeEntry(text, vocab);
  if (whole !== undefined) return whole;
  const said = answerPolarityWith(text, vocab);
  if (said === false) return false;
  return yesNoWith(text, vocab) ?? said;
}

/**
 * yesNoWith and yesNoAnswerWith against one vocabulary, remembering the latest answers: a turn reads
 * the same message several times (the router's checks, the prompt, the excerpt) and the same choice
 * phrases every turn, and the recognizers' reading is the expensive part. Only a few texts are held.
 */
export function yesNoReader(vocab: Vocabulary): (text: string, asAnswer?: boolean) => boolean | undefined {
  const recent = new RecentMap<string, boolean | undefined>(RECENT_ANSWERS);
  return (text, asAnswer = false) => {
    const key = `${asAnswer ? 'a' : 'q'}${text}`;
    if (recent.has(key)) return recent.get(key);
    const value = asAnswer ? yesNoAnswerWith(text, vocab) : yesNoWith(text, vocab);
    recent.set(key, value);
    return value;
  };
}

/** Texts yesNoReader remembers: a turn's message and the phrases of the question being answered. */
const RECENT_ANSWERS = 16;

export { buildVocabulary };
