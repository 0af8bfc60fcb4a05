// Minimal typings for the NLP.js packages used by the evaluation baseline (they ship none).
declare module '@nlpjs/nlp' {
  export class Nlp {
    constructor(settings?: Record<string, unknown>);
    use(plugin: unknown): void;
    addLanguage(locale: string): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<void>;
    process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
  }
}
declare module '@nlpjs/lang-ja' {
  export const LangJa: unknown;
}
declare module '@nlpjs/lang-en' {
  export const LangEn: unknown;
}
