-- The platform wallet's outgoing messages (domain/wallet/sender) and what the NFT manager needs to mint exactly
-- once. Keep in step with sqlite/nft/0003_wallet_messages_nft.sql.

-- One row per internal message the platform wallet must send, written before anything is sent. `seqno`,
-- `valid_until` and `ext_hash` name the signed external that carries it (several rows share one when batched);
-- a row is confirmed only when that external's transaction is seen on chain.
CREATE TABLE wallet_messages (
    message_id       BIGSERIAL PRIMARY KEY,
    wallet           TEXT NOT NULL,  -- the sending wallet, raw form
    idempotency_key  TEXT NOT NULL,
    destination      TEXT NOT NULL,  -- raw form
    amount           BIGINT NOT NULL CHECK (amount >= 0),  -- nanotons
    bounce           BIGINT NOT NULL CHECK (bounce IN (0, 1)),
    body_boc         TEXT,  -- base64 BOC of the body; NULL: empty body
    init_boc         TEXT,  -- base64 BOC of a StateInit to deploy the destination; NULL: none
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'confirmed', 'failed')),
    seqno            BIGINT,
    valid_until      BIGINT,
    ext_hash         TEXT,  -- base64 hash of the last external message that carried the row
    after_lt         BIGINT,  -- the wallet's last transaction lt before that external was sent
    tx_hash          TEXT,  -- the wallet transaction that sent it, once confirmed
    attempts         BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (wallet, idempotency_key)
);
CREATE INDEX wallet_messages_state_idx ON wallet_messages (wallet, state, next_attempt_at);

-- Collections: one per event and kind; the wallet message that deploys them; when to look at the chain next.
ALTER TABLE nft_collections ADD COLUMN event_uuid TEXT;
ALTER TABLE nft_collections ADD COLUMN message_id BIGINT;
ALTER TABLE nft_collections ADD COLUMN next_check_at BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX nft_collections_event_kind_idx ON nft_collections (event_id, kind);

-- Items: the index is assigned when the mint is requested (the collection mints indexes in order), so an item
-- of a holder without a linked wallet waits in `created` without one; SBT items name their user.
ALTER TABLE nft_items ALTER COLUMN item_index DROP NOT NULL;
ALTER TABLE nft_items ALTER COLUMN owner_address DROP NOT NULL;
ALTER TABLE nft_items ADD COLUMN user_id BIGINT;  -- core.users.user_id of the holder
ALTER TABLE nft_items ADD COLUMN message_id BIGINT;
ALTER TABLE nft_items ADD COLUMN next_check_at BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX nft_items_ticket_idx ON nft_items (ticket_id) WHERE ticket_id IS NOT NULL;
CREATE UNIQUE INDEX nft_items_sbt_idx ON nft_items (collection_id, user_id) WHERE ticket_id IS NULL;
