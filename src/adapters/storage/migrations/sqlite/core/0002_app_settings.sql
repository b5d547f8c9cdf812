-- Platform-wide settings the platform generates itself, such as the local bot token of the embedded default.
CREATE TABLE app_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
