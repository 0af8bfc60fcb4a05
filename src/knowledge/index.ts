import { join } from 'node:path';
import { type ConfirmWords, loadConfirmWords } from '../nlu/yesNo.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { loadSupportHours, type SupportHoursRules } from '../policy/index.js';
import { loadPrivacyKnowledge, type PrivacyKnowledge } from '../privacy/privacyKnowledge.js';
import { loadTriageRules, type TriageRules } from '../triage/rules.js';
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

/**
 * Everything the bot says and knows, validated at start-up (the intent examples are loaded by the
 * recognizer, which trains on them).
 */
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
  supportHours: SupportHoursRules;
  privacy: PrivacyKnowledge;
  triage: TriageRules;
  confirmWords: ConfirmWords;
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
    supportHours: loadSupportHours(dir),
    privacy: loadPrivacyKnowledge(dir),
    triage: loadTriageRules(dir),
    confirmWords: loadConfirmWords(dir),
  };
}
