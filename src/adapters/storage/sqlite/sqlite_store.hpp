#pragma once
/// The SQLite adapter of the Store port (the embedded default): the core database in one file and the nft
/// database in `<stem>-nft.db` beside it, ATTACHed as `nft` on every connection.

#include <chrono>
#include <filesystem>
#include <memory>

#include "ports/store.hpp"

namespace onton::storage::sqlite {

struct SqliteOptions {
    std::filesystem::path core_path;  ///< the main database file; its parent directory must exist
    std::filesystem::path nft_path;   ///< the nft database file
    int pool_size = 8;
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds busy_timeout{5000};
    /// A directory the store owns and deletes (with both files) when it is destroyed: `sqlite::memory:`.
    std::filesystem::path owned_directory;
};

/// `<dir>/<stem>-nft.db` for `<dir>/<stem>.<ext>`.
std::filesystem::path NftPathFor(const std::filesystem::path& core_path);

/// Opens (creating if missing) both files, switches them to WAL and returns the store. Throws
/// ports::StoreError(kUnavailable) when a file cannot be opened.
std::unique_ptr<ports::Store> OpenSqliteStore(SqliteOptions options);

}  // namespace onton::storage::sqlite
