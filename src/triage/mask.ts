// Defence in depth: everything the triage side stores goes through the secret mask again, even text
// the privacy guard already masked. Interim copy until src/privacy lands; then this re-exports it.

const CARD_LIKE = /(?:\d[ -]?){12,19}/g;
const PIN_LIKE = /(?<![\d-])\d{4,8}(?![\d-])/g;
const SECRET_WORD = /(password|passcode|pin|パスワード|暗証番号)(\s*[:：=は]?\s*)(\S+)/giu;

export function maskSecrets(text: string): string {
  const folded = text.normalize('NFKC');
  return folded
    .replace(SECRET_WORD, (_m, word: string, sep: string) => `${word}${sep}[masked]`)
    .replace(CARD_LIKE, (m) => (m.replace(/\D/g, '').length >= 12 ? '[masked number]' : m))
    .replace(PIN_LIKE, '[masked number]');
}
