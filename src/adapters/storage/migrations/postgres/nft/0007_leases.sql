-- Leases (domain/lease): one holder at a time for what must not run twice across processes, above all the
-- platform wallet's sender (`wallet:<raw address>`, so no seqno is ever signed by two processes) and the
-- singleton workers (`worker:<name>`). A holder renews before expires_at; anyone may take an expired lease, and
-- each change of holder bumps generation. Keep in step with sqlite/nft/0007_leases.sql.
CREATE TABLE leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,   -- unix seconds
    generation  BIGINT NOT NULL CHECK (generation > 0),
    acquired_at BIGINT NOT NULL,
    renewed_at  BIGINT NOT NULL
);
