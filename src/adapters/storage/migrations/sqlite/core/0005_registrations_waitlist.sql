-- Events that need the organizer's approval before a guest may order, and waiting lists for sold-out ticket types.
ALTER TABLE events ADD COLUMN requires_approval INTEGER NOT NULL DEFAULT 0 CHECK (requires_approval IN (0, 1));

CREATE TABLE registrations (
    event_id    INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    answer      TEXT,            -- what the guest wrote when applying
    reason      TEXT,            -- the organizer's reason, sent to the guest
    decided_by  INTEGER REFERENCES users (user_id),
    decided_at  INTEGER,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (event_id, user_id)
) STRICT;
CREATE INDEX registrations_status_idx ON registrations (event_id, status, created_at);

CREATE TABLE waitlist (
    waitlist_id       INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order of arrival
    ticket_type_id    INTEGER NOT NULL REFERENCES ticket_types (ticket_type_id) ON DELETE CASCADE,
    user_id           INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'claimed', 'lapsed', 'left')),
    offer_expires_at  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX waitlist_active_idx ON waitlist (ticket_type_id, user_id) WHERE status IN ('waiting', 'offered');
CREATE INDEX waitlist_queue_idx ON waitlist (ticket_type_id, status, waitlist_id);
