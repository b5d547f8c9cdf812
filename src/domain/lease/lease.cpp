#include "domain/lease/lease.hpp"

#include <utility>

namespace onton::lease {
namespace {

// A lease is held through its expires_at second (times are whole seconds: a lease taken late in a second is
// held at least ttl), and free from the next one.
// Takes a free or expired lease, or renews this holder's own: one statement on both stores, so two takers at
// once cannot both win (PostgreSQL's ON CONFLICT locks the row; SQLite writers are serialised).
constexpr std::string_view kAcquireSql = R"(
INSERT INTO leases (name, holder, expires_at, generation, acquired_at, renewed_at)
VALUES ($1, $2, $3, 1, $4, $4)
ON CONFLICT (name) DO UPDATE SET
    holder = excluded.holder,
    expires_at = excluded.expires_at,
    generation = CASE WHEN leases.holder = excluded.holder THEN leases.generation ELSE leases.generation + 1 END,
    acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
    renewed_at = excluded.renewed_at
WHERE leases.holder = excluded.holder OR leases.expires_at < excluded.renewed_at)";

constexpr std::string_view kSelectSql = "SELECT holder, expires_at, generation FROM leases WHERE name = $1";

// Renewal only while held and unexpired: a holder whose lease ran out must take it again with Acquire.
constexpr std::string_view kRenewSql = R"(
UPDATE leases SET expires_at = $3, renewed_at = $4 WHERE name = $1 AND holder = $2 AND expires_at >= $4)";

constexpr std::string_view kReleaseSql = "UPDATE leases SET expires_at = $3 WHERE name = $1 AND holder = $2";

std::optional<LeaseState> Read(ports::Transaction& tx, const std::string& name) {
    const auto rs = tx.Execute(kSelectSql, {name});
    if (rs.empty()) return std::nullopt;
    const auto& r = rs.rows[0];
    return LeaseState{ports::AsText(r[0]), ports::AsInt(r[1]), ports::AsInt(r[2])};
}

}  // namespace

Lease::Lease(ports::Store& store,
             const ports::Clock& clock,
             std::string name,
             std::string holder,
             std::chrono::seconds ttl)
    : store_(store), clock_(clock), name_(std::move(name)), holder_(std::move(holder)), ttl_(ttl) {}

bool Lease::Acquire() {
    return store_.Transact([&](ports::Transaction& tx) {
        const auto now = clock_.NowUnix();
        const auto until = now + ttl_.count();
        tx.Execute(kAcquireSql, {name_, holder_, until, now});
        const auto state = Read(tx, name_);
        return state && state->holder == holder_ && state->expires_at == until;
    });
}

bool Lease::Renew(ports::Transaction& tx) {
    const auto now = clock_.NowUnix();
    return tx.Execute(kRenewSql, {name_, holder_, now + ttl_.count(), now}).rows_affected == 1;
}

void Lease::Release() {
    store_.InTransaction([&](ports::Transaction& tx) {
        // Expired as of the previous second: free at once for the next taker, whose clock reads now or later.
        tx.Execute(kReleaseSql, {name_, holder_, clock_.NowUnix() - 1});
    });
}

std::optional<LeaseState> Lease::Current() {
    return store_.Transact([&](ports::Transaction& tx) { return Read(tx, name_); }, {.read_only = true});
}

}  // namespace onton::lease
