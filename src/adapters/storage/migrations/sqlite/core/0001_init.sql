-- core database, SQLite dialect. Keep in step with postgres/core/0001_init.sql: same tables, columns, keys and
-- indexes. Money is INTEGER nanotons, times are INTEGER unix seconds, booleans are INTEGER 0/1.
-- STRICT tables reject values that cannot be stored losslessly in the column type, as PostgreSQL does.

CREATE TABLE users (
    user_id         INTEGER PRIMARY KEY,  -- Telegram user id, not generated
    username        TEXT,
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT,
    language_code   TEXT,
    photo_url       TEXT,
    wallet_address  TEXT,
    role            TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'organizer', 'admin')),
    is_premium      INTEGER NOT NULL DEFAULT 0 CHECK (is_premium IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX users_wallet_address_idx ON users (wallet_address);

CREATE TABLE sessions (
    session_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash  TEXT NOT NULL UNIQUE,  -- SHA-256 of the bearer token; the token itself is never stored
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
) STRICT;
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE events (
    event_id               INTEGER PRIMARY KEY AUTOINCREMENT,
    event_uuid             TEXT NOT NULL UNIQUE,
    owner_id               INTEGER NOT NULL REFERENCES users (user_id),
    title                  TEXT NOT NULL,
    subtitle               TEXT,
    description            TEXT NOT NULL DEFAULT '',
    image_url              TEXT,
    location               TEXT,
    online_link            TEXT,
    start_date             INTEGER NOT NULL,
    end_date               INTEGER NOT NULL,
    timezone               TEXT NOT NULL DEFAULT 'UTC',
    participation_type     TEXT NOT NULL CHECK (participation_type IN ('in_person', 'online')),
    has_payment            INTEGER NOT NULL DEFAULT 0 CHECK (has_payment IN (0, 1)),
    capacity               INTEGER CHECK (capacity IS NULL OR capacity >= 0),
    visibility             TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted')),
    status                 TEXT NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'pending_moderation', 'published', 'rejected', 'canceled',
                                             'ended')),
    category               TEXT,
    tags                   TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    ticket_nft_collection  TEXT,                        -- collection address once deployed
    reward_points          INTEGER NOT NULL DEFAULT 0 CHECK (reward_points >= 0),
    reward_sbt             INTEGER NOT NULL DEFAULT 0 CHECK (reward_sbt IN (0, 1)),
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    CHECK (end_date >= start_date)
) STRICT;
CREATE INDEX events_status_start_idx ON events (status, start_date);
CREATE INDEX events_owner_idx ON events (owner_id);

CREATE TABLE event_roles (
    event_id    INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('co_organizer', 'checkin_staff')),
    granted_by  INTEGER REFERENCES users (user_id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
) STRICT;
CREATE INDEX event_roles_user_idx ON event_roles (user_id);

CREATE TABLE ticket_types (
    ticket_type_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT,
    price           INTEGER NOT NULL CHECK (price >= 0),  -- nanotons
    currency        TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON')),
    supply          INTEGER CHECK (supply IS NULL OR supply >= 0),  -- NULL: unlimited
    sold            INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0),
    reserved        INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),  -- held by unpaid, unexpired orders
    per_user_limit  INTEGER CHECK (per_user_limit IS NULL OR per_user_limit > 0),
    sale_start      INTEGER,
    sale_end        INTEGER,
    is_nft          INTEGER NOT NULL DEFAULT 0 CHECK (is_nft IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK (supply IS NULL OR sold + reserved <= supply),
    CHECK (sale_start IS NULL OR sale_end IS NULL OR sale_end >= sale_start),
    UNIQUE (event_id, name)
) STRICT;
CREATE INDEX ticket_types_event_idx ON ticket_types (event_id);

CREATE TABLE promo_codes (
    promo_code_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id          INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    code              TEXT NOT NULL,
    discount_percent  INTEGER CHECK (discount_percent IS NULL OR (discount_percent > 0 AND discount_percent <= 100)),
    discount_amount   INTEGER CHECK (discount_amount IS NULL OR discount_amount > 0),  -- nanotons
    max_uses          INTEGER CHECK (max_uses IS NULL OR max_uses > 0),
    used_count        INTEGER NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    valid_from        INTEGER,
    valid_until       INTEGER,
    created_at        INTEGER NOT NULL,
    CHECK ((discount_percent IS NULL) <> (discount_amount IS NULL)),
    CHECK (max_uses IS NULL OR used_count <= max_uses),
    UNIQUE (event_id, code)
) STRICT;

