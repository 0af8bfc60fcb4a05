import type { Middleware } from 'botbuilder';
import type { TurnLock } from './persistence/types.js';

/**
 * Runs each turn inside the backend's per-conversation lock: two messages of one conversation (on
 * one instance or two) never read and save its dialog state at the same time, so neither is lost.
 */
export function createTurnLockMiddleware(lock: TurnLock): Middleware {
  return {
    onTurn(context, next) {
      const conversationId = context.activity.conversation?.id;
      if (!conversationId) return next();
      return lock.run(`turn:${context.activity.channelId ?? ''}/${conversationId}`, next);
    },
  };
}
