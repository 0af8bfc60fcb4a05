-- Up Migration

-- The insight counters: one row per member turn, CSAT answer or staff takeover; never member text.
CREATE TABLE metric_events (
  id bigserial PRIMARY KEY,
  conversation_id text NOT NULL,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('turn', 'csat', 'takeover')),
  topic text,
  answered boolean NOT NULL DEFAULT false,
  fallback boolean NOT NULL DEFAULT false,
  did_you_mean boolean NOT NULL DEFAULT false,
  handoff boolean NOT NULL DEFAULT false,
  cancel boolean NOT NULL DEFAULT false,
  secret_warning boolean NOT NULL DEFAULT false,
  lang text,
  channel text,
  helpful boolean
);
CREATE INDEX metric_events_at ON metric_events (at);
CREATE INDEX metric_events_conversation ON metric_events (conversation_id);

-- The topic the member was in when the bot missed.
ALTER TABLE unanswered_groups ADD COLUMN topic text;

-- Down Migration
ALTER TABLE unanswered_groups DROP COLUMN topic;
DROP TABLE metric_events;
