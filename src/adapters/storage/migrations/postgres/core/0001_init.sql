-- core database, PostgreSQL dialect. Keep in step with sqlite/core/0001_init.sql: same tables, columns, keys and
-- indexes. Money is BIGINT nanotons, times are BIGINT unix seconds; BOOLEAN columns read back as 0/1.

CREATE TABLE users (
    user_id         BIGINT PRIMARY KEY,  -- Telegram user id, not generated
    username        TEXT,
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT,
    language_code   TEXT,
    photo_url       TEXT,
    wallet_address  TEXT,
    role            TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'organizer', 'admin')),
    is_premium      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX users_wallet_address_idx ON users (wallet_address);

CREATE TABLE sessions (
    session_id  BIGSERIAL PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,  -- SHA-256 of the bearer token; the token itself is never stored
    user_id     BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE events (
    event_id               BIGSERIAL PRIMARY KEY,
    event_uuid             TEXT NOT NULL UNIQUE,
    owner_id               BIGINT NOT NULL REFERENCES users (user_id),
    title                  TEXT NOT NULL,
    subtitle               TEXT,
    description            TEXT NOT NULL DEFAULT '',
    image_url              TEXT,
    location               TEXT,
    online_link            TEXT,
    start_date             BIGINT NOT NULL,
    end_date               BIGINT NOT NULL,
    timezone               TEXT NOT NULL DEFAULT 'UTC',
    participation_type     TEXT NOT NULL CHECK (participation_type IN ('in_person', 'online')),
    has_payment            BOOLEAN NOT NULL DEFAULT FALSE,
    capacity               BIGINT CHECK (capacity IS NULL OR capacity >= 0),
    visibility             TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted')),
    status                 TEXT NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'pending_moderation', 'published', 'rejected', 'canceled',
                                             'ended')),
    category               TEXT,
    tags                   TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    ticket_nft_collection  TEXT,                        -- collection address once deployed
    reward_points          BIGINT NOT NULL DEFAULT 0 CHECK (reward_points >= 0),
    reward_sbt             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX events_status_start_idx ON events (status, start_date);
CREATE INDEX events_owner_idx ON events (owner_id);

CREATE TABLE event_roles (
    event_id    BIGINT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('co_organizer', 'checkin_staff')),
    granted_by  BIGINT REFERENCES users (user_id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id, role)
);
CREATE INDEX event_roles_user_idx ON event_roles (user_id);

CREATE TABLE ticket_types (
    ticket_type_id  BIGSERIAL PRIMARY KEY,
    event_id        BIGINT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    description     TEXT,
    price           BIGINT NOT NULL CHECK (price >= 0),  -- nanotons
    currency        TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON')),
    supply          BIGINT CHECK (supply IS NULL OR supply >= 0),  -- NULL: unlimited
    sold            BIGINT NOT NULL DEFAULT 0 CHECK (sold >= 0),
    reserved        BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),  -- held by unpaid, unexpired orders
    per_user_limit  BIGINT CHECK (per_user_limit IS NULL OR per_user_limit > 0),
    sale_start      BIGINT,
    sale_end        BIGINT,
    is_nft          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (supply IS NULL OR sold + reserved <= supply),
    CHECK (sale_start IS NULL OR sale_end IS NULL OR sale_end >= sale_start),
    UNIQUE (event_id, name)
);
CREATE INDEX ticket_types_event_idx ON ticket_types (event_id);

CREATE TABLE promo_codes (
    promo_code_id     BIGSERIAL PRIMARY KEY,
    event_id          BIGINT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    code              TEXT NOT NULL,
    discount_percent  BIGINT CHECK (discount_percent IS NULL OR (discount_percent > 0 AND discount_percent <= 100)),
    discount_amount   BIGINT CHECK (discount_amount IS NULL OR discount_amount > 0),  -- nanotons
    max_uses          BIGINT CHECK (max_uses IS NULL OR max_uses > 0),
    used_count        BIGINT NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    valid_from        BIGINT,
    valid_until       BIGINT,
    created_at        BIGINT NOT NULL,
    CHECK ((discount_percent IS NULL) <> (discount_amount IS NULL)),
    CHECK (max_uses IS NULL OR used_count <= max_uses),
    UNIQUE (event_id, code)
);

