import { ActionTypes, type CardAction } from 'botbuilder';
import type { ConversationKnowledge } from '../src/knowledge/conversationSchema.js';
import type { Lang } from '../src/topics.js';

/** The main menu as suggested-action buttons; pressing one sends its label as the member's message. */
export function menuActions(conversation: ConversationKnowledge, lang: Lang): CardAction[] {
  return conversation.menu.map((item) => ({
    type: ActionTypes.ImBack,
    title: item.label[lang],
    value: item.label[lang],
  }));
}
