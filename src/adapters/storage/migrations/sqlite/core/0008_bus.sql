-- The bus (docs/bus.md). processed_messages: the message ids each consumer has applied, written in the transaction
-- of the consumer's effect, so a message delivered twice has its effect once. bus_messages: the queue of the
-- embedded bus (adapters/bus/store_bus), durable in the database so a restart loses nothing: a row is claimed
-- until claimed_until by the consumer it was delivered to, deleted when acked, held back until available_at when
-- retried, and kept with dead_at when dead-lettered.
CREATE TABLE processed_messages (
    consumer      TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    processed_at  INTEGER NOT NULL,
    PRIMARY KEY (consumer, message_id)
) STRICT;

CREATE TABLE bus_messages (
    bus_message_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      TEXT NOT NULL,
    topic           TEXT NOT NULL,
    message_key     TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL,
    attempt         INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    deliveries      INTEGER NOT NULL DEFAULT 0 CHECK (deliveries >= 0),
    available_at    INTEGER NOT NULL,
    claimed_until   INTEGER,
    dead_at         INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX bus_messages_ready_idx ON bus_messages (topic, bus_message_id) WHERE dead_at IS NULL;
CREATE INDEX bus_messages_dead_idx ON bus_messages (topic, bus_message_id) WHERE dead_at IS NOT NULL;
