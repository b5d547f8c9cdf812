#include "domain/payments/watcher.hpp"

#include <algorithm>
#include <limits>

#include "ton/boc.hpp"
#include "ton/jetton.hpp"

namespace onton::payments {
namespace {

using ports::AsInt;

constexpr std::string_view kRecordSql = R"(
INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, order_uuid, utime,
                          created_at, outcome, refund_due, currency)
VALUES ($1, $2, $3, $4, $5, $6, 'in', $7, $8, $9, $10, $11, $12, $13)
ON CONFLICT (hash) DO NOTHING)";
constexpr std::string_view kCursorSql = R"(
INSERT INTO watch_wallets (address, last_lt, last_hash, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (address) DO UPDATE SET last_lt = excluded.last_lt, last_hash = excluded.last_hash,
                                    updated_at = excluded.updated_at
WHERE watch_wallets.last_lt < excluded.last_lt)";

std::int64_t ClampValue(std::uint64_t units) {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(units, std::numeric_limits<std::int64_t>::max()));
}

bool SameAddress(const std::string& text, const ton::Address& address) {
    const auto parsed = ton::ParseAddress(text);
    return parsed && parsed->address == address;
}

}  // namespace

PaymentWatcher::PaymentWatcher(ports::Store& store,
                               ports::Chain& chain,
                               orders::OrderService& orders,
                               const ports::Clock& clock,
                               WatcherSettings settings)
    : store_(store), chain_(chain), orders_(orders), clock_(clock), settings_(std::move(settings)) {}

Result<PollTally> PaymentWatcher::Poll() {
    const auto cursor_lt = store_.Transact(
        [&](ports::Transaction& tx) {
            const auto rs = tx.Execute("SELECT last_lt FROM watch_wallets WHERE address = $1", {settings_.wallet_address});
            return rs.empty() ? std::int64_t{0} : AsInt(rs.rows[0][0]);
        },
        {.read_only = true});
    // Newest first from the API: page back until the cursor, then apply oldest first.
    std::vector<ports::ChainTransaction> fresh;
    ports::TransactionsQuery query;
    query.address = settings_.wallet_address;
    query.limit = settings_.page;
    query.after_lt = static_cast<std::uint64_t>(cursor_lt);
    for (;;) {
        auto page = chain_.GetTransactions(query);
        if (!page) return page.error();
        const auto got = page->size();
        // An API that ignores the paging start would page forever: stop the pass (nothing applied, nothing lost).
        if (query.before && got > 0 && page->back().id.lt >= query.before->lt) {
            return Error{"chain.bad_response", "getTransactions did not page back past lt " +
                                                   std::to_string(query.before->lt)};
        }
        for (auto& t : *page) fresh.push_back(std::move(t));
        if (got < settings_.page || fresh.empty()) break;
        query.before = fresh.back().id;
    }
    std::reverse(fresh.begin(), fresh.end());
    PollTally tally;
    for (const auto& transaction : fresh) Apply(transaction, tally);
    return tally;
}

PaymentWatcher::Incoming PaymentWatcher::Classify(const ports::ChainMessage& msg) const {
    Incoming in;
    in.value = ClampValue(msg.value_nanotons);
    in.counterparty = msg.source;
    in.comment = msg.comment;
    if (msg.comment || msg.body_boc.empty()) return in;
    auto roots = ton::ParseBocText(msg.body_boc);
    const ton::CellPtr body = roots && roots->size() == 1 ? roots->front() : nullptr;
    const auto op = ton::BodyOp(body);
    if (op == ton::kBouncedOp) {
        in.outcome = "bounced";  // one of the platform wallet's own messages came back
        // A USDT refund its jetton wallet refused (not enough jettons, or not deployed): the bounced body keeps the
        // transfer's op and query id, which is the refund's id.
        if (settings_.usdt && SameAddress(msg.source, settings_.usdt->wallet)) {
            ton::Slice s(body);
            const auto skipped = s.SkipBits(32);
            const auto bounced_op = s.LoadUint(32);
            const auto query_id = s.LoadUint(64);
            if (skipped && bounced_op && *bounced_op == ton::jetton_op::kTransfer && query_id) {
                in.refused_refund = static_cast<std::int64_t>(*query_id);
            }
        }
    } else if (op == ton::jetton_op::kExcesses) {
        in.outcome = "excesses";  // TON left over from a jetton transfer (a refund's): nobody paid anything
    } else if (op == ton::jetton_op::kTransferNotification) {
        // Anyone can send this body; only the platform's own jetton wallet says jettons really arrived.
        if (!settings_.usdt || !SameAddress(msg.source, settings_.usdt->wallet)) {
            in.outcome = "forged_notification";
            return in;
        }
        auto notification = ton::ParseTransferNotification(body);
        if (!notification || !notification->sender) {
            in.outcome = "invalid_notification";
            return in;
        }
        in.currency = money::Currency::kUsdt;
        in.value = ClampValue(notification->amount);
        in.counterparty = notification->sender->ToString();  // the payer: where a refund goes
        in.comment = notification->comment;
    }
    return in;
}

