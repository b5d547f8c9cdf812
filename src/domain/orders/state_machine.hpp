#pragma once
/// The one place that says which order state changes exist (design.md §4):
///   created → paid | expired | canceled | failed;  paid → refunded.
/// Every change goes through TransitionOrder, a compare-and-set on the current state, so a change happens exactly
/// once however many workers race for it.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ports/store.hpp"

namespace onton::orders {

enum class OrderState { kCreated, kPaid, kExpired, kCanceled, kFailed, kRefunded };

std::string_view StateName(OrderState state) noexcept;
std::optional<OrderState> ParseState(std::string_view name) noexcept;

/// `true` when `from → to` is one of the transitions above.
bool IsAllowed(OrderState from, OrderState to) noexcept;

/// Moves order `uuid` from `from` to `to` inside `tx`. Returns false when the order was not in `from` (someone else
/// moved it first): the caller must then not apply the side effects of the change. Throws std::logic_error for a
/// transition the machine does not allow (a programming error).
bool TransitionOrder(ports::Transaction& tx, std::string_view uuid, OrderState from, OrderState to, std::int64_t now);

/// TransitionOrder for many orders at once (a few statements however many): moves those of `uuids` that are
/// in `from` to `to` and returns them; the others were moved by someone else first and get no side effects.
/// With `payment_tx_hashes` (one per uuid, empty for none) each moved order's `payment_tx_hash` is written by the
/// same statement: one new row version per order instead of two.
std::vector<std::string> TransitionOrders(ports::Transaction& tx,
                                          const std::vector<std::string>& uuids,
                                          OrderState from,
                                          OrderState to,
                                          std::int64_t now,
                                          const std::vector<std::string>* payment_tx_hashes = nullptr);

}  // namespace onton::orders
