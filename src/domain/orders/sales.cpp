#include "domain/orders/sales.hpp"

#include <fmt/format.h>

#include <map>
#include <string_view>

#include "domain/events/access.hpp"

namespace onton::orders {
namespace {

constexpr std::int64_t kDaySeconds = 86400;

// Integer division rounds towards zero in both dialects; payments are never before 1970, so that is the
// floor.
constexpr std::string_view kDailySql = R"(
SELECT o.paid_at / 86400, o.currency,
       SUM(CASE WHEN o.state = 'paid' THEN 1 ELSE 0 END),
       SUM(CASE WHEN o.state = 'paid' THEN o.quantity ELSE 0 END),
       SUM(CASE WHEN o.state = 'paid' THEN o.total_price ELSE 0 END),
       SUM(CASE WHEN o.state = 'refunded' THEN 1 ELSE 0 END)
FROM orders o
WHERE o.event_id = $1 AND o.state IN ('paid', 'refunded') AND o.paid_at IS NOT NULL
GROUP BY o.paid_at / 86400, o.currency
ORDER BY 1, 2)";

constexpr std::string_view kOrdersSql = R"(
SELECT o.uuid, o.state, o.user_id, u.username, u.first_name, u.last_name, o.ticket_type_id, tt.name, o.quantity,
       o.total_price, o.created_at, o.paid_at, o.currency
FROM orders o
JOIN users u ON u.user_id = o.user_id
JOIN ticket_types tt ON tt.ticket_type_id = o.ticket_type_id
WHERE o.event_id = $1 AND o.state IN ('paid', 'refunded')
ORDER BY o.created_at DESC, o.uuid
LIMIT $2)";

constexpr std::string_view kRefundsSql = R"(
SELECT r.order_uuid, r.reason, r.amount, r.state, r.created_at
FROM refunds r
JOIN orders o ON o.uuid = r.order_uuid
WHERE o.event_id = $1
ORDER BY r.refund_id)";

/// The event's id when the caller manages it; not_found or auth.forbidden otherwise.
Result<std::int64_t> ManagedEventId(ports::Transaction& tx,
                                    const identity::Principal& caller,
                                    const std::string& event_uuid) {
    const auto access = events::AccessTo(tx, caller, event_uuid);
    if (!access) return Error{"not_found", "no such event"};
    if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
    return access->event_id;
}

std::string OptionalText(const ports::SqlValue& value) { return ports::AsOptionalText(value).value_or(""); }

}  // namespace

std::string UtcDate(std::int64_t unix_seconds) {
    // Howard Hinnant's days-to-civil.
    std::int64_t days = unix_seconds / kDaySeconds;
    if (unix_seconds % kDaySeconds < 0) --days;
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    const auto two = [](std::int64_t v) { return std::string(v < 10 ? "0" : "") + std::to_string(v); };
    return fmt::format("{:04}-{}-{}", year, two(month), two(day));
}

nlohmann::json ToJson(const SalesDay& day) {
    return {{"day", UtcDate(day.start)},
            {"start", day.start},
            {"orders", day.orders},
            {"tickets", day.tickets},
            {"revenue", std::to_string(day.revenue)},
            {"currency", day.currency},
            {"refunded_orders", day.refunded_orders}};
}

nlohmann::json ToJson(const EventOrder& order) {
    nlohmann::json refunds = nlohmann::json::array();
    for (const auto& r : order.refunds) {
        refunds.push_back({{"reason", r.reason},
                           {"amount", std::to_string(r.amount)},
                           {"state", r.state},
                           {"created_at", r.created_at}});
    }
    const auto optional = [](const std::string& s) {
        return s.empty() ? nlohmann::json() : nlohmann::json(s);
    };
    return {{"uuid", order.uuid},
            {"state", order.state},
            {"user_id", order.user_id},
            {"buyer",
             {{"user_id", order.user_id},
              {"username", optional(order.username)},
              {"first_name", order.first_name},
              {"last_name", optional(order.last_name)}}},
            {"ticket_type_id", order.ticket_type_id},
            {"ticket_type_name", order.ticket_type_name},
            {"quantity", order.quantity},
            {"total_price", std::to_string(order.total_price)},
            {"currency", order.currency},
            {"created_at", order.created_at},
            {"paid_at", order.paid_at ? nlohmann::json(*order.paid_at) : nlohmann::json()},
            {"refunds", std::move(refunds)}};
}

SalesReports::SalesReports(ports::Store& store) : store_(store) {}

Result<std::vector<SalesDay>> SalesReports::Daily(const identity::Principal& caller,
                                                  const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<SalesDay>> {
            const auto event_id = ManagedEventId(tx, caller, event_uuid);
            if (!event_id) return event_id.error();
            std::vector<SalesDay> out;
            for (const auto& r : tx.Execute(kDailySql, {*event_id}).rows) {
                out.push_back({.start = ports::AsInt(r[0]) * kDaySeconds,
                               .currency = ports::AsText(r[1]),
                               .orders = ports::AsInt(r[2]),
                               .tickets = ports::AsInt(r[3]),
                               .revenue = ports::AsInt(r[4]),
                               .refunded_orders = ports::AsInt(r[5])});
            }
            return out;
        },
        {.read_only = true});
}

Result<std::vector<EventOrder>> SalesReports::Orders(const identity::Principal& caller,
                                                     const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<EventOrder>> {
            const auto event_id = ManagedEventId(tx, caller, event_uuid);
            if (!event_id) return event_id.error();
            std::vector<EventOrder> out;
            std::map<std::string, std::size_t> index;
            for (const auto& r : tx.Execute(kOrdersSql, {*event_id, kMaxOrders}).rows) {
                index[ports::AsText(r[0])] = out.size();
                out.push_back({.uuid = ports::AsText(r[0]),
                               .state = ports::AsText(r[1]),
                               .user_id = ports::AsInt(r[2]),
                               .username = OptionalText(r[3]),
                               .first_name = OptionalText(r[4]),
                               .last_name = OptionalText(r[5]),
                               .ticket_type_id = ports::AsInt(r[6]),
                               .ticket_type_name = ports::AsText(r[7]),
                               .quantity = ports::AsInt(r[8]),
                               .total_price = ports::AsInt(r[9]),
                               .created_at = ports::AsInt(r[10]),
                               .paid_at = ports::AsOptionalInt(r[11]),
                               .currency = ports::AsText(r[12]),
                               .refunds = {}});
            }
            for (const auto& r : tx.Execute(kRefundsSql, {*event_id}).rows) {
                const auto it = index.find(ports::AsText(r[0]));
                if (it == index.end()) continue;
                out[it->second].refunds.push_back({.reason = ports::AsText(r[1]),
                                                   .amount = ports::AsInt(r[2]),
                                                   .state = ports::AsText(r[3]),
                                                   .created_at = ports::AsInt(r[4])});
            }
            return out;
        },
        {.read_only = true});
}

}  // namespace onton::orders
