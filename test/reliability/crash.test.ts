import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inquirySchema } from '../../src/triage/inquiryStore.js';
import { emulatorActivity, FakeConnector } from '../support/fakeConnector.js';
import { killServerProcesses, startServerProcess } from '../support/serverProcess.js';
import { useTempDirs } from '../support/tempDir.js';
import { STAFF_TOKEN } from './helpers.js';

// Crash safety: the real server process under a load of inquiry creation (many concurrent members
// leaving an inquiry for staff) is killed with SIGKILL mid-load and restarted on the same DATA_DIR.
// Every inquiry whose reference id reached a member must be there; every file must parse.

const tempDir = useTempDirs();
const CONVERSATIONS = 24;
const KILL_AFTER_TOLD = 30;
const REFERENCE = /受付番号：(Q\d{8}-[A-HJ-NP-Z]{8})/;

afterEach(() => killServerProcesses());

const startServer = (dataDir: string) =>
  startServerProcess({
    DATA_DIR: dataDir,
    STAFF_TOKEN,
    RATE_LIMIT_IP_REQUESTS: '0',
    RATE_LIMIT_CONVERSATION_MESSAGES: '0',
    RATE_LIMIT_INQUIRIES_PER_HOUR: '0',
  });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** steno/lowdb write a dot-named temp file and rename it; a kill can leave one behind. */
const isTempFile = (file: string) => /^\..*\.tmp$/.test(basename(file));

describe('crash safety', () => {
  it('keeps every inquiry a member was told about through kill -9 mid-load; every file parses', async () => {
    const dataDir = await tempDir();
    const connector = new FakeConnector();
    await connector.start();
    try {
      const first = await startServer(dataDir);

      const told = new Set<string>();
      const noteTold = () => {
        for (const call of connector.calls) {
          const id = REFERENCE.exec(String(call.body.text ?? ''))?.[1];
          if (id) told.add(id);
        }
      };
      let killed = false;
      let sent = 0;
      let inFlight = 0;
      let inFlightAtKill = 0;
      const post = async (conversationId: string, text: string) => {
        sent += 1;
        inFlight += 1;
        const res = await fetch(`${first.base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            emulatorActivity(connector.url, {
              id: `${conversationId}-${sent}`,
              conversation: { id: conversationId },
              from: { id: `member-${conversationId}`, name: 'Member', role: 'user' },
              locale: 'ja-JP',
              text,
            }),
          ),
        }).finally(() => {
          inFlight -= 1;
        });
        if (res.status >= 300) throw new Error(`${res.status} for ${text}`);
      };
      // The kill comes from outside the members' loops, whatever they are doing at that moment.
      const watcher = setInterval(() => {
        noteTold();
        if (!killed && told.size >= KILL_AFTER_TOLD) {
          killed = true;
          inFlightAtKill = inFlight;
          first.child.kill('SIGKILL');
          clearInterval(watcher);
        }
      }, 5);
      // Each simulated member leaves inquiries one after another until the server dies.
      const member = async (n: number) => {
        for (let round = 0; !killed; round++) {
          const conversationId = `crash-${n}-${round}`;
          try {
            await post(conversationId, '担当者と話したい');
            await post(conversationId, `ログインできません（会員 ${n}、${round} 回目）`);
            await post(conversationId, 'はい');
          } catch (err) {
            if (killed) return;
            throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: CONVERSATIONS }, (_, n) => member(n))).finally(() =>
        clearInterval(watcher),
      );
      expect(await first.exited).toBe('SIGKILL');
      // Replies still on their way when the process died do not count: only what the member got.
      noteTold();
      expect(told.size).toBeGreaterThanOrEqual(KILL_AFTER_TOLD);
      expect(inFlightAtKill, 'killed mid-load').toBeGreaterThan(CONVERSATIONS / 2);

      // Every file parses (a temp file of an interrupted write may remain; it is never read). An
      // append-only .jsonl file parses line by line: only an unterminated last line may be cut short
      // (its reader skips it).
      const files = await filesUnder(dataDir);
      const leftovers = files.filter(isTempFile);
      const dataFiles = files.filter((f) => !isTempFile(f));
      expect(dataFiles.length).toBeGreaterThan(KILL_AFTER_TOLD);
      const unparsable: string[] = [];
      for (const file of dataFiles) {
        const text = await readFile(file, 'utf8');
        const documents = file.endsWith('.jsonl') ? text.split('\n').slice(0, -1) : [text];
        try {
          for (const document of documents) JSON.parse(document);
        } catch {
          unparsable.push(file);
        }
      }
      expect(unparsable).toEqual([]);
      // Every inquiry file is a complete, valid inquiry.
      for (const file of dataFiles.filter((f) => f.startsWith(join(dataDir, 'inquiries')))) {
        expect(inquirySchema.safeParse(JSON.parse(await readFile(file, 'utf8'))).success, file).toBe(true);
      }

      // Restart on the same DATA_DIR: every told inquiry is in the staff queue.
      const second = await startServer(dataDir);
      // The inquiry store clears its leftover temp files when it opens.
      const inquiryTemps = (await filesUnder(join(dataDir, 'inquiries'))).filter(isTempFile);
      expect(inquiryTemps).toEqual([]);
      const res = await fetch(`${second.base}/api/staff/inquiries`, {
        headers: { authorization: `Bearer ${STAFF_TOKEN}` },
      });
      expect(res.status).toBe(200);
      const listed = new Set(
        ((await res.json()) as { inquiries: Array<{ id: string }> }).inquiries.map((q) => q.id),
      );
      const missing = [...told].filter((id) => !listed.has(id));
      expect(missing).toEqual([]);
      // And the restarted bot works: a member can leave another inquiry.
      const again = await fetch(`${second.base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          emulatorActivity(connector.url, {
            conversation: { id: 'after-restart' },
            locale: 'ja-JP',
            text: 'こんにちは',
          }),
        ),
      });
      expect(again.status).toBeLessThan(300);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);

      console.info(
        `crash test: ${sent} messages sent, ${inFlightAtKill} in flight at SIGKILL, ${told.size} inquiries told, ${listed.size} stored, ${leftovers.length} temp files left`,
      );
    } finally {
      await connector.stop();
    }
  }, 90_000);
});
