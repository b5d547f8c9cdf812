-- Ticket transfer (per ticket type), the online check-in phrase (stored hashed, attempts rate-limited), and promo
-- codes limited to one ticket type.
ALTER TABLE ticket_types ADD COLUMN transferable INTEGER NOT NULL DEFAULT 1 CHECK (transferable IN (0, 1));
ALTER TABLE events ADD COLUMN checkin_phrase_hash TEXT;
ALTER TABLE promo_codes ADD COLUMN ticket_type_id INTEGER REFERENCES ticket_types (ticket_type_id) ON DELETE CASCADE;

CREATE TABLE checkin_phrase_attempts (
    event_id      INTEGER NOT NULL REFERENCES events (event_id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    window_start  INTEGER NOT NULL,
    attempts      INTEGER NOT NULL CHECK (attempts >= 0),
    PRIMARY KEY (event_id, user_id)
) STRICT;
