import { join } from 'node:path';
import { z } from 'zod';
import { bilingualText } from '../knowledge/bilingual.js';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';

/** knowledge/privacy.json: what the bot tells a member who typed a secret into the chat. */
export const privacySchema = z
  .object({
    warnings: z
      .object({
        card_number: bilingualText,
        pin: bilingualText,
        password: bilingualText,
        /** Used when more than one kind was found in the same message. */
        multiple: bilingualText,
      })
      .strict(),
  })
  .strict();

export type PrivacyKnowledge = z.infer<typeof privacySchema>;

export function loadPrivacyKnowledge(dir: string = KNOWLEDGE_DIR): PrivacyKnowledge {
  return loadJsonFile(join(dir, 'privacy.json'), privacySchema);
}
