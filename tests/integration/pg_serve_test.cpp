// `onton migrate` and `onton serve` against the real PostgreSQL server that the `postgres` CTest fixture starts.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

/// A throwaway database on the fixture's server; dropped on destruction.
class PgDatabase {
public:
    PgDatabase() {
        const char* admin = std::getenv("ONTON_TEST_PG_URL");
        if (admin == nullptr) throw std::runtime_error("ONTON_TEST_PG_URL is not set: run through ctest");
        admin_url_ = admin;
        name_ = "onton_serve_" + std::to_string(std::random_device{}());
        Exec("CREATE DATABASE " + name_);
        const auto slash = admin_url_.rfind('/');
        url_ = admin_url_.substr(0, slash + 1) + name_;
    }
    ~PgDatabase() {
        try {
            Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (...) {
        }
    }
    PgDatabase(const PgDatabase&) = delete;
    PgDatabase& operator=(const PgDatabase&) = delete;
    [[nodiscard]] const std::string& url() const { return url_; }

    /// Runs SQL on this database and returns the first column of the first row.
    std::string Scalar(const std::string& sql) const {
        PGconn* conn = PQconnectdb(url_.c_str());
        PGresult* res = PQexec(conn, sql.c_str());
        std::string out = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
        const std::string error = PQresultErrorMessage(res);
        PQclear(res);
        PQfinish(conn);
        if (!error.empty()) throw std::runtime_error(error);
        return out;
    }

private:
    void Exec(const std::string& sql) const {
        PGconn* conn = PQconnectdb(admin_url_.c_str());
        PGresult* res = PQexec(conn, sql.c_str());
        const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        const std::string error = PQresultErrorMessage(res);
        PQclear(res);
        PQfinish(conn);
        if (!ok) throw std::runtime_error(sql + ": " + error);
    }

    std::string admin_url_;
    std::string name_;
    std::string url_;
};

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
