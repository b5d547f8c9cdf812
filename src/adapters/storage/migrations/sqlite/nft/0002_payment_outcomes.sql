-- What each incoming payment did: its outcome (paid, underpaid, late_paid, refund_due, already_settled,
-- unknown_comment, no_comment) and the nanotons of it that must go back to the sender.
ALTER TABLE transactions ADD COLUMN outcome TEXT;
ALTER TABLE transactions ADD COLUMN refund_due INTEGER NOT NULL DEFAULT 0 CHECK (refund_due >= 0);
CREATE INDEX transactions_outcome_idx ON transactions (outcome);
