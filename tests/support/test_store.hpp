#pragma once
/// A migrated Store for a parameterised test: `sqlite` (a file in `dir`) or `postgres` (a fresh database on the
/// fixture's server, dropped with the TestStore). Link onton_storage.

#include <filesystem>
#include <memory>
#include <string>

#include "adapters/storage/store_factory.hpp"
#include "support/pg_database.hpp"

namespace onton::test {

struct TestStore {
    std::unique_ptr<PgDatabase> pg;  ///< declared first: destroyed after the store that uses it
    std::unique_ptr<ports::Store> store;
};

inline TestStore OpenTestStore(const std::string& kind, const std::filesystem::path& dir, int pool_size = 8) {
    TestStore out;
    storage::StoreSettings settings;
    settings.pool_size = pool_size;
    if (kind == "postgres") {
        out.pg = std::make_unique<PgDatabase>();
        settings.url = out.pg->url();
    } else {
        settings.url = "sqlite://" + (dir / "test.db").string();
    }
    out.store = storage::OpenStore(settings);
    (void)out.store->Migrate();
    return out;
}

}  // namespace onton::test
