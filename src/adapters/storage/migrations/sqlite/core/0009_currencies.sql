-- onton: foreign_keys off
-- Ticket types and orders priced in USDT (a TEP-74 jetton, micro-USDT) and Telegram Stars (XTR, whole Stars)
-- beside TON (nanotons): amounts stay integers in the currency's smallest unit. SQLite cannot widen a CHECK in
-- place, so both tables are rebuilt (the migrator turns foreign keys off for this file and checks them before it
-- commits). Fixed-amount promo codes now say which currency their amount is in. Keep in step with
-- postgres/core/0009_currencies.sql.
CREATE TABLE ticket_types_new (
    ticket_type_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT,
    price           INTEGER NOT NULL CHECK (price >= 0),  -- in the currency's smallest unit
    currency        TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON', 'USDT', 'XTR')),
    supply          INTEGER CHECK (supply IS NULL OR supply >= 0),  -- NULL: unlimited
    sold            INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0),
    reserved        INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),  -- held by unpaid, unexpired orders
    per_user_limit  INTEGER CHECK (per_user_limit IS NULL OR per_user_limit > 0),
    sale_start      INTEGER,
    sale_end        INTEGER,
    is_nft          INTEGER NOT NULL DEFAULT 0 CHECK (is_nft IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    transferable    INTEGER NOT NULL DEFAULT 1 CHECK (transferable IN (0, 1)),
    CHECK (supply IS NULL OR sold + reserved <= supply),
    CHECK (sale_start IS NULL OR sale_end IS NULL OR sale_end >= sale_start),
    UNIQUE (event_id, name)
) STRICT;
INSERT INTO ticket_types_new (ticket_type_id, event_id, name, description, price, currency, supply, sold, reserved,
                              per_user_limit, sale_start, sale_end, is_nft, created_at, updated_at, transferable)
SELECT ticket_type_id, event_id, name, description, price, currency, supply, sold, reserved, per_user_limit,
       sale_start, sale_end, is_nft, created_at, updated_at, transferable
FROM ticket_types;
DROP TABLE ticket_types;
ALTER TABLE ticket_types_new RENAME TO ticket_types;
CREATE INDEX ticket_types_event_idx ON ticket_types (event_id);

CREATE TABLE orders_new (
    uuid             TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (user_id),
    event_id         INTEGER NOT NULL REFERENCES events (event_id),
    ticket_type_id   INTEGER REFERENCES ticket_types (ticket_type_id),
    promo_code_id    INTEGER REFERENCES promo_codes (promo_code_id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    total_price      INTEGER NOT NULL CHECK (total_price >= 0),  -- in the currency's smallest unit
    currency         TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON', 'USDT', 'XTR')),
    state            TEXT NOT NULL DEFAULT 'created'
                     CHECK (state IN ('created', 'paid', 'failed', 'expired', 'refunded', 'canceled')),
    type             TEXT NOT NULL CHECK (type IN ('ticket', 'nft_mint', 'event_creation')),
    payment_comment  TEXT UNIQUE,  -- NULL for free orders
    expires_at       INTEGER,
    idempotency_key  TEXT,
    paid_at          INTEGER,
    payment_tx_hash  TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    request_hash     TEXT,
    CHECK (type <> 'ticket' OR ticket_type_id IS NOT NULL),
    UNIQUE (user_id, idempotency_key)
) STRICT;
INSERT INTO orders_new (uuid, user_id, event_id, ticket_type_id, promo_code_id, quantity, total_price, currency, state,
                        type, payment_comment, expires_at, idempotency_key, paid_at, payment_tx_hash, created_at,
                        updated_at, request_hash)
SELECT uuid, user_id, event_id, ticket_type_id, promo_code_id, quantity, total_price, currency, state, type,
       payment_comment, expires_at, idempotency_key, paid_at, payment_tx_hash, created_at, updated_at, request_hash
FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_user_idx ON orders (user_id, created_at);
CREATE INDEX orders_event_idx ON orders (event_id);
CREATE INDEX orders_state_expires_idx ON orders (state, expires_at);

ALTER TABLE promo_codes ADD COLUMN currency TEXT CHECK (currency IS NULL OR currency IN ('TON', 'USDT', 'XTR'));
UPDATE promo_codes SET currency = 'TON' WHERE discount_amount IS NOT NULL;
