#include "domain/orders/orders.hpp"

#include <algorithm>
#include <thread>

#include "common/encoding.hpp"

namespace onton::orders {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using ports::SqlValue;

constexpr std::string_view kFindIdempotentSql =
    "SELECT uuid, request_hash FROM orders WHERE user_id = $1 AND idempotency_key = $2";

constexpr std::string_view kLoadOfferSql = R"(
SELECT e.event_id, e.status, e.end_date, e.capacity, t.price, t.supply, t.per_user_limit, t.sale_start, t.sale_end,
       t.sold, t.reserved
FROM events e JOIN ticket_types t ON t.event_id = e.event_id
WHERE e.event_uuid = $1 AND t.ticket_type_id = $2)";

constexpr std::string_view kHeldByUserSql = R"(
SELECT COALESCE(SUM(quantity), 0) FROM orders
WHERE user_id = $1 AND ticket_type_id = $2 AND state IN ('created', 'paid'))";

constexpr std::string_view kEventSeatsSql =
    "SELECT COALESCE(SUM(sold + reserved), 0) FROM ticket_types WHERE event_id = $1";

// The guard: the seats are taken only if they are there, in one statement, so no interleaving can oversell.
constexpr std::string_view kReserveSql = R"(
UPDATE ticket_types SET reserved = reserved + $2, updated_at = $3
WHERE ticket_type_id = $1 AND (supply IS NULL OR sold + reserved + $2 <= supply))";
constexpr std::string_view kSellFreeSql = R"(
UPDATE ticket_types SET sold = sold + $2, updated_at = $3
WHERE ticket_type_id = $1 AND (supply IS NULL OR sold + reserved + $2 <= supply))";
// Test-only unguarded write of a value computed from an earlier read (see OrderSettings).
constexpr std::string_view kUnguardedSetReservedSql =
    "UPDATE ticket_types SET reserved = $2, updated_at = $3 WHERE ticket_type_id = $1";

constexpr std::string_view kInsertOrderSql = R"(
INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, type, payment_comment,
                    expires_at, idempotency_key, request_hash, paid_at, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'ticket', $8, $9, $10, $11, $12, $13, $13))";

constexpr std::string_view kOrderColumns =
    "o.uuid, o.user_id, o.event_id, e.event_uuid, o.ticket_type_id, o.quantity, o.total_price, o.state, "
    "o.payment_comment, o.expires_at, o.paid_at, o.created_at, o.updated_at";

constexpr std::string_view kInsertTicketSql = R"(
INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, status, check_in_code, created_at, updated_at)
VALUES ($1, $2, $3, $4, 'valid', $5, $6, $6))";

constexpr std::string_view kTicketColumns =
    "t.ticket_id, t.order_uuid, e.event_uuid, e.title, e.start_date, t.ticket_type_id, tt.name, t.holder_id, t.status, "
    "t.check_in_code, t.checked_in_at, t.checked_in_by, t.created_at";
constexpr std::string_view kTicketJoin =
    " FROM tickets t JOIN events e ON e.event_id = t.event_id JOIN ticket_types tt ON tt.ticket_type_id = "
    "t.ticket_type_id";

constexpr std::string_view kSettleSql = R"(
UPDATE ticket_types SET reserved = reserved - $2, sold = sold + $2, updated_at = $3 WHERE ticket_type_id = $1)";
constexpr std::string_view kReleaseSql =
    "UPDATE ticket_types SET reserved = reserved - $2, updated_at = $3 WHERE ticket_type_id = $1";

constexpr std::string_view kDueSql = R"(
SELECT uuid, ticket_type_id, quantity FROM orders
WHERE state = 'created' AND expires_at <= $1 ORDER BY expires_at LIMIT $2)";

constexpr std::string_view kAdmitSql = R"(
UPDATE tickets SET status = 'used', check_in_status = 'checked_in', checked_in_at = $3, checked_in_by = $4,
                   updated_at = $3
WHERE check_in_code = $1 AND event_id = $2 AND status = 'valid')";
constexpr std::string_view kUndoSql = R"(
UPDATE tickets SET status = 'valid', check_in_status = 'not_checked_in', checked_in_at = NULL, checked_in_by = NULL,
                   updated_at = $3
