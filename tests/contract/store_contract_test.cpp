// The Store port's contract: every case runs unchanged against the SQLite and the PostgreSQL adapter.
// PostgreSQL cases need ONTON_TEST_PG_URL (an admin URL; the `postgres` CTest fixture sets it) and fail
// without it: CI must prove them, not skip them.

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/storage/migration_set.hpp"
#include "adapters/storage/store_factory.hpp"
#include "ports/store.hpp"

namespace onton::storage {
namespace {

using ports::AsInt;
using ports::AsText;
using ports::ResultSet;
using ports::SqlValue;
using ports::Store;
using ports::StoreError;
using ports::Transaction;
using Kind = ports::StoreError::Kind;

constexpr const char* kPgUrlVariable = "ONTON_TEST_PG_URL";

const char* KindName(Kind kind) {
    switch (kind) {
        case Kind::kUniqueViolation:
            return "kUniqueViolation";
        case Kind::kForeignKeyViolation:
            return "kForeignKeyViolation";
        case Kind::kCheckViolation:
            return "kCheckViolation";
        case Kind::kSerialization:
            return "kSerialization";
        case Kind::kUnavailable:
            return "kUnavailable";
        case Kind::kOther:
            return "kOther";
    }
    return "?";
}

/// Runs `action` and checks that it throws a StoreError of `kind`; returns the message.
std::string ExpectStoreError(const std::function<void()>& action, Kind kind) {
    try {
        action();
    } catch (const StoreError& error) {
        EXPECT_STREQ(KindName(error.kind()), KindName(kind)) << error.what();
        return error.what();
    }
    ADD_FAILURE() << "expected StoreError " << KindName(kind) << ", nothing was thrown";
    return {};
}

std::string RandomSuffix() {
    std::random_device device;
    std::uniform_int_distribution<std::uint64_t> digits;
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(digits(device)));
    return buffer;
}

/// The URL with its database name replaced.
std::string WithDatabase(const std::string& url, const std::string& database) {
    const auto authority = url.find("://");
    const auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
    const auto query = url.find('?', slash == std::string::npos ? 0 : slash);
    const std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
    const std::string tail = query == std::string::npos ? "" : url.substr(query);
    return base + "/" + database + tail;
}

void AdminExec(const std::string& admin_url, const std::string& sql) {
    PGconn* connection = PQconnectdb(admin_url.c_str());
    if (PQstatus(connection) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(connection);
        PQfinish(connection);
        throw std::runtime_error("cannot connect to " + admin_url + ": " + message);
    }
    PGresult* result = PQexec(connection, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
    const std::string message = PQresultErrorMessage(result);
    PQclear(result);
    PQfinish(connection);
    if (!ok) throw std::runtime_error(sql + ": " + message);
}

std::int64_t ScalarInt(Transaction& tx, std::string_view sql, const ports::SqlParams& params = {}) {
    const auto result = tx.Execute(sql, params);
    if (result.rows.size() != 1 || result.rows[0].empty())
        throw std::logic_error("not a scalar: " + std::string(sql));
    return AsInt(result.rows[0][0]);
}

constexpr std::int64_t kNow = 1'700'000'000;

void InsertUser(Transaction& tx, std::int64_t user_id) {
    tx.Execute(
        "INSERT INTO users (user_id, username, first_name, created_at, updated_at) VALUES ($1, $2, $3, $4, "
        "$4)",
        {user_id, "user" + std::to_string(user_id), std::string("First"), kNow});
}

std::int64_t InsertEvent(Transaction& tx, std::int64_t owner_id, const std::string& uuid) {
    const auto result = tx.Execute(
        "INSERT INTO events (event_uuid, owner_id, title, start_date, end_date, participation_type, "
        "created_at, "
        "updated_at) VALUES ($1, $2, 'Title', $3, $4, 'online', $3, $3) RETURNING event_id",
        {uuid, owner_id, kNow, kNow + 3600});
    return AsInt(result.rows.at(0).at(0));
}

std::int64_t InsertTicketType(Transaction& tx,
                              std::int64_t event_id,
                              SqlValue supply,
                              const std::string& name = "General") {
    const auto result = tx.Execute(
        "INSERT INTO ticket_types (event_id, name, price, supply, created_at, updated_at) "
        "VALUES ($1, $4, 1000000000, $2, $3, $3) RETURNING ticket_type_id",
        {event_id, std::move(supply), kNow, name});
    return AsInt(result.rows.at(0).at(0));
}

/// Runs `count` threads of `work(index)` and rethrows the first exception any of them raised.
void RunThreads(int count, const std::function<void(int)>& work) {
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(count));
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            try {
                work(i);
            } catch (...) {
                errors[static_cast<std::size_t>(i)] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& error : errors) {
        if (error) std::rethrow_exception(error);
    }
}

/// A one-shot gate that threads wait on until it opens.
class Gate {
   public:
    void Open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    void Wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return open_; });
    }

   private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

