import { join } from 'node:path';
import { z } from 'zod';
import { bilingualText } from '../knowledge/bilingual.js';
import { loadJsonFile } from '../knowledge/loader.js';
import { KNOWLEDGE_DIR } from '../paths.js';
import { TOPIC_IDS } from '../topics.js';

// Starting points for staff replies (knowledge/canned-replies.json), offered in the console by topic.

const cannedRepliesSchema = z
  .object({
    $comment: z.string().optional(),
    replies: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]{1,40}$/),
            topic: z.enum(TOPIC_IDS).optional(),
            label: bilingualText,
            text: bilingualText,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type CannedReply = z.output<typeof cannedRepliesSchema>['replies'][number];

export function loadCannedReplies(dir: string = KNOWLEDGE_DIR): CannedReply[] {
  return loadJsonFile(join(dir, 'canned-replies.json'), cannedRepliesSchema).replies;
}