WHERE check_in_code = $1 AND event_id = $2 AND status = 'used')";

constexpr std::string_view kStatsSql = R"(
SELECT tt.ticket_type_id, tt.name, tt.supply, tt.sold, tt.reserved,
       (SELECT COALESCE(SUM(o.total_price), 0) FROM orders o
        WHERE o.ticket_type_id = tt.ticket_type_id AND o.state = 'paid'),
       (SELECT COUNT(*) FROM tickets t WHERE t.ticket_type_id = tt.ticket_type_id AND t.status = 'used')
FROM ticket_types tt WHERE tt.event_id = $1 ORDER BY tt.ticket_type_id)";

/// Who may see an event's guests: its managers, and (with `staff_too`) its check-in staff. nullopt when the event
/// does not exist; otherwise the event id and whether the caller may.
std::optional<std::pair<std::int64_t, bool>> EventAccess(ports::Transaction& tx,
                                                         const identity::Principal& caller,
                                                         const std::string& event_uuid,
                                                         bool staff_too) {
    const auto ev = tx.Execute("SELECT event_id, owner_id FROM events WHERE event_uuid = $1", {event_uuid});
    if (ev.empty()) return std::nullopt;
    const auto event_id = AsInt(ev.rows[0][0]);
    if (caller.IsAdmin() || AsInt(ev.rows[0][1]) == caller.user_id) return std::make_pair(event_id, true);
    const auto roles = tx.Execute("SELECT role FROM event_roles WHERE event_id = $1 AND user_id = $2",
                                  {event_id, caller.user_id});
    for (const auto& r : roles.rows) {
        if (AsText(r[0]) == "co_organizer" || (staff_too && AsText(r[0]) == "checkin_staff")) {
            return std::make_pair(event_id, true);
        }
    }
    return std::make_pair(event_id, false);
}

std::string CsvCell(std::string value) {
    if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                           value[0] == '\t' || value[0] == '\r')) {
        value.insert(value.begin(), '\'');
    }
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    return out + "\"";
}

Error Validation(const std::string& field, const std::string& reason) {
    return Error{"request.validation_failed", field + ": " + reason, {{"field", field}, {"reason", reason}}};
}

SqlValue TextOrNull(const std::string& s) {
    if (s.empty()) return std::monostate{};
    return s;
}

Order OrderFromRow(const std::vector<SqlValue>& r) {
    Order o;
    o.uuid = AsText(r[0]);
    o.user_id = AsInt(r[1]);
    o.event_id = AsInt(r[2]);
    o.event_uuid = AsText(r[3]);
    o.ticket_type_id = AsInt(r[4]);
    o.quantity = AsInt(r[5]);
    o.total_price = AsInt(r[6]);
    o.state = ParseState(AsText(r[7])).value_or(OrderState::kFailed);
    o.payment_comment = AsOptionalText(r[8]).value_or("");
    o.expires_at = AsOptionalInt(r[9]);
    o.paid_at = AsOptionalInt(r[10]);
    o.created_at = AsInt(r[11]);
    o.updated_at = AsInt(r[12]);
    return o;
}

Ticket TicketFromRow(const std::vector<SqlValue>& r) {
    Ticket t;
    t.id = AsInt(r[0]);
    t.order_uuid = AsText(r[1]);
    t.event_uuid = AsText(r[2]);
    t.event_title = AsText(r[3]);
    t.event_start = AsInt(r[4]);
    t.ticket_type_id = AsInt(r[5]);
    t.ticket_type_name = AsText(r[6]);
    t.holder_id = AsInt(r[7]);
    t.status = AsText(r[8]);
    t.check_in_code = AsText(r[9]);
    t.checked_in_at = AsOptionalInt(r[10]);
    t.checked_in_by = AsOptionalInt(r[11]);
    t.created_at = AsInt(r[12]);
    return t;
}

std::vector<Ticket> TicketsWhere(ports::Transaction& tx, const std::string& condition, const ports::SqlParams& params) {
    const auto rs = tx.Execute("SELECT " + std::string(kTicketColumns) + std::string(kTicketJoin) + " WHERE " +
                                   condition + " ORDER BY t.ticket_id",
                               params);
    std::vector<Ticket> out;
    for (const auto& row : rs.rows) out.push_back(TicketFromRow(row));
    return out;
}

