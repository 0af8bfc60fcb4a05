import { ComponentRegistration } from 'botbuilder';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, joined, lastButtons } from '../support/dialogHarness.js';
import { useTempDirs } from '../support/tempDir.js';

const tempDir = useTempDirs();
const at = new Date('2026-11-26T14:00:00+09:00');

// botbuilder looks up the registered components (memory scopes, path resolvers) only when a turn has
// no dialog-memory configuration yet: counting those lookups tells whether each turn rebuilds it.
describe('dialog memory configuration', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is built on the first turn and reused afterwards, and the flows carry on as before', async () => {
    const h = await createHarness(await tempDir(), { at });
    await h.say('こんにちは');
    const lookups = vi.spyOn(ComponentRegistration, 'components', 'get');
    const asked = await h.say('ログイン方法を教えて');
    expect(lastButtons(asked)).toEqual(['カード番号', 'Web-ID', 'わからない']);
    const answered = await h.say('カード番号');
    expect(joined(answered)).toContain('カード番号');
    await h.say('最初から');
    expect(lookups).not.toHaveBeenCalled();
  });
});
