// The guard's second round, run after the label patterns and the context pass: numeric secrets after
// loose labels and in pieces (secretPieces.ts), and password values in the phrasings members use
// (passwordPhrases.ts). Kept apart from secretGuard.ts so each rule class stays small and testable.

import { maskPasswordPhrases } from './passwordPhrases.js';
import { maskSecretPieces } from './secretPieces.js';

export function maskRound2(text: string, found: Set<string>): string {
  return maskPasswordPhrases(maskSecretPieces(text, found), found);
}
