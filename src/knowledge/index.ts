import { join } from 'node:path';
import { KNOWLEDGE_DIR } from '../paths.js';
import { type ConversationKnowledge, conversationSchema } from './conversationSchema.js';
import { loadJsonFile } from './loader.js';

/** Everything the dialogs say and know, validated at start-up. */
export interface Knowledge {
  dir: string;
  conversation: ConversationKnowledge;
}

export function loadKnowledge(dir: string = KNOWLEDGE_DIR): Knowledge {
  return {
    dir,
    conversation: loadJsonFile(join(dir, 'conversation.json'), conversationSchema),
  };
}
