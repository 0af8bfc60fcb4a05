import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { KeyedQueue } from '../../keyedQueue.js';
import {
  type AuditEntry,
  type AuditQuery,
  DuplicateAccountError,
  type StaffAccount,
  type StaffSession,
  type StaffStore,
} from '../types.js';

// Staff data under DATA_DIR/staff: accounts.json (written by `npm run staff` as well as the server,
// so it is re-read on every use), sessions.json (the server's), audit.jsonl (append-only, a line per
// entry: nothing ever rewrites it).

interface AccountsFile {
  accounts: StaffAccount[];
}
interface SessionsFile {
  sessions: StaffSession[];
}

export class LowdbStaffStore implements StaffStore {
  private readonly accounts: Low<AccountsFile>;
  private readonly sessions: Low<SessionsFile>;
  private readonly auditFile: string;
  private readonly queue = new KeyedQueue();
  private seq = 0;
  private seqLoaded: Promise<void> | undefined;

  private constructor(dir: string) {
    this.accounts = new Low(new JSONFile<AccountsFile>(join(dir, 'accounts.json')), { accounts: [] });
    this.sessions = new Low(new JSONFile<SessionsFile>(join(dir, 'sessions.json')), { sessions: [] });
    this.auditFile = join(dir, 'audit.jsonl');
  }

  static async open(dir: string): Promise<LowdbStaffStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return new LowdbStaffStore(dir);
  }

  private async readAccounts(): Promise<StaffAccount[]> {
    await this.accounts.read();
    return this.accounts.data.accounts ?? [];
  }

  private changeAccounts<T>(change: (accounts: StaffAccount[]) => T): Promise<T> {
    return this.queue.run('accounts', async () => {
      const accounts = await this.readAccounts();
      const result = change(accounts);
      this.accounts.data = { accounts };
      await this.accounts.write();
      return result;
    });
  }

  private changeSessions<T>(change: (sessions: StaffSession[]) => T): Promise<T> {
    return this.queue.run('sessions', async () => {
      await this.sessions.read();
      const sessions = this.sessions.data.sessions ?? [];
      const result = change(sessions);
      this.sessions.data = { sessions };
      await this.sessions.write();
      return result;
    });
  }

  addAccount(account: StaffAccount): Promise<void> {
    return this.changeAccounts((accounts) => {
      if (accounts.some((a) => a.login === account.login)) throw new DuplicateAccountError(account.login);
      accounts.push({ ...account });
    });
  }

  async getAccount(login: string): Promise<StaffAccount | undefined> {
    return (await this.readAccounts()).find((a) => a.login === login);
  }

  async listAccounts(): Promise<StaffAccount[]> {
    return [...(await this.readAccounts())].sort((a, b) => a.login.localeCompare(b.login));
  }

  updateAccount(
    login: string,
    change: Partial<Pick<StaffAccount, 'name' | 'role' | 'passwordHash' | 'disabled'>>,
  ): Promise<StaffAccount> {
    return this.changeAccounts((accounts) => {
      const i = accounts.findIndex((a) => a.login === login);
      const current = accounts[i];
      if (!current) throw new Error(`No staff account "${login}"`);
      const updated: StaffAccount = { ...current, ...change, updatedAt: new Date().toISOString() };
      accounts[i] = updated;
      return { ...updated };
    });
  }

  async countAccounts(): Promise<number> {
    return (await this.readAccounts()).length;
  }

  createSession(session: StaffSession): Promise<void> {
    return this.changeSessions((sessions) => {
      sessions.push({ ...session });
    });
  }

  async getSession(idHash: string): Promise<StaffSession | undefined> {
    return this.queue.run('sessions', async () => {
      await this.sessions.read();
      const found = (this.sessions.data.sessions ?? []).find((s) => s.idHash === idHash);
      return found && { ...found };
    });
  }

  touchSession(idHash: string, lastSeenAt: number): Promise<void> {
    return this.changeSessions((sessions) => {
      const found = sessions.find((s) => s.idHash === idHash);
      if (found) found.lastSeenAt = lastSeenAt;
    });
  }

  deleteSession(idHash: string): Promise<void> {
    return this.changeSessions((sessions) => {
      const i = sessions.findIndex((s) => s.idHash === idHash);
      if (i >= 0) sessions.splice(i, 1);
    });
  }

  deleteSessionsOf(login: string): Promise<void> {
    return this.changeSessions((sessions) => {
      const kept = sessions.filter((s) => s.login !== login);
      sessions.splice(0, sessions.length, ...kept);
    });
  }

  sweepSessions(idleBefore: number, createdBefore: number): Promise<number> {
    return this.changeSessions((sessions) => {
      const before = sessions.length;
      const kept = sessions.filter((s) => s.lastSeenAt >= idleBefore && s.createdAt >= createdBefore);
      sessions.splice(0, sessions.length, ...kept);
      return before - kept.length;
    });
  }

  private async readAudit(): Promise<AuditEntry[]> {
    const text = await readFile(this.auditFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A line cut short by a crash mid-append: the entries around it are intact.
      }
    }
    return entries;
  }

  appendAudit(entry: Omit<AuditEntry, 'seq'>): Promise<void> {
    return this.queue.run('audit', async () => {
      this.seqLoaded ??= this.readAudit().then((all) => {
        this.seq = all.reduce((max, e) => Math.max(max, e.seq), 0);
      });
      await this.seqLoaded;
      this.seq += 1;
      await appendFile(this.auditFile, `${JSON.stringify({ seq: this.seq, ...entry })}\n`, {
        encoding: 'utf8',
        mode: 0o600,
      });
    });
  }

  async listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    await this.queue.run('audit', async () => undefined);
    const matching = (await this.readAudit()).filter(
      (e) =>
        (query.inquiryId === undefined || e.inquiryId === query.inquiryId) &&
        (query.actor === undefined || e.actor === query.actor) &&
        (query.from === undefined || Date.parse(e.at) >= Date.parse(query.from)) &&
        (query.to === undefined || Date.parse(e.at) < Date.parse(query.to)) &&
        (query.before === undefined || e.seq < query.before),
    );
    return matching.sort((a, b) => b.seq - a.seq).slice(0, query.limit);
  }
}
