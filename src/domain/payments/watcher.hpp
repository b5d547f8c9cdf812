#pragma once
/// The payment watcher: follows the platform wallet's incoming transactions through the Chain port and applies
/// each to the order whose unique payment comment it carries (design.md §5, ton-telegram.md §6.3).
///
/// Exactly once, whatever crashes: every chain transaction is recorded in `transactions` (nft database) keyed by
/// its hash (unique) in the same database transaction that applies it to its order and moves the wallet's cursor
/// (`watch_wallets`: the last processed lt and hash). A restart resumes after the cursor; a transaction seen again
/// (a crash after the commit but before the cursor was read back, two watchers) hits the unique hash and is not
/// applied twice. Nothing is dropped: unknown comments, payments without a comment, late payments with no seat
/// left and payments to settled orders are recorded with their outcome and the amount due back.

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "domain/orders/orders.hpp"
#include "ports/chain.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::payments {

struct WatcherSettings {
    std::string wallet_address;  ///< the platform wallet, as the Chain API accepts it
    std::uint32_t page = 50;     ///< transactions per GetTransactions call
};

struct PollTally {
    std::int64_t seen = 0;       ///< new chain transactions recorded
    std::int64_t paid = 0;       ///< orders that became paid (late ones included)
    std::int64_t underpaid = 0;
    std::int64_t refund_due = 0; ///< payments (or parts) owed back
    std::int64_t unmatched = 0;  ///< unknown or missing comment
};

class PaymentWatcher {
public:
    PaymentWatcher(ports::Store& store,
                   ports::Chain& chain,
                   orders::OrderService& orders,
                   const ports::Clock& clock,
                   WatcherSettings settings);

    /// One pass: reads every transaction after the cursor (paging back through GetTransactions), then records
    /// and applies them oldest first, one database transaction each. A chain error stops the pass with nothing
    /// skipped: the next pass starts from the same cursor.
    Result<PollTally> Poll();

private:
    void Apply(const ports::ChainTransaction& transaction, PollTally& tally);

    ports::Store& store_;
    ports::Chain& chain_;
    orders::OrderService& orders_;
    const ports::Clock& clock_;
    WatcherSettings settings_;
};

}  // namespace onton::payments