std::optional<Order> FindOrder(ports::Transaction& tx, const std::string& uuid) {
    const auto rs = tx.Execute(
        "SELECT " + std::string(kOrderColumns) + " FROM orders o JOIN events e ON e.event_id = o.event_id WHERE o.uuid = $1",
        {uuid});
    if (rs.empty()) return std::nullopt;
    auto order = OrderFromRow(rs.rows[0]);
    order.tickets = TicketsWhere(tx, "t.order_uuid = $1", {uuid});
    return order;
}

std::string UrlEncode(std::string_view in) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : in) {
        const auto b = static_cast<unsigned char>(c);
        if (std::isalnum(b) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[b >> 4U]);
            out.push_back(kHex[b & 0xFU]);
        }
    }
    return out;
}

}  // namespace

json ToJson(const Ticket& t) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    return {{"id", t.id},
            {"order_uuid", t.order_uuid},
            {"event_uuid", t.event_uuid},
            {"event_title", t.event_title},
            {"event_start", t.event_start},
            {"ticket_type_id", t.ticket_type_id},
            {"ticket_type_name", t.ticket_type_name},
            {"holder_id", t.holder_id},
            {"status", t.status},
            {"check_in_code", t.check_in_code},
            {"qr_payload", "onton:ticket:" + t.check_in_code},
            {"checked_in_at", opt(t.checked_in_at)},
            {"checked_in_by", opt(t.checked_in_by)},
            {"created_at", t.created_at}};
}

json ToJson(const Order& o, const OrderSettings& settings) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    json tickets = json::array();
    for (const auto& t : o.tickets) tickets.push_back(ToJson(t));
    json out = {{"uuid", o.uuid},
                {"state", StateName(o.state)},
                {"user_id", o.user_id},
                {"event_uuid", o.event_uuid},
                {"ticket_type_id", o.ticket_type_id},
                {"quantity", o.quantity},
                {"total_price", std::to_string(o.total_price)},
                {"currency", "TON"},
                {"expires_at", opt(o.expires_at)},
                {"paid_at", opt(o.paid_at)},
                {"created_at", o.created_at},
                {"updated_at", o.updated_at},
                {"tickets", tickets}};
    if (o.state == OrderState::kCreated && o.total_price > 0) {
        const auto& address = settings.platform_wallet_address;
        out["payment"] = {
            {"address", address.empty() ? json(nullptr) : json(address)},
            {"amount", std::to_string(o.total_price)},
            {"comment", o.payment_comment},
            {"expires_at", opt(o.expires_at)},
            {"link", address.empty() ? json(nullptr)
                                     : json("ton://transfer/" + address + "?amount=" + std::to_string(o.total_price) +
                                            "&text=" + UrlEncode(o.payment_comment))}};
    }
    return out;
}

json ToJson(const Guest& g) {
    auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
    auto out = ToJson(g.ticket);
    out.erase("check_in_code");  // the guest list is for staff: they scan codes, they do not read them
    out.erase("qr_payload");
    out["holder"] = {{"user_id", g.ticket.holder_id},
                     {"username", text(g.username)},
                     {"first_name", g.first_name},
                     {"last_name", text(g.last_name)}};
    return out;
}

json ToJson(const TicketTypeStats& s) {
    return {{"ticket_type_id", s.ticket_type_id},
            {"name", s.name},
            {"supply", s.supply ? json(*s.supply) : json(nullptr)},
            {"sold", s.sold},
            {"reserved", s.reserved},
            {"revenue", std::to_string(s.revenue)},
            {"checked_in", s.checked_in}};
}

std::string GuestsCsv(const std::vector<Guest>& guests) {
    std::string out = "ticket_id,user_id,username,first_name,last_name,ticket_type,status,checked_in_at,order_uuid\r\n";
    for (const auto& g : guests) {
        const auto& t = g.ticket;
        out += std::to_string(t.id) + "," + std::to_string(t.holder_id) + "," + CsvCell(g.username) + "," +
               CsvCell(g.first_name) + "," + CsvCell(g.last_name) + "," + CsvCell(t.ticket_type_name) + "," +
               t.status + "," + (t.checked_in_at ? std::to_string(*t.checked_in_at) : "") + "," + t.order_uuid +
               "\r\n";
    }
    return out;
}

