import { join } from 'node:path';
import { type Activity, TestAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { JsonConversationState } from '../../src/storage/conversationState.js';
import { LowdbStorage } from '../../src/storage/lowdbStorage.js';
import { conversationDocumentSchema } from '../../src/storage/stateSchema.js';
import { useTempDirs } from '../support/tempDir.js';

/** A backend of the persistence seam that counts document writes, so "saved only when changed" is observable. */
class CountingStorage extends LowdbStorage {
  writes = 0;
  readonly quarantined: string[] = [];
  override async writeDocument(key: string, json: string, eTag?: string): Promise<string> {
    this.writes += 1;
    return super.writeDocument(key, json, eTag);
  }
  override async quarantine(key: string): Promise<void> {
    this.quarantined.push(key);
    await super.quarantine(key);
  }
}

const KEY = 'test/conversations/conv-1/';
const tempDir = useTempDirs();
const countingStorage = async () => new CountingStorage({ dir: join(await tempDir(), 'state') });

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
    const storage = await countingStorage();
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
    const storage = await countingStorage();
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
    const storage = await countingStorage();
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

  it('validates a stored document on load: a wrong shape is quarantined and the turn starts fresh', async () => {
    const storage = await countingStorage();
    const warnings: Array<{ obj: object; msg: string }> = [];
    const logger = { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) };
    const state = new JsonConversationState(storage, { schema: conversationDocumentSchema, logger });
    const session = state.createProperty<{ misses: number }>('session');
    await storage.write({ [KEY]: { session: { misses: 'many', trail: { secret: 'member words' } } } });

    const first = turn();
    expect(await session.get(first)).toBeUndefined();
    expect(storage.quarantined).toEqual([KEY]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/failed validation; moved aside/);
    // Where the problem is, never what the member wrote.
    expect(JSON.stringify(warnings[0]!.obj)).toContain('session.misses');
    expect(JSON.stringify(warnings[0]!.obj)).not.toContain('member words');

    // A valid document loads untouched.
    const valid = {
      session: { misses: 1, trail: [], futureField: true },
      dialogState: { dialogStack: [] },
    };
    await storage.write({ [KEY]: valid });
    const second = turn();
    expect(await session.get(second)).toMatchObject({ misses: 1, futureField: true });
    expect(storage.quarantined).toHaveLength(1);
  });

  it('checks again only a document it did not write itself: another writer’s damage is still caught', async () => {
    // A backend of the persistence seam: a write gives the caller's item its new eTag.
    const storage = new LowdbStorage({ dir: join(await tempDir(), 'state') });
    const quarantined: string[] = [];
    const quarantine = storage.quarantine.bind(storage);
    storage.quarantine = async (key) => {
      quarantined.push(key);
      await quarantine(key);
    };
    let checks = 0;
    const schema = {
      safeParse: (doc: unknown) => {
        checks += 1;
        return conversationDocumentSchema.safeParse(doc);
      },
    } as unknown as typeof conversationDocumentSchema;
    const state = new JsonConversationState(storage, { schema });
    const session = state.createProperty<{ misses: number; trail: [] }>('session');
    await storage.write({ [KEY]: { session: { misses: 0, trail: [] } } });

    const first = turn();
    (await session.get(first))!.misses = 1;
    await state.saveChanges(first);
    expect(checks).toBe(1);
    // The document as this process wrote it: not checked again.
    const second = turn();
    expect(await session.get(second)).toMatchObject({ misses: 1 });
    expect(checks).toBe(1);

    // Someone else overwrites it with a wrong shape (another instance, an operator): checked, set aside.
    await storage.write({ [KEY]: { session: { misses: 'many', trail: [] } } });
    const third = turn();
    expect(await session.get(third)).toBeUndefined();
    expect(checks).toBe(2);
    expect(quarantined).toEqual([KEY]);
  });

  it('resetDamaged quarantines stored state once per turn, never fresh state or a disk error', async () => {
    const storage = await countingStorage();
    const state = new JsonConversationState(storage, { schema: conversationDocumentSchema });
    const fresh = turn();
    await state.load(fresh);
    expect(await state.resetDamaged(fresh, new Error('x'))).toBe(false);

    await storage.write({ [KEY]: { session: { misses: 0, trail: [] } } });
    const diskTrouble = turn();
    await state.load(diskTrouble);
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open' });
    expect(await state.resetDamaged(diskTrouble, eacces)).toBe(false);

    const damaged = turn();
    await state.load(damaged);
    expect(await state.resetDamaged(damaged, new TypeError('stack'))).toBe(true);
    expect(state.get(damaged)).toEqual({});
    expect(await state.resetDamaged(damaged, new TypeError('again'))).toBe(false);
    expect(storage.quarantined).toEqual([KEY]);
  });
});
