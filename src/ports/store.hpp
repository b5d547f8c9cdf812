#pragma once
/// The Store port: transactions over the relational store (SQLite on the embedded default, PostgreSQL in
/// production). Repositories write SQL once with `$1, $2, ...` placeholders; each adapter binds them its own way.
/// Table names are unqualified: the `core` and `nft` databases of design.md §4 are the PostgreSQL schemas `core` and
/// `nft` on the search path, and on SQLite the main file plus an attached `nft` file.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace onton::ports {

/// A bound parameter or a column value. Booleans are stored as integers 0/1 on both stores.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string>;

/// Parameters of one statement, `$1` is params[0].
using SqlParams = std::vector<SqlValue>;

/// The rows of one statement's answer; rows_affected counts rows changed by INSERT/UPDATE/DELETE.
struct ResultSet {
    std::vector<std::string> columns;
    std::vector<std::vector<SqlValue>> rows;
    std::int64_t rows_affected = 0;

    [[nodiscard]] bool empty() const noexcept { return rows.empty(); }
    /// Index of a column by name; throws std::out_of_range when absent.
    [[nodiscard]] std::size_t Column(std::string_view name) const;
};

/// Typed accessors for a column value; throw std::bad_variant_access on a type mismatch (a broken invariant).
[[nodiscard]] bool IsNull(const SqlValue& value) noexcept;
[[nodiscard]] std::int64_t AsInt(const SqlValue& value);
[[nodiscard]] const std::string& AsText(const SqlValue& value);
[[nodiscard]] std::optional<std::int64_t> AsOptionalInt(const SqlValue& value);
[[nodiscard]] std::optional<std::string> AsOptionalText(const SqlValue& value);

/// Parameters for nullable columns: an empty string or an absent number binds as NULL.
[[nodiscard]] inline SqlValue TextOrNull(const std::string& text) {
    if (text.empty()) return std::monostate{};
    return text;
}
[[nodiscard]] inline SqlValue IntOrNull(const std::optional<std::int64_t>& value) {
    if (!value) return std::monostate{};
    return *value;
}

/// The placeholders `$first, ..., $(first+n-1)` of an `IN (...)` list, n = the power of two at or above `count`:
/// lists padded this way give PostgreSQL few distinct statements to prepare. PadToPowerOfTwo pads the parameters
/// that fill it (after `first - 1` others) by repeating the first of the list, which changes no answer.
[[nodiscard]] std::string PaddedInList(std::size_t count, std::size_t first = 1);
void PadToPowerOfTwo(SqlParams& list_params);

/// Multi-row INSERTs: `rows` rows of `columns` placeholders each, `($first, ...), (...)`. SplitRows cuts
/// `count` rows into chunks of powers of two up to `max_rows` (largest first), so a statement comes in few
/// distinct sizes.
[[nodiscard]] std::string ValuesRows(std::size_t rows, std::size_t columns, std::size_t first = 1);
[[nodiscard]] std::vector<std::size_t> SplitRows(std::size_t count, std::size_t max_rows = 128);

/// A LIKE pattern matching `text` anywhere, case-folded with FoldCase (common/fold_case.hpp), with `%`, `_`
/// and `\` escaped; use it with `lower(column) LIKE $n ESCAPE '\'` (lower() folds alike: PostgreSQL under a
/// UTF-8 locale, SQLite through the adapter's own lower()).
[[nodiscard]] std::string LikeContains(std::string_view text);

/// Infrastructure failure or constraint violation raised by an adapter. Repositories translate the constraint kinds
/// into domain errors; everything else is an infrastructure failure answered with 503/500 at the edge.
class StoreError : public std::runtime_error {
public:
    enum class Kind {
        kUniqueViolation,      ///< unique or primary key constraint
        kForeignKeyViolation,  ///< referenced row missing
        kCheckViolation,       ///< CHECK or NOT NULL constraint
        kSerialization,        ///< serialization failure / deadlock / busy: the transaction may be retried
        kUnavailable,          ///< connection lost or the store cannot be reached
        kOther,
    };
    StoreError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    [[nodiscard]] Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

/// One open transaction. Valid only inside the callback given to Store::InTransaction; not thread-safe.
class Transaction {
public:
    virtual ~Transaction() = default;
    /// Runs one statement with `$N` placeholders and returns its rows. Throws StoreError.
    virtual ResultSet Execute(std::string_view sql, const SqlParams& params = {}) = 0;
};

struct TransactionOptions {
    bool read_only = false;      ///< SQLite: BEGIN DEFERRED instead of IMMEDIATE; PostgreSQL: READ ONLY
    bool serializable = false;   ///< PostgreSQL: SERIALIZABLE isolation (SQLite always is)
    int max_attempts = 5;        ///< attempts on StoreError::Kind::kSerialization before giving up
};

/// Connection-pool figures for /metrics.
struct PoolStats {
    std::int64_t size = 0;            ///< connections the pool may hold
    std::int64_t in_use = 0;          ///< connections lent out now
    std::int64_t waiting = 0;         ///< callers waiting for a connection now
    std::int64_t wait_count = 0;      ///< callers that had to wait, since start
    double wait_seconds_total = 0.0;  ///< total time callers waited, since start
};

/// A migration applied to one of the databases.
struct AppliedMigration {
    std::string database;  ///< `core` or `nft`
    std::int64_t version = 0;
    std::string name;
};

/// True when `sql` is one SELECT statement's text (leading whitespace allowed); used by ReadOnce.
[[nodiscard]] bool IsSelect(std::string_view sql) noexcept;

class Store {
public:
    virtual ~Store() = default;

    /// `sqlite` or `postgres`: selects the migration set.
    [[nodiscard]] virtual std::string_view Dialect() const noexcept = 0;

    /// Runs `body` in one transaction: commits when it returns, rolls back when it throws (and rethrows).
    /// On a serialization failure the whole body runs again, up to options.max_attempts times, so the body must
    /// have no effect outside the transaction. Thread-safe: each call borrows its own connection.
    virtual void InTransaction(const std::function<void(Transaction&)>& body, TransactionOptions options = {}) = 0;

    /// One SELECT on its own, for a read that needs no consistency with any other (a session lookup): where the
    /// store allows, it runs in autocommit (on PostgreSQL one round trip instead of BEGIN, the query and COMMIT).
    /// Throws std::invalid_argument for anything but a SELECT.
    virtual ResultSet ReadOnce(std::string_view sql, const SqlParams& params = {});

    /// Checks that the store answers (SELECT 1) within the pool's acquire timeout. Throws StoreError.
    virtual void Ping() = 0;

    [[nodiscard]] virtual PoolStats Stats() const = 0;

    /// Applies the pending migrations of both databases, each in its own transaction, recording each once in the
    /// database's `schema_migrations` table. Safe to run concurrently from several processes. Returns the migrations
    /// applied by this call (empty when the schema was current).
    virtual std::vector<AppliedMigration> Migrate() = 0;

    /// Convenience for a result-returning body.
    template <typename F>
    auto Transact(F&& body, TransactionOptions options = {}) -> decltype(body(std::declval<Transaction&>())) {
        using R = decltype(body(std::declval<Transaction&>()));
        if constexpr (std::is_void_v<R>) {
            InTransaction([&](Transaction& tx) { body(tx); }, options);
        } else {
            std::optional<R> out;
            InTransaction([&](Transaction& tx) { out.emplace(body(tx)); }, options);
            return std::move(*out);
        }
    }
};

}  // namespace onton::ports
