#include "domain/payments/credit.hpp"

namespace onton::payments {
namespace {

using ports::AsInt;
using ports::AsText;

constexpr std::string_view kSettleRowSql =
    "UPDATE transactions SET order_uuid = $2, outcome = $3, type = $4, refund_due = $5 WHERE hash = $1";

}  // namespace

Credited CreditRecordedPayment(ports::Transaction& tx,
                               orders::OrderService& orders,
                               const RecordedPayment& payment,
                               std::int64_t now) {
    Credited out;
    std::string type = "failed";
    const std::string currency(money::Code(payment.currency));
    const auto finish = [&]() {
        tx.Execute(kSettleRowSql,
                   {payment.hash,
                    ports::TextOrNull(out.order_uuid.value_or("")),
                    out.outcome,
                    type,
                    out.refund_due});
        return out;
    };
    if (!payment.comment || payment.comment->empty()) {
        out.outcome = "no_comment";
        return finish();
    }
    const auto order =
        tx.Execute("SELECT uuid, currency FROM orders WHERE payment_comment = $1", {*payment.comment});
    if (order.empty()) {
        out.outcome = "unknown_comment";
        return finish();
    }
    out.order_uuid = AsText(order.rows[0][0]);
    if (money::ParseCurrency(AsText(order.rows[0][1])) != payment.currency) {
        // Money in one currency never pays an order priced in another: it goes back in full, as it came.
        out.outcome = "wrong_currency";
        out.refund_due = payment.value;
        return finish();
    }
    // Every payment of this currency to the order, this one included (its row is already there).
    const auto received =
        AsInt(tx.Execute("SELECT COALESCE(SUM(value), 0) FROM transactions WHERE order_uuid = $1 "
                         "AND currency = $2 AND hash <> $3",
                         {*out.order_uuid, currency, payment.hash})
                  .rows.at(0)[0]) +
        payment.value;
    const auto result = orders.ApplyPayment(tx, *out.order_uuid, payment.value, received, payment.hash, now);
    out.refund_due = result.refund_due;
    using Outcome = orders::OrderService::PaymentOutcome;
    switch (result.outcome) {
        case Outcome::kPaid:
            out.outcome = "paid", type = "paid";
            break;
        case Outcome::kLatePaid:
            out.outcome = "late_paid", type = "paid";
            break;
        case Outcome::kUnderpaid:
            out.outcome = "underpaid", type = "pending";
            break;
        case Outcome::kRefundDue:
            out.outcome = "refund_due";
            tx.Execute(
                "UPDATE transactions SET outcome = 'refund_due', type = 'failed', refund_due = value "
                "WHERE order_uuid = $1 AND outcome = 'underpaid' AND currency = $2",
                {*out.order_uuid, currency});
            break;
        case Outcome::kAlreadySettled:
            out.outcome = "already_settled";
            break;
    }
    return finish();
}

}  // namespace onton::payments
