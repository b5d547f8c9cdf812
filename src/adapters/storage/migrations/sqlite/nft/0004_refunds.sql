-- Money going back to payers (domain/payments/refunds): one row per payment and reason, sent by the platform
-- wallet's sender (wallet_messages). Keep in step with postgres/nft/0004_refunds.sql.
CREATE TABLE refunds (
    refund_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    tx_hash      TEXT NOT NULL,   -- the incoming payment (transactions.hash)
    reason       TEXT NOT NULL CHECK (reason IN ('payment_outcome', 'order_refunded')),
    order_uuid   TEXT,
    destination  TEXT NOT NULL,   -- the payer
    amount       INTEGER NOT NULL CHECK (amount > 0),  -- nanotons
    message_id   INTEGER,          -- wallet_messages.message_id once queued for sending
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'queued', 'sent', 'failed')),
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (tx_hash, reason)
);
CREATE INDEX refunds_state_idx ON refunds (state, refund_id);
CREATE INDEX refunds_order_idx ON refunds (order_uuid);
