-- TON Connect wallet linking (issue #4). A ton_proof payload is a stateless signed nonce (src/ton/ton_proof.hpp);
-- its id is stored here when a proof that carries it is accepted, so that it is used once across every process
-- and restart. Rows are useless after expires_at (the nonce itself is refused then) and are deleted by later links.
-- A wallet belongs to one user at most: the unique index backs the wallet.already_linked check under concurrency.
CREATE TABLE ton_proof_payloads (
    payload_id  TEXT PRIMARY KEY,  -- hex of the nonce's random part
    user_id     INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX ton_proof_payloads_expires_idx ON ton_proof_payloads (expires_at);
DROP INDEX users_wallet_address_idx;
CREATE UNIQUE INDEX users_wallet_address_idx ON users (wallet_address);
