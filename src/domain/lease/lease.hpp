#pragma once
/// Leases: at most one holder at a time, across processes, for work that must not run twice at once. The
/// platform wallet's sender holds `wallet:<raw address>` while it signs (so no seqno is ever used by two
/// processes); the singleton workers of `onton worker` / `onton serve` hold `worker:<name>` (docs/bus.md).
/// Rows of the nft database's `leases` table.
///
/// A lease is held through `expires_at` (the clock's now + ttl at the last take or renewal, whole seconds).
/// Its holder renews it on every step; anyone may take it once it has expired, which bumps `generation`. A
/// holder that stalls past its expiry loses it: work that must stay exclusive checks it in the transaction
/// that commits the work (Renew(tx)), so a stalled holder's late commit fails instead of racing the new
/// holder. Holders' clocks are assumed to agree within a small fraction of the ttl.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::lease {

/// A lease row as stored.
struct LeaseState {
    std::string holder;
    std::int64_t expires_at = 0;  ///< unix seconds
    std::int64_t generation = 0;  ///< 1 for the first holder, +1 on each change of holder
};

/// One process's handle on the lease `name`, as `holder` (unique per process: docs/bus.md).
class Lease {
   public:
    Lease(ports::Store& store,
          const ports::Clock& clock,
          std::string name,
          std::string holder,
          std::chrono::seconds ttl);

    /// Takes the lease when it is free or expired, or renews it when this holder has it; true when this
    /// holder holds it until now + ttl. Its own transaction.
    bool Acquire();
    /// The same within the caller's transaction: the caller's commit then happens only while the lease is
    /// held (a stalled holder whose lease was taken gets false, and should roll back).
    bool Renew(ports::Transaction& tx);
    /// Gives the lease up now (when held by this holder), so the next holder need not wait for the expiry.
    void Release();
    /// The stored row; nullopt when the lease was never taken.
    std::optional<LeaseState> Current();

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::string& holder() const noexcept { return holder_; }

   private:
    ports::Store& store_;
    const ports::Clock& clock_;
    std::string name_;
    std::string holder_;
    std::chrono::seconds ttl_;
};

}  // namespace onton::lease