OrderService::OrderService(ports::Store& store, const ports::Clock& clock, ports::Random& random, OrderSettings settings)
    : store_(store), clock_(clock), random_(random), settings_(std::move(settings)) {}

Result<OrderService::Placed> OrderService::Place(const identity::Principal& buyer,
                                                 const json& body,
                                                 const std::string& idempotency_key) {
    if (!body.is_object()) return Validation("body", "expected a JSON object");
    for (const auto& [key, value] : body.items()) {
        if (key != "event_uuid" && key != "ticket_type_id" && key != "quantity") return Validation(key, "unknown field");
    }
    if (!body.contains("event_uuid") || !body["event_uuid"].is_string()) return Validation("event_uuid", "required");
    if (!body.contains("ticket_type_id") || !body["ticket_type_id"].is_number_integer()) {
        return Validation("ticket_type_id", "required, an integer");
    }
    std::int64_t quantity = 1;
    if (body.contains("quantity")) {
        if (!body["quantity"].is_number_integer()) return Validation("quantity", "expected an integer");
        quantity = body["quantity"].get<std::int64_t>();
    }
    if (quantity < 1 || quantity > settings_.max_quantity) {
        return Validation("quantity", "must be between 1 and " + std::to_string(settings_.max_quantity));
    }
    if (idempotency_key.size() > 200) return Validation("Idempotency-Key", "at most 200 characters");
    const auto event_uuid = body["event_uuid"].get<std::string>();
    const auto ticket_type_id = body["ticket_type_id"].get<std::int64_t>();
    const auto request_hash =
        Sha256Hex(event_uuid + "\n" + std::to_string(ticket_type_id) + "\n" + std::to_string(quantity));
    try {
        return PlaceGuarded(buyer, event_uuid, ticket_type_id, quantity, idempotency_key, request_hash);
    } catch (const ports::StoreError& e) {
        // Two requests with one key raced and the other inserted first: answer as a repeat of it.
        if (e.kind() != ports::StoreError::Kind::kUniqueViolation || idempotency_key.empty()) throw;
        return PlaceGuarded(buyer, event_uuid, ticket_type_id, quantity, idempotency_key, request_hash);
    }
}

