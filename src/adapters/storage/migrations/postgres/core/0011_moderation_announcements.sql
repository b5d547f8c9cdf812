-- Events held for moderation are announced to the admins' Telegram chat (ONTON_MODERATION_CHAT_ID) with Approve and
-- Reject buttons, once per flagged version (one moderation_reports row each). The row is claimed (`sending`) before
-- the message goes and then marked `sent` with Telegram's message id, which the decision edits; a process that
-- dies in between leaves `sending` and the report is not announced twice. Keep in step with
-- sqlite/core/0011_moderation_announcements.sql.
CREATE TABLE moderation_announcements (
    report_id   BIGINT PRIMARY KEY REFERENCES moderation_reports (report_id) ON DELETE CASCADE,
    chat_id     BIGINT NOT NULL,
    message_id  BIGINT,  -- Telegram's, once sent
    state       TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