std::string ParamName(const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; }

class StoreContract : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        if (GetParam() == "sqlite") {
            std::string pattern = (std::filesystem::temp_directory_path() / "onton-contract-XXXXXX").string();
            ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
            directory_ = pattern;
            url_ = "sqlite://" + (directory_ / "onton.db").string();
            return;
        }
        const char* admin = std::getenv(kPgUrlVariable);
        ASSERT_TRUE(admin != nullptr && *admin != '\0')
            << kPgUrlVariable << " is not set: the postgres contract cases need a server (ctest starts one)";
        admin_url_ = admin;
        database_ = "onton_t_" + RandomSuffix();
        ASSERT_NO_THROW(AdminExec(admin_url_, "CREATE DATABASE " + database_));
        url_ = WithDatabase(admin_url_, database_);
    }

    void TearDown() override {
        if (!database_.empty()) {
            try {
                AdminExec(admin_url_, "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
            } catch (const std::exception& error) {
                ADD_FAILURE() << error.what();
            }
        }
        if (!directory_.empty()) {
            std::error_code ignored;
            std::filesystem::remove_all(directory_, ignored);
        }
    }

    std::unique_ptr<Store> Open(int pool_size = 4,
                                std::chrono::milliseconds acquire_timeout = std::chrono::seconds(10)) const {
        StoreSettings settings;
        settings.url = url_;
        settings.pool_size = pool_size;
        settings.acquire_timeout = acquire_timeout;
        return OpenStore(settings);
    }

    std::unique_ptr<Store> OpenMigrated(
        int pool_size = 4, std::chrono::milliseconds acquire_timeout = std::chrono::seconds(10)) const {
        auto store = Open(pool_size, acquire_timeout);
        store->Migrate();
        return store;
    }

    std::string UnreachableUrl() const {
        return GetParam() == "sqlite" ? "sqlite:///dev/null/onton/onton.db"
                                      : "postgres://postgres@127.0.0.1:1/x";
    }

    static std::size_t MigrationCount(std::string_view dialect) {
        std::size_t count = 0;
        for (const auto database : kDatabases) count += LoadMigrations(dialect, database).size();
        return count;
    }

    std::string url_;
    std::string admin_url_;
    std::string database_;
    std::filesystem::path directory_;
};

TEST_P(StoreContract, ReadOnceReadsAndRefusesAnythingButASelect) {
    auto store = Open();
    store->Transact([](ports::Transaction& tx) {
        tx.Execute("CREATE TABLE read_once (id BIGINT PRIMARY KEY, v TEXT)");
        tx.Execute("INSERT INTO read_once (id, v) VALUES (1, 'a'), (2, 'b')");
    });
    const auto rs = store->ReadOnce("\n  SELECT v FROM read_once WHERE id = $1", {std::int64_t{2}});
    ASSERT_EQ(rs.rows.size(), 1U);
    EXPECT_EQ(ports::AsText(rs.rows[0][0]), "b");
    EXPECT_THROW((void)store->ReadOnce("DELETE FROM read_once"), std::invalid_argument);
    EXPECT_THROW((void)store->ReadOnce("selectx"), std::invalid_argument);
    EXPECT_EQ(store->ReadOnce("select count(*) FROM read_once").rows.size(), 1U) << "any case";
    EXPECT_EQ(ports::AsInt(store->ReadOnce("SELECT count(*) FROM read_once").rows[0][0]), 2) << "nothing was deleted";
    // Many at once share the pool (each borrows a connection for one statement).
    std::vector<std::thread> readers;
    std::atomic<int> ok{0};
    for (int i = 0; i < 16; ++i) {
        readers.emplace_back([&] {
            if (store->ReadOnce("SELECT v FROM read_once WHERE id = 1").rows.size() == 1) ++ok;
        });
    }
    for (auto& r : readers) r.join();
    EXPECT_EQ(ok.load(), 16);
}

TEST_P(StoreContract, DialectMatchesUrl) {
    auto store = Open();
    EXPECT_EQ(store->Dialect(), GetParam());
}