CREATE TABLE orders (
    uuid             TEXT PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users (user_id),
    event_id         BIGINT NOT NULL REFERENCES events (event_id),
    ticket_type_id   BIGINT REFERENCES ticket_types (ticket_type_id),
    promo_code_id    BIGINT REFERENCES promo_codes (promo_code_id),
    quantity         BIGINT NOT NULL CHECK (quantity > 0),
    total_price      BIGINT NOT NULL CHECK (total_price >= 0),  -- nanotons
    currency         TEXT NOT NULL DEFAULT 'TON' CHECK (currency IN ('TON')),
    state            TEXT NOT NULL DEFAULT 'created'
                     CHECK (state IN ('created', 'paid', 'failed', 'expired', 'refunded', 'canceled')),
    type             TEXT NOT NULL CHECK (type IN ('ticket', 'nft_mint', 'event_creation')),
    payment_comment  TEXT UNIQUE,  -- NULL for free orders
    expires_at       BIGINT,
    idempotency_key  TEXT,
    paid_at          BIGINT,
    payment_tx_hash  TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK (type <> 'ticket' OR ticket_type_id IS NOT NULL),
    UNIQUE (user_id, idempotency_key)
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at);
CREATE INDEX orders_event_idx ON orders (event_id);
CREATE INDEX orders_state_expires_idx ON orders (state, expires_at);

CREATE TABLE tickets (
    ticket_id         BIGSERIAL PRIMARY KEY,
    order_uuid        TEXT NOT NULL REFERENCES orders (uuid),
    event_id          BIGINT NOT NULL REFERENCES events (event_id),
    ticket_type_id    BIGINT NOT NULL REFERENCES ticket_types (ticket_type_id),
    holder_id         BIGINT NOT NULL REFERENCES users (user_id),
    status            TEXT NOT NULL DEFAULT 'valid'
                      CHECK (status IN ('valid', 'used', 'refunded', 'transferred', 'canceled')),
    check_in_status   TEXT NOT NULL DEFAULT 'not_checked_in' CHECK (check_in_status IN ('not_checked_in', 'checked_in')),
    checked_in_at     BIGINT,
    checked_in_by     BIGINT REFERENCES users (user_id),
    check_in_code     TEXT NOT NULL UNIQUE,
    nft_item_id       BIGINT,  -- nft.nft_items.item_id; no cross-database key
    nft_item_address  TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX tickets_holder_idx ON tickets (holder_id);
CREATE INDEX tickets_event_idx ON tickets (event_id);
CREATE INDEX tickets_order_idx ON tickets (order_uuid);

CREATE TABLE points (
    point_id    BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (user_id),
    event_id    BIGINT REFERENCES events (event_id),
    points      BIGINT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('check_in', 'event_hosted', 'referral', 'manual')),
    sbt_state   TEXT NOT NULL DEFAULT 'none' CHECK (sbt_state IN ('none', 'pending', 'minted', 'failed')),
    created_at  BIGINT NOT NULL,
    UNIQUE (user_id, event_id, reason)
);
CREATE INDEX points_user_idx ON points (user_id);

CREATE TABLE notifications (
    notification_id  BIGSERIAL PRIMARY KEY,
    user_id          BIGINT NOT NULL REFERENCES users (user_id),
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL DEFAULT '{}',
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    dedupe_key       TEXT UNIQUE,
    attempts         BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       TEXT,
    scheduled_at     BIGINT NOT NULL,
    sent_at          BIGINT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
CREATE INDEX notifications_due_idx ON notifications (status, scheduled_at);

CREATE TABLE moderation_reports (
    report_id    BIGSERIAL PRIMARY KEY,
    event_id     BIGINT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    reporter_id  BIGINT REFERENCES users (user_id),  -- NULL for automatic checks
    source       TEXT NOT NULL CHECK (source IN ('auto', 'user', 'admin')),
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'approved', 'rejected')),
    resolved_by  BIGINT REFERENCES users (user_id),
    resolved_at  BIGINT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX moderation_reports_event_idx ON moderation_reports (event_id);
CREATE INDEX moderation_reports_status_idx ON moderation_reports (status, created_at);

CREATE TABLE outbox (
    outbox_id    BIGSERIAL PRIMARY KEY,
    message_id   TEXT NOT NULL UNIQUE,  -- consumers dedupe by it
    topic        TEXT NOT NULL,
    message_key  TEXT,
    payload      TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT
);
CREATE INDEX outbox_unsent_idx ON outbox (outbox_id) WHERE sent_at IS NULL;

CREATE TABLE audit_log (
    audit_id     BIGSERIAL PRIMARY KEY,
    actor_id     BIGINT,  -- no key: the log outlives the users it names
    action       TEXT NOT NULL,
    entity_type  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    details      TEXT NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at);
