-- Ticket types that are not offered to the public (issue #3's visibility): a hidden type is left out of the event
-- for everyone but its managers and is sold only to a buyer who has its access code (the direct link the organizer
-- shares, /app/events/<uuid>?code=<access_code>). The code is made when the type first turns hidden and kept after,
-- so a link that was shared stays good when the type is hidden again. Keep in step with
-- postgres/core/0010_ticket_type_visibility.sql.
ALTER TABLE ticket_types ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'hidden'));
ALTER TABLE ticket_types ADD COLUMN access_code TEXT;
