export function maskPasswordPhrases(text: string, _found: Set<string>): string {
  return text;
}
