import type { AuditDetail, StaffRole } from '../../triage/staffActor.js';
import {
  type AuditEntry,
  type AuditQuery,
  DuplicateAccountError,
  type StaffAccount,
  type StaffSession,
  type StaffStore,
} from '../types.js';
import type { Db } from './db.js';

// Staff accounts, sessions and the audit log in PostgreSQL (migration 1764720000000): every instance
// and `npm run staff` see the same rows.

interface AccountRow {
  login: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const account = (r: AccountRow): StaffAccount => ({
  login: r.login,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

interface SessionRow {
  id_hash: string;
  login: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  inquiry_id: string | null;
  detail: AuditDetail;
}

export class PgStaffStore implements StaffStore {
  constructor(private readonly db: Db) {}

  async addAccount(a: StaffAccount): Promise<void> {
    const { rows } = await this.db.query(
      `INSERT INTO staff_accounts (login, name, role, password_hash, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (login) DO NOTHING RETURNING login`,
      [a.login, a.name, a.role, a.passwordHash, a.disabled, a.createdAt, a.updatedAt],
    );
    if (!rows[0]) throw new DuplicateAccountError(a.login);
  }

  async getAccount(login: string): Promise<StaffAccount | undefined> {
    const { rows } = await this.db.query<AccountRow>('SELECT * FROM staff_accounts WHERE login = $1', [
      login,
    ]);
    return rows[0] && account(rows[0]);
  }

  async listAccounts(): Promise<StaffAccount[]> {
    const { rows } = await this.db.query<AccountRow>('SELECT * FROM staff_accounts ORDER BY login');
    return rows.map(account);
  }

  async updateAccount(
    login: string,
    change: Partial<Pick<StaffAccount, 'name' | 'role' | 'passwordHash' | 'disabled'>>,
  ): Promise<StaffAccount> {
    const { rows } = await this.db.query<AccountRow>(
      `UPDATE staff_accounts SET
         name = COALESCE($2, name), role = COALESCE($3, role),
         password_hash = COALESCE($4, password_hash), disabled = COALESCE($5, disabled),
         updated_at = now()
       WHERE login = $1 RETURNING *`,
      [login, change.name ?? null, change.role ?? null, change.passwordHash ?? null, change.disabled ?? null],
    );
    if (!rows[0]) throw new Error(`No staff account "${login}"`);
    return account(rows[0]);
  }

  async countAccounts(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM staff_accounts');
    return Number(rows[0]?.n ?? 0);
  }

  async createSession(s: StaffSession): Promise<void> {
    await this.db.query(
      `INSERT INTO staff_sessions (id_hash, login, csrf_token, created_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [s.idHash, s.login, s.csrfToken, s.createdAt, s.lastSeenAt],
    );
  }

  async getSession(idHash: string): Promise<StaffSession | undefined> {
    const { rows } = await this.db.query<SessionRow>('SELECT * FROM staff_sessions WHERE id_hash = $1', [
      idHash,
    ]);
    const r = rows[0];
    return (
      r && {
        idHash: r.id_hash,
        login: r.login,
        csrfToken: r.csrf_token,
        createdAt: Number(r.created_at),
        lastSeenAt: Number(r.last_seen_at),
      }
    );
  }

  async touchSession(idHash: string, lastSeenAt: number): Promise<void> {
    await this.db.query('UPDATE staff_sessions SET last_seen_at = $2 WHERE id_hash = $1', [
      idHash,
      lastSeenAt,
    ]);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteSessionsOf(login: string): Promise<void> {
    await this.db.query('DELETE FROM staff_sessions WHERE login = $1', [login]);
  }

  async sweepSessions(idleBefore: number, createdBefore: number): Promise<number> {
    const { rowCount } = await this.db.query(
      'DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2',
      [idleBefore, createdBefore],
    );
    return rowCount ?? 0;
  }

  async appendAudit(e: Omit<AuditEntry, 'seq'>): Promise<void> {
    await this.db.query(
      'INSERT INTO staff_audit (at, actor, action, inquiry_id, detail) VALUES ($1, $2, $3, $4, $5::jsonb)',
      [e.at, e.actor, e.action, e.inquiryId ?? null, JSON.stringify(e.detail)],
    );
  }

  async listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (q.inquiryId !== undefined) where.push(`inquiry_id = ${param(q.inquiryId)}`);
    if (q.actor !== undefined) where.push(`actor = ${param(q.actor)}`);
    if (q.from !== undefined) where.push(`at >= ${param(q.from)}`);
    if (q.to !== undefined) where.push(`at < ${param(q.to)}`);
    if (q.before !== undefined) where.push(`seq < ${param(q.before)}`);
    const { rows } = await this.db.query<AuditRow>(
      `SELECT * FROM staff_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT ${param(q.limit)}`,
      values,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      ...(r.inquiry_id === null ? {} : { inquiryId: r.inquiry_id }),
      detail: r.detail,
    }));
  }
}
