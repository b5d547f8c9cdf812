-- Events that need the organizer's approval before a guest may order, and waiting lists for sold-out ticket types.
ALTER TABLE events ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE registrations (
    event_id    BIGINT NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    answer      TEXT,
    reason      TEXT,
    decided_by  BIGINT REFERENCES users (user_id),
    decided_at  BIGINT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX registrations_status_idx ON registrations (event_id, status, created_at);

CREATE TABLE waitlist (
    waitlist_id       BIGSERIAL PRIMARY KEY,
    ticket_type_id    BIGINT NOT NULL REFERENCES ticket_types (ticket_type_id) ON DELETE CASCADE,
    user_id           BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'claimed', 'lapsed', 'left')),
    offer_expires_at  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX waitlist_active_idx ON waitlist (ticket_type_id, user_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue_idx ON waitlist (ticket_type_id, status, waitlist_id);
