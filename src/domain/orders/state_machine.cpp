#include "domain/orders/state_machine.hpp"

#include <stdexcept>
#include <string>

#include "ports/in_list.hpp"

namespace onton::orders {
namespace {
constexpr std::string_view kTransitionSql = R"(
UPDATE orders SET state = $3, updated_at = $4, paid_at = CASE WHEN $3 = 'paid' THEN $4 ELSE paid_at END
WHERE uuid = $1 AND state = $2)";
}  // namespace

std::string_view StateName(OrderState state) noexcept {
    switch (state) {
        case OrderState::kCreated:
            return "created";
        case OrderState::kPaid:
            return "paid";
        case OrderState::kExpired:
            return "expired";
        case OrderState::kCanceled:
            return "canceled";
        case OrderState::kFailed:
            return "failed";
        case OrderState::kRefunded:
            return "refunded";
    }
    return "created";
}

std::optional<OrderState> ParseState(std::string_view name) noexcept {
    for (const auto s : {OrderState::kCreated, OrderState::kPaid, OrderState::kExpired, OrderState::kCanceled,
                         OrderState::kFailed, OrderState::kRefunded}) {
        if (StateName(s) == name) return s;
    }
    return std::nullopt;
}

bool IsAllowed(OrderState from, OrderState to) noexcept {
    switch (from) {
        case OrderState::kCreated:
            return to == OrderState::kPaid || to == OrderState::kExpired || to == OrderState::kCanceled ||
                   to == OrderState::kFailed;
        case OrderState::kPaid:
            return to == OrderState::kRefunded;
        case OrderState::kExpired:
            // A payment that arrives after the expiry while seats are still free (the payment watcher).
            return to == OrderState::kPaid;
        case OrderState::kCanceled:
        case OrderState::kFailed:
        case OrderState::kRefunded:
            return false;
    }
    return false;
}

namespace {

void RequireAllowed(OrderState from, OrderState to) {
    if (!IsAllowed(from, to)) {
        throw std::logic_error("order transition " + std::string(StateName(from)) + " -> " +
                               std::string(StateName(to)) + " is not allowed");
    }
}

}  // namespace

bool TransitionOrder(
    ports::Transaction& tx, std::string_view uuid, OrderState from, OrderState to, std::int64_t now) {
    RequireAllowed(from, to);
    const auto rs = tx.Execute(
        kTransitionSql, {std::string(uuid), std::string(StateName(from)), std::string(StateName(to)), now});
    return rs.rows_affected == 1;
}

std::vector<std::string> TransitionOrders(ports::Transaction& tx,
                                          const std::vector<std::string>& uuids,
                                          OrderState from,
                                          OrderState to,
                                          std::int64_t now,
                                          const std::vector<std::string>* payment_tx_hashes) {
    RequireAllowed(from, to);
    if (payment_tx_hashes != nullptr && payment_tx_hashes->size() != uuids.size()) {
        throw std::logic_error("TransitionOrders: one payment hash per order");
    }
    constexpr std::size_t kFirst = 4;  // $1..$3 are the states and the time
    std::vector<std::string> moved;
    std::size_t at = 0;  // the chunk's first uuid
    ports::ForEachInListChunk(uuids, [&](ports::SqlParams list, std::size_t count) {
        const auto padded = list.size();
        ports::SqlParams params{std::string(StateName(to)), now, std::string(StateName(from))};
        params.insert(params.end(), list.begin(), list.end());
        std::string hash_column;
        if (payment_tx_hashes != nullptr) {
            // `CASE uuid WHEN <uuid k> THEN <hash k>` over the padded list (the padding repeats the first uuid, so
            // it repeats the first hash): the statement's text depends on the padded size only.
            hash_column = ", payment_tx_hash = CASE uuid";
            for (std::size_t k = 0; k < padded; ++k) {
                const auto& hash = (*payment_tx_hashes)[at + (k < count ? k : 0)];
                params.emplace_back(ports::TextOrNull(hash));
                hash_column += " WHEN $" + std::to_string(kFirst + k) + " THEN $" + std::to_string(kFirst + padded + k);
            }
            hash_column += " END";
        }
        const auto rs = tx.Execute(
            "UPDATE orders SET state = $1, updated_at = $2, paid_at = CASE WHEN $1 = 'paid' THEN $2 ELSE "
            "paid_at END" +
                hash_column +
                // `state || ''`: not indexable, so the planner takes the primary key for the uuids alone; with
                // `state = $3` PostgreSQL ANDs in a bitmap of every order in that state
                // (orders_state_expires_idx), which made this statement ~50 ms at 20,000 created orders
                // (bench/payments).
                " WHERE uuid IN (" + ports::PaddedInList(count, kFirst) + ") AND (state || '') = $3 RETURNING uuid",
            params);
        for (const auto& row : rs.rows) moved.push_back(ports::AsText(row[0]));
        at += count;
    });
    return moved;
}

}  // namespace onton::orders
