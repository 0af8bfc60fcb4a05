import type { Activity, ResourceResponse, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { createReplyBatchMiddleware, mergeReplies, sendOrHold } from '../src/replyBatch.js';

// What goes out when a turn ends; over HTTP: test/http/emulator.test.ts.

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
    const separate = [
      text('a'),
      card,
      text('b'),
      { type: 'typing' },
      text('c', { textFormat: 'plain' }),
      text('d', { textFormat: 'markdown' }),
    ];
    expect(mergeReplies(separate)).toEqual(separate);
  });
});

describe('a message turn through the batch', () => {
  // What an adapter does: sendActivities goes through sendOrHold; `sent` is what reached the channel.
  function turn(fail?: (activities: Partial<Activity>[]) => boolean) {
    const sent: Partial<Activity>[][] = [];
    const deliver = async (activities: Partial<Activity>[]): Promise<ResourceResponse[]> => {
      if (fail?.(activities)) throw new Error('channel refused');
      sent.push(activities);
      return activities.map((_, i) => ({ id: `sent-${sent.length}-${i}` }));
    };
    const context = {
      activity: { type: 'message', text: 'hi' },
      turnState: new Map<unknown, unknown>(),
      adapter: { sendActivities: (_c: unknown, a: Partial<Activity>[]) => sendOrHold(context, a, deliver) },
    } as unknown as TurnContext;
    const send = (a: Partial<Activity>) => sendOrHold(context, [a], deliver);
    const run = (logic: () => Promise<void>) => createReplyBatchMiddleware().onTurn(context, logic);
    return { sent, send, run };
  }

  it('sends the turn’s text once, merged, when the turn ends', async () => {
    const t = turn();
    await t.run(async () => {
      await t.send(text('Step.'));
      await t.send(text('Done?', { suggestedActions: buttons }));
      expect(t.sent).toEqual([]);
    });
    expect(t.sent).toEqual([[text('Step.\n\nDone?', { suggestedActions: buttons })]]);
  });

  it('sends a staff reply at once, after the text before it, so a refusal reaches its sender', async () => {
    const staff = text('Sato (staff): your card is stopped.', { channelData: { staffReply: 'r1' } });
    const t = turn((a) => a.some((x) => x.channelData !== undefined));
    await t.run(async () => {
      await t.send(text('Welcome back.'));
      await expect(t.send(staff)).rejects.toThrow('channel refused');
      await t.send(text('Anything else?'));
    });
    expect(t.sent).toEqual([[text('Welcome back.')], [text('Anything else?')]]);
  });

  it('leaves turns that are not messages (a staff reply pushed later, a join) unbatched', async () => {
    const t = turn();
    const context = { activity: { type: 'event' }, turnState: new Map() } as unknown as TurnContext;
    await createReplyBatchMiddleware().onTurn(context, async () => {
      expect(context.turnState.size).toBe(0);
    });
    await t.send(text('sent straight away'));
    expect(t.sent).toEqual([[text('sent straight away')]]);
  });
});
