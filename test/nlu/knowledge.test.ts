import { readdirSync, readFileSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../src/knowledge/loader.js';
import { CONCEPTS_FILE, loadConcepts } from '../../src/nlu/features.js';
import { loadIntents } from '../../src/nlu/intentsKnowledge.js';
import { loadConfirmWords } from '../../src/nlu/yesNo.js';
import { KNOWLEDGE_DIR, PROJECT_ROOT } from '../../src/paths.js';
import { TOPIC_IDS } from '../../src/topics.js';
import { copyKey } from '../support/copyKey.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

describe('knowledge/intents', () => {
  it('has at least 25 Japanese and 10 English examples for every topic', () => {
    const { examples } = loadIntents();
    for (const topic of TOPIC_IDS) {
      const ja = examples.filter((e) => e.topic === topic && e.lang === 'ja').length;
      const en = examples.filter((e) => e.topic === topic && e.lang === 'en').length;
      expect(ja, `${topic} ja`).toBeGreaterThanOrEqual(25);
      expect(en, `${topic} en`).toBeGreaterThanOrEqual(10);
    }
  });

  // Compared by copyKey (width, case, kana, punctuation ignored): a copy with trivial
  // changes is caught, while a different spelling that the variants file maps onto the same words
  // (kuchifuri / 口フリ) is generalisation, not a copy.
  it('contains no line of an evaluation file or of our own held-out fixtures', () => {
    const { examples, ambiguous } = loadIntents();
    const known = new Set([...examples, ...ambiguous].map((e) => copyKey(e.text)));
    const fixtures = join(PROJECT_ROOT, 'test', 'fixtures', 'nlu');
    const files = [
      join(PROJECT_ROOT, 'test', 'fixtures', 'eval', 'dev-intents.jsonl'),
      ...readdirSync(fixtures)
        .filter((f) => f.startsWith('holdout') && f.endsWith('.jsonl'))
        .map((f) => join(fixtures, f)),
    ];
    let checked = 0;
    for (const file of files) {
      for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
        const { text } = JSON.parse(line) as { text: string };
        expect(known.has(copyKey(text)), `${file}: ${text}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('names the file and field of an invalid example', async () => {
    const dir = await tempDir();
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, 'intents', 'greeting.json'),
      JSON.stringify({ topic: 'greeting', examples: { ja: ['こんにちは'], en: [''] } }),
    );
    expect(() => loadIntents(dir)).toThrow(KnowledgeError);
    expect(() => loadIntents(dir)).toThrow(/greeting\.json: examples\.en\[0\]/);
  });

  it('rejects an example that teaches two topics', async () => {
    const dir = await tempDir();
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, 'intents', 'greeting.json'),
      JSON.stringify({ topic: 'greeting', examples: { ja: ['ｶｰﾄﾞなくした'], en: ['hi'] } }),
    );
    expect(() => loadIntents(dir)).toThrow(/also an example of card\.lost/);
  });

  it('loads the ambiguous keywords with two or more in-scope topics each', () => {
    const { ambiguous } = loadIntents();
    expect(ambiguous.length).toBeGreaterThan(0);
    for (const a of ambiguous) {
      expect(a.topics.length, a.text).toBeGreaterThanOrEqual(2);
      expect(a.topics, a.text).not.toContain('none');
    }
  });

  it('rejects an ambiguous keyword that is also a plain example', async () => {
    const dir = await tempDir();
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, 'intents', '_ambiguous.json'),
      JSON.stringify({ examples: [{ text: 'ログインできない', topics: ['login.howto', 'login.trouble'] }] }),
    );
    expect(() => loadIntents(dir)).toThrow(
      /_ambiguous\.json: "ログインできない" is also an example of login\.trouble/,
    );
  });

  it('validates the concept lexicon (names, regular expressions) and names the field', async () => {
    const dir = await tempDir();
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(
      join(dir, CONCEPTS_FILE),
      JSON.stringify({ concepts: { LOGIN: ['ろぐいん', '(unclosed'] } }),
    );
    expect(() => loadConcepts(dir)).toThrow(
      /nlu-concepts\.json: concepts\.LOGIN\[1\]: not a valid regular expression/,
    );
    expect(loadConcepts().length).toBeGreaterThan(10);
  });

  it('loads the yes/no vocabulary', () => {
    const words = loadConfirmWords();
    expect(words.yes.ja).toContain('はい');
    expect(words.no.en).toContain('nope');
  });
});
