import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, startApp } from './helpers.js';

// Secrets audit: a scripted member session over /api/messages (Emulator protocol) and over Direct
// Line (Web Chat) types card numbers in several spellings, PINs and passwords — also inside the
// description of an inquiry left for staff. Afterwards no secret may be anywhere: not in any file
// under DATA_DIR (state, inquiries, unanswered log), not in the logs captured at trace level, not in
// a reply the bot sent, not in the Direct Line transcript, not in what the staff API shows.

const tempDir = useTempDirs();

const CARDS = ['4111111111111111', '5500000000000004', '3530111333300000'];
const PINS = [
  ['暗証番号は', '1234'],
  ['pinis', '9876'],
  ['暗証番号:', '4821'],
] as const;
const PASSWORDS = ['abc123XYZ', 'hunter2!', 'Tr0ub4dor'];

const EMULATOR_SCRIPT = [
  'カード番号は4111 1111 1111 1111です',
  '４１１１－１１１１－１１１１－１１１１でログインできない',
  'card 5500-0000-0000-0004 does not work',
  '暗証番号は1234',
  'my PIN is 9876',
  'パスワードはabc123XYZ',
  'my password is hunter2!',
  '最初から',
  '担当者と話したい',
  'ログインできません。カード 3530 1113 3330 0000、暗証番号：4821、パスワードは Tr0ub4dor です',
  'はい',
];

const DIRECT_LINE_SCRIPT = [
  '３５３０　１１１３　３３３０　００００のカードです',
  '4111111111111111',
  '暗証番号は１２３４です',
  'my password is hunter2!',
  '最初から',
  '担当者と話したい',
  'my card 5500 0000 0000 0004 and PIN 9876 and password: abc123XYZ do not work and I cannot log in, please call me',
  'はい',
];

/** Folds full-width forms and joins digit groups, so any spelling of a secret is found. */
function canonical(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/(?<=\d)[\s\-\u2010-\u2015\u2212\u30fc]+(?=\d)/gu, '')
    .replace(/\s+/gu, '')
    .toLowerCase();
}

/** The secrets present in `text`, in any spacing or width. */
function leaks(text: string): string[] {
  const t = canonical(text);
  const found: string[] = [];
  for (const card of CARDS) if (t.includes(card)) found.push(card);
  for (const [label, pin] of PINS) {
    if (t.includes(`${label.toLowerCase()}${pin}`)) found.push(`${label}${pin}`);
  }
  for (const password of PASSWORDS) if (t.includes(password.toLowerCase())) found.push(password);
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('secrets audit', () => {
  it('the leak detector finds every secret in every spelling the script uses', () => {
    for (const line of [...EMULATOR_SCRIPT, ...DIRECT_LINE_SCRIPT]) {
      if (/担当者と話したい|^はい$|^最初から$/.test(line)) continue;
      expect(leaks(line), line).not.toEqual([]);
    }
  });

  it('after a scripted session, DATA_DIR, the logs and every reply hold none of the secrets', async () => {
    const logs = memoryLogger('trace');
    const dataDir = await tempDir();
    const app = await startApp(dataDir, {}, { logger: logs.logger });

    for (const text of EMULATOR_SCRIPT) {
      const res = await app.say('audit-emulator', text);
      expect(res.status, text).toBeLessThan(300);
    }
    const dl = await app.directLine('ja-JP');
    for (const text of DIRECT_LINE_SCRIPT) {
      const res = await dl.send(text);
      expect(res.status, text).toBe(200);
    }
    await app.app.flush();

    // Both handoffs left an inquiry (the member was given its reference id).
    const replies = app.connector.calls.map((c) => JSON.stringify(c.body));
    const dlTranscript = await (
      await fetch(`${app.base}/v3/directline/conversations/${dl.conversationId}/activities`, {
        headers: { authorization: `Bearer ${dl.token}` },
      })
    ).text();
    const ids = [
      ...`${replies.join('\n')}\n${dlTranscript}`.matchAll(/受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/g),
    ].map((m) => m[1]);
    expect(new Set(ids).size, 'both handoffs end with a reference id').toBe(2);

    const list = (await (await app.staff('/api/staff/inquiries')).json()) as {
      inquiries: Array<{ id: string }>;
    };
    expect(list.inquiries.map((q) => q.id).sort()).toEqual([...new Set(ids)].sort());
    const details = await Promise.all(
      list.inquiries.map(async (q) => (await app.staff(`/api/staff/inquiries/${q.id}`)).text()),
    );
    // The description reached staff, masked.
    expect(details.join('\n')).toContain('ログインできません');
    expect(details.join('\n')).toMatch(/\*{4}/);

    const findings: string[] = [];
    const scan = (where: string, text: string) => {
      for (const secret of leaks(text)) findings.push(`${secret} in ${where}`);
    };
    const files = await filesUnder(dataDir);
    expect(files.some((f) => f.includes(`${join(dataDir, 'inquiries')}`))).toBe(true);
    expect(files.some((f) => f.includes(`${join(dataDir, 'state')}`))).toBe(true);
    for (const file of files) scan(file, await readFile(file, 'utf8'));
    scan('logs', logs.text());
    for (const [i, body] of replies.entries()) scan(`reply ${i}`, body);
    scan('Direct Line transcript', dlTranscript);
    for (const [i, d] of details.entries()) scan(`staff API inquiry ${i}`, d);
    expect(findings).toEqual([]);

    // The logs were really captured at trace level (the audit is not vacuous).
    expect(logs.lines().length).toBeGreaterThan(20);
    expect(logs.text()).toContain('"msg":"turn"');
  });
});