Result<OrderService::Placed> OrderService::PlaceGuarded(const identity::Principal& buyer,
                                                        const std::string& event_uuid,
                                                        std::int64_t ticket_type_id,
                                                        std::int64_t quantity,
                                                        const std::string& idempotency_key,
                                                        const std::string& request_hash) {
    const auto now = clock_.NowUnix();
    const bool postgres = store_.Dialect() == "postgres";

    // Test-only path: the availability read happens in its own transaction, so buyers can interleave.
    std::optional<std::int64_t> unguarded_reserved;
    if (settings_.unsafe_disable_oversell_guard) {
        const auto rs = store_.Transact(
            [&](ports::Transaction& tx) { return tx.Execute(kLoadOfferSql, {event_uuid, ticket_type_id}); },
            {.read_only = true});
        if (!rs.empty()) {
            const auto& r = rs.rows[0];
            const auto supply = AsOptionalInt(r[5]);
            if (supply && AsInt(r[9]) + AsInt(r[10]) + quantity > *supply) {
                return Error{"ticket.sold_out", "no seats left of this ticket type"};
            }
            unguarded_reserved = AsInt(r[10]) + quantity;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));  // widen the window the guard closes
        }
    }

    return store_.Transact([&](ports::Transaction& tx) -> Result<Placed> {
        if (!idempotency_key.empty()) {
            const auto existing = tx.Execute(kFindIdempotentSql, {buyer.user_id, idempotency_key});
            if (!existing.empty()) {
                if (AsOptionalText(existing.rows[0][1]).value_or("") != request_hash) {
                    return Error{"request.idempotency_mismatch",
                                 "this Idempotency-Key was used for a different order",
                                 {{"order_uuid", AsText(existing.rows[0][0])}}};
                }
                return Placed{*FindOrder(tx, AsText(existing.rows[0][0])), false};
            }
        }
        const auto offer = tx.Execute(kLoadOfferSql, {event_uuid, ticket_type_id});
        if (offer.empty()) return Error{"not_found", "no such event or ticket type"};
        const auto& r = offer.rows[0];
        const auto event_id = AsInt(r[0]);
        const auto& status = AsText(r[1]);
        const auto end_date = AsInt(r[2]);
        const auto capacity = AsOptionalInt(r[3]);
        const auto price = AsInt(r[4]);
        const auto per_user_limit = AsOptionalInt(r[6]);
        const auto sale_start = AsOptionalInt(r[7]);
        const auto sale_end = AsOptionalInt(r[8]);
        if (status != "published") {
            return Error{"ticket.sale_closed", "this event is not on sale", {{"reason", "event_" + status}}};
        }
        if (sale_start && now < *sale_start) {
            return Error{"ticket.sale_closed", "sales have not started", {{"reason", "not_started"}, {"sale_start", *sale_start}}};
        }
        if ((sale_end && now >= *sale_end) || now >= end_date) {
            return Error{"ticket.sale_closed", "sales have ended", {{"reason", "ended"}}};
        }
        std::int64_t total = 0;
        if (__builtin_mul_overflow(price, quantity, &total)) return Validation("quantity", "the total overflows");

        if (per_user_limit) {
            // PostgreSQL: serialise one buyer's own purchases so that two parallel orders cannot both pass the
            // limit (SQLite's write lock already does).
            if (postgres) tx.Execute("SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE", {buyer.user_id});
            const auto held = AsInt(tx.Execute(kHeldByUserSql, {buyer.user_id, ticket_type_id}).rows[0][0]);
            if (held + quantity > *per_user_limit) {
                return Error{"ticket.limit_exceeded",
                             "at most " + std::to_string(*per_user_limit) + " per person",
                             {{"limit", *per_user_limit}, {"held", held}}};
            }
        }
        if (capacity) {
            if (postgres) tx.Execute("SELECT 1 FROM events WHERE event_id = $1 FOR UPDATE", {event_id});
            const auto taken = AsInt(tx.Execute(kEventSeatsSql, {event_id}).rows[0][0]);
            if (taken + quantity > *capacity) return Error{"ticket.sold_out", "the event is full"};
        }

        const bool free = total == 0;
        if (unguarded_reserved && !free) {
            tx.Execute(kUnguardedSetReservedSql, {ticket_type_id, *unguarded_reserved, now});
        } else {
            const auto taken = tx.Execute(free ? kSellFreeSql : kReserveSql, {ticket_type_id, quantity, now});
            if (taken.rows_affected == 0) return Error{"ticket.sold_out", "no seats left of this ticket type"};
        }

        Order order;
        order.uuid = random_.Uuid();
        order.user_id = buyer.user_id;
        order.event_id = event_id;
        order.event_uuid = event_uuid;
        order.ticket_type_id = ticket_type_id;
        order.quantity = quantity;
        order.total_price = total;
        order.state = free ? OrderState::kPaid : OrderState::kCreated;
        order.created_at = now;
        order.updated_at = now;
        if (free) {
            order.paid_at = now;
        } else {
            // 60 random bits in a short comment a wallet shows in full; unique in the database besides.
            order.payment_comment = "onton-" + Base64Url(random_.Bytes(8)).substr(0, 10);
            order.expires_at = now + settings_.order_ttl_seconds;
        }
        tx.Execute(kInsertOrderSql,
                   {order.uuid,
                    order.user_id,
                    event_id,
                    ticket_type_id,
                    quantity,
                    total,
                    std::string(StateName(order.state)),
                    TextOrNull(order.payment_comment),
                    order.expires_at ? SqlValue(*order.expires_at) : SqlValue(std::monostate{}),
                    TextOrNull(idempotency_key),
                    request_hash,
                    order.paid_at ? SqlValue(*order.paid_at) : SqlValue(std::monostate{}),
                    now});
        if (free) {
            for (std::int64_t i = 0; i < quantity; ++i) {
                tx.Execute(kInsertTicketSql,
                           {order.uuid, event_id, ticket_type_id, buyer.user_id, "T" + Base64Url(random_.Bytes(15)), now});
            }
            order.tickets = TicketsWhere(tx, "t.order_uuid = $1", {order.uuid});
        }
        return Placed{std::move(order), true};
    });
}

