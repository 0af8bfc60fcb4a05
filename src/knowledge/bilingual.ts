import { z } from 'zod';
import type { Lang } from '../topics.js';

/** A text every member-facing knowledge entry carries in both languages. */
export const bilingualText = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
export type BilingualText = z.infer<typeof bilingualText>;

export function pick(text: BilingualText, lang: Lang): string {
  return text[lang];
}