void PaymentWatcher::Apply(const ports::ChainTransaction& transaction, PollTally& tally) {
    const auto now = clock_.NowUnix();
    const bool incoming = transaction.in_msg && !transaction.in_msg->IsExternalIn() &&
                          transaction.in_msg->value_nanotons > 0;
    const auto in = incoming ? Classify(*transaction.in_msg) : Incoming{};
    const auto counted = store_.Transact([&](ports::Transaction& tx) {
        PollTally local;  // added to the pass's tally after the commit, so a retried body does not count twice
        const auto lt = static_cast<std::int64_t>(transaction.id.lt);
        if (incoming) {
            const std::string currency(money::Code(in.currency));
            std::string outcome =
                in.outcome.empty() ? (in.comment ? "unknown_comment" : "no_comment") : in.outcome;
            std::string type = in.outcome.empty() ? "pending" : "failed";
            std::int64_t refund_due = 0;
            std::optional<std::string> order_uuid;
            std::optional<money::Currency> order_currency;
            if (in.comment && in.outcome.empty()) {
                const auto order =
                    tx.Execute("SELECT uuid, currency FROM orders WHERE payment_comment = $1", {*in.comment});
                if (!order.empty()) {
                    order_uuid = ports::AsText(order.rows[0][0]);
                    order_currency = money::ParseCurrency(ports::AsText(order.rows[0][1]));
                }
            }
            const auto recorded = tx.Execute(kRecordSql,
                                             {transaction.id.hash,
                                              lt,
                                              settings_.wallet_address,
                                              ports::TextOrNull(in.counterparty),
                                              in.value,
                                              type,
                                              ports::TextOrNull(in.comment.value_or("")),
                                              ports::TextOrNull(order_uuid.value_or("")),
                                              transaction.utime,
                                              now,
                                              outcome,
                                              std::int64_t{0},
                                              currency});
            if (recorded.rows_affected == 1) {
                ++local.seen;
                if (!in.outcome.empty()) {
                    if (in.refused_refund) {
                        // Sent, but never arrived: the refund failed (its TON came back in this message).
                        tx.Execute("UPDATE refunds SET state = 'failed', last_error = $2, updated_at = $3 "
                                   "WHERE refund_id = $1 AND currency = 'USDT' AND state IN ('queued', 'sent')",
                                   {*in.refused_refund,
                                    std::string("the platform's jetton wallet refused the transfer (bounced in ") +
                                        transaction.id.hash + ")",
                                    now});
                    }
                    if (in.outcome == "forged_notification") ++local.forged;
                    if (in.outcome != "excesses") ++local.unmatched;
                } else if (!order_uuid) {
                    ++local.unmatched;
                } else if (order_currency != in.currency) {
                    // Money in one currency with the comment of an order priced in another pays nothing: it
                    // goes back in full, in the currency it came in.
                    ++local.refund_due;
                    tx.Execute(
                        "UPDATE transactions SET outcome = 'wrong_currency', type = 'failed', refund_due = "
                        "value "
                        "WHERE hash = $1",
                        {transaction.id.hash});
                } else {
                    const auto received =
                        AsInt(tx.Execute("SELECT COALESCE(SUM(value), 0) FROM transactions WHERE "
                                         "order_uuid = $1 AND currency = $2",
                                         {*order_uuid, currency})
                                  .rows.at(0)[0]);
                    const auto result =
                        orders_.ApplyPayment(tx, *order_uuid, in.value, received, transaction.id.hash, now);
                    using Outcome = orders::OrderService::PaymentOutcome;
                    refund_due = result.refund_due;
                    switch (result.outcome) {
                        case Outcome::kPaid:
                            outcome = "paid", type = "paid", ++local.paid;
                            break;
                        case Outcome::kLatePaid:
                            outcome = "late_paid", type = "paid", ++local.paid;
                            break;
                        case Outcome::kUnderpaid:
                            outcome = "underpaid", ++local.underpaid;
                            break;
                        case Outcome::kRefundDue:
                            outcome = "refund_due", type = "failed";
                            // Earlier partial payments of an order that can no longer be paid are owed back too.
                            tx.Execute(
                                "UPDATE transactions SET outcome = 'refund_due', type = 'failed', refund_due "
                                "= value "
                                "WHERE order_uuid = $1 AND outcome = 'underpaid' AND currency = $2",
                                {*order_uuid, currency});
                            break;
                        case Outcome::kAlreadySettled:
                            outcome = "already_settled", type = "failed";
                            break;
                    }
                    if (refund_due > 0) ++local.refund_due;
                    tx.Execute("UPDATE transactions SET outcome = $2, type = $3, refund_due = $4 WHERE hash = $1",
                               {transaction.id.hash, outcome, type, refund_due});
                }
            }
        }
        tx.Execute(kCursorSql, {settings_.wallet_address, lt, transaction.id.hash, now});
        return local;
    });
    tally.seen += counted.seen;
    tally.paid += counted.paid;
    tally.underpaid += counted.underpaid;
    tally.refund_due += counted.refund_due;
    tally.unmatched += counted.unmatched;
    tally.forged += counted.forged;
}

}  // namespace onton::payments