Result<Order> OrderService::Get(const identity::Principal& caller, const std::string& uuid) {
    auto order = store_.Transact([&](ports::Transaction& tx) { return FindOrder(tx, uuid); }, {.read_only = true});
    if (!order || (order->user_id != caller.user_id && !caller.IsAdmin())) {
        return Error{"not_found", "no such order"};  // another buyer's order does not leak
    }
    return *order;
}

Result<std::vector<Order>> OrderService::ListMine(const identity::Principal& caller) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Order>> {
            const auto rs = tx.Execute("SELECT " + std::string(kOrderColumns) +
                                           " FROM orders o JOIN events e ON e.event_id = o.event_id WHERE o.user_id = "
                                           "$1 ORDER BY o.created_at DESC, o.uuid LIMIT 200",
                                       {caller.user_id});
            std::vector<Order> out;
            for (const auto& row : rs.rows) out.push_back(OrderFromRow(row));
            return out;
        },
        {.read_only = true});
}

Result<Order> OrderService::Cancel(const identity::Principal& caller, const std::string& uuid) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Order> {
        auto order = FindOrder(tx, uuid);
        if (!order || (order->user_id != caller.user_id && !caller.IsAdmin())) return Error{"not_found", "no such order"};
        if (order->state == OrderState::kCanceled) return *order;
        if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kCanceled, now)) {
            return Error{"state.invalid_transition",
                         std::string("a ") + std::string(StateName(order->state)) + " order cannot be canceled"};
        }
        tx.Execute(kReleaseSql, {order->ticket_type_id, order->quantity, now});
        return *FindOrder(tx, uuid);
    });
}

bool OrderService::MarkPaid(const std::string& uuid, const std::string& payment_tx_hash) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) {
        auto order = FindOrder(tx, uuid);
        if (!order) return false;
        if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kPaid, now)) return false;
        tx.Execute(kSettleSql, {order->ticket_type_id, order->quantity, now});
        tx.Execute("UPDATE orders SET payment_tx_hash = $2 WHERE uuid = $1", {uuid, TextOrNull(payment_tx_hash)});
        for (std::int64_t i = 0; i < order->quantity; ++i) {
            tx.Execute(kInsertTicketSql,
                       {uuid, order->event_id, order->ticket_type_id, order->user_id, "T" + Base64Url(random_.Bytes(15)),
                        now});
        }
        return true;
    });
}

std::int64_t OrderService::ExpireDue(std::int64_t batch) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) {
        std::int64_t expired = 0;
        for (const auto& row : tx.Execute(kDueSql, {now, batch}).rows) {
            const auto& uuid = AsText(row[0]);
            // The compare-and-set makes the release happen once even if a payment or another sweeper got there.
            if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kExpired, now)) continue;
            tx.Execute(kReleaseSql, {AsInt(row[1]), AsInt(row[2]), now});
            ++expired;
        }
        return expired;
    });
}

Result<std::vector<Ticket>> OrderService::MyTickets(const identity::Principal& caller) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Ticket>> {
            return TicketsWhere(tx, "t.holder_id = $1", {caller.user_id});
        },
        {.read_only = true});
}

