-- Up Migration

-- Staff accounts: the password only as a scrypt hash (src/staff/passwords.ts).
CREATE TABLE staff_accounts (
  login text PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('agent', 'supervisor')),
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Signed-in sessions; the id only as its SHA-256.
CREATE TABLE staff_sessions (
  id_hash text PRIMARY KEY,
  login text NOT NULL REFERENCES staff_accounts (login) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL
);
CREATE INDEX staff_sessions_login ON staff_sessions (login);

-- The audit log: append-only (the application never updates or deletes a row).
CREATE TABLE staff_audit (
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  inquiry_id text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX staff_audit_inquiry ON staff_audit (inquiry_id, seq DESC);
CREATE INDEX staff_audit_actor ON staff_audit (actor, seq DESC);
CREATE INDEX staff_audit_at ON staff_audit (at);

-- Append-only in the database too: no role the application uses can rewrite history.
CREATE FUNCTION staff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'staff_audit is append-only';
END;
$$;
CREATE TRIGGER staff_audit_no_change BEFORE UPDATE OR DELETE ON staff_audit
  FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();

-- Down Migration
DROP TABLE staff_audit;
DROP FUNCTION staff_audit_append_only();
DROP TABLE staff_sessions;
DROP TABLE staff_accounts;
