import { join } from 'node:path';
import { z } from 'zod';
import { bilingualText } from '../knowledge/bilingual.js';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';

/** knowledge/privacy.json: what the bot tells a member who typed a secret, how an excerpt shows a message. */
export const privacySchema = z
  .object({
    warnings: z
      .object({
        card_number: bilingualText,
        pin: bilingualText,
        password: bilingualText,
        security_code: bilingualText,
        /** Used when more than one kind was found in the same message. */
        multiple: bilingualText,
      })
      .strict(),
    /**
     * How an inquiry's excerpt shows a member's message: what the bot understood of it, never the
     * member's own words ({topic}: the topic's label; {when}: a time the bot read).
     */
    excerpt: z
      .object({
        topic: bilingualText,
        unrecognised: bilingualText,
        freeText: bilingualText,
        time: bilingualText,
        /** The member typed the description for staff; the inquiry carries it once confirmed. */
        description: bilingualText,
        /** Stands in for the description where a bot line quotes it (the confirmation question). */
        descriptionInBotLine: bilingualText,
      })
      .strict(),
  })
  .strict();

export type PrivacyKnowledge = z.infer<typeof privacySchema>;

export function loadPrivacyKnowledge(dir: string = KNOWLEDGE_DIR): PrivacyKnowledge {
  return loadJsonFile(join(dir, 'privacy.json'), privacySchema);
}
