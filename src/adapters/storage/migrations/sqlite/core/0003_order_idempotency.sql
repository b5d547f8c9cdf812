-- The fingerprint of the request that created an order under an Idempotency-Key: the same key with another body is
-- refused instead of silently answered with the first order.
ALTER TABLE orders ADD COLUMN request_hash TEXT;
CREATE INDEX tickets_event_status_idx ON tickets (event_id, status);
