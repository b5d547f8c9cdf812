#include "domain/payments/refunds.hpp"

#include "domain/events/access.hpp"
#include "domain/notifications/queue.hpp"
#include "domain/orders/state_machine.hpp"

namespace onton::payments {
namespace {

using ports::AsInt;
using ports::AsOptionalText;
using ports::AsText;

/// Payments credited to the order, owed back in full (less what is already due back from them).
constexpr std::string_view kOrderRefundsSql = R"(
INSERT INTO refunds (tx_hash, reason, order_uuid, destination, amount, state, created_at, updated_at, currency)
SELECT hash, 'order_refunded', order_uuid, counterparty, value - refund_due, 'pending', CAST($2 AS BIGINT),
       CAST($2 AS BIGINT), currency
FROM transactions
WHERE order_uuid = $1 AND direction = 'in' AND counterparty IS NOT NULL AND value > refund_due
ON CONFLICT (tx_hash, reason) DO NOTHING)";

/// Payments the watcher left with money due back and no refund row yet.
constexpr std::string_view kRecordDueSql = R"(
INSERT INTO refunds (tx_hash, reason, order_uuid, destination, amount, state, created_at, updated_at, currency)
SELECT t.hash, 'payment_outcome', t.order_uuid, t.counterparty, t.refund_due, 'pending', CAST($1 AS BIGINT),
       CAST($1 AS BIGINT), t.currency
FROM transactions t
WHERE t.refund_due > 0 AND t.direction = 'in' AND t.counterparty IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.tx_hash = t.hash AND r.reason = 'payment_outcome')
ORDER BY t.transaction_id
LIMIT $2
ON CONFLICT (tx_hash, reason) DO NOTHING)";

}  // namespace

Refunds::Refunds(ports::Store& store,
                 const ports::Clock& clock,
                 wallet::WalletSender* sender,
                 JettonPayments* usdt)
    : store_(store), clock_(clock), sender_(sender), usdt_(usdt) {}

bool Refunds::RefundInTx(ports::Transaction& tx, const std::string& order_uuid, std::int64_t now) {
    const auto order = tx.Execute(
        "SELECT o.ticket_type_id, o.quantity, o.user_id, e.event_uuid, e.title FROM orders o JOIN events e ON "
        "e.event_id = o.event_id WHERE o.uuid = $1",
        {order_uuid});
    if (order.empty()) return false;
    if (!orders::TransitionOrder(tx, order_uuid, orders::OrderState::kPaid, orders::OrderState::kRefunded, now)) {
        return false;
    }
    const auto& o = order.rows[0];
    tx.Execute("UPDATE tickets SET status = 'refunded', updated_at = $2 WHERE order_uuid = $1 AND status IN ('valid', "
               "'used')",
               {order_uuid, now});
    if (const auto type = ports::AsOptionalInt(o[0])) {
        tx.Execute("UPDATE ticket_types SET sold = sold - $2, updated_at = $3 WHERE ticket_type_id = $1 AND sold >= $2",
                   {*type, AsInt(o[1]), now});
    }
    tx.Execute(kOrderRefundsSql, {order_uuid, now});
    notifications::Queue(tx, AsInt(o[2]), "order.refunded", {{"event_uuid", AsText(o[3])}, {"title", AsText(o[4])}},
                         "order.refunded:" + order_uuid, now);
    return true;
}

Result<void> Refunds::RefundOrder(const identity::Principal& caller, const std::string& order_uuid) {
    if (!caller.IsAdmin()) return Error{"auth.forbidden", "admins only"};
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
        const auto state = tx.Execute("SELECT state FROM orders WHERE uuid = $1", {order_uuid});
        if (state.empty()) return Error{"not_found", "no such order"};
        if (!RefundInTx(tx, order_uuid, now)) {
            return Error{"state.invalid_transition", "only a paid order can be refunded; it is " + AsText(state.rows[0][0])};
        }
        tx.Execute("INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, created_at) VALUES ($1, "
                   "'order.refund', 'order', $2, '{}', $3)",
                   {caller.user_id, order_uuid, now});
        return Ok();
    });
}

Result<void> Refunds::RefundEventOrder(const identity::Principal& caller,
                                       const std::string& event_uuid,
                                       const std::string& order_uuid) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
        const auto access = events::AccessTo(tx, caller, event_uuid);
        if (!access) return Error{"not_found", "no such event"};
        if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
        // Another event's order is not found here, whoever manages that one: the route is scoped to this
        // event.
        const auto state = tx.Execute("SELECT state FROM orders WHERE uuid = $1 AND event_id = $2",
                                      {order_uuid, access->event_id});
        if (state.empty()) return Error{"not_found", "no such order of this event"};
        if (!RefundInTx(tx, order_uuid, now)) {
            return Error{"state.invalid_transition",
                         "only a paid order can be refunded; it is " + AsText(state.rows[0][0])};
        }
        tx.Execute(
            "INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, created_at) VALUES "
            "($1, "
            "'order.refund', 'order', $2, $3, $4)",
            {caller.user_id, order_uuid, nlohmann::json{{"event_uuid", event_uuid}}.dump(), now});
        return Ok();
    });
}

