#pragma once
/// Opens the Store adapter that a database URL names: `sqlite:///abs/path.db`, `sqlite://./rel/path.db`,
/// `sqlite::memory:` (tests), or `postgres://user:pass@host:port/db?...` / `postgresql://...`.

#include <chrono>
#include <memory>
#include <string>

#include "ports/store.hpp"

namespace onton::storage {

struct StoreSettings {
    std::string url = "sqlite://./var/onton.db";
    int pool_size = 8;                                   ///< connections (PostgreSQL) / handles (SQLite)
    std::chrono::milliseconds acquire_timeout{5000};     ///< how long a caller waits for a free connection
    std::chrono::milliseconds busy_timeout{5000};        ///< SQLite busy_timeout
    std::chrono::milliseconds statement_timeout{30000};  ///< PostgreSQL statement_timeout
};

/// Throws std::invalid_argument for a URL it cannot parse and ports::StoreError when the store cannot be
/// opened. For SQLite, creates the parent directory of the file; the nft database lives beside it as
/// `<stem>-nft.db`.
std::unique_ptr<ports::Store> OpenStore(const StoreSettings& settings);

/// The URL with any password replaced by `***`, for logs.
std::string RedactUrl(const std::string& url);

}  // namespace onton::storage
