// Runs the by-hand red-team set through maskSecrets: how many secret lines leak a part, how many
// harmless lines are altered. `npm run redteam:guard [-- --list]` (--list prints every failure).
import { maskSecrets } from '../../src/privacy/secretGuard.js';
import { HARMLESS_LINES, SECRET_LINES } from './messages.js';

const KANJI_DIGITS: Record<string, string> = {
  〇: '0',
  零: '0',
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/** Widths, kanji numerals and whatever joins digits or words folded away, so any spelling is found. */
function canonical(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[〇零一二三四五六七八九]/gu, (c) => KANJI_DIGITS[c] ?? c)
    .replace(/[\s\-‐-―−ー・、,.()（）【】「」『』"'と]+/gu, '')
    .toLowerCase();
}

const list = process.argv.includes('--list');
const leaks: string[] = [];
for (const [text, parts] of SECRET_LINES) {
  const out = canonical(maskSecrets(text).text);
  const left = parts.filter((p) => out.includes(canonical(p)));
  if (left.length > 0) leaks.push(`${text}  →  ${maskSecrets(text).text}  [${left.join(', ')}]`);
}
const altered: string[] = [];
for (const text of HARMLESS_LINES) {
  const out = maskSecrets(text).text;
  if (out !== text) altered.push(`${text}  →  ${out}`);
}
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
if (list) {
  console.log('--- leaks');
  for (const l of leaks) console.log(l);
  console.log('--- altered');
  for (const l of altered) console.log(l);
}
console.log(
  `secret lines ${SECRET_LINES.length}: leaks ${leaks.length} (${pct(leaks.length, SECRET_LINES.length)}); ` +
    `harmless lines ${HARMLESS_LINES.length}: altered ${altered.length} (${pct(altered.length, HARMLESS_LINES.length)})`,
);
