import { type Activity, ActivityHandler, type ConversationReference, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { ConversationNotFoundError } from '../../src/directline/conversationLog.js';
import {
  DIRECTLINE_SERVICE_URL,
  DirectLineAdapter,
  isDirectLineReference,
} from '../../src/directline/directLineAdapter.js';
import type { FileDirectLineLog } from '../../src/persistence/lowdb/directLineLog.js';
import { tempDirectLineLog } from './helpers.js';

function userActivity(conversationId: string, userId: string, text: string): Partial<Activity> {
  return {
    type: 'message',
    id: `${conversationId}|x`,
    text,
    conversation: { id: conversationId } as Activity['conversation'],
    from: { id: userId, name: '', role: 'user' },
  };
}

describe('DirectLineAdapter', () => {
  it('runs middleware and the bot; replies land in the log with channel fields', async () => {
    const adapter = new DirectLineAdapter({
      botName: 'Helper',
      conversations: (await tempDirectLineLog()).log,
    });
    const conversation = await adapter.conversations.create();
    const order: string[] = [];
    adapter.use(async (_context, next) => {
      order.push('middleware');
      await next();
    });
    let reference: Partial<ConversationReference> | undefined;
    await adapter.processActivity(
      userActivity(conversation.id, conversation.userId, 'hi'),
      async (context) => {
        order.push('bot');
        expect(context.activity.serviceUrl).toBe(DIRECTLINE_SERVICE_URL);
        expect(context.activity.channelId).toBe('webchat');
        reference = TurnContext.getConversationReference(context.activity);
        await context.sendActivity('hello');
      },
    );
    expect(order).toEqual(['middleware', 'bot']);
    const [reply] = (await adapter.conversations.list(conversation.id)).activities;
    expect(reply).toMatchObject({
      type: 'message',
      text: 'hello',
      from: { id: 'bot', name: 'Helper', role: 'bot' },
      recipient: { id: conversation.userId, role: 'user' },
      conversation: { id: conversation.id },
      replyToId: `${conversation.id}|x`,
      serviceUrl: DIRECTLINE_SERVICE_URL,
    });
    expect(isDirectLineReference(reference)).toBe(true);
  });

  it('delivers proactive messages (staff replies) through continueConversationAsync', async () => {
    const adapter = new DirectLineAdapter({ conversations: (await tempDirectLineLog()).log });
    const conversation = await adapter.conversations.create();
    let reference: Partial<ConversationReference> = {};
    await adapter.processActivity(userActivity(conversation.id, 'user-2', 'help'), async (context) => {
      reference = TurnContext.getConversationReference(context.activity);
    });
    await adapter.continueConversationAsync('', reference, async (context) => {
      await context.sendActivity('A staff member replied.');
    });
    const texts = (await adapter.conversations.list(conversation.id)).activities.map((a) => a.text);
    expect(texts).toEqual(['A staff member replied.']);

    // An expired conversation is reported, not silently dropped.
    await (adapter.conversations as FileDirectLineLog).end(conversation.id);
    await expect(adapter.continueConversation(reference, async () => undefined)).rejects.toBeInstanceOf(
      ConversationNotFoundError,
    );
  });

  it('updates and deletes activities it sent', async () => {
    const adapter = new DirectLineAdapter({ conversations: (await tempDirectLineLog()).log });
    const conversation = await adapter.conversations.create();
    await adapter.processActivity(userActivity(conversation.id, 'u', 'x'), async (context) => {
      const sent = await context.sendActivity('draft');
      await context.updateActivity({ id: sent?.id, type: 'message', text: 'final' });
      const other = await context.sendActivity('to delete');
      await context.deleteActivity(other!.id);
    });
    expect((await adapter.conversations.list(conversation.id)).activities.map((a) => a.text)).toEqual([
      'final',
    ]);
  });

  it('a throwing bot triggers onTurnError with a polite message in the member language', async () => {
    const adapter = new DirectLineAdapter({ conversations: (await tempDirectLineLog()).log });
    const conversation = await adapter.conversations.create();
    const bot = new ActivityHandler();
    bot.onMessage(async () => {
      throw new Error('kaboom');
    });
    await adapter.processActivity({ ...userActivity(conversation.id, 'u', 'x'), locale: 'en-US' }, (c) =>
      bot.run(c),
    );
    const [reply] = (await adapter.conversations.list(conversation.id)).activities;
    expect(reply?.text).toMatch(/^Sorry/);
  });

  it('runs the turns of one conversation one after another', async () => {
    const adapter = new DirectLineAdapter({ conversations: (await tempDirectLineLog()).log });
    const conversation = await adapter.conversations.create();
    const events: string[] = [];
    const turn = (name: string, ms: number) =>
      adapter.processActivity(userActivity(conversation.id, 'u', name), async () => {
        events.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name}:end`);
      });
    await Promise.all([turn('a', 30), turn('b', 1)]);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end']);
  });
});
