import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWLEDGE_DIR } from '../../src/paths.js';
import { maskSecrets } from '../../src/privacy/secretGuard.js';

// The bot's own texts pass through the guard on the way out (and into transcripts): a false positive
// there garbles a reply. Intent examples and NLU concepts are member-side phrasings, not bot texts.

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(KNOWLEDGE_DIR, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (rel !== 'intents') out.push(...jsonFiles(path));
    } else if (entry.name.endsWith('.json') && rel !== 'nlu-concepts.json') {
      out.push(path);
    }
  }
  return out.sort();
}

function* stringsIn(value: unknown, at: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [at, value];
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* stringsIn(item, `${at}[${i}]`);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* stringsIn(item, `${at}.${key}`);
  }
}

const texts = jsonFiles(KNOWLEDGE_DIR).flatMap((file) => [
  ...stringsIn(JSON.parse(readFileSync(file, 'utf8')), relative(KNOWLEDGE_DIR, file).split(sep).join('/')),
]);

describe('knowledge texts and the secret guard', () => {
  it('walks the knowledge files (flows, privacy, conversation …)', () => {
    const files = new Set(texts.map(([at]) => at.split('.json')[0] ?? ''));
    expect(files).toContain('flows/login');
    expect(files).toContain('privacy');
    expect([...files].some((f) => f.startsWith('intents/') || f === 'nlu-concepts')).toBe(false);
    expect(texts.length).toBeGreaterThan(100);
  });

  it('finds nothing in any bot text and changes none of them', () => {
    const changed = texts
      .map(([at, text]) => ({ at, text, result: maskSecrets(text) }))
      .filter(({ text, result }) => result.found.length > 0 || result.text !== text)
      .map(({ at, result }) => `${at}: ${result.found.join(',')} → ${result.text}`);
    expect(changed).toEqual([]);
  });
});
