import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeError } from '../../src/knowledge/loader.js';
import { normalize } from '../../src/nlu/normalize.js';
import { TopicRecognizer } from '../../src/nlu/recognizer.js';
import { loadVariants, VARIANTS_FILE } from '../../src/nlu/variants.js';
import { KNOWLEDGE_DIR } from '../../src/paths.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();

async function knowledgeWithVariants(terms: unknown): Promise<string> {
  const dir = await tempDir();
  await cp(KNOWLEDGE_DIR, dir, { recursive: true });
  await writeFile(join(dir, VARIANTS_FILE), JSON.stringify({ terms }));
  return dir;
}

describe('knowledge/nlu-variants.json', () => {
  it('folds readings, kana, romaji, half-width forms and IME slips of the services onto one spelling', () => {
    for (const v of ['口座振替', 'こうざふりかえ', 'ｺｳｻﾞﾌﾘｶｴ', 'kouza furikae', '口座振り替え', '講座振替'])
      expect(normalize(`${v}したい`), v).toBe('口座振替したい');
    for (const v of ['瞬フリ', 'しゅんふり', 'ｼｭﾝﾌﾘ', 'shun furi', '旬フリ', '舜フリ'])
      expect(normalize(`${v}で借りたい`), v).toBe('瞬ふりで借りたい');
    for (const v of ['口フリ', 'くちふり', 'こうふり', 'kuchi-furi'])
      expect(normalize(`${v}の手続き`), v).toBe('口ふりの手続き');
    expect(normalize('粉失しました')).toBe('紛失しました');
    expect(normalize('ログインで着ない')).toBe('ろぐいんできない');
    expect(normalize('plz halp, cant login')).toBe("please help can't login");
  });

  it('applies a spelling added to the file without a code change', async () => {
    const dir = await knowledgeWithVariants([
      { canonical: '瞬ふり', means: 'instant transfer', spellings: ['しゅんぷり'] },
    ]);
    expect(normalize('しゅんぷりしたい', loadVariants(dir))).toBe('瞬ふりしたい');
    // Latin spellings match whole words only; a space in a spelling matches any spacing.
    const latin = await knowledgeWithVariants([
      { canonical: 'help', means: 'help', spellings: ['halp'] },
      { canonical: '口座振替', means: 'direct debit', spellings: ['kouza furikae'] },
    ]);
    const variants = loadVariants(latin);
    expect(normalize('halp me', variants)).toBe('help me');
    expect(normalize('halpful', variants)).toBe('halpful');
    expect(normalize('kouzafurikae', variants)).toBe('口座振替');
  });

  it.each([
    [
      'an invalid pattern',
      [{ canonical: 'webid', means: 'Web-ID', patterns: ['(unclosed'] }],
      /nlu-variants\.json: terms\[0\]\.patterns\[0\]: not a valid regular expression/,
    ],
    [
      'a canonical form that is not folded',
      [{ canonical: 'ポイント', means: 'points', spellings: ['ぽいんつ'] }],
      /nlu-variants\.json: terms\[0\]\.canonical: must be written in folded form/,
    ],
    [
      'a term without spellings or patterns',
      [{ canonical: 'webid', means: 'Web-ID' }],
      /nlu-variants\.json: terms\[0\]: needs at least one spelling or pattern/,
    ],
    [
      'a spelling that is its own canonical form',
      [{ canonical: '瞬ふり', means: 'instant transfer', spellings: ['瞬フリ'] }],
      /nlu-variants\.json: terms\[0\]\.spellings\[0\]: "瞬フリ" is already the canonical form/,
    ],
    [
      'a spelling claimed by two terms',
      [
        { canonical: '口ふり', means: 'direct debit', spellings: ['こうふり'] },
        { canonical: '口座振替', means: 'direct debit', spellings: ['コウフリ'] },
      ],
      /terms\[1\]\.spellings\[0\]: "コウフリ" is also a spelling of "口ふり" \(terms\[0\]\)/,
    ],
    [
      'an unknown field',
      [{ canonical: 'webid', means: 'Web-ID', spellings: ['ウェブID'], spelling: ['x'] }],
      /nlu-variants\.json: terms\[0\]: Unrecognized key/,
    ],
  ])('rejects %s and names the file and field', async (_, terms, message) => {
    const dir = await knowledgeWithVariants(terms);
    expect(() => loadVariants(dir)).toThrow(KnowledgeError);
    expect(() => loadVariants(dir)).toThrow(message);
  });

  it('stops the recognizer from starting with a broken variants file', async () => {
    const dir = await knowledgeWithVariants([{ canonical: 'webid', means: 'Web-ID', patterns: ['[a-'] }]);
    expect(() => TopicRecognizer.fromKnowledge(dir)).toThrow(/nlu-variants\.json: terms\[0\]\.patterns\[0\]/);
  });

  it('rejects a file that is not JSON, naming it', async () => {
    const dir = await tempDir();
    await cp(KNOWLEDGE_DIR, dir, { recursive: true });
    await writeFile(join(dir, VARIANTS_FILE), '{ "terms": [');
    expect(() => loadVariants(dir)).toThrow(/nlu-variants\.json[\s\S]*not valid JSON/);
  });

  it('keeps the shipped file valid and every canonical form reachable', async () => {
    const file = JSON.parse(await readFile(join(KNOWLEDGE_DIR, VARIANTS_FILE), 'utf8')) as {
      terms: Array<{ canonical: string }>;
    };
    expect(file.terms.length).toBeGreaterThan(20);
    expect(loadVariants().length).toBe(file.terms.length);
  });
});
