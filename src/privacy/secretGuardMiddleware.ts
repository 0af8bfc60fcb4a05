import { type Activity, ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { detectLang } from '../language.js';
import type { ExpiringKeys } from '../persistence/types.js';
import { maskKnownText } from './maskMemo.js';
import type { PrivacyKnowledge } from './privacyKnowledge.js';
import {
  KIND_ORDER,
  maskBareSecret,
  maskDeepWithFindings,
  maskSecrets,
  type PendingSecret,
  type SecretKind,
  secretLabelAtEnd,
} from './secretGuard.js';
import { ShortLivedMap, type ShortLivedOptions } from './shortLivedMap.js';

/** turnState key: the SecretKind[] found in this turn's incoming activity (empty when none). */
export const SECRETS_FOUND_KEY = Symbol('secretGuard.found');

export function secretsFound(context: TurnContext): SecretKind[] {
  return (context.turnState.get(SECRETS_FOUND_KEY) as SecretKind[] | undefined) ?? [];
}

export function warningFor(
  knowledge: PrivacyKnowledge,
  found: readonly SecretKind[],
  text: string,
  locale?: string,
) {
  const lang = detectLang(text, locale);
  const kind = found.length === 1 ? found[0] : undefined;
  return (kind ? knowledge.warnings[kind] : knowledge.warnings.multiple)[lang];
}

// Fields of an outgoing activity that reach the member or a transcript as text.
function maskOutgoing(activity: Partial<Activity>): void {
  if (typeof activity.text === 'string') activity.text = maskKnownText(activity.text);
  if (typeof activity.speak === 'string') activity.speak = maskKnownText(activity.speak);
  if (typeof activity.summary === 'string') activity.summary = maskKnownText(activity.summary);
  // Copies, not in-place edits: attachments and values may be shared objects built from knowledge.
  if (activity.attachments) activity.attachments = maskDeepWithFindings(activity.attachments).value;
  if (activity.value !== undefined) activity.value = maskDeepWithFindings(activity.value).value;
}

export interface PendingLabelOptions extends ShortLivedOptions {
  /** Where labels are kept (the persistence seam's short-lived keys: shared by instances). */
  store?: ExpiringKeys;
}

/**
 * Conversations whose last message ended with a PIN or password label ("暗証番号は", "password:"):
 * the value may come alone in the next message. Short-lived keys of the persistence seam (in memory,
 * bounded, when none is given); each entry is used by the next message of that conversation at most once.
 */
export class PendingLabels extends ShortLivedMap<PendingSecret> {
  private readonly store: ExpiringKeys | undefined;

  constructor(options: PendingLabelOptions = {}) {
    super(options);
    this.store = options.store;
  }

  /** Remembers the label for the conversation's next message. */
  async remember(conversationId: string, kind: PendingSecret): Promise<void> {
    if (this.store) await this.store.set(`secret-label:${conversationId}`, kind, this.ttlMs);
    else this.set(conversationId, kind);
  }

  /** The pending kind, if any and not expired; forgets it either way. */
  async takeFor(conversationId: string): Promise<PendingSecret | undefined> {
    if (!this.store) return this.take(conversationId);
    return (
      ((await this.store.take(`secret-label:${conversationId}`)) as PendingSecret | undefined) ?? undefined
    );
  }
}

/**
 * Masks secrets in every incoming activity before the rest of the pipeline (recogniser, dialogs,
 * transcript and state middleware registered after it) can see them, warns the member once per
 * message, and masks everything the bot sends as a second line of defence. Register it first.
 */
export class SecretGuardMiddleware implements Middleware {
  private readonly pending: PendingLabels;

  constructor(
    private readonly knowledge: PrivacyKnowledge,
    options: PendingLabelOptions = {},
  ) {
    this.pending = new PendingLabels(options);
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      for (const activity of activities) maskOutgoing(activity);
      return sendNext();
    });
    context.onUpdateActivity(async (_ctx, activity, updateNext) => {
      maskOutgoing(activity);
      return updateNext();
    });

    const activity = context.activity;
    const original = typeof activity.text === 'string' ? activity.text : '';
    const found = new Set<SecretKind>();
    const conversationId = activity.conversation?.id;
    const isMessage = activity.type === ActivityTypes.Message;
    // Only the next message may carry the value a previous message announced.
    const pending = isMessage && conversationId ? await this.pending.takeFor(conversationId) : undefined;
    if (typeof activity.text === 'string') {
      let r = maskSecrets(activity.text);
      if (pending) {
        const bare = maskBareSecret(r.text, pending);
        r = { text: bare.text, found: [...r.found, ...bare.found] };
      }
      activity.text = r.text;
      for (const k of r.found) found.add(k);
      const announced = isMessage && conversationId ? secretLabelAtEnd(original) : undefined;
      if (announced && conversationId) await this.pending.remember(conversationId, announced);
    }
    if (activity.value !== undefined && activity.value !== null) {
      const r = maskDeepWithFindings(activity.value);
      activity.value = r.value;
      for (const k of r.found) found.add(k);
    }
    const kinds = KIND_ORDER.filter((k) => found.has(k));
    context.turnState.set(SECRETS_FOUND_KEY, kinds);

    const fromMember =
      activity.type === ActivityTypes.Message || activity.type === ActivityTypes.MessageUpdate;
    if (kinds.length > 0 && fromMember) {
      await context.sendActivity({
        type: ActivityTypes.Message,
        text: warningFor(this.knowledge, kinds, original, activity.locale),
      });
    }
    await next();
  }
}

export function createSecretGuardMiddleware(
  knowledge: PrivacyKnowledge,
  options?: PendingLabelOptions,
): SecretGuardMiddleware {
  return new SecretGuardMiddleware(knowledge, options);
}
