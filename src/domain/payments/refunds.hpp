#pragma once
/// Refunds (issue #5): money that must go back to a payer leaves the platform wallet through the wallet
/// sender, exactly once per payment and reason, tracked until the chain shows it sent.
///
/// Where refunds come from:
/// - a payment the watcher could not credit in full (overpayment's excess, a late payment with no seat left, a
///   payment to a settled or canceled order): `transactions.refund_due` (reason `payment_outcome`);
/// - an admin or the event's organizer refunding a paid order, or the organizer canceling the event: the order
///   turns `refunded`, its tickets `refunded`, its seats return, and every payment credited to it goes back
///   (reason `order_refunded`). The order's compare-and-set and the refund rows are one transaction.
/// Each refund row is queued as a wallet message (a comment naming the order) in the transaction that records its
/// message id, so a crash cannot send it twice; `Settle` records what the chain showed. A refund is paid in the
/// currency that came in: Toncoin as a plain message to the payer; USDT as a TEP-74 `transfer` from the platform
/// wallet to its own jetton wallet (destination the payer, the comment as forward payload, the refund id as query
/// id), confirmed like any wallet message when the platform wallet's transaction carried it.

#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/wallet/sender.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::payments {

struct RefundTally {
    std::int64_t recorded = 0;  ///< refund rows created from payments with money due back
    std::int64_t queued = 0;    ///< handed to the wallet sender
    std::int64_t sent = 0;      ///< confirmed on chain
    std::int64_t failed = 0;
};

class Refunds {
public:
    /// `sender` null: refunds are recorded but wait until a platform wallet is configured. `usdt` null: USDT
    /// refunds are recorded but wait until the USDT jetton is configured (ONTON_USDT_JETTON_MASTER).
    Refunds(ports::Store& store,
            const ports::Clock& clock,
            wallet::WalletSender* sender,
            JettonPayments* usdt = nullptr);

    /// Admins: a paid order → refunded, and its payments owed back. Errors: auth.forbidden, not_found,
    /// state.invalid_transition (not paid).
    Result<void> RefundOrder(const identity::Principal& caller, const std::string& order_uuid);
    /// The event's managers (owner, co-organizers; admins too): a paid order of their event → refunded, as
    /// RefundOrder does. Errors: not_found (no such event, or the order is not of this event), auth.forbidden
    /// (the caller does not manage the event: another event's organizer, check-in staff),
    /// state.invalid_transition.
    Result<void> RefundEventOrder(const identity::Principal& caller,
                                  const std::string& event_uuid,
                                  const std::string& order_uuid);
    /// Paid orders of canceled events, refunded as RefundOrder does; returns how many.
    std::int64_t RefundCanceledEvents(std::int64_t batch = 100);
    /// Records payments with money due back, queues pending refunds with the sender, settles queued ones.
    RefundTally Step(std::int64_t batch = 100);

private:
    /// The order's compare-and-set and its refund rows, in the caller's transaction; false when it was not paid.
    bool RefundInTx(ports::Transaction& tx, const std::string& order_uuid, std::int64_t now);

    ports::Store& store_;
    const ports::Clock& clock_;
    wallet::WalletSender* sender_;
    JettonPayments* usdt_;
};

}  // namespace onton::payments
