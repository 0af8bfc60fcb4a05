import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { useTempDirs } from '../support/tempDir.js';
import { memoryLogger, startApp } from './helpers.js';

// Secrets audit: a scripted member session over /api/messages (Emulator protocol) and over Direct
// Line (Web Chat) types card numbers in several spellings, PINs and passwords — also inside the
// description of an inquiry left for staff. Afterwards no secret may be anywhere: not in any file
// under DATA_DIR (state, inquiries, unanswered log), not in the logs captured at trace level, not in
// a reply the bot sent, not in the Direct Line transcript, not in what the staff API shows; on
// PostgreSQL, not in any row of any table either.

const tempDir = useTempDirs();

let postgres: TestPostgres | undefined;
async function testPostgres(): Promise<TestPostgres> {
  postgres ??= await startTestPostgres();
  return postgres;
}
afterAll(async () => {
  await postgres?.stop();
});

/** Every row of every table of the database, as text. */
async function databaseRows(databaseUrl: string): Promise<Array<{ table: string; text: string }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const out: Array<{ table: string; text: string }> = [];
    for (const { name } of tables) {
      const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`);
      for (const r of rows) out.push({ table: name, text: r.row });
    }
    return out;
  } finally {
    await client.end();
  }
}

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

// The kinds a holdout round found leaking, typed as members type them. Each probe is what must not
// be found afterwards: digits standalone (after folding kanji numerals, widths and the joiners
// members put between digits), words and passphrases anywhere.
const NEW_KIND_SCRIPT = [
  'カード番号は四一一一 一一一一 一一一一 一一一一',
  'かーど番号 5500-0000-0000-0004 が通らない',
  '暗所番号は0739です',
  '暗証番号は〇二五三',
  '暗証番号は0と4と8と2',
  'ATMで押す番号は0916です',
  'パスワードは「すずめ の おやど 8」',
  'my password is "amber falcon tundra"',
  'パスワードはひばり77です',
  'カード番号は3530 1113、続きが3330 0000です',
  'カード番号（5105 1051 0510 5100）でログインできない',
  'パスワードは前半がkestrelで後半が0552',
  'password starts with glacier and ends with 0634',
  'passwrod: Qx7vplum',
  '最初から',
  '担当者と話したい',
  'ログインできません。かーど番号 5500-0000-0000-0004、暗所番号は0739、パスワード「すずめ の おやど 8」',
  'はい',
];
const NEW_DIGITS = [
  '4111111111111111',
  '5500000000000004',
  '0739',
  '0253',
  '0482',
  '0916',
  '35301113',
  '33300000',
  '5105105105105100',
  '0552',
  '0634',
];
const NEW_WORDS = ['すずめのおやど8', 'amberfalcontundra', 'ひばり77', 'kestrel', 'glacier', 'qx7vplum'];
// A passphrase no guard can know is one: it may reach staff only in the description the member
// confirmed, and never conversation state or the unanswered log.
const UNLABELLED = 'あいことばはふくろうのもり';
const UNLABELLED_PROBE = 'ふくろうのもり';

const KANJI = '〇一二三四五六七八九';
/** canonical() plus kanji numerals and the joiners members put between single digits (と、・). */
function folded(text: string): string {
  return canonical(text.replace(/[〇一二三四五六七八九]/gu, (c) => String(KANJI.indexOf(c)))).replace(
    /(?<=\d)[と、,・]+(?=\d)/gu,
    '',
  );
}

// Machine-made values, never what a member typed: ids and tokens (letters and digits, 16+ long, such
// as UUIDs and eTags) and JSON numbers (durations, times). Random hex may hold a probe's digits.
const MACHINE_ID = /(?=[A-Za-z0-9_-]*[A-Za-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{16,}/gu;
const JSON_NUMBER = /(?<=":)-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?=[,}\]])/giu;

function newKindLeaks(text: string): string[] {
  const t = folded(text.replace(MACHINE_ID, ' ').replace(JSON_NUMBER, '0'));
  const found = NEW_DIGITS.filter((d) => new RegExp(`(?<!\\d)${d}(?!\\d)`, 'u').test(t));
  return [...found, ...NEW_WORDS.filter((w) => t.includes(w.toLowerCase()))];
}

describe('secrets audit', () => {
  it('the leak detector finds every secret in every spelling the script uses', () => {
    for (const line of [...EMULATOR_SCRIPT, ...DIRECT_LINE_SCRIPT]) {
      if (/担当者と話したい|^はい$|^最初から$/.test(line)) continue;
      expect(leaks(line), line).not.toEqual([]);
    }
    // The new kinds too, also inside a log line or a stored JSON document, next to machine-made ids.
    for (const line of NEW_KIND_SCRIPT.filter((l) => !/^(?:最初から|担当者と話したい|はい)$/.test(l))) {
      const stored = JSON.stringify({ id: '3f0482aa-9c1e-4d2b-8e0f-04820482a1b2', ms: 0.482, text: line });
      expect(newKindLeaks(stored), line).not.toEqual([]);
    }
    expect(newKindLeaks(JSON.stringify({ id: '3f0482aa-9c1e-4d2b-8e0f-04820482a1b2', ms: 0.0482 }))).toEqual(
      [],
    );
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

  it.each(['lowdb', 'postgres'] as const)(
    'the new kinds (kanji, misspelt labels, ATM context, joined digits, kana passphrases, split values) leave no trace (%s)',
    async (backend) => {
      for (const line of NEW_KIND_SCRIPT) {
        if (/担当者と話したい|^はい$|^最初から$/.test(line)) continue;
        expect(newKindLeaks(line), line).not.toEqual([]);
      }
      const logs = memoryLogger('trace');
      const dataDir = await tempDir();
      const databaseUrl = backend === 'postgres' ? await (await testPostgres()).createDatabase() : '';
      const env: Record<string, string> = databaseUrl
        ? { STORAGE: 'postgres', DATABASE_URL: databaseUrl }
        : {};
      const app = await startApp(dataDir, env, { logger: logs.logger });
      for (const text of NEW_KIND_SCRIPT) {
        const res = await app.say('audit-new-kinds', text);
        expect(res.status, text).toBeLessThan(300);
      }
      const dl = await app.directLine('ja-JP');
      for (const text of [...NEW_KIND_SCRIPT.slice(0, 14), UNLABELLED, 'カードをなくした', UNLABELLED]) {
        expect((await dl.send(text)).status, text).toBe(200);
      }
      await app.app.flush();

      const replies = app.connector.calls.map((c) => JSON.stringify(c.body));
      const dlTranscript = await (
        await fetch(`${app.base}/v3/directline/conversations/${dl.conversationId}/activities`, {
          headers: { authorization: `Bearer ${dl.token}` },
        })
      ).text();
      const list = (await (await app.staff('/api/staff/inquiries')).json()) as {
        inquiries: Array<{ id: string }>;
      };
      expect(list.inquiries).toHaveLength(1);
      const id = list.inquiries[0]!.id;
      // A staff reply that carries one of them is refused, so it reaches neither the member nor a store.
      const refused = await app.staff(`/api/staff/inquiries/${id}/replies`, {
        method: 'POST',
        body: { text: '暗所番号は0739でお間違いないですか', author: 'audit' },
      });
      expect(refused.status).toBe(422);
      const detail = await (await app.staff(`/api/staff/inquiries/${id}`)).text();
      const unanswered = await (await app.staff('/api/staff/unanswered')).text();
      expect(detail).toContain('ログインできません');

      const findings: string[] = [];
      const scan = (where: string, text: string) => {
        for (const secret of newKindLeaks(text)) findings.push(`${secret} in ${where}`);
      };
      const files = await filesUnder(dataDir);
      for (const file of files) {
        const text = await readFile(file, 'utf8');
        scan(file, text);
        // What the guard cannot know is a secret is at rest only in what was sent to staff and in the
        // member's own chat transcript (kept for the Direct Line retention).
        const allowed = [join(dataDir, 'inquiries'), join(dataDir, 'directline')];
        if (!allowed.some((dir) => file.includes(dir)) && text.includes(UNLABELLED_PROBE)) {
          findings.push(`${UNLABELLED_PROBE} in ${file}`);
        }
      }
      if (databaseUrl) {
        const rows = await databaseRows(databaseUrl);
        expect(rows.some((r) => r.table === 'inquiries')).toBe(true);
        expect(rows.some((r) => r.table === 'conversation_state')).toBe(true);
        // The scan reads real text: the member's own chat transcript holds what no guard can know.
        expect(rows.some((r) => r.table === 'dl_activities' && r.text.includes(UNLABELLED_PROBE))).toBe(true);
        for (const { table, text } of rows) {
          scan(`table ${table}`, text);
          // Only what was sent to staff and the member's own chat transcript may hold it.
          if (!['inquiries', 'dl_activities'].includes(table) && text.includes(UNLABELLED_PROBE)) {
            findings.push(`${UNLABELLED_PROBE} in table ${table}`);
          }
        }
      }
      scan('logs', logs.text());
      for (const [i, body] of replies.entries()) scan(`reply ${i}`, body);
      scan('Direct Line transcript', dlTranscript);
      scan('staff API inquiry', detail);
      scan('staff API unanswered', unanswered);
      if (unanswered.includes(UNLABELLED_PROBE)) findings.push(`${UNLABELLED_PROBE} in the unanswered log`);
      await app.stop();
      expect(findings).toEqual([]);
      expect(logs.lines().length).toBeGreaterThan(20);
    },
  );
});
