#pragma once
/// The payment watcher: follows the platform wallet's incoming transactions through the Chain port and
/// applies each to the order whose unique payment comment it carries (design.md §5, ton-telegram.md §6.3).
///
/// Exactly once, whatever crashes: every chain transaction is recorded in `transactions` (nft database) keyed
/// by its hash (unique) in the same database transaction that applies it to its order and moves the wallet's
/// cursor
/// (`watch_wallets`: the last processed lt and hash). Transactions are applied in groups
/// (`WatcherSettings::group` per database transaction, oldest first): a few statements record a whole group,
/// OrderService::ApplyPayments settles its plain payments set-wise, and one commit covers it, which is what
/// lets one watcher keep up with thousands of payments a second (bench/payments). A restart resumes after the
/// cursor; a transaction seen again (a crash after the commit but before the cursor was read back, two
/// watchers) hits the unique hash and is not applied twice. Nothing is dropped: unknown comments, payments
/// without a comment, late payments with no seat left and payments to settled orders are recorded with their
/// outcome and the amount due back.
///
/// USDT (a TEP-74 jetton): a `transfer_notification` to the platform wallet pays in jetton units only when
/// its source is the platform's own jetton wallet of the configured master (JettonAccount::wallet); the payer
/// is the notification's `sender` and the comment is in its forward payload. A notification from any other
/// source is a forgery (or a jetton the platform does not take): recorded as `forged_notification`, never
/// credited. Bounced messages (`bounced`) and jetton `excesses` are recorded too; a USDT refund's transfer
/// that the platform's jetton wallet bounced turns that refund (the transfer's query id) `failed`, in the
/// same transaction.

#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"
#include "domain/money/money.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/jetton.hpp"
#include "ports/chain.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::payments {

struct WatcherSettings {
    std::string wallet_address;  ///< the platform wallet, as the Chain API accepts it
    std::uint32_t page = 50;     ///< transactions per GetTransactions call
    /// The USDT jetton (ResolveJettonAccount at start); nullopt: USDT is not taken and every jetton notification is
    /// recorded as `forged_notification`.
    std::optional<JettonAccount> usdt;
    std::uint32_t group = 200;  ///< chain transactions applied per database transaction (at least 1)
};

struct PollTally {
    std::int64_t seen = 0;       ///< new chain transactions recorded
    std::int64_t paid = 0;       ///< orders that became paid (late ones included)
    std::int64_t underpaid = 0;
    std::int64_t refund_due = 0; ///< payments (or parts) owed back
    std::int64_t unmatched = 0;  ///< unknown or missing comment, forged or bounced: for admins
    std::int64_t forged = 0;     ///< jetton notifications that did not come from the platform's jetton wallet
};

class PaymentWatcher {
public:
    PaymentWatcher(ports::Store& store,
                   ports::Chain& chain,
                   orders::OrderService& orders,
                   const ports::Clock& clock,
                   WatcherSettings settings);

    /// One pass: reads every transaction after the cursor (paging back through GetTransactions), then records
    /// and applies them oldest first, a group per database transaction. A chain error stops the pass with
    /// nothing skipped: the next pass starts from the same cursor.
    Result<PollTally> Poll();

private:
    /// What an incoming message brought: Toncoin (its value, its source, its text comment) or, as a
    /// `transfer_notification` from the platform's USDT jetton wallet, jetton units (the amount, the notification's
    /// sender, the forward payload's comment). `outcome` is set for what never pays an order.
    struct Incoming {
        money::Currency currency = money::Currency::kTon;
        std::int64_t value = 0;  ///< in the smallest unit of `currency`
        std::string counterparty;
        std::optional<std::string> comment;
        std::string outcome;  ///< "" (match by comment), bounced, excesses, forged_notification, invalid_notification
        /// A bounced jetton transfer from the platform's jetton wallet: the refund (its query id) that never arrived.
        std::optional<std::int64_t> refused_refund;
    };
    [[nodiscard]] Incoming Classify(const ports::ChainMessage& msg) const;
    /// Records and applies `transactions` (consecutive, oldest first) and moves the cursor past the last, in
    /// one database transaction; adds what happened to `tally` after the commit.
    void ApplyGroup(std::span<const ports::ChainTransaction> transactions, PollTally& tally);

    ports::Store& store_;
    ports::Chain& chain_;
    orders::OrderService& orders_;
    const ports::Clock& clock_;
    WatcherSettings settings_;
};

}  // namespace onton::payments
