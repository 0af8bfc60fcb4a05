import { ConversationState, type TurnContext } from 'botbuilder';

interface Cached {
  state: Record<string, unknown>;
  /** The state as last read or written, as JSON (eTag left out). */
  json: string;
}

/**
 * botbuilder's ConversationState (same storage key, same storage, same load/save/clear/delete
 * behaviour) with a cheaper change check. BotState hashes the whole state on load and twice per save
 * with botbuilder-stdlib's replacer-based stringify and SHA-256 — about 8 % of a turn's CPU in the
 * profile (`npm run bench:turn`). Here the check compares native JSON snapshots: state is plain JSON
 * data anyway (the storage keeps it as JSON), and the snapshot taken for the check doubles as the
 * "last saved" mark, so a turn serialises its state twice instead of hashing it three times.
 */
export class JsonConversationState extends ConversationState {
  private readonly cacheKey = Symbol('conversation state');

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] ?? {}) as Record<string, unknown>;
    context.turnState.set(this.cacheKey, { state, json: snapshot(state) } satisfies Cached);
    return state;
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    const json = cached ? snapshot(cached.state) : undefined;
    if (!force && (!cached || json === cached.json)) return;
    const key = await this.storageKey(context);
    cached ??= { state: {}, json: '' };
    // The eTag read at load (none for a new conversation): a write on top of someone else's is refused
    // (the turn lock makes that rare; a refusal fails the turn instead of losing the other's change).
    await this.storage.write({ [key]: cached.state });
    cached.json = json ?? snapshot(cached.state);
    context.turnState.set(this.cacheKey, cached);
  }

  override clear(context: TurnContext): Promise<void> {
    // An empty snapshot never equals a state's JSON, so the cleared state is saved.
    context.turnState.set(this.cacheKey, { state: {}, json: '' } satisfies Cached);
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    const key = await this.storageKey(context);
    await this.storage.delete([key]);
  }

  override get(context: TurnContext): Record<string, unknown> | undefined {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    return typeof cached?.state === 'object' ? cached.state : undefined;
  }
}

function snapshot(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
