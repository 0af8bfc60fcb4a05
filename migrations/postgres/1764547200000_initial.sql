-- Up Migration

-- botbuilder conversation state: version is the eTag (optimistic concurrency).
CREATE TABLE conversation_state (
  key text PRIMARY KEY,
  document jsonb NOT NULL,
  version bigint NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX conversation_state_updated_at ON conversation_state (updated_at);

-- Inquiries: the columns the staff queue filters and sorts on, and the whole record.
CREATE TABLE inquiries (
  id text PRIMARY KEY,
  topic text NOT NULL,
  priority text NOT NULL,
  status text NOT NULL,
  assignee text,
  created_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  document jsonb NOT NULL
);
CREATE INDEX inquiries_queue ON inquiries (due_at, created_at);
CREATE INDEX inquiries_status ON inquiries (status);

-- Staff replies not yet delivered.
CREATE TABLE reply_outbox (
  reply_id text PRIMARY KEY,
  inquiry_id text NOT NULL,
  conversation_id text NOT NULL,
  created_at timestamptz NOT NULL,
  claimed_until timestamptz
);
CREATE INDEX reply_outbox_conversation ON reply_outbox (conversation_id, created_at);

-- What members asked that the bot could not answer, grouped.
CREATE TABLE unanswered_groups (
  id text PRIMARY KEY,
  normalized text NOT NULL,
  lang text NOT NULL,
  count integer NOT NULL,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  examples jsonb NOT NULL
);
CREATE INDEX unanswered_groups_last_seen ON unanswered_groups (last_seen);

-- Direct Line transcripts. last_seq is the watermark; activities of one conversation are appended
-- under its row lock, so their seq order is their commit order.
CREATE TABLE dl_conversations (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  last_active_at timestamptz NOT NULL,
  started boolean NOT NULL DEFAULT false,
  last_seq bigint NOT NULL DEFAULT 0
);
CREATE INDEX dl_conversations_last_active ON dl_conversations (last_active_at);

CREATE TABLE dl_activities (
  seq bigserial PRIMARY KEY,
  conversation_id text NOT NULL REFERENCES dl_conversations (id) ON DELETE CASCADE,
  activity_id text NOT NULL,
  activity jsonb NOT NULL,
  expires_at timestamptz
);
CREATE INDEX dl_activities_conversation ON dl_activities (conversation_id, seq);

-- Short-lived keys: pending secret labels, used stream tokens.
CREATE TABLE expiring_keys (
  key text PRIMARY KEY,
  value text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX expiring_keys_expires_at ON expiring_keys (expires_at);

-- Values generated once and shared by every instance (the Direct Line token secret).
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);

-- rate-limiter-flexible's RateLimiterPostgres table (tableCreated: true), its own column layout.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Down Migration
DROP TABLE rate_limits;
DROP TABLE app_secrets;
DROP TABLE expiring_keys;
DROP TABLE dl_activities;
DROP TABLE dl_conversations;
DROP TABLE unanswered_groups;
DROP TABLE reply_outbox;
DROP TABLE inquiries;
DROP TABLE conversation_state;