TEST_P(StoreContract, MigrateAppliesEveryMigrationOnceThenNothing) {
    auto store = Open();
    const auto first = store->Migrate();
    const std::size_t expected = MigrationCount(store->Dialect());
    ASSERT_GE(expected, 2U);
    EXPECT_EQ(first.size(), expected);
    std::set<std::string> databases;
    for (const auto& migration : first) databases.insert(migration.database);
    EXPECT_EQ(databases, (std::set<std::string>{"core", "nft"}));
    EXPECT_TRUE(store->Migrate().empty());

    // A second store on the same database sees the schema as current too.
    auto other = Open();
    EXPECT_TRUE(other->Migrate().empty());
    store->InTransaction([&](Transaction& tx) {
        const auto core = ScalarInt(tx, "SELECT COUNT(*) FROM schema_migrations");
        const auto nft = ScalarInt(tx, "SELECT COUNT(*) FROM nft.schema_migrations");
        EXPECT_EQ(static_cast<std::size_t>(core + nft), expected);
    });
}

TEST_P(StoreContract, ConcurrentMigrateAppliesEachMigrationOnce) {
    auto first_store = Open();
    auto second_store = Open();
    std::mutex mutex;
    std::vector<ports::AppliedMigration> applied;
    RunThreads(6, [&](int i) {
        auto result = (i % 2 == 0 ? first_store : second_store)->Migrate();
        std::lock_guard lock(mutex);
        applied.insert(applied.end(), result.begin(), result.end());
    });
    std::set<std::pair<std::string, std::int64_t>> unique;
    for (const auto& migration : applied) unique.emplace(migration.database, migration.version);
    EXPECT_EQ(applied.size(), MigrationCount(first_store->Dialect()));
    EXPECT_EQ(unique.size(), applied.size());
}

TEST_P(StoreContract, EveryDesignTableExistsAfterMigration) {
    auto store = OpenMigrated();
    const std::vector<std::string> tables = {// core
                                             "users",
                                             "sessions",
                                             "events",
                                             "event_roles",
                                             "ticket_types",
                                             "promo_codes",
                                             "orders",
                                             "tickets",
                                             "points",
                                             "notifications",
                                             "moderation_reports",
                                             "outbox",
                                             "audit_log",
                                             "schema_migrations",
                                             // nft, resolved without a qualifier
                                             "nft_collections",
                                             "nft_items",
                                             "transactions",
                                             "watch_wallets",
                                             "nft.schema_migrations"};
    store->InTransaction(
        [&](Transaction& tx) {
            for (const auto& table : tables) {
                const auto rows = ScalarInt(tx, "SELECT COUNT(*) FROM " + table);
                if (table.ends_with("schema_migrations")) {
                    EXPECT_GE(rows, 1) << table;
                } else {
                    EXPECT_EQ(rows, 0) << table;
                }
            }
        },
        {.read_only = true});
}

TEST_P(StoreContract, CoreAndNftTablesShareOneTransaction) {
    auto store = OpenMigrated();
    store->InTransaction([&](Transaction& tx) {
        InsertUser(tx, 1);
        const auto event_id = InsertEvent(tx, 1, "e-1");
        tx.Execute(
            "INSERT INTO nft_collections (event_id, metadata_url, owner_address, created_at, updated_at) "
            "VALUES ($1, 'https://x/meta.json', 'EQowner', $2, $2)",
            {event_id, kNow});
    });
    store->InTransaction([&](Transaction& tx) {
        EXPECT_EQ(
            ScalarInt(
                tx,
                "SELECT COUNT(*) FROM nft_collections c WHERE c.event_id IN (SELECT event_id FROM events)"),
            1);
    });
}

TEST_P(StoreContract, CommitPersists) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 42); });
    const auto count = store->Transact([](Transaction& tx) {
        return ScalarInt(tx, "SELECT COUNT(*) FROM users WHERE user_id = $1", {std::int64_t{42}});
    });
    EXPECT_EQ(count, 1);

    // A new store (new connections) sees the committed row too.
    auto reopened = Open();
    EXPECT_EQ(reopened->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              1);
}

TEST_P(StoreContract, ExceptionRollsBackAndRethrows) {
    auto store = OpenMigrated();
    struct BodyFailed : std::runtime_error {
        using std::runtime_error::runtime_error;
    };
    int runs = 0;
    EXPECT_THROW(store->InTransaction([&](Transaction& tx) {
        ++runs;
        InsertUser(tx, 7);
        throw BodyFailed("domain rule broken");
    }),
                 BodyFailed);
    EXPECT_EQ(runs, 1);  // only serialization failures re-run the body
    EXPECT_EQ(store->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              0);
}

