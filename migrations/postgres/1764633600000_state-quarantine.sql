-- Up Migration

-- Conversation state set aside because it failed validation or botbuilder could not continue it:
-- kept for a look, never read by the bot.
CREATE TABLE state_quarantine (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  document jsonb NOT NULL,
  quarantined_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE state_quarantine;
