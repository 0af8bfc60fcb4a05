// `npm run bench:guard`: maskSecrets on adversarial 4,000-character messages (the longest text a
// member can send). Prints each case's time (the fastest of 25 runs: the cost of the code, not of
// a busy machine), the worst case against the 5 ms target, each time as a ratio to a linear
// reference pass over the same text (NFKC + one regex over every character) run in the same
// process, and how the time grows from 1,000 to 4,000 characters (×4 is linear).
import { maskSecrets } from '../src/privacy/secretGuard.js';

const LENGTH = 4000;
const fill = (unit: string, length = LENGTH) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const cases: Record<string, string> = {
  'digits and spaces': fill('1 '),
  'digits and hyphens': fill('1-'),
  'card groups': fill('4539 1488 '),
  'one digit run': fill('9'),
  'kanji digits': fill('一 '),
  'full-width digits': fill('４５３９　'),
  'PIN label + と-joined digits': fill('暗証番号は1と'),
  'PIN labels only': fill('pin '),
  'password label + mixed tokens': fill('パスワードは a1 '),
  'password label + long spaces': fill(`パスワード${' '.repeat(300)}x1`),
  'open quote after label': fill('password is "a '),
  'card label + groups': fill('カード番号 1234 '),
  'card label + split groups': fill('カード番号は1234、続き'),
  'ATM context words': fill('ATMで入れ'),
  'hedges between label and value': fill('暗証番号はたぶん、えっと'),
  'value before label': fill('a1b2 is my '),
  'quoted kana': fill('パスワード「さくら '),
  'separators only': fill('ー・、'),
  'labels of every kind': fill('暗証番号 パスワード カード番号 ID '),
  'PIN label + spelt digits': fill('暗証番号はいちにー'),
  'PIN pieces with markers': fill('暗証番号は最初が12で後が34、'),
  'kana after password label': fill('パスワードは ひらがなで さくら'),
  'security labels + digits': fill('セキュリティコード 123 裏の3桁 '),
  'number set phrases': fill('番号を1234に'),
  // The context pass: regions of every kind, spelt digits, quotes and described values.
  'security label + one kana digit': `セキュリティコード ${fill('ご', LENGTH - 10)}`,
  'PIN label + spelt words': fill('pin is one two three four five six seven eight nine zero '),
  'short sentences with labels': fill('暗証番号。1 2 3。'),
  'password region quotes': fill('パスワード「あ」「い」、'),
  'described value + comma': fill('password is my cat name, a '),
  'ATM context + spaced digits': fill('ATMで入れる 1 2 3 4 5 '),
};

// A seeded mix of the pieces the patterns look for (deterministic: same messages every run).
let seed = 20261201;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pieces = [
  '暗証番号',
  'パスワード',
  'カード番号',
  'pin',
  'password',
  'は',
  ':',
  ' ',
  '、',
  'と',
  '「',
  '」',
  '"',
  '1234',
  '4539',
  '一二三四',
  'abc1',
  'ATMで押す',
  '4桁',
  'is',
  'たぶん',
  '-',
  '\n',
  'ID',
  'E1023',
  '2025',
];
for (let i = 0; i < 20; i++) {
  let text = '';
  while (text.length < LENGTH) text += pieces[Math.floor(random() * pieces.length)];
  cases[`seeded mix ${i + 1}`] = text.slice(0, LENGTH);
}

function fastest(run: () => void, times = 25): number {
  for (let i = 0; i < 3; i++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const reference = (text: string) => text.normalize('NFKC').replace(/[0-9０-９一二三四五六七八九〇]/gu, '*');
const rows = Object.entries(cases).map(([name, text]) => {
  const ms = fastest(() => maskSecrets(text));
  const ref = fastest(() => reference(text));
  // The same pattern at a quarter of the length: a linear guard takes about a quarter of the time.
  const quarter = text.slice(0, LENGTH / 4);
  const growth =
    ms /
    Math.max(
      fastest(() => maskSecrets(quarter)),
      1e-3,
    );
  return { name, ms, ratio: ms / Math.max(ref, 1e-3), growth };
});
for (const r of rows) {
  console.log(
    `${r.name.padEnd(34)} ${r.ms.toFixed(2).padStart(6)} ms  ×${r.ratio.toFixed(0).padStart(3)} of reference  ` +
      `1k→4k ×${r.growth.toFixed(1)}`,
  );
}
const worst = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
const steepest = rows.reduce((a, b) => (b.growth > a.growth ? b : a));
console.log(`steepest growth 1k→4k characters: ${steepest.name} ×${steepest.growth.toFixed(1)} (linear ×4)`);
console.log(
  `worst: ${worst.name} ${worst.ms.toFixed(2)} ms on ${LENGTH} characters (target ≤ 5 ms), ×${worst.ratio.toFixed(0)} of the reference pass`,
);
