import { type Activity, MemoryStorage, type StoreItems, TestAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { JsonConversationState } from '../../src/storage/conversationState.js';

/** MemoryStorage that counts writes, so "saved only when changed" is observable. */
class CountingStorage extends MemoryStorage {
  writes = 0;
  readonly quarantined: string[] = [];
  override async write(changes: StoreItems): Promise<void> {
    this.writes += 1;
    await super.write(changes);
  }
  async quarantine(key: string): Promise<void> {
    this.quarantined.push(key);
    await this.delete([key]);
  }
}

const KEY = 'test/conversations/conv-1/';

function turn(): TurnContext {
  const adapter = new TestAdapter();
  return new TurnContext(adapter, {
    type: 'message',
    text: 'hi',
    channelId: 'test',
    conversation: { id: 'conv-1' },
    from: { id: 'member' },
    recipient: { id: 'bot' },
  } as Activity);
}

describe('JsonConversationState', () => {
  it('keeps state across turns under ConversationState’s key and saves only what changed', async () => {
    const storage = new CountingStorage();
    const state = new JsonConversationState(storage);
    const session = state.createProperty<{ count: number }>('session');

    const first = turn();
    expect(await session.get(first, { count: 0 })).toEqual({ count: 0 });
    (await session.get(first))!.count = 1;
    await state.saveChanges(first);
    expect(storage.writes).toBe(1);
    expect((await storage.read([KEY]))[KEY]).toMatchObject({ session: { count: 1 } });

    // A turn that reads but changes nothing writes nothing.
    const second = turn();
    expect(await session.get(second)).toEqual({ count: 1 });
    await state.saveChanges(second);
    expect(storage.writes).toBe(1);

    // A nested change is seen; saving twice in a turn writes once.
    const third = turn();
    (await session.get(third))!.count = 2;
    await state.saveChanges(third);
    await state.saveChanges(third);
    expect(storage.writes).toBe(2);
    expect(state.get(third)).toMatchObject({ session: { count: 2 } });
  });

  it('force writes even without a change; without a load nothing is written unless forced', async () => {
    const storage = new CountingStorage();
    const state = new JsonConversationState(storage);
    const untouched = turn();
    await state.saveChanges(untouched);
    expect(storage.writes).toBe(0);
    expect(state.get(untouched)).toBeUndefined();
    await state.saveChanges(untouched, true);
    expect(storage.writes).toBe(1);

    const loaded = turn();
    await state.load(loaded);
    await state.saveChanges(loaded, true);
    expect(storage.writes).toBe(2);
  });

  it('clear empties the state on the next save; delete removes it from storage', async () => {
    const storage = new CountingStorage();
    const state = new JsonConversationState(storage);
    const session = state.createProperty<{ count: number }>('session');
    const first = turn();
    await session.set(first, { count: 5 });
    await state.saveChanges(first);

    const second = turn();
    await state.load(second);
    await state.clear(second);
    expect(await session.get(second)).toBeUndefined();
    await state.saveChanges(second);
    const stored = (await storage.read([KEY]))[KEY] as Record<string, unknown>;
    expect(stored.session).toBeUndefined();

    const third = turn();
    await session.set(third, { count: 7 });
    await state.saveChanges(third);
    await state.delete(third);
    expect(await storage.read([KEY])).toEqual({});
    expect(state.get(third)).toBeUndefined();
  });
});
