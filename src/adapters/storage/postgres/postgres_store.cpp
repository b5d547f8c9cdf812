#include "adapters/storage/postgres/postgres_store.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adapters/storage/migration_set.hpp"
#include "adapters/storage/pool.hpp"
#include "adapters/storage/retry.hpp"

namespace onton::storage::postgres {
namespace {

using ports::ResultSet;
using ports::SqlParams;
using ports::SqlValue;
using ports::StoreError;
using Kind = ports::StoreError::Kind;

constexpr std::string_view kDialect = "postgres";
/// Key of the advisory lock that serialises migrators across processes ("ontonmg" in ASCII).
constexpr std::int64_t kMigrationLockKey = 0x6f6e746f6e6d67;

constexpr unsigned kBoolOid = 16;
constexpr unsigned kInt8Oid = 20;
constexpr unsigned kInt2Oid = 21;
constexpr unsigned kInt4Oid = 23;
constexpr unsigned kFloat4Oid = 700;
constexpr unsigned kFloat8Oid = 701;
constexpr unsigned kNumericOid = 1700;

constexpr char kBeginSql[] = "BEGIN";
constexpr char kBeginSerializableSql[] = "BEGIN ISOLATION LEVEL SERIALIZABLE";
constexpr char kBeginReadOnlySql[] = "BEGIN READ ONLY";
constexpr char kBeginSerializableReadOnlySql[] = "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY";
constexpr char kCommitSql[] = "COMMIT";
constexpr char kRollbackSql[] = "ROLLBACK";

struct ResultDeleter {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

/// libpq calls this from C: nothing may escape it.
void OnNotice(void* /*arg*/, const char* message) noexcept {
    try {
        spdlog::debug("postgres: {}", message);
    } catch (...) {  // NOLINT(bugprone-empty-catch): logging a notice is best effort
    }
}

std::string Trimmed(const char* text) {
    std::string out = text != nullptr ? text : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

Kind KindOf(std::string_view sqlstate) {
    if (sqlstate == "40001" || sqlstate == "40P01") return Kind::kSerialization;
    if (sqlstate == "23505") return Kind::kUniqueViolation;
    if (sqlstate == "23503") return Kind::kForeignKeyViolation;
    if (sqlstate == "23514" || sqlstate == "23502") return Kind::kCheckViolation;
    // Connection exceptions, the server shutting down or refusing connections, too many connections.
    if (sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
        sqlstate == "53300") {
        return Kind::kUnavailable;
    }
    return Kind::kOther;
}

StoreError ErrorFrom(PGconn* connection, const PGresult* result, std::string_view context) {
    const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message =
        Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
    if (message.empty()) message = Trimmed(PQerrorMessage(connection));
    Kind kind = Kind::kOther;
    if (PQstatus(connection) != CONNECTION_OK) {
        kind = Kind::kUnavailable;
    } else if (sqlstate != nullptr) {
        kind = KindOf(sqlstate);
    } else if (result == nullptr) {
        kind = Kind::kUnavailable;  // libpq could not even build a result: the connection is gone or out of
                                    // memory
    }
    std::string text = "postgres: " + message;
    if (sqlstate != nullptr) text += " [" + std::string(sqlstate) + "]";
    if (!context.empty()) text += " in: " + std::string(context.substr(0, 200));
    return StoreError(kind, text);
}

std::string FormatDouble(double value) {
    char buffer[64];
    // Shortest representation that reads back to the same double; PostgreSQL's float8in accepts inf and nan.
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (error != std::errc()) throw StoreError(Kind::kOther, "postgres: cannot format a double parameter");
    return std::string(buffer, end);
}

std::int64_t ParseInt(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw StoreError(Kind::kOther, "postgres: not an integer: " + std::string(text));
    }
    return value;
}

double ParseDouble(std::string_view text) {
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
        throw StoreError(Kind::kOther, "postgres: not a number: " + std::string(text));
    }
    return value;
}

SqlValue ReadValue(const PGresult* result, int row, int column) {
    if (PQgetisnull(result, row, column) != 0) return std::monostate{};
    const std::string_view text(PQgetvalue(result, row, column),
                                static_cast<std::size_t>(PQgetlength(result, row, column)));
    switch (PQftype(result, column)) {
        case kInt2Oid:
        case kInt4Oid:
        case kInt8Oid:
            return ParseInt(text);
        case kBoolOid:
            return std::int64_t{text == "t" ? 1 : 0};
        case kFloat4Oid:
        case kFloat8Oid:
            return ParseDouble(text);
        case kNumericOid: {
            // SUM() and friends over BIGINT answer numeric on PostgreSQL and an integer on SQLite; an
            // integral value that fits comes back as int64 so that repositories read both alike.
            std::int64_t integer = 0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
            if (error == std::errc() && end == text.data() + text.size()) return integer;
            return ParseDouble(text);
        }
        default:
            return std::string(text);
    }
}

/// Converts a finished command's result; throws the mapped StoreError for an error result.
ResultSet ToResultSet(PGconn* connection, PGresult* result, std::string_view context) {
    const auto status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw ErrorFrom(connection, result, context);
    ResultSet out;
    const int columns = PQnfields(result);
    const int rows = PQntuples(result);
    out.columns.reserve(static_cast<std::size_t>(columns));
    for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(result, c));
    out.rows.reserve(static_cast<std::size_t>(rows));
    for (int r = 0; r < rows; ++r) {
        auto& row = out.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) row.push_back(ReadValue(result, r, c));
    }
    // PQcmdTuples also counts the rows of a SELECT; the port counts only rows changed.
    const std::string_view command = PQcmdStatus(result);
    if (command.starts_with("INSERT") || command.starts_with("UPDATE") || command.starts_with("DELETE") ||
        command.starts_with("MERGE")) {
        const std::string_view tuples = PQcmdTuples(result);
        if (!tuples.empty()) out.rows_affected = ParseInt(tuples);
    }
    return out;
}

