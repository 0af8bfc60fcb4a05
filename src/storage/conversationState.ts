import { ConversationState, type TurnContext } from 'botbuilder';
import type { z } from 'zod';
import type { StateStorage } from '../persistence/types.js';
import { RecentMap } from '../recentMap.js';
import { isStorageFailure } from './storageErrors.js';

interface Cached {
  state: Record<string, unknown>;
  /** The state as last read or written, as JSON (eTag left out). */
  json: string;
  /** The state was read from storage with content (so there is something to move aside). */
  stored?: boolean;
}

interface LogLike {
  warn(obj: object, msg: string): void;
}

export interface ConversationStateOptions {
  /** The bot's part of a stored document; one that fails it is quarantined and the conversation starts fresh. */
  schema?: z.ZodType;
  logger?: LogLike;
}

/**
 * botbuilder's ConversationState (same storage key, same storage, same load/save/clear/delete
 * behaviour) with a cheaper change check. BotState hashes the whole state on load and twice per save
 * with botbuilder-stdlib's replacer-based stringify and SHA-256 — about 8 % of a turn's CPU in the
 * profile (`npm run bench:turn`). Here the check compares native JSON snapshots: state is plain JSON
 * data anyway, the storage hands over the text it read (`readDocument`) as the "unchanged" mark and
 * stores the snapshot taken for the check as it is (`writeDocument`), so a turn serialises its state
 * once instead of hashing it three times.
 */
export class JsonConversationState extends ConversationState {
  private readonly cacheKey = Symbol('conversation state');
  /** Storage key → fingerprint of the document this process last wrote there (most recent last). */
  private readonly written = new RecentMap<string, string>(WRITTEN_KEPT);

  constructor(
    private readonly store: Pick<
      StateStorage,
      'read' | 'write' | 'readDocument' | 'writeDocument' | 'delete' | 'quarantine'
    >,
    private readonly options: ConversationStateOptions = {},
  ) {
    super(store);
  }

  override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const read = await this.store.readDocument(key);
    let stored = read !== undefined;
    let state: Record<string, unknown> = read?.document ?? {};
    // A document this process wrote itself (same eTag, same length) was checked when it was loaded
    // and has since changed only by the bot's own code: only one from elsewhere is checked again.
    const own = read !== undefined && this.written.get(key) === fingerprint(read.eTag, read.json);
    const check = read && !own ? this.options.schema?.safeParse(read.document) : undefined;
    if (check && !check.success) {
      // Only where the problem is, never the values: they may hold what a member typed.
      const fields = [...new Set(check.error.issues.map((issue) => issue.path.join('.')))].slice(0, 5);
      await this.moveAside(context, key, 'stored conversation state failed validation', { fields });
      state = {};
      stored = false;
    } else if (read) {
      state.eTag = read.eTag;
    }
    context.turnState.set(this.cacheKey, {
      state,
      json: stored && read ? read.json : snapshot(state),
      stored,
    } satisfies Cached);
    return state;
  }

  /**
   * After a turn failed on state read from storage (for example a dialog stack botbuilder cannot
   * continue): quarantines the stored document and gives the turn a fresh state. False when there is
   * nothing to blame on stored state (fresh state, already reset this turn, or a disk/network error).
   */
  async resetDamaged(context: TurnContext, err: unknown): Promise<boolean> {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    if (!cached?.stored || isStorageFailure(err)) return false;
    const key = await this.storageKey(context);
    await this.moveAside(context, key, 'turn failed on the stored conversation state', { err });
    context.turnState.set(this.cacheKey, { state: {}, json: '', stored: false } satisfies Cached);
    return true;
  }

  private async moveAside(context: TurnContext, key: string, reason: string, detail: object) {
    this.written.delete(key);
    await this.store.quarantine(key);
    this.options.logger?.warn(
      { ...detail, conversationId: context.activity.conversation?.id },
      `${reason}; moved aside, the conversation starts fresh`,
    );
  }

  override async saveChanges(context: TurnContext, force = false): Promise<void> {
    let cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    const json = cached ? snapshot(cached.state) : undefined;
    if (!force && (!cached || json === cached.json)) return;
    const key = await this.storageKey(context);
    cached ??= { state: {}, json: '' };
    const text = json ?? snapshot(cached.state);
    // The eTag read at load (none for a new conversation): a write on top of someone else's is refused
    // (the turn lock makes that rare; a refusal fails the turn instead of losing the other's change).
    const eTag = typeof cached.state.eTag === 'string' ? cached.state.eTag : undefined;
    cached.state.eTag = await this.store.writeDocument(key, text, eTag);
    cached.json = text;
    context.turnState.set(this.cacheKey, cached);
    this.remember(key, fingerprint(cached.state.eTag, text));
  }

  private remember(key: string, print: string): void {
    this.written.set(key, print);
  }

  override clear(context: TurnContext): Promise<void> {
    // An empty snapshot never equals a state's JSON, so the cleared state is saved.
    context.turnState.set(this.cacheKey, { state: {}, json: '' } satisfies Cached);
    return Promise.resolve();
  }

  override async delete(context: TurnContext): Promise<void> {
    context.turnState.delete(this.cacheKey);
    const key = await this.storageKey(context);
    this.written.delete(key);
    await this.store.delete([key]);
  }

  override get(context: TurnContext): Record<string, unknown> | undefined {
    const cached = context.turnState.get(this.cacheKey) as Cached | undefined;
    return typeof cached?.state === 'object' ? cached.state : undefined;
  }
}

/** Conversations whose own writes are remembered (a fingerprint each, a few dozen bytes). */
const WRITTEN_KEPT = 10_000;

/** The eTag alone could repeat (PostgreSQL's version restarts for a key deleted and written again). */
function fingerprint(eTag: unknown, json: string): string {
  return `${String(eTag)}:${json.length}`;
}

function snapshot(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}
