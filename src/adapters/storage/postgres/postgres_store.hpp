#pragma once
/// The PostgreSQL adapter of the Store port: libpq, a lazily filled connection pool, prepared statements
/// cached per connection. The core and nft databases are the schemas `core` and `nft`, both on every
/// connection's search path.

#include <chrono>
#include <memory>
#include <string>

#include "ports/store.hpp"

namespace onton::storage::postgres {

struct PostgresOptions {
    std::string conninfo;  ///< a libpq URI (`postgres://...`) or keyword/value string, passed to libpq as is
    int pool_size = 8;
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds statement_timeout{30000};
};

/// Does not connect: connections open on first use, so an unreachable server shows up as
/// StoreError(kUnavailable) from Ping(), InTransaction() or Migrate().
std::unique_ptr<ports::Store> OpenPostgresStore(PostgresOptions options);

}  // namespace onton::storage::postgres
