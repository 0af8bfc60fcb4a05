// Yes/no answers to the bot's confirmation questions, in Japanese and English. The vocabulary lives
// in knowledge/confirm-words.json; recognizers-text's boolean model is the fallback for phrasings
// the list does not have (it knows はい/いいえ and many English forms).
import { join } from 'node:path';
import * as Recognizers from '@microsoft/recognizers-text-suite';
import { z } from 'zod';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { normalize } from './normalize.js';

const words = z.array(z.string().trim().min(1)).min(1);
export const confirmWordsSchema = z
  .object({
    yes: z.object({ ja: words, en: words }).strict(),
    no: z.object({ ja: words, en: words }).strict(),
  })
  .strict();
export type ConfirmWords = z.infer<typeof confirmWordsSchema>;

export function loadConfirmWords(dir: string = KNOWLEDGE_DIR): ConfirmWords {
  return loadJsonFile(join(dir, 'confirm-words.json'), confirmWordsSchema);
}

interface Vocabulary {
  // Longest first, so いいや (no) wins over いい and "not really" over "really".
  entries: Array<{ phrase: string; value: boolean }>;
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
  return { entries };
}

let cached: Vocabulary | undefined;
function vocabulary(): Vocabulary {
  cached ??= buildVocabulary(loadConfirmWords());
  return cached;
}

// Politeness and filler around an answer: 「はい、お願いします」「うん!」「そうですね」「yes please」.
const TRAILING = /(?:\s|です|ですね|ね|よ|な|さ|ー|!|。)+$/u;

/** Decision for one normalised text, against a vocabulary. */
export function yesNoWith(text: string, vocab: Vocabulary): boolean | undefined {
  const s = normalize(text).replace(TRAILING, '');
  if (!s) return undefined;
  // The whole message is one vocabulary entry.
  for (const e of vocab.entries) if (s === e.phrase) return e.value;
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
  const r = Recognizers.recognizeBoolean(text.normalize('NFKC'), culture)[0];
  const value = (r?.resolution as { value?: unknown } | undefined)?.value;
  return typeof value === 'boolean' ? value : undefined;
}

export function recognizeYesNo(text: string): boolean | undefined {
  return yesNoWith(text, vocabulary());
}

export { buildVocabulary };
