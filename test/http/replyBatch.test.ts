import type { Activity, TurnContext } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { mergeReplies } from '../../src/replyBatch.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { useTempDirs } from '../support/tempDir.js';
import { testConfig } from '../support/testConfig.js';

const tempDir = useTempDirs();
const running: Array<{ app: App; connector: FakeConnector }> = [];

afterEach(async () => {
  for (const { app, connector } of running.splice(0)) {
    await app.close();
    await connector.stop();
  }
});

type TurnBot = { run(context: TurnContext): Promise<void> };

async function start(turnBot?: TurnBot) {
  const app = await createApp(testConfig(await tempDir()), turnBot ? { turnBot: () => turnBot } : {});
  const base = await app.listen(0, '127.0.0.1');
  const connector = new FakeConnector();
  await connector.start();
  running.push({ app, connector });
  const say = (text: string, conversation = 'conv-batch') =>
    fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emulatorActivity(connector.url, { text, conversation: { id: conversation } })),
    });
  return { app, connector, say };
}

const text = (t: string, extra: Partial<Activity> = {}): Partial<Activity> => ({
  type: 'message',
  text: t,
  ...extra,
});
const buttons = { actions: [{ type: 'imBack', title: 'Yes', value: 'yes' }], to: [] };

describe('mergeReplies: one message per run of text', () => {
  it('joins consecutive text messages as paragraphs, keeping the last one’s buttons', () => {
    const merged = mergeReplies([
      text('Step 1.'),
      text('Step 2.'),
      text('Done?', { suggestedActions: buttons }),
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.text).toBe('Step 1.\n\nStep 2.\n\nDone?');
    expect(merged[0]!.suggestedActions).toEqual(buttons);
  });

  it('ends a run at a message with buttons: what follows is a new message', () => {
    const merged = mergeReplies([text('Pick one', { suggestedActions: buttons }), text('Or type it.')]);
    expect(merged.map((a) => a.text)).toEqual(['Pick one', 'Or type it.']);
  });

  it('never merges cards, other activity types or text in another format, and keeps the order', () => {
    const card = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.hero' }] };
    const typing = { type: 'typing' };
    const merged = mergeReplies([
      text('a'),
      card,
      text('b'),
      typing,
      text('c', { textFormat: 'plain' }),
      text('d', { textFormat: 'markdown' }),
    ]);
    expect(merged).toEqual([
      text('a'),
      card,
      text('b'),
      typing,
      text('c', { textFormat: 'plain' }),
      text('d', { textFormat: 'markdown' }),
    ]);
  });
});

describe('a member turn over the Emulator protocol', () => {
  it('arrives as one message: the step first, then the question with its buttons', async () => {
    const { connector, say } = await start();
    const res = await say('I lost my card');
    expect(res.status).toBe(200);
    expect(connector.calls).toHaveLength(1);
    const reply = connector.calls[0]!.body;
    const body = String(reply.text);
    expect(body).toContain('0120-24-0365');
    expect(body.indexOf('0120-24-0365')).toBeLessThan(body.lastIndexOf('?'));
    expect(body.split('\n\n').length).toBeGreaterThan(1);
    const actions = (reply.suggestedActions as { actions: unknown[] } | undefined)?.actions ?? [];
    expect(actions.length).toBeGreaterThan(0);
  });

  it('still sends what the turn said before it failed, then the apology', async () => {
    const failing: TurnBot = {
      async run(context) {
        await context.sendActivity('First part.');
        throw new Error('boom');
      },
    };
    const { connector, say } = await start(failing);
    await say('hello');
    await connector.waitFor(2);
    const texts = connector.texts();
    expect(texts[0]).toBe('First part.');
    expect(texts[1]).toContain('0120-24-0365');
  });
});
