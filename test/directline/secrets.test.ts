import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('Direct Line transcript and secrets', () => {
  it('keeps only the masked text in the transcript Web Chat reads, and the bot still warns', async () => {
    app = await createApp(testConfig(await tempDir()));
    const base = `${await app.listen(0, '127.0.0.1')}/v3/directline`;
    const started = (await (await fetch(`${base}/conversations`, { method: 'POST' })).json()) as {
      conversationId: string;
      token: string;
    };
    const auth = { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' };
    const url = `${base}/conversations/${started.conversationId}/activities`;
    const post = await fetch(url, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        type: 'message',
        text: 'カード番号は4539 1488 0343 6467です',
        from: { id: 'x' },
      }),
    });
    expect(post.status).toBe(200);
    const list = (await (await fetch(url, { headers: auth })).json()) as {
      activities: Array<{ text?: string; from: { role?: string } }>;
    };
    const all = JSON.stringify(list);
    expect(all).not.toContain('4539');
    expect(all).not.toContain('0343');
    const mine = list.activities.find((a) => a.from.role === 'user' && a.text?.includes('カード番号'));
    expect(mine?.text).toContain('****');
    const bot = list.activities.filter((a) => a.from.role === 'bot').map((a) => a.text ?? '');
    expect(bot.join('\n')).toContain('入力しないでください');
  });
});
