-- The platform wallet's outgoing messages (domain/wallet/sender) and what the NFT manager needs to mint exactly
-- once. Keep in step with postgres/nft/0003_wallet_messages_nft.sql.

-- One row per internal message the platform wallet must send, written before anything is sent. `seqno`,
-- `valid_until` and `ext_hash` name the signed external that carries it (several rows share one when batched);
-- a row is confirmed only when that external's transaction is seen on chain.
CREATE TABLE wallet_messages (
    message_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    wallet           TEXT NOT NULL,  -- the sending wallet, raw form
    idempotency_key  TEXT NOT NULL,
    destination      TEXT NOT NULL,  -- raw form
    amount           INTEGER NOT NULL CHECK (amount >= 0),  -- nanotons
    bounce           INTEGER NOT NULL CHECK (bounce IN (0, 1)),
    body_boc         TEXT,  -- base64 BOC of the body; NULL: empty body
    init_boc         TEXT,  -- base64 BOC of a StateInit to deploy the destination; NULL: none
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'confirmed', 'failed')),
    seqno            INTEGER,
    valid_until      INTEGER,
    ext_hash         TEXT,  -- base64 hash of the last external message that carried the row
    after_lt         INTEGER,  -- the wallet's last transaction lt before that external was sent
    tx_hash          TEXT,  -- the wallet transaction that sent it, once confirmed
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (wallet, idempotency_key)
) STRICT;
CREATE INDEX wallet_messages_state_idx ON wallet_messages (wallet, state, next_attempt_at);

-- Collections: one per event and kind; the wallet message that deploys them; when to look at the chain next.
ALTER TABLE nft_collections ADD COLUMN event_uuid TEXT;
ALTER TABLE nft_collections ADD COLUMN message_id INTEGER;
ALTER TABLE nft_collections ADD COLUMN next_check_at INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX nft_collections_event_kind_idx ON nft_collections (event_id, kind);

-- Items: the index is assigned when the mint is requested (the collection mints indexes in order), so an item
-- of a holder without a linked wallet waits in `created` without one; SBT items name their user. SQLite cannot
-- drop NOT NULL in place: the table is rebuilt (nothing references nft_items).
CREATE TABLE nft_items_v3 (
    item_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    collection_id  INTEGER NOT NULL REFERENCES nft_collections (collection_id),
    item_index     INTEGER CHECK (item_index >= 0),
    owner_address  TEXT,
    address        TEXT UNIQUE,
    content_url    TEXT,
    ticket_id      INTEGER,  -- core.tickets.ticket_id
    state          TEXT NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'mint_request', 'minted', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    user_id        INTEGER,  -- core.users.user_id of the holder
    message_id     INTEGER,
    next_check_at  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (collection_id, item_index)
) STRICT;
INSERT INTO nft_items_v3 (item_id, collection_id, item_index, owner_address, address, content_url, ticket_id, state,
                          attempts, last_error, created_at, updated_at)
SELECT item_id, collection_id, item_index, owner_address, address, content_url, ticket_id, state, attempts,
       last_error, created_at, updated_at
FROM nft_items;
DROP TABLE nft_items;
ALTER TABLE nft_items_v3 RENAME TO nft_items;
CREATE INDEX nft_items_state_idx ON nft_items (state, updated_at);
CREATE UNIQUE INDEX nft_items_ticket_idx ON nft_items (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX nft_items_sbt_idx ON nft_items (collection_id, user_id) WHERE ticket_id IS NULL;