/// One libpq connection with its prepared statements. Used by one thread at a time (the pool guarantees it).
class Connection {
   public:
    Connection(const std::string& conninfo,
               std::chrono::milliseconds acquire_timeout,
               std::chrono::milliseconds statement_timeout) {
        // connect_timeout comes first so that a value in the URL overrides it; application_name comes last so
        // that the server always shows our connections as onton.
        const std::string connect_timeout = std::to_string(std::max<std::int64_t>(
            2, std::chrono::duration_cast<std::chrono::seconds>(acquire_timeout).count()));
        const char* const keywords[] = {"connect_timeout", "dbname", "application_name", nullptr};
        const char* const values[] = {connect_timeout.c_str(), conninfo.c_str(), "onton", nullptr};
        connection_ = PQconnectdbParams(keywords, values, 1);
        if (connection_ == nullptr)
            throw StoreError(Kind::kUnavailable, "postgres: out of memory connecting");
        if (PQstatus(connection_) != CONNECTION_OK) {
            StoreError error(Kind::kUnavailable,
                             "postgres: cannot connect: " + Trimmed(PQerrorMessage(connection_)));
            PQfinish(connection_);
            connection_ = nullptr;
            throw error;
        }
        PQsetNoticeProcessor(connection_, &OnNotice, nullptr);
        try {
            Exec("SET search_path TO core, nft, public; SET statement_timeout = " +
                 std::to_string(statement_timeout.count()) + "; SET application_name = 'onton'");
        } catch (...) {
            PQfinish(connection_);
            connection_ = nullptr;
            throw;
        }
    }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        if (connection_ != nullptr) PQfinish(connection_);
    }

    [[nodiscard]] bool broken() const noexcept { return PQstatus(connection_) != CONNECTION_OK; }

    /// Simple-query protocol: no parameters, several statements allowed (migrations, BEGIN, SET).
    ResultSet Exec(const std::string& sql) {
        Result result(PQexec(connection_, sql.c_str()));
        return ToResultSet(connection_, result.get(), sql);
    }

    /// An unnamed, uncached statement with parameters (the migrator's bookkeeping).
    ResultSet ExecParams(const std::string& sql, const SqlParams& params) {
        const Parameters parameters(params);
        Result result(PQexecParams(
            connection_, sql.c_str(), parameters.count(), nullptr, parameters.values(), nullptr, nullptr, 0));
        return ToResultSet(connection_, result.get(), sql);
    }

    /// A statement prepared once per connection and SQL text, then run with text-format parameters.
    ResultSet Execute(std::string_view sql, const SqlParams& params) {
        const Prepared& prepared = Prepare(sql);
        if (prepared.parameter_count != params.size()) {
            throw StoreError(Kind::kOther,
                             "postgres: statement takes " + std::to_string(prepared.parameter_count) +
                                 " parameters but " + std::to_string(params.size()) +
                                 " were given: " + std::string(sql));
        }
        const Parameters parameters(params);
        Result result(PQexecPrepared(connection_,
                                     prepared.name.c_str(),
                                     parameters.count(),
                                     parameters.values(),
                                     nullptr,
                                     nullptr,
                                     0));
        return ToResultSet(connection_, result.get(), sql);
    }

    void RollbackQuietly() noexcept {
        if (PQtransactionStatus(connection_) == PQTRANS_IDLE) return;
        Result result(PQexec(connection_, kRollbackSql));
    }

   private:
    struct Prepared {
        std::string name;
        std::size_t parameter_count = 0;
    };

    /// Text-format parameter values; NULL for monostate.
    class Parameters {
       public:
        explicit Parameters(const SqlParams& params) {
            if (params.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
                throw StoreError(Kind::kOther, "postgres: too many parameters");
            }
            text_.reserve(params.size());
            for (const auto& param : params) {
                if (const auto* integer = std::get_if<std::int64_t>(&param)) {
                    text_.push_back(std::to_string(*integer));
                } else if (const auto* real = std::get_if<double>(&param)) {
                    text_.push_back(FormatDouble(*real));
                } else if (const auto* text = std::get_if<std::string>(&param)) {
                    text_.push_back(*text);
                } else {
                    text_.emplace_back();
                }
            }
            // Pointers are taken after text_ stops growing.
            values_.reserve(params.size());
            for (std::size_t i = 0; i < params.size(); ++i) {
                values_.push_back(std::holds_alternative<std::monostate>(params[i]) ? nullptr
                                                                                    : text_[i].c_str());
            }
        }
        [[nodiscard]] int count() const noexcept { return static_cast<int>(values_.size()); }
        [[nodiscard]] const char* const* values() const noexcept { return values_.data(); }

       private:
        std::vector<std::string> text_;
        std::vector<const char*> values_;
    };

    const Prepared& Prepare(std::string_view sql) {
        auto found = prepared_.find(sql);
        if (found != prepared_.end()) return found->second;
        const std::string text(sql);
        Prepared prepared{"onton_" + std::to_string(++next_statement_), 0};
        {
            Result result(PQprepare(connection_, prepared.name.c_str(), text.c_str(), 0, nullptr));
            (void)ToResultSet(connection_, result.get(), sql);
        }
        {
            // The server infers the parameters; their count lets a mismatch fail here as a usage error
            // instead of as a protocol error (SQLSTATE 08P01) that would read as a lost connection.
            Result result(PQdescribePrepared(connection_, prepared.name.c_str()));
            (void)ToResultSet(connection_, result.get(), sql);
            prepared.parameter_count = static_cast<std::size_t>(PQnparams(result.get()));
        }
        return prepared_.emplace(text, std::move(prepared)).first->second;
    }

    PGconn* connection_ = nullptr;
    std::map<std::string, Prepared, std::less<>> prepared_;
    std::uint64_t next_statement_ = 0;
};

