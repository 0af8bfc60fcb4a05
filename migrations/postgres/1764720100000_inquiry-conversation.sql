-- Up Migration

-- The conversation an inquiry was filed from, as a column: every member turn asks whether an open
-- inquiry of its conversation is taken over (live chat) or awaits the member's answer.
ALTER TABLE inquiries ADD COLUMN conversation_id text;
UPDATE inquiries SET conversation_id = document #>> '{conversationReference,conversation,id}';
CREATE INDEX inquiries_conversation ON inquiries (conversation_id) WHERE status <> 'resolved';

-- Down Migration
DROP INDEX inquiries_conversation;
ALTER TABLE inquiries DROP COLUMN conversation_id;
