import { maskSecrets } from './secretGuard.js';

// The bot's own replies and log fields repeat (the same answers from knowledge, the same route names),
// and the guard costs tens of microseconds per call: their verdicts are remembered. Only strings the
// guard left unchanged are kept, so no secret it found is ever held here, and only short ones. The
// member's incoming messages do not use it: the middleware masks each one afresh.

const MAX_LENGTH = 1_000;
const MAX_ENTRIES = 2_000;
const clean = new Set<string>();

/** maskSecrets(text).text, remembered for short strings that hold nothing to mask. */
export function maskKnownText(text: string): string {
  if (text.length > MAX_LENGTH) return maskSecrets(text).text;
  if (clean.has(text)) {
    // Most recently used last, so the strings in steady use stay.
    clean.delete(text);
    clean.add(text);
    return text;
  }
  const masked = maskSecrets(text).text;
  if (masked === text) {
    if (clean.size >= MAX_ENTRIES) clean.delete(clean.values().next().value as string);
    clean.add(text);
  }
  return masked;
}
