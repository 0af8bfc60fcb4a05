import { maskSecrets } from '../privacy/secretGuard.js';

// Defence in depth: everything the triage side stores goes through the secret guard again, even text
// the middleware already masked (staff-typed notes and replies have not been through it at all).
/** The text with card numbers, PINs and passwords masked (maskSecrets(text).text). */
export function maskText(text: string): string {
  return maskSecrets(text).text;
}
