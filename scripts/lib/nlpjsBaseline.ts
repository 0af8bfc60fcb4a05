// Baseline for the evaluation: NLP.js trained on the very same knowledge/intents examples.
import { LangEn } from '@nlpjs/lang-en';
import { LangJa } from '@nlpjs/lang-ja';
import { Nlp } from '@nlpjs/nlp';
import { hasJapaneseScript } from '../../src/language.js';
import type { IntentExample } from '../../src/nlu/intentsKnowledge.js';
import { isTopicId, type TopicId } from '../../src/topics.js';

export interface Baseline {
  classify(text: string): Promise<{ topic: TopicId; score: number }>;
}

export async function trainNlpJsBaseline(examples: IntentExample[]): Promise<Baseline> {
  const nlp = new Nlp({ languages: ['ja', 'en'], autoSave: false, autoLoad: false, nlu: { log: false } });
  nlp.use(LangJa);
  nlp.use(LangEn);
  for (const e of examples) nlp.addDocument(e.lang, e.text, e.topic);
  await nlp.train();
  return {
    async classify(text) {
      const r = await nlp.process(hasJapaneseScript(text) ? 'ja' : 'en', text);
      // NLP.js answers "None" below its own threshold.
      return { topic: isTopicId(r.intent) ? r.intent : 'none', score: r.score ?? 0 };
    },
  };
}