std::int64_t Refunds::RefundCanceledEvents(std::int64_t batch) {
    const auto now = clock_.NowUnix();
    const auto due = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute("SELECT o.uuid FROM orders o JOIN events e ON e.event_id = o.event_id WHERE e.status = "
                              "'canceled' AND o.state = 'paid' ORDER BY o.created_at LIMIT $1",
                              {batch});
        },
        {.read_only = true});
    std::int64_t refunded = 0;
    for (const auto& row : due.rows) {
        if (store_.Transact([&](ports::Transaction& tx) { return RefundInTx(tx, AsText(row[0]), now); })) ++refunded;
    }
    return refunded;
}

RefundTally Refunds::Step(std::int64_t batch) {
    RefundTally tally;
    const auto now = clock_.NowUnix();
    tally.recorded = store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kRecordDueSql, {now, batch}).rows_affected; });
    if (sender_ == nullptr) return tally;  // recorded; sent once a platform wallet is configured

    const auto pending = store_.Transact(
        [&](ports::Transaction& tx) {
            // Toncoin leaves as a plain wallet message, USDT as a jetton transfer through the platform's
            // jetton wallet (once one is configured: until then USDT refunds wait); Stars have their own way
            // back.
            return tx.Execute(
                "SELECT refund_id, destination, amount, order_uuid, currency FROM refunds WHERE state = "
                "'pending' "
                "AND (currency = 'TON' OR (currency = 'USDT' AND $2 = 1)) ORDER BY refund_id LIMIT $1",
                {batch, std::int64_t{usdt_ != nullptr ? 1 : 0}});
        },
        {.read_only = true});
    for (const auto& row : pending.rows) {
        const auto id = AsInt(row[0]);
        const auto order = AsOptionalText(row[3]);
        const auto comment = order ? "Onton refund for order " + *order : std::string("Onton refund");
        const auto key = "refund:" + std::to_string(id);
        Result<wallet::Outgoing> built = wallet::Outgoing{};
        if (AsText(row[4]) == "USDT") {
            built = usdt_->RefundMessage(static_cast<std::uint64_t>(id),
                                         AsText(row[1]),
                                         static_cast<std::uint64_t>(AsInt(row[2])),
                                         comment,
                                         key);
        } else {
            wallet::Outgoing message;
            message.destination = AsText(row[1]);
            message.amount = ton::Nanotons{static_cast<std::uint64_t>(AsInt(row[2]))};
            message.comment = comment;
            message.bounce = false;  // the payer's wallet may be uninitialized by now
            message.idempotency_key = key;
            built = std::move(message);
        }
        store_.Transact([&](ports::Transaction& tx) {
            auto queued = built ? sender_->Enqueue(tx, *built) : Result<std::int64_t>(built.error());
            if (!queued) {
                tx.Execute("UPDATE refunds SET state = 'failed', last_error = $2, updated_at = $3 WHERE refund_id = $1",
                           {id, queued.error().message, now});
                ++tally.failed;
                return;
            }
            tx.Execute("UPDATE refunds SET state = 'queued', message_id = $2, updated_at = $3 WHERE refund_id = $1 AND "
                       "state = 'pending'",
                       {id, *queued, now});
            ++tally.queued;
        });
    }

    const auto queued = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute("SELECT refund_id, message_id FROM refunds WHERE state = 'queued' ORDER BY refund_id LIMIT $1",
                              {batch});
        },
        {.read_only = true});
    for (const auto& row : queued.rows) {
        const auto status = sender_->Status(AsInt(row[1]));
        if (!status) continue;
        if (status->state == wallet::MessageState::kConfirmed) {
            store_.Transact([&](ports::Transaction& tx) {
                // Only from queued: the watcher may have seen the jetton wallet refuse it already (failed).
                tx.Execute("UPDATE refunds SET state = 'sent', updated_at = $2 WHERE refund_id = $1 AND state = 'queued'",
                           {AsInt(row[0]), now});
            });
            ++tally.sent;
        } else if (status->state == wallet::MessageState::kFailed) {
            store_.Transact([&](ports::Transaction& tx) {
                tx.Execute("UPDATE refunds SET state = 'failed', last_error = $2, updated_at = $3 WHERE refund_id = $1 "
                           "AND state = 'queued'",
                           {AsInt(row[0]), status->last_error, now});
            });
            ++tally.failed;
        }
    }
    return tally;
}

}  // namespace onton::payments