TEST_P(StoreContract, FailedStatementAbortsTheTransaction) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 1); });
    // A body that swallows a statement's error cannot commit the rest: both stores then refuse further
    // statements and InTransaction rethrows the first error.
    ExpectStoreError(
        [&] {
            store->InTransaction([](Transaction& tx) {
                InsertUser(tx, 2);
                try {
                    InsertUser(tx, 1);
                } catch (const StoreError&) {
                }
                ExpectStoreError([&] { tx.Execute("SELECT 1"); }, Kind::kOther);
            });
        },
        Kind::kUniqueViolation);
    EXPECT_EQ(store->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              1);
}

TEST_P(StoreContract, ConstraintViolationsRaiseTheirKinds) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) {
        InsertUser(tx, 1);
        InsertEvent(tx, 1, "e-1");
    });
    // Primary key and UNIQUE.
    ExpectStoreError([&] { store->InTransaction([](Transaction& tx) { InsertUser(tx, 1); }); },
                     Kind::kUniqueViolation);
    ExpectStoreError([&] { store->InTransaction([](Transaction& tx) { InsertEvent(tx, 1, "e-1"); }); },
                     Kind::kUniqueViolation);
    // Referenced row missing.
    ExpectStoreError([&] { store->InTransaction([](Transaction& tx) { InsertEvent(tx, 999, "e-2"); }); },
                     Kind::kForeignKeyViolation);
    // CHECK on an enum-like column, and NOT NULL.
    ExpectStoreError(
        [&] {
            store->InTransaction([](Transaction& tx) {
                tx.Execute(
                    "INSERT INTO users (user_id, role, created_at, updated_at) VALUES (2, 'emperor', 1, 1)");
            });
        },
        Kind::kCheckViolation);
    ExpectStoreError(
        [&] {
            store->InTransaction([](Transaction& tx) {
                tx.Execute("UPDATE events SET title = $1 WHERE event_uuid = 'e-1'", {std::monostate{}});
            });
        },
        Kind::kCheckViolation);
    // Idempotency keys are unique per user.
    store->InTransaction([](Transaction& tx) {
        tx.Execute(
            "INSERT INTO orders (uuid, user_id, event_id, quantity, total_price, type, idempotency_key, "
            "created_at, "
            "updated_at) VALUES ('o-1', 1, 1, 1, 0, 'event_creation', 'key-1', 1, 1)");
    });
    ExpectStoreError(
        [&] {
            store->InTransaction([](Transaction& tx) {
                tx.Execute(
                    "INSERT INTO orders (uuid, user_id, event_id, quantity, total_price, type, "
                    "idempotency_key, "
                    "created_at, updated_at) VALUES ('o-2', 1, 1, 1, 0, 'event_creation', 'key-1', 1, 1)");
            });
        },
        Kind::kUniqueViolation);
}

TEST_P(StoreContract, SoldPlusReservedNeverExceedsSupply) {
    auto store = OpenMigrated();
    const auto ticket_type_id = store->Transact([](Transaction& tx) {
        InsertUser(tx, 1);
        const auto event_id = InsertEvent(tx, 1, "e-1");
        return InsertTicketType(tx, event_id, std::int64_t{2});
    });
    const auto reserve = [&] {
        store->InTransaction([&](Transaction& tx) {
            const auto changed =
                tx.Execute("UPDATE ticket_types SET reserved = reserved + 1 WHERE ticket_type_id = $1",
                           {ticket_type_id});
            EXPECT_EQ(changed.rows_affected, 1);
        });
    };
    reserve();
    store->InTransaction([&](Transaction& tx) {
        tx.Execute(
            "UPDATE ticket_types SET reserved = reserved - 1, sold = sold + 1 WHERE ticket_type_id = $1",
            {ticket_type_id});
    });
    reserve();
    ExpectStoreError(reserve, Kind::kCheckViolation);
    const auto row = store->Transact([&](Transaction& tx) {
        return tx.Execute("SELECT sold, reserved FROM ticket_types WHERE ticket_type_id = $1",
                          {ticket_type_id});
    });
    EXPECT_EQ(AsInt(row.rows.at(0).at(0)) + AsInt(row.rows.at(0).at(1)), 2);

    // Unlimited supply (NULL) takes any count.
    store->InTransaction([&](Transaction& tx) {
        const auto unlimited = InsertTicketType(tx, 1, std::monostate{}, "Unlimited");
        tx.Execute("UPDATE ticket_types SET sold = 1000000 WHERE ticket_type_id = $1", {unlimited});
    });
}

