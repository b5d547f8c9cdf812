#include "adapters/storage/sqlite/sqlite_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "adapters/storage/migration_set.hpp"
#include "adapters/storage/pool.hpp"
#include "adapters/storage/retry.hpp"
#include "adapters/storage/sqlite/placeholders.hpp"
#include "common/fold_case.hpp"

namespace onton::storage::sqlite {
namespace {

using ports::ResultSet;
using ports::SqlParams;
using ports::SqlValue;
using ports::StoreError;
using Kind = ports::StoreError::Kind;

constexpr std::string_view kDialect = "sqlite";
constexpr int kMigrationAttempts = 10;

Kind KindOf(int extended_code) {
    switch (extended_code) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_ROWID:
            return Kind::kUniqueViolation;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return Kind::kForeignKeyViolation;
        case SQLITE_CONSTRAINT_CHECK:
        case SQLITE_CONSTRAINT_NOTNULL:
            return Kind::kCheckViolation;
        default:
            break;
    }
    switch (extended_code & 0xff) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return Kind::kSerialization;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
        case SQLITE_FULL:
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
        case SQLITE_NOMEM:
            return Kind::kUnavailable;
        default:
            // Includes SQLITE_CONSTRAINT_DATATYPE (a STRICT column refusing a value) and SQLITE_READONLY (a
            // write in a read-only transaction): PostgreSQL reports both as plain errors too.
            return Kind::kOther;
    }
}

/// SQLite's own lower() folds ASCII only; this one folds as PostgreSQL's does under a UTF-8 locale
/// (FoldCase), so that search behaves the same on both stores. No exception leaves this C callback.
void FoldLower(sqlite3_context* context, int argc, sqlite3_value** argv) {
    if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    if (text == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
    }
    try {
        const auto folded =
            FoldCase(std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0]))));
        sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
    } catch (...) {
        sqlite3_result_error_nomem(context);
    }
}

StoreError ErrorFrom(sqlite3* db, int code, std::string_view context) {
    const int extended = db != nullptr ? sqlite3_extended_errcode(db) : code;
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    return StoreError(
        KindOf(extended != 0 ? extended : code),
        "sqlite: " + std::string(context) + ": " + message + " (" + std::to_string(extended) + ")");
}

bool OnlyWhitespace(const char* text) {
    for (; text != nullptr && *text != '\0'; ++text) {
        if (std::isspace(static_cast<unsigned char>(*text)) == 0 && *text != ';') return false;
    }
    return true;
}

