import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { KnowledgeError, loadJsonFile } from '../../src/knowledge/loader.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const schema = z.object({ phone: z.object({ number: z.string().regex(/^0\d{2,4}-\d+-\d+$/) }) });

describe('knowledge loader', () => {
  it('loads the shipped knowledge/ folder without errors', () => {
    const knowledge = loadKnowledge();
    expect(knowledge.conversation.menu.length).toBeGreaterThan(0);
    expect(knowledge.conversation.welcome.ja).toMatch(/会員/);
  });

  it('names the file and the field of a schema error', async () => {
    const dir = await tempDir();
    const file = join(dir, 'contacts.json');
    await writeFile(file, JSON.stringify({ phone: { number: 'call us' } }));
    expect(() => loadJsonFile(file, schema)).toThrow(KnowledgeError);
    expect(() => loadJsonFile(file, schema)).toThrow(/contacts\.json: phone\.number: /);
  });

  it('names the file of invalid JSON and of a missing file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.json'), '{ "phone": ');
    expect(() => loadJsonFile(join(dir, 'broken.json'), schema)).toThrow(/broken\.json:\n.*not valid JSON/s);
    expect(() => loadJsonFile(join(dir, 'absent.json'), schema)).toThrow(/absent\.json:\n.*cannot read/s);
  });

  it('stops loading a knowledge folder whose conversation.json lacks a field, naming it', async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    const conversation = structuredClone(loadKnowledge().conversation) as Record<string, unknown>;
    delete conversation.welcome;
    await writeFile(join(dir, 'conversation.json'), JSON.stringify(conversation));
    expect(() => loadKnowledge(dir)).toThrow(/conversation\.json: welcome: /);
  });
});