TEST_P(StoreContract, PlaceholdersRepeatedOutOfOrderAndInsideLiterals) {
    auto store = OpenMigrated();
    const auto result = store->Transact([](Transaction& tx) {
        return tx.Execute(
            "SELECT CAST($2 AS BIGINT) AS b, CAST($1 AS TEXT) AS a, CAST($2 AS BIGINT) + 1 AS c, '$1' AS "
            "literal, "
            "'it''s $2' AS quoted, 1 AS \"col$1\" -- $3 in a comment\n",
            {std::string("first"), std::int64_t{41}});
    });
    ASSERT_EQ(result.rows.size(), 1U);
    const auto& row = result.rows[0];
    EXPECT_EQ(AsInt(row[result.Column("b")]), 41);
    EXPECT_EQ(AsText(row[result.Column("a")]), "first");
    EXPECT_EQ(AsInt(row[result.Column("c")]), 42);
    EXPECT_EQ(AsText(row[result.Column("literal")]), "$1");
    EXPECT_EQ(AsText(row[result.Column("quoted")]), "it's $2");
    EXPECT_EQ(AsInt(row[result.Column("col$1")]), 1);

    // A parameter count that does not match the statement is a usage error on both stores.
    ExpectStoreError(
        [&] { store->InTransaction([](Transaction& tx) { tx.Execute("SELECT CAST($1 AS BIGINT)"); }); },
        Kind::kOther);
}

TEST_P(StoreContract, ValuesRoundTrip) {
    auto store = OpenMigrated();
    const std::string tricky = "Ünïcødé ✓ 🎟️ 'single' \"double\" back\\slash $1 ?1 :name\n\ttab";
    const std::vector<std::vector<SqlValue>> rows = {
        {std::int64_t{1}, std::numeric_limits<std::int64_t>::min(), 0.1, tricky},
        {std::int64_t{2}, std::numeric_limits<std::int64_t>::max(), -1.5e300, std::string()},
        {std::int64_t{3}, std::monostate{}, std::monostate{}, std::monostate{}},
        {std::int64_t{4}, std::int64_t{0}, 1e-300, std::string("0042")},
        {std::int64_t{5}, std::int64_t{-1}, 3.141592653589793, std::string(10000, 'x')},
    };
    store->InTransaction([&](Transaction& tx) {
        tx.Execute("CREATE TABLE round_trip (id BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT)");
        for (const auto& row : rows) {
            const auto inserted =
                tx.Execute("INSERT INTO round_trip (id, i, d, s) VALUES ($1, $2, $3, $4)", row);
            EXPECT_EQ(inserted.rows_affected, 1);
        }
    });
    const auto result = store->Transact(
        [](Transaction& tx) { return tx.Execute("SELECT id, i, d, s FROM round_trip ORDER BY id"); });
    ASSERT_EQ(result.columns, (std::vector<std::string>{"id", "i", "d", "s"}));
    ASSERT_EQ(result.rows.size(), rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            EXPECT_EQ(result.rows[r][c], rows[r][c]) << "row " << r << " column " << c;
        }
    }
    // Booleans read back as 0/1 on both stores.
    store->InTransaction([](Transaction& tx) {
        InsertUser(tx, 1);
        tx.Execute("UPDATE users SET is_premium = $1 WHERE user_id = 1", {std::int64_t{1}});
        EXPECT_EQ(ScalarInt(tx, "SELECT is_premium FROM users WHERE user_id = 1"), 1);
        EXPECT_EQ(ScalarInt(tx, "SELECT COUNT(*) FROM users WHERE is_premium = TRUE"), 1);
    });
    // Integral aggregates come back as integers.
    EXPECT_EQ(store->Transact([](Transaction& tx) {
        return ScalarInt(tx, "SELECT SUM(i) FROM round_trip WHERE id >= 4");
    }),
              -1);
}

TEST_P(StoreContract, RowsAffectedCountsChangedRowsOnly) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) {
        for (std::int64_t id = 1; id <= 3; ++id) InsertUser(tx, id);
        EXPECT_EQ(tx.Execute("UPDATE users SET username = 'x' WHERE user_id IN (1, 2)").rows_affected, 2);
        EXPECT_EQ(tx.Execute("DELETE FROM users WHERE user_id = 99").rows_affected, 0);
        EXPECT_EQ(tx.Execute("SELECT * FROM users").rows_affected, 0);
        const auto returning =
            tx.Execute("UPDATE users SET username = 'y' WHERE user_id = 3 RETURNING user_id, username");
        EXPECT_EQ(returning.rows_affected, 1);
        ASSERT_EQ(returning.rows.size(), 1U);
        EXPECT_EQ(AsText(returning.rows[0][1]), "y");
        EXPECT_EQ(tx.Execute("DELETE FROM users").rows_affected, 3);
    });
}

