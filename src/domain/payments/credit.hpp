#pragma once
/// Crediting one recorded payment to its order: the order rules of docs/payments.md in one place, for any
/// currency. The caller has just inserted the payment's `transactions` row (keyed uniquely by its hash) in
/// the same database transaction, so the row exists exactly once and this runs exactly once per payment.
///
/// Used by Telegram Stars (stars.hpp). The TON/USDT watcher applies the same rules itself for now; it can
/// call this instead (the rules are the same: exact → paid, more → paid with the excess due back, less →
/// underpaid, payable for the difference until expiry, after expiry → late_paid while seats are free else
/// refund_due with earlier partial payments, settled → already_settled, another currency → wrong_currency, no
/// such order → unknown_comment).

#include <cstdint>
#include <optional>
#include <string>

#include "domain/money/money.hpp"
#include "domain/orders/orders.hpp"
#include "ports/store.hpp"

namespace onton::payments {

/// A payment already recorded in `transactions` (its hash) and what it brought.
struct RecordedPayment {
    std::string hash;
    money::Currency currency = money::Currency::kTon;
    std::int64_t value = 0;              ///< in the smallest unit of `currency`
    std::optional<std::string> comment;  ///< the order's payment comment it names; nullopt: none
};

struct Credited {
    /// paid, late_paid, underpaid, refund_due, already_settled, wrong_currency, unknown_comment, no_comment
    std::string outcome;
    std::int64_t refund_due = 0;  ///< of this payment, owed back to the payer
    std::optional<std::string> order_uuid;
    [[nodiscard]] bool paid() const { return outcome == "paid" || outcome == "late_paid"; }
};

/// Matches the payment to its order by comment and applies it through OrderService::ApplyPayment, inside
/// `tx`; writes the row's order_uuid, outcome, type and refund_due. Earlier underpaid payments of an order
/// that can no longer be paid become refund_due too.
Credited CreditRecordedPayment(ports::Transaction& tx,
                               orders::OrderService& orders,
                               const RecordedPayment& payment,
                               std::int64_t now);

}  // namespace onton::payments
