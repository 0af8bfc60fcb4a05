import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/index.js';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, type Running, startApp } from './helpers.js';

// Stored conversation state that parses but cannot be used must not lock the conversation: the
// document is set aside (a .corrupt-* file), the member is answered on a fresh state, with a log line.

const tempDir = useTempDirs();
const conversation = loadKnowledge().conversation;
const systemError = conversation.error.ja.split('。')[0]!;
const KEY = (id: string) => `emulator/conversations/${id}/`;

async function corruptFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'state'), { recursive: true });
  return names.filter((n) => n.includes('.corrupt-'));
}

async function repliesAfter(app: Running, id: string, text: string): Promise<string[]> {
  const before = app.connector.calls.length;
  expect((await app.say(id, text)).status).toBe(200);
  return app.connector.calls.slice(before).map((c) => String(c.body.text ?? ''));
}

// The last flag: set aside whatever the member says (validation on load); a dialog stack naming a
// missing dialog is only set aside on a turn botbuilder fails on (最初から or cancel clear it).
const damaged: Array<[string, Record<string, unknown>, boolean]> = [
  ['a session of the wrong shape', { session: { misses: 'many', transcript: {} } }, true],
  ['a dialog state that is not an object', { dialogState: 'garbage' }, true],
  [
    'a dialog stack naming a dialog that does not exist',
    {
      session: { misses: 0, transcript: [] },
      dialogState: { dialogStack: [{ id: 'no-such-dialog', state: {} }] },
    },
    false,
  ],
  [
    'a dialog stack entry botbuilder cannot read',
    { session: { misses: 0, transcript: [] }, dialogState: { dialogStack: [null, 5] } },
    true,
  ],
];

describe('damaged conversation state', () => {
  for (const [what, document, alwaysSetAside] of damaged) {
    for (const text of ['最初から', 'キャンセル', 'はい']) {
      it(`${what}: 「${text}」 is answered, the document is set aside`, async () => {
        const log = memoryLogger('info');
        const app = await startApp(await tempDir(), {}, { logger: log.logger });
        const id = `damaged-${encodeURIComponent(text)}`;
        await app.app.storage.write({ [KEY(id)]: document });

        const replies = await repliesAfter(app, id, text);
        expect(replies.length).toBeGreaterThan(0);
        expect(replies.some((r) => r.startsWith(systemError))).toBe(false);
        if (text === '最初から') expect(replies.join('\n')).toContain(conversation.startOver.ja);
        const setAside = (await corruptFiles(app.dataDir)).length;
        if (alwaysSetAside || text === 'はい') {
          expect(setAside).toBe(1);
          expect(log.text()).toMatch(/moved aside, the conversation starts fresh/);
        }

        // The conversation goes on normally from here.
        const next = await repliesAfter(app, id, 'ログインできない');
        expect(next.some((r) => r.startsWith(systemError))).toBe(false);
        expect((await corruptFiles(app.dataDir)).length).toBeLessThanOrEqual(1);
        await app.app.flush(); // the unanswered log is written before the temp folder goes
      });
    }
  }

  it('a valid stored conversation is continued, nothing set aside', async () => {
    const app = await startApp(await tempDir());
    await repliesAfter(app, 'fine', 'ログインできない');
    await repliesAfter(app, 'fine', 'はい');
    expect(await corruptFiles(app.dataDir)).toHaveLength(0);
  });
});