/// One sqlite3 handle with its prepared-statement cache. Used by one thread at a time (the pool guarantees
/// it).
class Connection {
   public:
    Connection(const std::filesystem::path& file,
               const std::filesystem::path* nft_file,
               std::chrono::milliseconds busy_timeout) {
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        const int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            StoreError error(Kind::kUnavailable,
                             "sqlite: cannot open " + file.string() + ": " +
                                 (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)));
            sqlite3_close_v2(db_);
            db_ = nullptr;
            throw error;
        }
        try {
            sqlite3_extended_result_codes(db_, 1);
            sqlite3_busy_timeout(db_,
                                 static_cast<int>(std::min<std::chrono::milliseconds::rep>(
                                     busy_timeout.count(), std::numeric_limits<int>::max())));
            // synchronous=FULL: with WAL, NORMAL may lose the last commits on power loss, and a paid order or
            // an issued ticket must not be rolled back after we told the buyer it happened.
            Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", "configure connection");
            if (sqlite3_create_function_v2(db_,
                                           "lower",
                                           1,
                                           SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                           nullptr,
                                           &FoldLower,
                                           nullptr,
                                           nullptr,
                                           nullptr) != SQLITE_OK) {
                throw ErrorFrom(db_, sqlite3_errcode(db_), "register lower()");
            }
            if (nft_file != nullptr) {
                Execute("ATTACH DATABASE $1 AS nft", {SqlValue(nft_file->string())});
                Exec("PRAGMA nft.synchronous = FULL", "configure nft");
            }
        } catch (...) {
            Close();
            throw;
        }
    }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { Close(); }

    [[nodiscard]] sqlite3* db() const noexcept { return db_; }

    /// Runs SQL text that may hold several statements and no parameters (pragmas, BEGIN, migrations).
    void Exec(const std::string& sql, std::string_view context) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
        sqlite3_free(message);  // the same text is available from sqlite3_errmsg
        if (rc != SQLITE_OK) throw ErrorFrom(db_, rc, context);
    }

    ResultSet Execute(std::string_view sql, const SqlParams& params) {
        sqlite3_stmt* statement = Prepare(sql);
        struct Reset {
            sqlite3_stmt* statement;
            ~Reset() {
                sqlite3_reset(statement);
                sqlite3_clear_bindings(statement);
            }
        } reset{statement};

        const int expected = sqlite3_bind_parameter_count(statement);
        if (static_cast<std::size_t>(expected) != params.size()) {
            throw StoreError(Kind::kOther,
                             "sqlite: statement takes " + std::to_string(expected) + " parameters but " +
                                 std::to_string(params.size()) + " were given: " + std::string(sql));
        }
        for (std::size_t i = 0; i < params.size(); ++i) Bind(statement, static_cast<int>(i) + 1, params[i]);

        ResultSet result;
        const int columns = sqlite3_column_count(statement);
        result.columns.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) result.columns.emplace_back(sqlite3_column_name(statement, c));

        const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
        for (;;) {
            const int rc = sqlite3_step(statement);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) throw ErrorFrom(db_, rc, sql);
            auto& row = result.rows.emplace_back();
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) row.push_back(Read(statement, c));
        }
        // sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, so only trust it when this
        // statement changed something.
        if (sqlite3_stmt_readonly(statement) == 0 && sqlite3_total_changes64(db_) != changes_before) {
            result.rows_affected = static_cast<std::int64_t>(sqlite3_changes64(db_));
        }
        return result;
    }

    void RollbackQuietly() noexcept {
        if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }

   private:
    sqlite3_stmt* Prepare(std::string_view sql) {
        auto found = statements_.find(sql);
        if (found != statements_.end()) return found->second;
        const std::string rewritten = RewritePlaceholders(sql);
        sqlite3_stmt* statement = nullptr;
        const char* tail = nullptr;
        const int rc = sqlite3_prepare_v3(db_,
                                          rewritten.c_str(),
                                          static_cast<int>(rewritten.size()) + 1,
                                          SQLITE_PREPARE_PERSISTENT,
                                          &statement,
                                          &tail);
        if (rc != SQLITE_OK) throw ErrorFrom(db_, rc, sql);
        if (statement == nullptr) throw StoreError(Kind::kOther, "sqlite: empty statement");
        if (!OnlyWhitespace(tail)) {
            sqlite3_finalize(statement);
            throw StoreError(Kind::kOther, "sqlite: Execute takes one statement: " + std::string(sql));
        }
        statements_.emplace(std::string(sql), statement);
        return statement;
    }

    static void Bind(sqlite3_stmt* statement, int index, const SqlValue& value) {
        int rc = SQLITE_OK;
        if (const auto* integer = std::get_if<std::int64_t>(&value)) {
            rc = sqlite3_bind_int64(statement, index, *integer);
        } else if (const auto* real = std::get_if<double>(&value)) {
            rc = sqlite3_bind_double(statement, index, *real);
        } else if (const auto* text = std::get_if<std::string>(&value)) {
            if (text->size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
                throw StoreError(Kind::kOther, "sqlite: parameter too large");
            }
            // A null destructor is SQLITE_STATIC: `params` outlives the statement run, and Reset clears
            // bindings.
            rc = sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()), nullptr);
        } else {
            rc = sqlite3_bind_null(statement, index);
        }
        if (rc != SQLITE_OK) throw ErrorFrom(sqlite3_db_handle(statement), rc, "bind");
    }

    static SqlValue Read(sqlite3_stmt* statement, int column) {
        switch (sqlite3_column_type(statement, column)) {
            case SQLITE_INTEGER:
                return static_cast<std::int64_t>(sqlite3_column_int64(statement, column));
            case SQLITE_FLOAT:
                return sqlite3_column_double(statement, column);
            case SQLITE_TEXT: {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
                return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
            }
            case SQLITE_BLOB: {
                const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, column));
                const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
                return blob == nullptr ? std::string() : std::string(blob, size);
            }
            default:
                return std::monostate{};
        }
    }

    void Close() noexcept {
        for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
        statements_.clear();
        if (db_ != nullptr) sqlite3_close_v2(db_);
        db_ = nullptr;
    }

    sqlite3* db_ = nullptr;
    std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

