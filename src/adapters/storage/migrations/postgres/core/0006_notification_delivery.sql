-- Delivery of queued notifications: a row is claimed (claimed_at) before it is handed to Telegram, so a process
-- that dies mid-send leaves a visible "uncertain" row instead of sending twice; users who blocked the bot are
-- marked and skipped; the Telegram message id of each sent notification is kept.
ALTER TABLE notifications ADD COLUMN claimed_at BIGINT;
ALTER TABLE notifications ADD COLUMN telegram_message_id BIGINT;
ALTER TABLE users ADD COLUMN bot_blocked_at BIGINT;
