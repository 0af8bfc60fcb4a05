import { z } from 'zod';

/** A text every member-facing knowledge entry carries in both languages. */
export const bilingualText = z.object({ ja: z.string().min(1), en: z.string().min(1) }).strict();
export type BilingualText = z.infer<typeof bilingualText>;
