// `onton migrate` and `onton serve` against the real PostgreSQL server that the `postgres` CTest fixture starts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "support/http_client.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

TEST(PostgresServe, MigrateThenServe) {
    PgDatabase db;
    const auto first = RunOnton({"migrate"}, {{"ONTON_DATABASE_URL", db.url()}});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.err.find("migration applied: core"), std::string::npos) << first.err;
    EXPECT_NE(first.err.find("migration applied: nft"), std::string::npos) << first.err;
    EXPECT_EQ(db.Scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'core' AND "
                        "table_name IN ('users','events','ticket_types','orders','tickets','outbox','audit_log')"),
              "7");
    EXPECT_EQ(db.Scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'nft' AND "
                        "table_name IN ('nft_collections','nft_items','transactions','watch_wallets')"),
              "4");
    const auto second = RunOnton({"migrate"}, {{"ONTON_DATABASE_URL", db.url()}});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_NE(second.err.find("schema is up to date"), std::string::npos) << second.err;

    TempDir dir;
    ServeProcess server({{"ONTON_DATABASE_URL", db.url()}}, dir.path());
    const auto ready = Request(server.port(), "GET", "/readyz");
    EXPECT_EQ(ready.result_int(), 200U) << ready.body();
    const auto metrics = Request(server.port(), "GET", "/metrics").body();
    EXPECT_NE(metrics.find("onton_db_pool_connections{state=\"capacity\"} 8"), std::string::npos) << metrics;
    EXPECT_EQ(server.Terminate(), 0);
}

TEST(PostgresServe, ConcurrentMigrateRunsApplyEachMigrationOnce) {
    PgDatabase db;
    std::vector<std::thread> threads;
    std::vector<CommandResult> results(3);
    for (std::size_t i = 0; i < results.size(); ++i) {
        threads.emplace_back([&, i] { results[i] = RunOnton({"migrate"}, {{"ONTON_DATABASE_URL", db.url()}}); });
    }
    for (auto& t : threads) t.join();
    std::size_t applied_core = 0;
    for (const auto& r : results) {
        EXPECT_EQ(r.exit_code, 0) << r.err;
        for (auto at = r.err.find("migration applied: core"); at != std::string::npos;
             at = r.err.find("migration applied: core", at + 1)) {
            ++applied_core;
        }
    }
    EXPECT_EQ(std::to_string(applied_core), db.Scalar("SELECT count(*) FROM core.schema_migrations"));
}

}  // namespace
}  // namespace onton::test
