#include "domain/payments/watcher.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "ports/in_list.hpp"
#include "ton/boc.hpp"
#include "ton/jetton.hpp"

namespace onton::payments {
namespace {

using ports::AsInt;
using ports::AsText;

// Multi-row: kRecordSql, ports::ValuesRows(n, kRecordColumns), kRecordTailSql.
constexpr std::string_view kRecordSql = R"(
INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, order_uuid, utime,
                          created_at, outcome, refund_due, currency)
VALUES )";
constexpr std::size_t kRecordColumns = 14;
constexpr std::string_view kRecordTailSql = " ON CONFLICT (hash) DO NOTHING RETURNING hash";
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
    const std::size_t group = std::max<std::uint32_t>(settings_.group, 1);
    for (std::size_t at = 0; at < fresh.size(); at += group) {
        ApplyGroup(std::span(fresh).subspan(at, std::min(group, fresh.size() - at)), tally);
    }
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

void PaymentWatcher::ApplyGroup(std::span<const ports::ChainTransaction> transactions, PollTally& tally) {
    if (transactions.empty()) return;
    const auto now = clock_.NowUnix();
    // What each incoming message brought (no I/O); transactions without one only move the cursor.
    struct Item {
        const ports::ChainTransaction* transaction = nullptr;
        Incoming in;
    };
    std::vector<Item> items;
    for (const auto& t : transactions) {
        if (t.in_msg && !t.in_msg->IsExternalIn() && t.in_msg->value_nanotons > 0) {
            items.push_back({&t, Classify(*t.in_msg)});
        }
    }
    const auto counted = store_.Transact([&](ports::Transaction& tx) {
        PollTally local;  // added to the pass's tally after the commit, so a retried body does not count twice
        // The orders the comments name, and what each had received before this group.
        std::unordered_map<std::string, std::pair<std::string, money::Currency>> by_comment;
        std::unordered_map<std::string, std::int64_t> received;  // "uuid|currency" → sum of recorded payments
        const auto key = [](const std::string& uuid, money::Currency currency) {
            return uuid + "|" + std::string(money::Code(currency));
        };
        {
            std::vector<std::string> comments;
            for (const auto& item : items) {
                if (item.in.comment && item.in.outcome.empty()) comments.push_back(*item.in.comment);
            }
            std::vector<std::string> uuids;
            ports::ForEachInListChunk(comments, [&](ports::SqlParams list, std::size_t count) {
                for (const auto& r : tx.Execute("SELECT payment_comment, uuid, currency FROM orders WHERE "
                                                "payment_comment IN (" +
                                                    ports::PaddedInList(count) + ")",
                                                list)
                                         .rows) {
                    const auto currency = money::ParseCurrency(AsText(r[2]));
                    if (!currency) continue;  // a currency this build does not know pays nothing here
                    by_comment[AsText(r[0])] = {AsText(r[1]), *currency};
                    uuids.push_back(AsText(r[1]));
                }
            });
            ports::ForEachInListChunk(uuids, [&](ports::SqlParams list, std::size_t count) {
                for (const auto& r :
                     tx.Execute("SELECT order_uuid, currency, COALESCE(SUM(value), 0) FROM "
                                "transactions WHERE order_uuid IN (" +
                                    ports::PaddedInList(count) + ") GROUP BY order_uuid, currency",
                                list)
                         .rows) {
                    if (const auto currency = money::ParseCurrency(AsText(r[1]))) {
                        received[key(AsText(r[0]), *currency)] = AsInt(r[2]);
                    }
                }
            });
        }
        // Record every incoming transaction (preliminary outcome); the unique hash keeps the new ones only.
        struct Row {
            const Item* item;
            std::optional<std::pair<std::string, money::Currency>> order;
            std::string outcome;
            std::string type;
        };
        std::vector<Row> rows;
        std::unordered_set<std::string> hashes;
        for (const auto& item : items) {
            if (!hashes.insert(item.transaction->id.hash).second) continue;  // twice in one page: once
            Row row{&item, std::nullopt, "", ""};
            if (item.in.comment && item.in.outcome.empty()) {
                const auto found = by_comment.find(*item.in.comment);
                if (found != by_comment.end()) row.order = found->second;
            }
            row.outcome = item.in.outcome.empty() ? (item.in.comment ? "unknown_comment" : "no_comment")
                                                  : item.in.outcome;
            row.type = item.in.outcome.empty() ? "pending" : "failed";
            rows.push_back(std::move(row));
        }
        std::unordered_set<std::string> fresh;
        std::size_t next = 0;
        for (const auto count : ports::SplitRows(rows.size())) {
            ports::SqlParams params;
            params.reserve(count * kRecordColumns);
            for (std::size_t i = next; i < next + count; ++i) {
                const auto& row = rows[i];
                const auto& t = *row.item->transaction;
                const auto& in = row.item->in;
                params.emplace_back(t.id.hash);
                params.emplace_back(static_cast<std::int64_t>(t.id.lt));
                params.emplace_back(settings_.wallet_address);
                params.emplace_back(ports::TextOrNull(in.counterparty));
                params.emplace_back(in.value);
                params.emplace_back(row.type);
                params.emplace_back(std::string("in"));
                params.emplace_back(ports::TextOrNull(in.comment.value_or("")));
                params.emplace_back(ports::TextOrNull(row.order ? row.order->first : ""));
                params.emplace_back(t.utime);
                params.emplace_back(now);
                params.emplace_back(row.outcome);
                params.emplace_back(std::int64_t{0});
                params.emplace_back(std::string(money::Code(in.currency)));
            }
            for (const auto& r :
                 tx.Execute(std::string(kRecordSql) + ports::ValuesRows(count, kRecordColumns) +
                                std::string(kRecordTailSql),
                            params)
                     .rows) {
                fresh.insert(AsText(r[0]));
            }
            next += count;
        }
        // The new ones: the rest of the records, and the payments, in chain order.
        std::vector<orders::OrderService::PaymentIn> payments;
        std::vector<const Row*> paying;
        for (const auto& row : rows) {
            const auto& t = *row.item->transaction;
            const auto& in = row.item->in;
            if (!fresh.contains(t.id.hash)) continue;
            ++local.seen;
            if (!in.outcome.empty()) {
                if (in.refused_refund) {
                    // Sent, but never arrived: the refund failed (its TON came back in this message).
                    tx.Execute(
                        "UPDATE refunds SET state = 'failed', last_error = $2, updated_at = $3 "
                        "WHERE refund_id = $1 AND currency = 'USDT' AND state IN ('queued', 'sent')",
                        {*in.refused_refund,
                         std::string("the platform's jetton wallet refused the transfer (bounced in ") +
                             t.id.hash + ")",
                         now});
                }
                if (in.outcome == "forged_notification") ++local.forged;
                if (in.outcome != "excesses") ++local.unmatched;
                continue;
            }
            if (!row.order) {
                ++local.unmatched;
                continue;
            }
            // Every payment recorded for the order counts toward it, in the currency it came in.
            const auto total = received[key(row.order->first, in.currency)] += in.value;
            if (row.order->second != in.currency) {
                // Money in one currency with the comment of an order priced in another pays nothing: it goes
                // back in full, in the currency it came in.
                ++local.refund_due;
                tx.Execute(
                    "UPDATE transactions SET outcome = 'wrong_currency', type = 'failed', refund_due = value "
                    "WHERE hash = $1",
                    {t.id.hash});
                continue;
            }
            payments.push_back({row.order->first, in.value, total, t.id.hash});
            paying.push_back(&row);
        }
        const auto results = orders_.ApplyPayments(tx, payments, now);
        // Their outcomes in chain order (a refund_due marks the order's earlier underpaid records too), the
        // plain `paid` ones in one statement at the end (no later statement here touches a paid record).
        std::vector<std::string> plain_paid;
        for (std::size_t i = 0; i < results.size(); ++i) {
            using Outcome = orders::OrderService::PaymentOutcome;
            const auto& result = results[i];
            const auto& hash = payments[i].payment_tx_hash;
            const std::string currency(money::Code(paying[i]->item->in.currency));
            std::string outcome = "refund_due";
            std::string type = "failed";
            switch (result.outcome) {
                case Outcome::kPaid:
                    outcome = "paid", type = "paid", ++local.paid;
                    break;
                case Outcome::kLatePaid:
                    outcome = "late_paid", type = "paid", ++local.paid;
                    break;
                case Outcome::kUnderpaid:
                    outcome = "underpaid", type = "pending", ++local.underpaid;
                    break;
                case Outcome::kRefundDue:
                    // Earlier partial payments of an order that can no longer be paid are owed back too.
                    tx.Execute(
                        "UPDATE transactions SET outcome = 'refund_due', type = 'failed', refund_due = value "
                        "WHERE order_uuid = $1 AND outcome = 'underpaid' AND currency = $2",
                        {payments[i].uuid, currency});
                    break;
                case Outcome::kAlreadySettled:
                    outcome = "already_settled";
                    break;
            }
            if (result.refund_due > 0) ++local.refund_due;
            if (outcome == "paid" && result.refund_due == 0) {
                plain_paid.push_back(hash);
                continue;
            }
            tx.Execute("UPDATE transactions SET outcome = $2, type = $3, refund_due = $4 WHERE hash = $1",
                       {hash, outcome, type, result.refund_due});
        }
        ports::ForEachInListChunk(plain_paid, [&](ports::SqlParams list, std::size_t count) {
            tx.Execute(
                "UPDATE transactions SET outcome = 'paid', type = 'paid', refund_due = 0 WHERE hash IN (" +
                    ports::PaddedInList(count) + ")",
                list);
        });
        const auto& last = transactions.back();
        tx.Execute(kCursorSql,
                   {settings_.wallet_address, static_cast<std::int64_t>(last.id.lt), last.id.hash, now});
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
