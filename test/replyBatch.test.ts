import type { Activity } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { mergeReplies } from '../src/replyBatch.js';

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
