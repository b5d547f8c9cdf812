-- nft database, PostgreSQL dialect. Keep in step with sqlite/nft/0001_init.sql. Rows name core rows (events, orders,
-- tickets) by plain integers or uuids: the two databases have no keys across them.

CREATE TABLE nft_collections (
    collection_id    BIGSERIAL PRIMARY KEY,
    event_id         BIGINT NOT NULL,  -- core.events.event_id
    kind             TEXT NOT NULL DEFAULT 'ticket' CHECK (kind IN ('ticket', 'sbt')),
    address          TEXT UNIQUE,       -- NULL until deployed
    metadata_url     TEXT NOT NULL,
    owner_address    TEXT NOT NULL,
    next_item_index  BIGINT NOT NULL DEFAULT 0 CHECK (next_item_index >= 0),
    state            TEXT NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'deploy_request', 'deployed', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX nft_collections_event_idx ON nft_collections (event_id);

CREATE TABLE nft_items (
    item_id        BIGSERIAL PRIMARY KEY,
    collection_id  BIGINT NOT NULL REFERENCES nft_collections (collection_id),
    item_index     BIGINT NOT NULL CHECK (item_index >= 0),
    owner_address  TEXT NOT NULL,
    address        TEXT UNIQUE,
    content_url    TEXT,
    ticket_id      BIGINT,  -- core.tickets.ticket_id
    state          TEXT NOT NULL DEFAULT 'created' CHECK (state IN ('created', 'mint_request', 'minted', 'failed')),
    attempts       BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error     TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (collection_id, item_index)
);
CREATE INDEX nft_items_state_idx ON nft_items (state, updated_at);

CREATE TABLE transactions (
    transaction_id  BIGSERIAL PRIMARY KEY,
    hash            TEXT NOT NULL UNIQUE,
    lt              BIGINT NOT NULL,
    account         TEXT NOT NULL,  -- the watched wallet
    counterparty    TEXT,
    value           BIGINT NOT NULL CHECK (value >= 0),  -- nanotons
    type            TEXT NOT NULL CHECK (type IN ('failed', 'paid', 'pending')),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    comment         TEXT,
    order_uuid      TEXT,  -- core.orders.uuid once matched
    utime           BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX transactions_account_lt_idx ON transactions (account, lt);
CREATE INDEX transactions_comment_idx ON transactions (comment);
CREATE INDEX transactions_order_idx ON transactions (order_uuid);

CREATE TABLE watch_wallets (
    address     TEXT PRIMARY KEY,
    last_lt     BIGINT NOT NULL DEFAULT 0,
    last_hash   TEXT,
    updated_at  BIGINT NOT NULL
);