TEST_P(StoreContract, ReadOnlyTransactionReadsAndRefusesWrites) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 1); });
    store->InTransaction([](Transaction& tx) { EXPECT_EQ(ScalarInt(tx, "SELECT COUNT(*) FROM users"), 1); },
                         {.read_only = true});
    ExpectStoreError(
        [&] { store->InTransaction([](Transaction& tx) { InsertUser(tx, 2); }, {.read_only = true}); },
        Kind::kOther);
    // The connection is usable for writes again afterwards.
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 3); });
    EXPECT_EQ(store->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              2);
}

TEST_P(StoreContract, ConcurrentReadModifyWriteIsSerialized) {
    constexpr int kThreads = 4;
    constexpr int kIncrements = 25;
    auto store = OpenMigrated(kThreads);
    store->InTransaction([](Transaction& tx) {
        tx.Execute("CREATE TABLE counters (id BIGINT PRIMARY KEY, value BIGINT NOT NULL)");
        tx.Execute("INSERT INTO counters (id, value) VALUES (1, 0)");
    });
    std::atomic<int> runs{0};  // more than kThreads * kIncrements when conflicts made the store re-run bodies
    RunThreads(kThreads, [&](int) {
        for (int i = 0; i < kIncrements; ++i) {
            // Read, then write what was read plus one: a lost update unless the store serialises the
            // transactions.
            store->InTransaction(
                [&](Transaction& tx) {
                    runs.fetch_add(1);
                    const auto value = ScalarInt(tx, "SELECT value FROM counters WHERE id = 1");
                    tx.Execute("UPDATE counters SET value = $1 WHERE id = 1", {value + 1});
                },
                {.serializable = true, .max_attempts = 1000});
        }
    });
    EXPECT_EQ(store->Transact(
                  [](Transaction& tx) { return ScalarInt(tx, "SELECT value FROM counters WHERE id = 1"); }),
              kThreads * kIncrements);
    EXPECT_GE(runs.load(), kThreads * kIncrements);
    RecordProperty("body_runs", runs.load());
}

