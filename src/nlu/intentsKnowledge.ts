import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { KnowledgeError, loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { TOPIC_IDS, type TopicId } from '../topics.js';
import { normalize } from './normalize.js';
import { loadVariants } from './variants.js';

const utterances = z.array(z.string().trim().min(1)).min(1);

/** knowledge/intents/<topic>.json: example utterances of one topic in both languages. */
export const intentFileSchema = z
  .object({
    topic: z.enum(TOPIC_IDS),
    examples: z.object({ ja: utterances, en: utterances }).strict(),
  })
  .strict();

/** knowledge/intents/_recognizer.json: decision settings calibrated by `npm run eval -- --calibrate`. */
export const recognizerSettingsSchema = z
  .object({
    // Below this probability the best in-scope topic is reported as `none`.
    threshold: z.number().min(0).max(1),
    // Messages whose features the model has mostly never seen are out of scope.
    minCoverage: z.number().min(0).max(1),
    // Top and runner-up closer than this (probability difference) → ask "A or B?".
    ambiguityMargin: z.number().min(0).max(1),
  })
  .strict();

/**
 * knowledge/intents/_ambiguous.json: messages that genuinely mean one of several topics (a bare
 * "ID" or "パスワード"). They are trained with their probability shared between those topics, so the
 * recognizer reports them as ambiguous and the dialog asks "did you mean A or B?".
 */
export const ambiguousFileSchema = z
  .object({
    $comment: z.string().optional(),
    examples: z
      .array(
        z
          .object({
            text: z.string().trim().min(1),
            topics: z
              .array(z.enum(TOPIC_IDS).exclude(['none']))
              .min(2)
              .refine((t) => new Set(t).size === t.length, { message: 'topics must be distinct' }),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface AmbiguousExample {
  text: string;
  topics: TopicId[];
}

export type RecognizerSettings = z.infer<typeof recognizerSettingsSchema>;

export interface IntentExample {
  text: string;
  topic: TopicId;
  lang: 'ja' | 'en';
  file: string;
}

export interface IntentsKnowledge {
  examples: IntentExample[];
  settings: RecognizerSettings;
  ambiguous: AmbiguousExample[];
}

export const SETTINGS_FILE = '_recognizer.json';
export const AMBIGUOUS_FILE = '_ambiguous.json';

/** Loads every topic's examples; each topic id must have its file, and no text may teach two topics. */
export function loadIntents(dir: string = KNOWLEDGE_DIR): IntentsKnowledge {
  const intentsDir = join(dir, 'intents');
  const variants = loadVariants(dir);
  const files = readdirSync(intentsDir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .sort();
  const examples: IntentExample[] = [];
  const seenTopics = new Map<TopicId, string>();
  const seenTexts = new Map<string, IntentExample>();
  for (const f of files) {
    const path = join(intentsDir, f);
    const file = loadJsonFile(path, intentFileSchema);
    const shown = `knowledge/intents/${basename(path)}`;
    const previous = seenTopics.get(file.topic);
    if (previous)
      throw new KnowledgeError(shown, [`${shown}: topic: ${file.topic} is also defined in ${previous}`]);
    seenTopics.set(file.topic, shown);
    for (const lang of ['ja', 'en'] as const) {
      for (const text of file.examples[lang]) {
        const example: IntentExample = { text, topic: file.topic, lang, file: shown };
        const key = normalize(text, variants);
        const clash = seenTexts.get(key);
        if (clash && clash.topic !== file.topic) {
          throw new KnowledgeError(shown, [
            `${shown}: examples.${lang}: "${text}" is also an example of ${clash.topic} (${clash.file})`,
          ]);
        }
        seenTexts.set(key, example);
        examples.push(example);
      }
    }
  }
  const missing = TOPIC_IDS.filter((t) => !seenTopics.has(t));
  if (missing.length > 0) {
    throw new KnowledgeError('knowledge/intents', [`no examples for topic(s): ${missing.join(', ')}`]);
  }
  const settings = loadJsonFile(join(intentsDir, SETTINGS_FILE), recognizerSettingsSchema);
  const ambiguousPath = join(intentsDir, AMBIGUOUS_FILE);
  const ambiguous: AmbiguousExample[] = existsSync(ambiguousPath)
    ? loadJsonFile(ambiguousPath, ambiguousFileSchema).examples
    : [];
  for (const a of ambiguous) {
    const clash = seenTexts.get(normalize(a.text, variants));
    if (clash) {
      throw new KnowledgeError(`knowledge/intents/${AMBIGUOUS_FILE}`, [
        `knowledge/intents/${AMBIGUOUS_FILE}: "${a.text}" is also an example of ${clash.topic} (${clash.file})`,
      ]);
    }
  }
  return { examples, settings, ambiguous };
}
