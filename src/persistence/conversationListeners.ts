import type { ConversationEvent, ConversationListener } from './types.js';

/** The readers of each conversation's Direct Line log in this process (open streams, long polls). */
export class ConversationListeners {
  private readonly byConversation = new Map<string, Set<ConversationListener>>();

  /** Adds a reader; returns the function that removes it. */
  add(conversationId: string, listener: ConversationListener): () => void {
    let set = this.byConversation.get(conversationId);
    if (!set) {
      set = new Set();
      this.byConversation.set(conversationId, set);
    }
    set.add(listener);
    return () => {
      const current = this.byConversation.get(conversationId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.byConversation.delete(conversationId);
    };
  }

  has(conversationId: string): boolean {
    return this.byConversation.has(conversationId);
  }

  conversations(): string[] {
    return [...this.byConversation.keys()];
  }

  forget(conversationId: string): void {
    this.byConversation.delete(conversationId);
  }

  emit(conversationId: string, event: ConversationEvent): void {
    const set = this.byConversation.get(conversationId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch {
        // A reader's failure (e.g. a socket that just closed) must never fail the writer.
      }
    }
  }
}
