// Runs the red-team sets (scripts/redteam/, scripts/redteam/sets/) through maskSecrets: how many
// secret lines leak a part, how many harmless lines are altered. `npm run redteam:guard [-- --list]` (--list prints every failure).
import { maskSecrets } from '../../src/privacy/secretGuard.js';
import { HOLDOUT_HARMLESS_LINES, HOLDOUT_SECRET_LINES } from './holdout.js';
import { HARMLESS_LINES, SECRET_LINES, type SecretLine } from './messages.js';
import * as holdoutF from './sets/holdoutF.js';
import * as setC from './sets/independentC.js';
import * as setD from './sets/independentD.js';
import * as setE from './sets/independentE.js';

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
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;

function report(name: string, secrets: SecretLine[], harmless: string[]): void {
  const leaks: string[] = [];
  for (const [text, parts] of secrets) {
    const masked = maskSecrets(text).text;
    const left = parts.filter((p) => canonical(masked).includes(canonical(p)));
    if (left.length > 0) leaks.push(`${text}  →  ${masked}  [${left.join(', ')}]`);
  }
  const altered: string[] = [];
  for (const text of harmless) {
    const out = maskSecrets(text).text;
    if (out !== text) altered.push(`${text}  →  ${out}`);
  }
  if (list) {
    console.log(`--- ${name}: leaks`);
    for (const l of leaks) console.log(l);
    console.log(`--- ${name}: altered`);
    for (const l of altered) console.log(l);
  }
  console.log(
    `${name}: secret lines ${secrets.length}, leaks ${leaks.length} (${pct(leaks.length, secrets.length)}); ` +
      `harmless lines ${harmless.length}, altered ${altered.length} (${pct(altered.length, harmless.length)})`,
  );
}

report('first set', SECRET_LINES, HARMLESS_LINES);
report('holdout', HOLDOUT_SECRET_LINES, HOLDOUT_HARMLESS_LINES);
report('independent C', setC.SECRET_LINES, setC.HARMLESS_LINES);
report('independent D', setD.SECRET_LINES, setD.HARMLESS_LINES);
report('independent E', setE.SECRET_LINES, setE.HARMLESS_LINES);
report('holdout F (never tuned on)', holdoutF.SECRET_LINES, holdoutF.HARMLESS_LINES);