TEST_P(StoreContract, ExhaustedPoolMakesCallersWait) {
    auto store = OpenMigrated(1, std::chrono::seconds(30));
    Gate holder_entered;
    Gate release_holder;
    std::atomic<bool> waiter_ran{false};
    std::thread holder([&] {
        store->InTransaction([&](Transaction&) {
            holder_entered.Open();
            release_holder.Wait();
        });
    });
    holder_entered.Wait();
    std::thread waiter([&] { store->InTransaction([&](Transaction&) { waiter_ran = true; }); });
    // Poll (without asserting on time) until the waiter is queued for the only connection.
    while (store->Stats().waiting == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_FALSE(waiter_ran.load());
    release_holder.Open();
    holder.join();
    waiter.join();
    EXPECT_TRUE(waiter_ran.load());
    const auto stats = store->Stats();
    EXPECT_EQ(stats.size, 1);
    EXPECT_EQ(stats.waiting, 0);
    EXPECT_GE(stats.wait_count, 1);
    EXPECT_GE(stats.wait_seconds_total, 0.0);
}

TEST_P(StoreContract, AcquireTimeoutRaisesUnavailable) {
    auto store = OpenMigrated(1, std::chrono::milliseconds(50));
    Gate holder_entered;
    Gate release_holder;
    std::thread holder([&] {
        store->InTransaction([&](Transaction&) {
            holder_entered.Open();
            release_holder.Wait();
        });
    });
    holder_entered.Wait();
    ExpectStoreError([&] { store->InTransaction([](Transaction&) {}); }, Kind::kUnavailable);
    ExpectStoreError([&] { store->Ping(); }, Kind::kUnavailable);
    release_holder.Open();
    holder.join();
    EXPECT_NO_THROW(store->Ping());
}

TEST_P(StoreContract, PingAnswersAndFailsWhenUnreachable) {
    auto store = Open();
    EXPECT_NO_THROW(store->Ping());
    ExpectStoreError(
        [&] {
            StoreSettings settings;
            settings.url = UnreachableUrl();
            settings.acquire_timeout = std::chrono::seconds(2);
            auto unreachable = OpenStore(settings);
            unreachable->Ping();
        },
        Kind::kUnavailable);
}

TEST_P(StoreContract, StatsReportConnectionsInUse) {
    auto store = OpenMigrated(3);
    EXPECT_EQ(store->Stats().size, 3);
    EXPECT_EQ(store->Stats().in_use, 0);
    store->InTransaction([&](Transaction&) { EXPECT_EQ(store->Stats().in_use, 1); });
    EXPECT_EQ(store->Stats().in_use, 0);
}

TEST_P(StoreContract, TamperedMigrationChecksumFailsLoudly) {
    auto store = OpenMigrated();
    store->InTransaction([](Transaction& tx) {
        tx.Execute("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1");
    });
    const auto message = ExpectStoreError([&] { store->Migrate(); }, Kind::kOther);
    EXPECT_NE(message.find("checksum"), std::string::npos) << message;
    EXPECT_NE(message.find("tampered"), std::string::npos) << message;
}

TEST_P(StoreContract, TransactReturnsTheBodysValue) {
    auto store = OpenMigrated();
    const auto text = store->Transact([](Transaction& tx) {
        return AsText(tx.Execute("SELECT CAST($1 AS TEXT) AS t", {std::string("value")}).rows.at(0).at(0));
    });
    EXPECT_EQ(text, "value");
}

TEST_P(StoreContract, SurvivesConnectionsDroppedWhileIdle) {
    auto store = OpenMigrated(2);
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 1); });
    if (GetParam() == "postgres") {
        // What a server restart or an idle-timeout proxy does to pooled connections.
        AdminExec(
            admin_url_,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database_ + "'");
    }
    EXPECT_NO_THROW(store->Ping());
    EXPECT_EQ(store->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              1);
    EXPECT_EQ(store->Stats().in_use, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         StoreContract,
                         ::testing::Values(std::string("sqlite"), std::string("postgres")),
                         ParamName);

TEST(RedactUrl, HidesPasswords) {
    EXPECT_EQ(RedactUrl("postgres://app:s3cr3t@db:5432/onton"), "postgres://app:***@db:5432/onton");
    EXPECT_EQ(RedactUrl("postgresql://app@db/onton?password=x&sslmode=require"),
              "postgresql://app@db/onton?password=***&sslmode=require");
    EXPECT_EQ(RedactUrl("sqlite://./var/onton.db"), "sqlite://./var/onton.db");
}

TEST(OpenStore, RejectsUnknownUrls) {
    StoreSettings settings;
    settings.url = "mysql://localhost/x";
    EXPECT_THROW(OpenStore(settings), std::invalid_argument);
    settings.url = "sqlite://";
    EXPECT_THROW(OpenStore(settings), std::invalid_argument);
}

TEST(OpenStore, SqliteMemoryBehavesLikeAFileStore) {
    StoreSettings settings;
    settings.url = "sqlite::memory:";
    auto store = OpenStore(settings);
    EXPECT_FALSE(store->Migrate().empty());
    store->InTransaction([](Transaction& tx) { InsertUser(tx, 1); });
    EXPECT_EQ(store->Transact([](Transaction& tx) { return ScalarInt(tx, "SELECT COUNT(*) FROM users"); }),
              1);
    // A second memory store is a separate database.
    auto other = OpenStore(settings);
    EXPECT_FALSE(other->Migrate().empty());
}

TEST(OpenStore, SqliteRelativePathCreatesParentAndNftFile) {
    const auto directory = std::filesystem::temp_directory_path() / ("onton-rel-" + RandomSuffix());
    const auto previous = std::filesystem::current_path();
    std::filesystem::create_directories(directory);
    std::filesystem::current_path(directory);
    {
        StoreSettings settings;
        settings.url = "sqlite://./var/onton.db";
        auto store = OpenStore(settings);
        store->Migrate();
    }
    std::filesystem::current_path(previous);
    EXPECT_TRUE(std::filesystem::exists(directory / "var" / "onton.db"));
    EXPECT_TRUE(std::filesystem::exists(directory / "var" / "onton-nft.db"));
    std::filesystem::remove_all(directory);
}

