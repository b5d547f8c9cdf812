#pragma once
/// The embedded SQL migrations of one dialect and database (`sqlite/core/0001_init.sql` → version 1, name
/// `init`), shared by both adapters' migrators.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace onton::storage {

/// The two databases of design.md §4, in the order they are migrated.
inline constexpr std::string_view kDatabases[] = {"core", "nft"};

struct Migration {
    std::int64_t version = 0;
    std::string name;
    std::string_view sql;  ///< points into the embedded bytes, valid for the program's lifetime
    std::string checksum;  ///< MigrationChecksum(sql)
};

/// Migrations of `dialect` (`sqlite`, `postgres`) for `database` (`core`, `nft`), ascending by version.
/// Throws std::logic_error for a file name that is not `NNNN_name.sql` or a version that appears twice (a
/// build mistake).
std::vector<Migration> LoadMigrations(std::string_view dialect, std::string_view database);

/// Hex FNV-1a 64 of the file's bytes: detects a migration edited after it was applied (not an adversary).
std::string MigrationChecksum(std::string_view sql);

/// The first line of a SQLite migration that rebuilds tables: it runs with foreign keys off and must leave
/// `PRAGMA foreign_key_check` empty (SQLite's "other kinds of table schema changes" procedure).
inline constexpr std::string_view kForeignKeysOffDirective = "-- onton: foreign_keys off";

/// DDL of the bookkeeping table every database has; unqualified, valid on both dialects.
inline constexpr std::string_view kCreateSchemaMigrationsSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// The error a migrator raises when an applied migration's recorded checksum differs from the embedded file.
std::string ChecksumMismatchMessage(std::string_view database,
                                    const Migration& migration,
                                    std::string_view recorded_checksum);

/// Unix seconds now, for schema_migrations.applied_at.
std::int64_t UnixNow();

}  // namespace onton::storage