CREATE TABLE orders (
    uuid             TEXT PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (user_id),
    event_id         INTEGER NOT NULL REFERENCES events (event_id),
    ticket_type_id   INTEGER REFERENCES ticket_types (ticket_type_id),
    promo_code_id    INTEGER REFERENCES promo_codes (promo_code_id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    total_price      INTEGER NOT NULL CHECK (total_price >= 0),  -- nanotons
    currency         TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON')),
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
    CHECK (type <> 'ticket' OR ticket_type_id IS NOT NULL),
    UNIQUE (user_id, idempotency_key)
) STRICT;
CREATE INDEX orders_user_idx ON orders (user_id, created_at);
CREATE INDEX orders_event_idx ON orders (event_id);
CREATE INDEX orders_state_expires_idx ON orders (state, expires_at);

CREATE TABLE tickets (
    ticket_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_uuid        TEXT NOT NULL REFERENCES orders (uuid),
    event_id          INTEGER NOT NULL REFERENCES events (event_id),
    ticket_type_id    INTEGER NOT NULL REFERENCES ticket_types (ticket_type_id),
    holder_id         INTEGER NOT NULL REFERENCES users (user_id),
    status            TEXT NOT NULL DEFAULT 'valid'
                      CHECK (status IN ('valid', 'used', 'refunded', 'transferred', 'canceled')),
    check_in_status   TEXT NOT NULL DEFAULT 'not_checked_in' CHECK (check_in_status IN ('not_checked_in', 'checked_in')),
    checked_in_at     INTEGER,
    checked_in_by     INTEGER REFERENCES users (user_id),
    check_in_code     TEXT NOT NULL UNIQUE,
    nft_item_id       INTEGER,  -- nft.nft_items.item_id; no cross-database key
    nft_item_address  TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX tickets_holder_idx ON tickets (holder_id);
CREATE INDEX tickets_event_idx ON tickets (event_id);
CREATE INDEX tickets_order_idx ON tickets (order_uuid);

CREATE TABLE points (
    point_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (user_id),
    event_id    INTEGER REFERENCES events (event_id),
    points      INTEGER NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('check_in', 'event_hosted', 'referral', 'manual')),
    sbt_state   TEXT NOT NULL DEFAULT 'none' CHECK (sbt_state IN ('none', 'pending', 'minted', 'failed')),
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, event_id, reason)
) STRICT;
CREATE INDEX points_user_idx ON points (user_id);

CREATE TABLE notifications (
    notification_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users (user_id),
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    dedupe_key       TEXT UNIQUE,
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       TEXT,
    scheduled_at     INTEGER NOT NULL,
    sent_at          INTEGER,
    created_at       INTEGER NOT NULL
) STRICT;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
CREATE INDEX notifications_due_idx ON notifications (status, scheduled_at);

CREATE TABLE moderation_reports (
    report_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    reporter_id  INTEGER REFERENCES users (user_id),  -- NULL for automatic checks
    source       TEXT NOT NULL CHECK (source IN ('auto', 'user', 'admin')),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
    resolved_by  INTEGER REFERENCES users (user_id),
    resolved_at  INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX moderation_reports_event_idx ON moderation_reports (event_id);
CREATE INDEX moderation_reports_status_idx ON moderation_reports (status, created_at);

CREATE TABLE outbox (
    outbox_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id   TEXT NOT NULL UNIQUE,  -- consumers dedupe by it
    topic        TEXT NOT NULL,
    message_key  TEXT,
    payload      TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER
) STRICT;
CREATE INDEX outbox_unsent_idx ON outbox (outbox_id) WHERE sent_at IS NULL;

CREATE TABLE audit_log (
    audit_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id     INTEGER,  -- no key: the log outlives the users it names
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    details      TEXT NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at);