/// After a failed statement PostgreSQL refuses every later one until ROLLBACK; the transaction remembers the
/// first failure so that a body that swallowed it cannot commit (COMMIT would silently roll back).
class PostgresTransaction final : public ports::Transaction {
   public:
    explicit PostgresTransaction(Connection& connection) : connection_(connection) {}

    ResultSet Execute(std::string_view sql, const SqlParams& params) override {
        if (failure_) {
            throw StoreError(Kind::kOther,
                             "postgres: transaction aborted by an earlier error; statement not run");
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

const char* BeginSql(const ports::TransactionOptions& options) {
    if (options.serializable)
        return options.read_only ? kBeginSerializableReadOnlySql : kBeginSerializableSql;
    return options.read_only ? kBeginReadOnlySql : kBeginSql;
}

class PostgresStore final : public ports::Store {
   public:
    explicit PostgresStore(PostgresOptions options)
        : options_(std::move(options)),
          pool_(static_cast<std::size_t>(std::max(1, options_.pool_size)), options_.acquire_timeout, [this] {
              return std::make_unique<Connection>(
                  options_.conninfo, options_.acquire_timeout, options_.statement_timeout);
          }) {}

    [[nodiscard]] std::string_view Dialect() const noexcept override { return kDialect; }

    ports::ResultSet ReadOnce(std::string_view sql, const ports::SqlParams& params) override {
        if (!ports::IsSelect(sql)) throw std::invalid_argument("ReadOnce takes one SELECT");
        ports::ResultSet out;
        // Autocommit: the statement is its own transaction (one round trip). `began` stays false, so a pooled
        // connection found dead is replaced and the read retried, which is safe for a lone SELECT.
        WithConnection([&](Connection& connection, bool&) { out = connection.Execute(sql, params); });
        return out;
    }

    void InTransaction(const std::function<void(ports::Transaction&)>& body,
                       ports::TransactionOptions options) override {
        WithConnection([&](Connection& connection, bool& began) {
            RunWithRetry(options.max_attempts, [&] { RunOnce(connection, body, options, began); });
        });
    }

    void Ping() override {
        WithConnection([](Connection& connection, bool& /*began*/) { (void)connection.Exec("SELECT 1"); });
    }

    [[nodiscard]] ports::PoolStats Stats() const override { return pool_.Stats(); }

    std::vector<ports::AppliedMigration> Migrate() override {
        std::vector<ports::AppliedMigration> applied;
        WithConnection([&](Connection& connection, bool& began) {
            began = true;
            InMigrationTransaction(connection, [&] {
                // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide in the catalog, hence the lock
                // first.
                for (const auto database : kDatabases) {
                    connection.Exec("CREATE SCHEMA IF NOT EXISTS " + std::string(database) +
                                    "; SET LOCAL search_path TO " + std::string(database) + "; " +
                                    std::string(kCreateSchemaMigrationsSql));
                }
            });
            for (const auto database : kDatabases) {
                for (const auto& migration : LoadMigrations(kDialect, database)) {
                    InMigrationTransaction(connection, [&] {
                        connection.Exec("SET LOCAL search_path TO " + std::string(database));
                        const auto recorded =
                            connection.ExecParams("SELECT checksum FROM schema_migrations WHERE version = $1",
                                                  {SqlValue(migration.version)});
                        if (!recorded.rows.empty()) {
                            const auto& checksum = ports::AsText(recorded.rows[0][0]);
                            if (checksum != migration.checksum) {
                                throw StoreError(Kind::kOther,
                                                 ChecksumMismatchMessage(database, migration, checksum));
                            }
                            return;
                        }
                        try {
                            connection.Exec(std::string(migration.sql));
                        } catch (const StoreError& error) {
                            throw StoreError(error.kind(),
                                             "migration " + std::string(database) + "/" + migration.name +
                                                 ": " + error.what());
                        }
                        connection.ExecParams(
                            "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                            "VALUES ($1, $2, $3, $4)",
                            {SqlValue(migration.version),
                             SqlValue(migration.name),
                             SqlValue(migration.checksum),
                             SqlValue(UnixNow())});
                        applied.push_back({std::string(database), migration.version, migration.name});
                    });
                }
            }
        });
        return applied;
    }

   private:
    /// Lends `work` a connection. A pooled connection may have died while idle (server restart, idle
    /// timeout): when the first command on a reused connection finds it gone before anything ran, the work is
    /// retried on another connection. Broken connections are dropped from the pool.
    template <typename Work>
    void WithConnection(Work&& work) {
        for (int round = 0;; ++round) {
            auto lease = pool_.Acquire();
            bool began = false;
            try {
                work(*lease, began);
                return;
            } catch (const StoreError& error) {
                if (error.kind() == Kind::kUnavailable || lease->broken()) lease.Discard();
                // Every idle connection may be stale (a server restart drops them all), so try past each of
                // them.
                const bool stale = error.kind() == Kind::kUnavailable && lease.reused() && !began &&
                                   round <= options_.pool_size;
                if (!stale) throw;
                spdlog::info("postgres: pooled connection was lost while idle; reconnecting");
            } catch (...) {
                if (lease->broken()) lease.Discard();
                throw;
            }
        }
    }

    static void RunOnce(Connection& connection,
                        const std::function<void(ports::Transaction&)>& body,
                        const ports::TransactionOptions& options,
                        bool& began) {
        (void)connection.Exec(BeginSql(options));
        began = true;
        PostgresTransaction transaction(connection);
        try {
            body(transaction);
        } catch (...) {
            connection.RollbackQuietly();
            throw;
        }
        if (transaction.failure()) {
            connection.RollbackQuietly();
            std::rethrow_exception(transaction.failure());
        }
        // A serializable transaction may fail here (40001): the caller's retry loop runs the body again.
        try {
            (void)connection.Exec(kCommitSql);
        } catch (...) {
            connection.RollbackQuietly();
            throw;
        }
    }

    /// One migration step: its own transaction holding the migration advisory lock until it ends.
    template <typename Step>
    static void InMigrationTransaction(Connection& connection, Step&& step) {
        (void)connection.Exec(kBeginSql);
        try {
            (void)connection.Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) + ")");
            step();
            (void)connection.Exec(kCommitSql);
        } catch (...) {
            connection.RollbackQuietly();
            throw;
        }
    }

    PostgresOptions options_;
    ConnectionPool<Connection> pool_;
};

}  // namespace

std::unique_ptr<ports::Store> OpenPostgresStore(PostgresOptions options) {
    return std::make_unique<PostgresStore>(std::move(options));
}

}  // namespace onton::storage::postgres
