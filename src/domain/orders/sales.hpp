#pragma once
/// Sales reports for an event's managers (the panel's analytics and guest list): paid orders per UTC day, and
/// the paid and refunded orders with their buyers and the refunds sent for them (docs/web.md, Analytics).
/// Read-only; kept apart from OrderService so that the order rules stay in one place and these reports in
/// another.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "ports/store.hpp"

namespace onton::orders {

/// One UTC day on which orders of the event in one currency were paid (a day with sales in two currencies has
/// a row for each: amounts of different currencies never add up).
struct SalesDay {
    std::int64_t start = 0;            ///< unix seconds of 00:00 UTC
    std::string currency;              ///< TON | USDT | XTR (money::Code)
    std::int64_t orders = 0;           ///< orders paid that day and still paid
    std::int64_t tickets = 0;          ///< their seats
    std::int64_t revenue = 0;          ///< their totals, in the currency's smallest unit
    std::int64_t refunded_orders = 0;  ///< orders paid that day and refunded since
};

/// Money sent back for an order (payments::Refunds' rows).
struct OrderRefund {
    std::string reason;  ///< order_refunded | payment_outcome
    std::int64_t amount = 0;
    std::string state;  ///< pending | queued | sent | failed
    std::int64_t created_at = 0;
};

struct EventOrder {
    std::string uuid;
    std::string state;  ///< paid | refunded
    std::int64_t user_id = 0;
    std::string username;  ///< "" when the buyer has none
    std::string first_name;
    std::string last_name;
    std::int64_t ticket_type_id = 0;
    std::string ticket_type_name;
    std::int64_t quantity = 0;
    std::int64_t total_price = 0;  ///< in the currency's smallest unit
    std::int64_t created_at = 0;
    std::optional<std::int64_t> paid_at;
    std::string currency;  ///< the order's (money::Code)
    std::vector<OrderRefund> refunds;
};

/// "YYYY-MM-DD" of a unix time, in UTC (proleptic Gregorian; any int64 day count).
[[nodiscard]] std::string UtcDate(std::int64_t unix_seconds);

nlohmann::json ToJson(const SalesDay& day);
nlohmann::json ToJson(const EventOrder& order);

class SalesReports {
   public:
    explicit SalesReports(ports::Store& store);

    /// The event's sales per UTC day of payment and currency, oldest first, days without sales left out.
    /// Managers (and admins) only: not_found, auth.forbidden.
    [[nodiscard]] Result<std::vector<SalesDay>> Daily(const identity::Principal& caller,
                                                      const std::string& event_uuid);

    /// The event's paid and refunded orders, newest first (at most kMaxOrders), each with its refunds.
    /// Managers only.
    [[nodiscard]] Result<std::vector<EventOrder>> Orders(const identity::Principal& caller,
                                                         const std::string& event_uuid);

    static constexpr std::int64_t kMaxOrders = 10000;

   private:
    ports::Store& store_;
};

}  // namespace onton::orders
