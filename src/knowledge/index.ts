import { join } from 'node:path';
import { KNOWLEDGE_DIR } from '../paths.js';
import { type ConversationKnowledge, conversationSchema } from './conversationSchema.js';
import {
  type ContactFlow,
  contactFlowSchema,
  type HandoffFlow,
  handoffFlowSchema,
  type LoginFlow,
  type LostCardFlow,
  loginFlowSchema,
  lostCardFlowSchema,
  type PinFlow,
  pinFlowSchema,
  type ServicesFlow,
  servicesFlowSchema,
  type WebIdFlow,
  webIdFlowSchema,
} from './flowSchemas.js';
import { loadJsonFile } from './loader.js';

/** Everything the dialogs say and know, validated at start-up. */
export interface Knowledge {
  dir: string;
  conversation: ConversationKnowledge;
  flows: {
    login: LoginFlow;
    webId: WebIdFlow;
    lostCard: LostCardFlow;
    pin: PinFlow;
    services: ServicesFlow;
    contact: ContactFlow;
    handoff: HandoffFlow;
  };
}

export function loadKnowledge(dir: string = KNOWLEDGE_DIR): Knowledge {
  const flow = (name: string) => join(dir, 'flows', name);
  return {
    dir,
    conversation: loadJsonFile(join(dir, 'conversation.json'), conversationSchema),
    flows: {
      login: loadJsonFile(flow('login.json'), loginFlowSchema),
      webId: loadJsonFile(flow('webid.json'), webIdFlowSchema),
      lostCard: loadJsonFile(flow('lost-card.json'), lostCardFlowSchema),
      pin: loadJsonFile(flow('pin.json'), pinFlowSchema),
      services: loadJsonFile(flow('services.json'), servicesFlowSchema),
      contact: loadJsonFile(flow('contact.json'), contactFlowSchema),
      handoff: loadJsonFile(flow('handoff.json'), handoffFlowSchema),
    },
  };
}
