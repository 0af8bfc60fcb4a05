import { maskSecrets as maskWithFindings } from '../privacy/secretGuard.js';

// Defence in depth: everything the triage side stores goes through the secret guard again, even text
// the middleware already masked (staff-typed notes and replies have not been through it at all).
export function maskSecrets(text: string): string {
  return maskWithFindings(text).text;
}