// A migration that rebuilds tables (kForeignKeysOffDirective) over a database in use: the rows, their keys
// and the children that point at them survive, foreign keys are enforced again afterwards, and the widened
// constraint takes effect.
TEST(SqliteMigrations, ATableRebuildKeepsRowsKeysAndChildren) {
    const auto directory = std::filesystem::temp_directory_path() / ("onton-rebuild-" + RandomSuffix());
    std::filesystem::create_directories(directory);
    const auto core = directory / "onton.db";
    const auto migrations = LoadMigrations("sqlite", "core");
    const auto rebuild = std::find_if(migrations.begin(), migrations.end(), [](const Migration& m) {
        return m.sql.starts_with(kForeignKeysOffDirective);
    });
    ASSERT_NE(rebuild, migrations.end()) << "no core migration rebuilds a table";
    {
        // The database as it was before the rebuild, applied by hand and recorded as the migrator would.
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(core.c_str(), &db), SQLITE_OK);
        const auto exec = [db](const std::string& sql) {
            char* error = nullptr;
            const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
            const std::string message = error != nullptr ? error : "";
            sqlite3_free(error);
            ASSERT_EQ(rc, SQLITE_OK) << message << "\n" << sql.substr(0, 200);
        };
        exec("PRAGMA foreign_keys = ON; " + std::string(kCreateSchemaMigrationsSql));
        for (auto m = migrations.begin(); m != rebuild; ++m) {
            exec("BEGIN; " + std::string(m->sql) + "; INSERT INTO schema_migrations VALUES (" +
                 std::to_string(m->version) + ", '" + m->name + "', '" + m->checksum + "', 1); COMMIT");
        }
        exec(
            "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES (1, 'A', 'user', "
            "1, 1);"
            "INSERT INTO events (event_uuid, owner_id, title, start_date, end_date, participation_type, "
            "created_at, "
            "updated_at) VALUES ('e-1', 1, 'T', 10, 20, 'in_person', 1, 1);"
            "INSERT INTO ticket_types (event_id, name, price, supply, sold, created_at, updated_at) "
            "VALUES (1, 'General', 5, 10, 1, 1, 1);"
            "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, "
            "type, "
            "payment_comment, created_at, updated_at) VALUES ('o-1', 1, 1, 1, 1, 5, 'paid', 'ticket', 'c-1', "
            "1, 1);"
            "INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, "
            "created_at, "
            "updated_at) VALUES ('o-1', 1, 1, 1, 'code-1', 1, 1);"
            "INSERT INTO waitlist (ticket_type_id, user_id, status, created_at, updated_at) "
            "VALUES (1, 1, 'waiting', 1, 1)");
        sqlite3_close(db);
    }
    StoreSettings settings;
    settings.url = "sqlite://" + core.string();
    auto store = OpenStore(settings);
    const auto applied = store->Migrate();
    ASSERT_FALSE(applied.empty());
    EXPECT_EQ(applied.front().version, rebuild->version);
    store->InTransaction([](Transaction& tx) {
        EXPECT_EQ(ScalarInt(tx, "SELECT COUNT(*) FROM tickets WHERE order_uuid = 'o-1'"), 1) << "no cascade";
        EXPECT_EQ(ScalarInt(tx, "SELECT COUNT(*) FROM waitlist"), 1) << "no cascade";
        EXPECT_EQ(ScalarInt(tx, "SELECT sold FROM ticket_types WHERE ticket_type_id = 1"), 1);
        EXPECT_EQ(AsText(tx.Execute("SELECT currency FROM orders WHERE uuid = 'o-1'").rows.at(0).at(0)),
                  "TON");
        // The widened constraint: a USDT ticket type and order are accepted now, a made-up currency is not.
        tx.Execute(
            "INSERT INTO ticket_types (event_id, name, price, currency, created_at, updated_at) "
            "VALUES (1, 'Tether', 5, 'USDT', 1, 1)");
    });
    EXPECT_THROW(store->InTransaction([](Transaction& tx) {
        tx.Execute(
            "INSERT INTO ticket_types (event_id, name, price, currency, created_at, updated_at) "
            "VALUES (1, 'Euro', 5, 'EUR', 1, 1)");
    }),
                 ports::StoreError);
    // Foreign keys are enforced again on the store's connections.
    EXPECT_THROW(store->InTransaction([](Transaction& tx) {
        tx.Execute(
            "INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, "
            "created_at, "
            "updated_at) VALUES ('no-such-order', 1, 1, 1, 'code-2', 1, 1)");
    }),
                 ports::StoreError);
    EXPECT_TRUE(store->Migrate().empty());
    store.reset();
    std::filesystem::remove_all(directory);
}

}  // namespace
}  // namespace onton::storage