Result<std::vector<Guest>> OrderService::Guests(const identity::Principal& caller,
                                               const std::string& event_uuid,
                                               const GuestFilter& filter) {
    static const std::vector<std::string> kStatuses = {"valid", "used", "refunded", "transferred", "canceled"};
    if (!filter.status.empty() && std::find(kStatuses.begin(), kStatuses.end(), filter.status) == kStatuses.end()) {
        return Validation("status", "expected valid, used, refunded, transferred or canceled");
    }
    if (filter.q.size() > 100) return Validation("q", "at most 100 characters");
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Guest>> {
            const auto access = EventAccess(tx, caller, event_uuid, true);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->second) return Error{"auth.forbidden", "you do not manage this event"};
            ports::SqlParams params{access->first};
            std::string where = "t.event_id = $1";
            if (!filter.status.empty()) {
                params.emplace_back(filter.status);
                where += " AND t.status = $" + std::to_string(params.size());
            }
            if (filter.ticket_type_id) {
                params.emplace_back(*filter.ticket_type_id);
                where += " AND t.ticket_type_id = $" + std::to_string(params.size());
            }
            if (!filter.q.empty()) {
                std::string pattern = "%";
                for (const char c : filter.q) {
                    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
                    pattern.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
                }
                pattern += "%";
                params.emplace_back(pattern);
                const auto p = "$" + std::to_string(params.size());
                where += " AND (lower(COALESCE(u.username, '')) LIKE " + p + " ESCAPE '\\' OR lower(u.first_name) LIKE " +
                         p + " ESCAPE '\\' OR lower(COALESCE(u.last_name, '')) LIKE " + p + " ESCAPE '\\')";
            }
            const auto rs = tx.Execute("SELECT " + std::string(kTicketColumns) +
                                           ", u.username, u.first_name, u.last_name" + std::string(kTicketJoin) +
                                           " JOIN users u ON u.user_id = t.holder_id WHERE " + where +
                                           " ORDER BY t.ticket_id LIMIT 10000",
                                       params);
            std::vector<Guest> out;
            for (const auto& row : rs.rows) {
                Guest g;
                g.ticket = TicketFromRow(row);
                g.username = AsOptionalText(row[13]).value_or("");
                g.first_name = AsText(row[14]);
                g.last_name = AsOptionalText(row[15]).value_or("");
                out.push_back(std::move(g));
            }
            return out;
        },
        {.read_only = true});
}

Result<std::vector<TicketTypeStats>> OrderService::Stats(const identity::Principal& caller,
                                                         const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<TicketTypeStats>> {
            const auto access = EventAccess(tx, caller, event_uuid, false);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->second) return Error{"auth.forbidden", "you do not manage this event"};
            std::vector<TicketTypeStats> out;
            for (const auto& r : tx.Execute(kStatsSql, {access->first}).rows) {
                out.push_back(TicketTypeStats{AsInt(r[0]), AsText(r[1]), AsOptionalInt(r[2]), AsInt(r[3]), AsInt(r[4]),
                                              AsInt(r[5]), AsInt(r[6])});
            }
            return out;
        },
        {.read_only = true});
}

Result<CheckInResult> OrderService::CheckIn(const identity::Principal& staff,
                                            const std::string& event_uuid,
                                            const std::string& code,
                                            bool undo) {
    if (code.empty() || code.size() > 100) return Validation("code", "expected the scanned ticket code");
    // The QR carries `onton:ticket:<code>`; accept the bare code too (manual entry).
    const std::string bare = code.rfind("onton:ticket:", 0) == 0 ? code.substr(13) : code;
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<CheckInResult> {
        const auto ev = tx.Execute("SELECT event_id, owner_id FROM events WHERE event_uuid = $1", {event_uuid});
        if (ev.empty()) return Error{"not_found", "no such event"};
        const auto event_id = AsInt(ev.rows[0][0]);
        const bool allowed = staff.IsAdmin() || AsInt(ev.rows[0][1]) == staff.user_id ||
                             !tx.Execute("SELECT 1 FROM event_roles WHERE event_id = $1 AND user_id = $2",
                                         {event_id, staff.user_id})
                                  .empty();
        if (!allowed) return Error{"auth.forbidden", "you are not staff of this event"};
        CheckInResult result;
        const auto changed = tx.Execute(undo ? kUndoSql : kAdmitSql,
                                        undo ? ports::SqlParams{bare, event_id, now}
                                             : ports::SqlParams{bare, event_id, now, staff.user_id});
        auto tickets = TicketsWhere(tx, "t.check_in_code = $1 AND t.event_id = $2", {bare, event_id});
        if (tickets.empty()) {
            result.result = "invalid";
            return result;
        }
        result.ticket = tickets.front();
        const auto name = tx.Execute("SELECT first_name, last_name, username FROM users WHERE user_id = $1",
                                     {result.ticket->holder_id});
        if (!name.empty()) {
            result.guest_name = AsText(name.rows[0][0]);
            if (auto last = AsOptionalText(name.rows[0][1])) result.guest_name += " " + *last;
        }
        if (changed.rows_affected == 1) {
            result.result = undo ? "undone" : "admitted";
        } else if (result.ticket->status == "used") {
            result.result = undo ? "invalid" : "already_used";
        } else {
            result.result = undo ? "not_checked_in" : "invalid";
        }
        return result;
    });
}

}  // namespace onton::orders