/// A transaction that, like PostgreSQL's, is unusable after a failed statement: the adapters must behave
/// alike, and on PostgreSQL every later statement would fail with "current transaction is aborted".
class SqliteTransaction final : public ports::Transaction {
   public:
    explicit SqliteTransaction(Connection& connection) : connection_(connection) {}

    ResultSet Execute(std::string_view sql, const SqlParams& params) override {
        if (failure_) {
            throw StoreError(Kind::kOther,
                             "sqlite: transaction aborted by an earlier error; statement not run");
        }
        try {
            return connection_.Execute(sql, params);
        } catch (...) {
            failure_ = std::current_exception();
            throw;
        }
    }

    [[nodiscard]] const std::exception_ptr& failure() const noexcept { return failure_; }

   private:
    Connection& connection_;
    std::exception_ptr failure_;
};

/// Owns the directory of a `sqlite::memory:` store; declared before the pool so that it is removed last.
struct OwnedDirectory {
    std::filesystem::path path;
    OwnedDirectory() = default;
    explicit OwnedDirectory(std::filesystem::path p) : path(std::move(p)) {}
    OwnedDirectory(const OwnedDirectory&) = delete;
    OwnedDirectory& operator=(const OwnedDirectory&) = delete;
    ~OwnedDirectory() {
        if (path.empty()) return;
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

/// Sets WAL on a file. The mode is stored in the file, so doing it once per store is enough; another process
/// switching the same new file at the same moment makes this return SQLITE_BUSY, hence the retry.
void EnableWal(const std::filesystem::path& file, std::chrono::milliseconds busy_timeout) {
    const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
    for (;;) {
        try {
            Connection connection(file, nullptr, busy_timeout);
            const auto mode = connection.Execute("PRAGMA journal_mode = WAL", {});
            if (mode.rows.empty() || mode.rows[0].empty() || ports::IsNull(mode.rows[0][0]) ||
                ports::AsText(mode.rows[0][0]) != "wal") {
                throw StoreError(Kind::kUnavailable, "sqlite: cannot switch " + file.string() + " to WAL");
            }
            return;
        } catch (const StoreError& error) {
            if (error.kind() != Kind::kSerialization || std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

class SqliteStore final : public ports::Store {
   public:
    explicit SqliteStore(SqliteOptions options)
        : options_(std::move(options)),
          owned_directory_(options_.owned_directory),
          pool_(static_cast<std::size_t>(std::max(1, options_.pool_size)), options_.acquire_timeout, [this] {
              return std::make_unique<Connection>(
                  options_.core_path, &options_.nft_path, options_.busy_timeout);
          }) {
        EnableWal(options_.core_path, options_.busy_timeout);
        EnableWal(options_.nft_path, options_.busy_timeout);
    }

    [[nodiscard]] std::string_view Dialect() const noexcept override { return kDialect; }

    void InTransaction(const std::function<void(ports::Transaction&)>& body,
                       ports::TransactionOptions options) override {
        auto lease = pool_.Acquire();
        try {
            RunWithRetry(options.max_attempts, [&] { RunOnce(*lease, body, options.read_only); });
        } catch (const StoreError& error) {
            if (error.kind() == Kind::kUnavailable) lease.Discard();
            throw;
        }
    }

    void Ping() override {
        auto lease = pool_.Acquire();
        (void)lease->Execute("SELECT 1", {});
    }

    [[nodiscard]] ports::PoolStats Stats() const override { return pool_.Stats(); }

    std::vector<ports::AppliedMigration> Migrate() override {
        std::vector<ports::AppliedMigration> applied;
        for (const auto database : kDatabases) {
            // The nft migrations run on a connection that has the nft file as `main`, so that the SQL files
            // stay unqualified and create their tables in the right file.
            const auto& file = database == "core" ? options_.core_path : options_.nft_path;
            Connection connection(file, nullptr, options_.busy_timeout);
            MigrateDatabase(connection, database, applied);
        }
        return applied;
    }

   private:
    static void RunOnce(Connection& connection,
                        const std::function<void(ports::Transaction&)>& body,
                        bool read_only) {
        // IMMEDIATE takes the write lock up front (on every attached file), so writers queue on busy_timeout
        // instead of failing when a read lock cannot be upgraded. query_only makes a read-only transaction
        // refuse writes, as PostgreSQL's READ ONLY does.
        struct QueryOnlyOff {
            Connection& connection;
            bool active;
            ~QueryOnlyOff() {
                if (active)
                    sqlite3_exec(connection.db(), "PRAGMA query_only = OFF", nullptr, nullptr, nullptr);
            }
        } query_only_off{connection, read_only};
        connection.Exec(read_only ? "PRAGMA query_only = ON; BEGIN DEFERRED" : "BEGIN IMMEDIATE", "begin");

        SqliteTransaction transaction(connection);
        try {
            body(transaction);
        } catch (...) {
            connection.RollbackQuietly();
            throw;
        }
        if (transaction.failure()) {
            // The body swallowed a statement's error; committing the rest would persist half of its work.
            connection.RollbackQuietly();
            std::rethrow_exception(transaction.failure());
        }
        try {
            connection.Exec("COMMIT", "commit");
        } catch (...) {
            connection.RollbackQuietly();
            throw;
        }
    }

    void MigrateDatabase(Connection& connection,
                         std::string_view database,
                         std::vector<ports::AppliedMigration>& applied) {
        RunWithRetry(kMigrationAttempts, [&] {
            try {
                connection.Exec("BEGIN IMMEDIATE; " + std::string(kCreateSchemaMigrationsSql) + "; COMMIT",
                                "create schema_migrations");
            } catch (...) {
                connection.RollbackQuietly();
                throw;
            }
        });
        for (const auto& migration : LoadMigrations(kDialect, database)) {
            // A migration that rebuilds a table (SQLite cannot alter a constraint in place) starts with
            // kForeignKeysOffDirective: as SQLite's own procedure requires, foreign keys are off while it
            // runs (else dropping the old table would cascade into its children) and checked before it
            // commits.
            const bool keys_off = migration.sql.starts_with(kForeignKeysOffDirective);
            struct KeysBackOn {
                Connection& connection;
                bool active;
                ~KeysBackOn() {
                    if (active)
                        sqlite3_exec(connection.db(), "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
                }
            } keys_back_on{connection, keys_off};
            if (keys_off)
                connection.Exec("PRAGMA foreign_keys = OFF", "foreign keys off for a table rebuild");
            RunWithRetry(kMigrationAttempts, [&] {
                // BEGIN IMMEDIATE serialises concurrent migrators (threads or processes): the second one
                // waits, then sees the row the first one wrote.
                connection.Exec("BEGIN IMMEDIATE", "begin migration");
                try {
                    const auto recorded =
                        connection.Execute("SELECT checksum FROM schema_migrations WHERE version = $1",
                                           {SqlValue(migration.version)});
                    if (!recorded.rows.empty()) {
                        const auto& checksum = ports::AsText(recorded.rows[0][0]);
                        if (checksum != migration.checksum) {
                            throw StoreError(Kind::kOther,
                                             ChecksumMismatchMessage(database, migration, checksum));
                        }
                        connection.Exec("COMMIT", "commit migration");
                        return;
                    }
                    connection.Exec(std::string(migration.sql),
                                    "migration " + std::string(database) + "/" + migration.name);
                    if (keys_off && !connection.Execute("PRAGMA foreign_key_check", {}).rows.empty()) {
                        throw StoreError(Kind::kOther,
                                         "migration " + std::string(database) + "/" + migration.name +
                                             " would leave rows whose foreign keys point nowhere");
                    }
                    connection.Execute(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, "
                        "$3, $4)",
                        {SqlValue(migration.version),
                         SqlValue(migration.name),
                         SqlValue(migration.checksum),
                         SqlValue(UnixNow())});
                    connection.Exec("COMMIT", "commit migration");
                } catch (...) {
                    connection.RollbackQuietly();
                    throw;
                }
                applied.push_back({std::string(database), migration.version, migration.name});
            });
        }
    }

    SqliteOptions options_;
    OwnedDirectory owned_directory_;
    ConnectionPool<Connection> pool_;
};

}  // namespace

std::filesystem::path NftPathFor(const std::filesystem::path& core_path) {
    return core_path.parent_path() / (core_path.stem().string() + "-nft.db");
}

std::unique_ptr<ports::Store> OpenSqliteStore(SqliteOptions options) {
    return std::make_unique<SqliteStore>(std::move(options));
}

}  // namespace onton::storage::sqlite
