#include "domain/orders/orders.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <future>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unordered_set>
#include <variant>

#include "common/encoding.hpp"
#include "common/secret_hash.hpp"
#include "domain/events/access.hpp"
#include "domain/notifications/queue.hpp"
#include "domain/outbox/outbox.hpp"
#include "ports/in_list.hpp"

namespace onton::orders {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using ports::TextOrNull;
using ports::SqlValue;

constexpr std::string_view kFindIdempotentSql =
    "SELECT uuid, request_hash FROM orders WHERE user_id = $1 AND idempotency_key = $2";

constexpr std::string_view kLoadOfferSql = R"(
SELECT e.event_id, e.status, e.end_date, e.capacity, t.price, t.supply, t.per_user_limit, t.sale_start, t.sale_end,
       t.sold, t.reserved, e.requires_approval, t.currency, t.visibility, t.access_code
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
// The guard switched off (tests only, see OrderSettings::unsafe_disable_oversell_guard): the same writes
// without the condition; the seats were judged from a read made before the transaction.
constexpr std::string_view kUnguardedReserveSql =
    "UPDATE ticket_types SET reserved = reserved + $2, updated_at = $3 WHERE ticket_type_id = $1";
constexpr std::string_view kUnguardedSellFreeSql =
    "UPDATE ticket_types SET sold = sold + $2, updated_at = $3 WHERE ticket_type_id = $1";
constexpr std::string_view kSeatsLeftSql =
    "SELECT supply - sold - reserved FROM ticket_types WHERE ticket_type_id = $1";
/// Guard off: how long a buyer waits between judging the seats and taking them, so that the race the guard
/// closes shows in every run rather than in some.
constexpr auto kUnguardedRaceWindow = std::chrono::milliseconds(10);

constexpr std::string_view kOrderColumns =
    "o.uuid, o.user_id, o.event_id, e.event_uuid, o.ticket_type_id, o.quantity, o.total_price, o.state, "
    "o.payment_comment, o.expires_at, o.paid_at, o.created_at, o.updated_at, o.currency";

/// Followed by ports::ValuesRows(rows, kTicketInsertColumns): order_uuid, event_id, ticket_type_id,
/// holder_id, status, check_in_code, created_at, updated_at.
constexpr std::string_view kInsertTicketsHead =
    "INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, status, check_in_code, "
    "created_at, "
    "updated_at) VALUES ";
constexpr std::size_t kTicketInsertColumns = 8;

constexpr std::string_view kTicketColumns =
    "t.ticket_id, t.order_uuid, e.event_uuid, e.title, e.start_date, t.ticket_type_id, tt.name, t.holder_id, t.status, "
    "t.check_in_code, t.checked_in_at, t.checked_in_by, t.created_at, ni.state, ni.item_index, ni.address";
// The ticket's NFT item (nft database; no key across the two, hence the LEFT JOIN on the stored item id).
constexpr std::string_view kTicketJoin =
    " FROM tickets t JOIN events e ON e.event_id = t.event_id JOIN ticket_types tt ON tt.ticket_type_id = "
    "t.ticket_type_id LEFT JOIN nft_items ni ON ni.item_id = t.nft_item_id";

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
SELECT tt.ticket_type_id, tt.name, tt.supply, tt.sold, tt.reserved, tt.currency,
       (SELECT COALESCE(SUM(o.total_price), 0) FROM orders o
        WHERE o.ticket_type_id = tt.ticket_type_id AND o.state = 'paid'),
       (SELECT COUNT(*) FROM tickets t WHERE t.ticket_type_id = tt.ticket_type_id AND t.status = 'used')
FROM ticket_types tt WHERE tt.event_id = $1 ORDER BY tt.ticket_type_id)";

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

/// Issues `count` tickets of an order to `holder`, each with a fresh 120-bit check-in code; returns the last code.
std::string IssueTickets(ports::Transaction& tx,
                         ports::Random& random,
                         const std::string& order_uuid,
                         std::int64_t event_id,
                         std::int64_t ticket_type_id,
                         std::int64_t holder,
                         std::int64_t count,
                         std::int64_t now) {
    std::string code;
    for (std::int64_t i = 0; i < count; ++i) {
        code = "T" + Base64Url(random.Bytes(15));
        tx.Execute(std::string(kInsertTicketsHead) + ports::ValuesRows(1, kTicketInsertColumns),
                   {order_uuid, event_id, ticket_type_id, holder, std::string("valid"), code, now, now});
    }
    return code;
}

/// Thrown inside a transaction to roll back writes already made and answer with `error` (returning an Error from
/// the body would commit them).
struct RollbackWith {
    Error error;
};

// Counts a check-in phrase attempt: +1 within the current window, else a new window with this one.
constexpr std::string_view kCountPhraseAttemptSql = R"(
INSERT INTO checkin_phrase_attempts (event_id, user_id, window_start, attempts) VALUES ($1, $2, $3, 1)
ON CONFLICT (event_id, user_id) DO UPDATE SET
    attempts = CASE WHEN checkin_phrase_attempts.window_start + $4 > $3 THEN checkin_phrase_attempts.attempts + 1
                    ELSE 1 END,
    window_start = CASE WHEN checkin_phrase_attempts.window_start + $4 > $3 THEN checkin_phrase_attempts.window_start
                        ELSE $3 END)";

constexpr std::string_view kPromoColumns =
    "promo_code_id, code, discount_percent, discount_amount, max_uses, used_count, valid_from, valid_until, "
    "ticket_type_id, currency";
constexpr std::string_view kConsumePromoSql = R"(
UPDATE promo_codes SET used_count = used_count + 1
WHERE promo_code_id = $1 AND (max_uses IS NULL OR used_count < max_uses))";
// Runs only after the order's own compare-and-set succeeded, so a use is returned once.
constexpr std::string_view kReturnPromoSql = R"(
UPDATE promo_codes SET used_count = used_count - 1
WHERE promo_code_id = (SELECT promo_code_id FROM orders WHERE uuid = $1) AND used_count > 0)";

PromoCode PromoFromRow(const std::vector<SqlValue>& r) {
    PromoCode p;
    p.id = AsInt(r[0]);
    p.code = AsText(r[1]);
    p.discount_percent = AsOptionalInt(r[2]);
    p.discount_amount = AsOptionalInt(r[3]);
    p.max_uses = AsOptionalInt(r[4]);
    p.used_count = AsInt(r[5]);
    p.valid_from = AsOptionalInt(r[6]);
    p.valid_until = AsOptionalInt(r[7]);
    p.ticket_type_id = AsOptionalInt(r[8]);
    if (const auto currency = AsOptionalText(r[9])) p.currency = money::ParseCurrency(*currency).value();
    return p;
}

std::string NormalizePromo(std::string code) {
    std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return code;
}

/// Case, surrounding and repeated spaces do not matter when a guest types the phrase the host said aloud.
std::string NormalizePhrase(const std::string& phrase) {
    std::string out;
    bool space = false;
    for (const char c : phrase) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
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
    o.currency = money::ParseCurrency(AsText(r[13])).value();
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
    if (const auto state = AsOptionalText(r[13])) {
        t.nft = TicketNft{*state, AsOptionalInt(r[14]), AsOptionalText(r[15]).value_or("")};
    }
    return t;
}

/// Tickets matching `condition`, their QR payloads signed with `signer` when there is one.
std::vector<Ticket> TicketsWhere(ports::Transaction& tx,
                                 const std::string& condition,
                                 const ports::SqlParams& params,
                                 const TicketSigner* signer) {
    const auto rs = tx.Execute("SELECT " + std::string(kTicketColumns) + std::string(kTicketJoin) + " WHERE " +
                                   condition + " ORDER BY t.ticket_id",
                               params);
    std::vector<Ticket> out;
    for (const auto& row : rs.rows) {
        out.push_back(TicketFromRow(row));
        if (signer != nullptr)
            out.back().qr_payload = signer->QrPayload(out.back().event_uuid, out.back().check_in_code);
    }
    return out;
}

std::optional<Order> FindOrder(ports::Transaction& tx, const std::string& uuid, const TicketSigner* signer) {
    const auto rs = tx.Execute(
        "SELECT " + std::string(kOrderColumns) + " FROM orders o JOIN events e ON e.event_id = o.event_id WHERE o.uuid = $1",
        {uuid});
    if (rs.empty()) return std::nullopt;
    auto order = OrderFromRow(rs.rows[0]);
    order.tickets = TicketsWhere(tx, "t.order_uuid = $1", {uuid}, signer);
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
            {"qr_payload", t.qr_payload.empty() ? "onton:ticket:" + t.check_in_code : t.qr_payload},
            {"checked_in_at", opt(t.checked_in_at)},
            {"checked_in_by", opt(t.checked_in_by)},
            {"created_at", t.created_at},
            {"nft",
             t.nft ? json{{"state", t.nft->state},
                          {"index", opt(t.nft->index)},
                          {"address", t.nft->address.empty() ? json(nullptr) : json(t.nft->address)}}
                   : json(nullptr)}};
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
                {"currency", money::Code(o.currency)},
                {"expires_at", opt(o.expires_at)},
                {"paid_at", opt(o.paid_at)},
                {"created_at", o.created_at},
                {"updated_at", o.updated_at},
                {"tickets", tickets}};
    if (o.state == OrderState::kCreated && o.total_price > 0 && o.currency == money::Currency::kTon) {
        const auto& address = settings.platform_wallet_address;
        out["payment"] = {
            {"method", "ton_transfer"},
            {"address", address.empty() ? json(nullptr) : json(address)},
            {"amount", std::to_string(o.total_price)},
            {"comment", o.payment_comment},
            {"expires_at", opt(o.expires_at)},
            {"link",
             address.empty() ? json(nullptr)
                             : json("ton://transfer/" + address + "?amount=" + std::to_string(o.total_price) +
                                    "&text=" + UrlEncode(o.payment_comment))}};
    }
    if (o.state == OrderState::kCreated && o.total_price > 0 && o.currency == money::Currency::kUsdt) {
        const auto& address = settings.platform_wallet_address;
        const auto& master = settings.usdt_jetton_master;
        const bool payable = !address.empty() && !master.empty();
        // The jettons go to the platform wallet (their new owner); its jetton wallet is the chain's business.
        // A wallet's own jetton wallet sends them: GET /api/v1/orders/{uuid}/jetton-transfer builds that
        // message.
        out["payment"] = {{"method", "jetton_transfer"},
                          {"address", address.empty() ? json(nullptr) : json(address)},
                          {"jetton_master", master.empty() ? json(nullptr) : json(master)},
                          {"amount", std::to_string(o.total_price)},
                          {"comment", o.payment_comment},
                          {"expires_at", opt(o.expires_at)},
                          {"link",
                           payable ? json("ton://transfer/" + address + "?jetton=" + master +
                                          "&amount=" + std::to_string(o.total_price) +
                                          "&text=" + UrlEncode(o.payment_comment))
                                   : json(nullptr)}};
    }
    if (o.state == OrderState::kCreated && o.total_price > 0 && o.currency == money::Currency::kStars) {
        // Paid inside Telegram: POST /api/v1/orders/{uuid}/stars-invoice makes the invoice link the Mini App
        // opens.
        out["payment"] = {{"method", "stars_invoice"},
                          {"address", nullptr},
                          {"amount", std::to_string(o.total_price)},
                          {"comment", o.payment_comment},
                          {"expires_at", opt(o.expires_at)},
                          {"link", nullptr}};
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

json ToJson(const PromoCode& p) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    return {{"id", p.id},
            {"code", p.code},
            {"discount_percent", opt(p.discount_percent)},
            {"discount_amount", p.discount_amount ? json(std::to_string(*p.discount_amount)) : json(nullptr)},
            {"currency", p.currency ? json(money::Code(*p.currency)) : json(nullptr)},
            {"max_uses", opt(p.max_uses)},
            {"used_count", p.used_count},
            {"valid_from", opt(p.valid_from)},
            {"valid_until", opt(p.valid_until)},
            {"ticket_type_id", opt(p.ticket_type_id)}};
}

std::int64_t DiscountedTotal(std::int64_t total, const PromoCode& promo) noexcept {
    if (promo.discount_percent) {
        // floor(total * pct / 100) without overflowing: total = 100a + b.
        const auto pct = *promo.discount_percent;
        const auto discount = (total / 100) * pct + (total % 100) * pct / 100;
        return total - discount;
    }
    if (promo.discount_amount) return std::max<std::int64_t>(0, total - *promo.discount_amount);
    return total;
}

json ToJson(const TicketTypeStats& s) {
    return {{"ticket_type_id", s.ticket_type_id},
            {"name", s.name},
            {"supply", s.supply ? json(*s.supply) : json(nullptr)},
            {"sold", s.sold},
            {"reserved", s.reserved},
            {"currency", money::Code(s.currency)},
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

OrderService::OrderService(ports::Store& store,
                           const ports::Clock& clock,
                           ports::Random& random,
                           OrderSettings settings)
    : store_(store), clock_(clock), random_(random), settings_(std::move(settings)) {
    if (!settings_.ticket_signing_seed.empty()) {
        auto signer = TicketSigner::FromSeed(settings_.ticket_signing_seed);
        if (!signer)
            throw std::invalid_argument(signer.error().message);  // a configuration mistake: fail fast
        signer_ = *signer;
    }
}

namespace {

/// Runs `fn` and captures its answer or the exception that escaped it.
template <typename Fn>
OrderService::PlaceOutcome Capture(Fn&& fn) {
    OrderService::PlaceOutcome outcome;
    try {
        outcome.result.emplace(fn());
    } catch (...) {
        outcome.error = std::current_exception();
    }
    return outcome;
}

/// The answer of a plain sold-out (not an event at capacity): what the sold-out hint may stand in for.
bool IsSeatSoldOut(const OrderService::PlaceOutcome& outcome) {
    return outcome.result && !outcome.result->ok() && outcome.result->error().code == "ticket.sold_out" &&
           outcome.result->error().details.contains("seats_held_for_waitlist") &&
           outcome.result->error().details["seats_held_for_waitlist"] == 0;
}

Error SoldOut(std::int64_t held_for_waitlist) {
    return Error{"ticket.sold_out",
                 "no seats left of this ticket type",
                 {{"waitlist", true}, {"seats_held_for_waitlist", held_for_waitlist}}};
}

/// The answer to a repeated Idempotency-Key: the order it made (same body) or the mismatch (another body);
/// nullopt when this buyer never used the key.
std::optional<Result<OrderService::Placed>> FindRepeat(ports::Transaction& tx,
                                                       std::int64_t user_id,
                                                       const std::string& idempotency_key,
                                                       const std::string& request_hash,
                                                       const TicketSigner* signer) {
    const auto existing = tx.Execute(kFindIdempotentSql, {user_id, idempotency_key});
    if (existing.empty()) return std::nullopt;
    if (AsOptionalText(existing.rows[0][1]).value_or("") != request_hash) {
        return Error{"request.idempotency_mismatch",
                     "this Idempotency-Key was used for a different order",
                     {{"order_uuid", AsText(existing.rows[0][0])}}};
    }
    return OrderService::Placed{*FindOrder(tx, AsText(existing.rows[0][0]), signer), false};
}

}  // namespace

/// The deferred plain reservations of one batch transaction (all of one ticket type, as a lane is).
struct OrderService::BatchWrites {
    struct Deferred {
        std::size_t index = 0;  ///< of the request in the batch, and of its answer in `results`
        Order order;
        std::string idempotency_key;
        std::string request_hash;
    };
    std::vector<std::optional<Result<Placed>>>* results = nullptr;
    std::size_t current = 0;  ///< the index of the request PlaceInTx is placing
    std::vector<Deferred> deferred;
    /// Guard off only: the batch's TxCache::seats_left_before; null with the guard on.
    std::map<std::int64_t, std::int64_t>* seats_left_before = nullptr;
};

namespace {

constexpr std::size_t kInsertOrderParams = 13;

/// `INSERT INTO orders ... VALUES (...), (...)` for `rows` orders, kInsertOrderParams parameters per row in
/// the order of AppendOrderParams. The state is not written: every order starts `created` (the column's
/// default), and only the state machine (state_machine.cpp) moves it on, a free order included.
std::string InsertOrdersSql(std::size_t rows) {
    std::string sql =
        "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, type, "
        "payment_comment, expires_at, idempotency_key, request_hash, created_at, updated_at, promo_code_id, "
        "currency) "
        "VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
        const auto p = [&](std::size_t i) { return "$" + std::to_string(r * kInsertOrderParams + i); };
        if (r > 0) sql += ", ";
        sql += "(" + p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", " + p(5) + ", " + p(6) +
               ", 'ticket', " + p(7) + ", " + p(8) + ", " + p(9) + ", " + p(10) + ", " + p(11) + ", " +
               p(11) + ", " + p(12) + ", " + p(13) + ")";
    }
    return sql;
}

/// The statement inserting `rows` orders, `rows` a power of two up to 256 (so at most nine distinct statements).
const std::string& InsertOrdersStatement(std::size_t rows) {
    static const auto kSql = [] {
        std::vector<std::string> sql;
        for (std::size_t n = 1; n <= 256; n *= 2) sql.push_back(InsertOrdersSql(n));
        return sql;
    }();
    return kSql[static_cast<std::size_t>(std::countr_zero(rows))];
}

/// The parameters of one order row, in the order of InsertOrdersSql.
void AppendOrderParams(ports::SqlParams& params,
                       const Order& order,
                       const std::string& idempotency_key,
                       const std::string& request_hash,
                       std::optional<std::int64_t> promo_code_id) {
    params.emplace_back(order.uuid);
    params.emplace_back(order.user_id);
    params.emplace_back(order.event_id);
    params.emplace_back(order.ticket_type_id);
    params.emplace_back(order.quantity);
    params.emplace_back(order.total_price);
    params.emplace_back(TextOrNull(order.payment_comment));
    params.emplace_back(ports::IntOrNull(order.expires_at));
    params.emplace_back(TextOrNull(idempotency_key));
    params.emplace_back(request_hash);
    params.emplace_back(order.created_at);
    params.emplace_back(ports::IntOrNull(promo_code_id));
    params.emplace_back(std::string(money::Code(order.currency)));
}

}  // namespace

/// Writes the deferred reservations: reads the seats left (locking the row on PostgreSQL; SQLite's write lock is
/// already held), grants in arrival order every order that still fits and turns the rest into ticket.sold_out,
/// then one guarded counter UPDATE and multi-row INSERTs (chunks of powers of two, so few distinct statements).
void OrderService::FlushBatchWrites(ports::Transaction& tx, BatchWrites& bulk, std::int64_t now) {
    if (bulk.deferred.empty()) return;
    const bool postgres = store_.Dialect() == "postgres";
    const auto ticket_type_id = bulk.deferred.front().order.ticket_type_id;
    const bool guarded = bulk.seats_left_before == nullptr;
    std::int64_t left = std::numeric_limits<std::int64_t>::max();
    if (guarded) {
        const auto left_rows =
            tx.Execute(std::string(kSeatsLeftSql) + (postgres ? " FOR UPDATE" : ""), {ticket_type_id});
        if (!left_rows.empty() && !std::holds_alternative<std::monostate>(left_rows.rows[0][0])) {
            left = ports::AsInt(left_rows.rows[0][0]);
        }
    } else if (const auto it = bulk.seats_left_before->find(ticket_type_id);
               it != bulk.seats_left_before->end()) {
        left = it->second;  // guard off: as read before the transaction, unlocked
    }
    std::vector<const BatchWrites::Deferred*> granted;
    std::int64_t total = 0;
    for (const auto& d : bulk.deferred) {
        if (d.order.quantity <= left - total) {
            total += d.order.quantity;
            granted.push_back(&d);
        } else {
            (*bulk.results)[d.index].emplace(SoldOut(0));
        }
    }
    if (total > 0 && !guarded) {
        tx.Execute(kUnguardedReserveSql, {ticket_type_id, total, now});
        if (const auto it = bulk.seats_left_before->find(ticket_type_id);
            it != bulk.seats_left_before->end()) {
            it->second -= total;
        }
    } else if (total > 0) {
        const auto reserved = tx.Execute(kReserveSql, {ticket_type_id, total, now});
        // The row is locked and was just read: the guard cannot fail unless something is badly wrong. Throwing
        // undoes the batch, and every order is then placed on its own.
        if (reserved.rows_affected != 1) throw std::logic_error("a batch reservation lost its seats");
    }
    std::size_t next = 0;
    while (next < granted.size()) {
        std::size_t chunk = 1;
        while (chunk * 2 <= granted.size() - next && chunk * 2 <= 256) chunk *= 2;
        ports::SqlParams params;
        params.reserve(chunk * kInsertOrderParams);
        for (std::size_t i = next; i < next + chunk; ++i) {
            // Deferred orders never carry a promo code.
            AppendOrderParams(params, granted[i]->order, granted[i]->idempotency_key, granted[i]->request_hash,
                              std::nullopt);
        }
        tx.Execute(InsertOrdersStatement(chunk), params);
        next += chunk;
    }
    bulk.deferred.clear();
}

namespace {

/// Announces the paid order on the bus (`order.paid`, through the outbox) in the transaction that paid it,
/// once per order: fulfilment (the buyer's notification, the NFT mint) consumes it. The `order.paid` message
/// (outbox.hpp names its fields), for AnnouncePaid and the set-wise ApplyPayments alike.
json PaidPayload(const std::string& order_uuid,
                 std::int64_t user_id,
                 std::int64_t event_id,
                 const std::string& event_uuid,
                 const std::string& title,
                 std::int64_t ticket_type_id,
                 std::int64_t quantity) {
    return {{"order_uuid", order_uuid},
            {"user_id", user_id},
            {"event_id", event_id},
            {"event_uuid", event_uuid},
            {"title", title},
            {"ticket_type_id", ticket_type_id},
            {"quantity", quantity}};
}

void AnnouncePaid(ports::Transaction& tx, const std::string& order_uuid, std::int64_t user_id, std::int64_t event_id,
               std::int64_t ticket_type_id, std::int64_t quantity, std::int64_t now) {
    const auto event = tx.Execute("SELECT event_uuid, title FROM events WHERE event_id = $1", {event_id});
    if (event.empty()) return;
    outbox::Add(tx,
                outbox::kOrderPaid,
                order_uuid,
                PaidPayload(order_uuid,
                            user_id,
                            event_id,
                            AsText(event.rows[0][0]),
                            AsText(event.rows[0][1]),
                            ticket_type_id,
                            quantity),
                now);
}

}  // namespace

Result<OrderService::Placed> OrderService::Place(const identity::Principal& buyer,
                                                 const json& body,
                                                 const std::string& idempotency_key) {
    std::promise<PlaceOutcome> answer;
    auto future = answer.get_future();
    PlaceAsync(buyer, body, idempotency_key, [&answer](PlaceOutcome outcome) { answer.set_value(std::move(outcome)); });
    auto outcome = future.get();
    if (outcome.error) std::rethrow_exception(outcome.error);
    return std::move(*outcome.result);
}

namespace {

/// Runs `task` through `offload`, or here when there is none.
void RunBlocking(const OrderService::Offload& offload, std::function<void()> task) {
    if (offload) {
        offload(std::move(task));
    } else {
        task();
    }
}

}  // namespace

void OrderService::PlaceAsync(const identity::Principal& buyer,
                              const json& body,
                              const std::string& idempotency_key,
                              PlaceDone done,
                              const Offload& offload) {
    auto request = ParsePlace(buyer, body, idempotency_key);
    if (!request) {
        PlaceOutcome outcome;
        outcome.result.emplace(request.error());
        done(std::move(outcome));
        return;
    }
    if (settings_.max_batch <= 1) {
        RunBlocking(offload, [this, r = *std::move(request), done = std::move(done)]() mutable {
            done(Capture([&] { return PlaceOne(r); }));
        });
    } else {
        PlaceBatched(*std::move(request), std::move(done), offload);
    }
}

Result<OrderService::PlaceRequest> OrderService::ParsePlace(const identity::Principal& buyer,
                                                            const json& body,
                                                            const std::string& idempotency_key) const {
    if (!body.is_object()) return ValidationError("body", "expected a JSON object");
    for (const auto& [key, value] : body.items()) {
        if (key != "event_uuid" && key != "ticket_type_id" && key != "quantity" && key != "promo_code" &&
            key != "access_code") {
            return ValidationError(key, "unknown field");
        }
    }
    if (!body.contains("event_uuid") || !body["event_uuid"].is_string()) return ValidationError("event_uuid", "required");
    if (!body.contains("ticket_type_id") || !body["ticket_type_id"].is_number_integer()) {
        return ValidationError("ticket_type_id", "required, an integer");
    }
    std::int64_t quantity = 1;
    if (body.contains("quantity")) {
        if (!body["quantity"].is_number_integer()) return ValidationError("quantity", "expected an integer");
        quantity = body["quantity"].get<std::int64_t>();
    }
    if (quantity < 1 || quantity > settings_.max_quantity) {
        return ValidationError("quantity", "must be between 1 and " + std::to_string(settings_.max_quantity));
    }
    if (idempotency_key.size() > 200) return ValidationError("Idempotency-Key", "at most 200 characters");
    std::string promo_code;
    if (body.contains("promo_code") && !body["promo_code"].is_null()) {
        if (!body["promo_code"].is_string() || body["promo_code"].get<std::string>().size() > 64) {
            return ValidationError("promo_code", "expected a string of at most 64 characters");
        }
        promo_code = NormalizePromo(body["promo_code"].get<std::string>());
    }
    std::string access_code;
    if (body.contains("access_code") && !body["access_code"].is_null()) {
        if (!body["access_code"].is_string() || body["access_code"].get<std::string>().size() > 64) {
            return ValidationError("access_code", "expected a string of at most 64 characters");
        }
        access_code = body["access_code"].get<std::string>();
    }
    const auto event_uuid = body["event_uuid"].get<std::string>();
    const auto ticket_type_id = body["ticket_type_id"].get<std::int64_t>();
    // The access code only opens a hidden type; it does not make another order, so it is not in the hash.
    const auto request_hash = Sha256Hex(event_uuid + "\n" + std::to_string(ticket_type_id) + "\n" +
                                        std::to_string(quantity) + "\n" + promo_code);
    return PlaceRequest{
        buyer, event_uuid, ticket_type_id, quantity, promo_code, idempotency_key, request_hash, access_code};
}

std::optional<std::int64_t> OrderService::SeatsLeftOutsideTx(std::int64_t ticket_type_id) {
    const auto rs =
        store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kSeatsLeftSql, {ticket_type_id}); },
                        {.read_only = true});
    std::this_thread::sleep_for(kUnguardedRaceWindow);
    if (rs.empty() || std::holds_alternative<std::monostate>(rs.rows[0][0])) return std::nullopt;
    return AsInt(rs.rows[0][0]);
}

Result<OrderService::Placed> OrderService::PlaceOne(const PlaceRequest& request) {
    // With the guard on no cache is needed; with it off the seats are judged from a read before the
    // transaction.
    std::map<std::int64_t, std::int64_t> seats_left_before;
    if (settings_.unsafe_disable_oversell_guard) {
        if (const auto left = SeatsLeftOutsideTx(request.ticket_type_id))
            seats_left_before[request.ticket_type_id] = *left;
    }
    auto attempt = [&]() -> Result<Placed> {
        try {
            return store_.Transact([&](ports::Transaction& tx) -> Result<Placed> {
                if (!settings_.unsafe_disable_oversell_guard)
                    return PlaceInTx(tx, request, clock_.NowUnix(), nullptr);
                TxCache cache;
                cache.seats_left_before = seats_left_before;
                return PlaceInTx(tx, request, clock_.NowUnix(), &cache);
            });
        } catch (const RollbackWith& rollback) {
            return rollback.error;
        }
    };
    try {
        return attempt();
    } catch (const ports::StoreError& e) {
        // Two requests with one key raced and the other inserted first: answer as a repeat of it.
        if (e.kind() != ports::StoreError::Kind::kUniqueViolation || request.idempotency_key.empty()) throw;
        return attempt();
    }
}

Result<OrderService::Placed> OrderService::AnswerSoldOut(const PlaceRequest& request) {
    if (request.idempotency_key.empty()) return SoldOut(0);
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<Placed> {
            auto repeat = FindRepeat(
                tx, request.buyer.user_id, request.idempotency_key, request.request_hash, ticket_signer());
            return repeat ? *std::move(repeat) : Result<Placed>(SoldOut(0));
        },
        {.read_only = true});
}

void OrderService::PlaceBatched(PlaceRequest request, PlaceDone done, const Offload& offload) {
    const auto ticket_type_id = request.ticket_type_id;
    auto me = std::make_shared<Pending>();
    me->request = std::move(request);
    me->done = std::move(done);
    std::unique_lock lock(batch_mutex_);
    auto& lane = lanes_[ticket_type_id];  // references into an unordered_map survive rehashing
    if (HintCovers(lane, me->request)) {
        lock.unlock();
        AnswerFromHint(me, offload);
        return;
    }
    lane.waiting.push_back(std::move(me));
    if (lane.busy) return;  // the running leader will take it
    lane.busy = true;
    lock.unlock();
    RunBlocking(offload, [this, ticket_type_id, offload] { LeadLane(ticket_type_id, offload); });
}

bool OrderService::HintCovers(const Lane& lane, const PlaceRequest& request) const {
    return std::chrono::steady_clock::now() < lane.sold_out_until &&
           lane.sold_out_epoch == seats_released_.load(std::memory_order_acquire) &&
           lane.sold_out_event == request.event_uuid;
}

void OrderService::AnswerFromHint(const std::shared_ptr<Pending>& pending, const Offload& offload) {
    if (pending->request.idempotency_key.empty()) {
        PlaceOutcome outcome;
        outcome.result.emplace(SoldOut(0));
        pending->done(std::move(outcome));
    } else {
        // A retry may be of an order placed before: it gets that order back.
        RunBlocking(offload,
                    [this, pending] { pending->done(Capture([&] { return AnswerSoldOut(pending->request); })); });
    }
}

void OrderService::LeadLane(std::int64_t ticket_type_id, const Offload& offload) {
    // Batch the oldest waiters (up to max_batch) until none is left; each batch's buyers get their answers as
    // soon as it commits, so no one waits for the flood behind them.
    const auto answer = [](const std::vector<std::shared_ptr<Pending>>& answered) {
        for (const auto& pending : answered) {
            try {
                pending->done(std::move(pending->outcome));
            } catch (...) {
                // an answer that cannot be delivered must not stop the other buyers' answers
            }
        }
    };
    std::unique_lock lock(batch_mutex_);
    auto& lane = lanes_[ticket_type_id];
    while (!lane.waiting.empty()) {
        const auto take = std::min(lane.waiting.size(), static_cast<std::size_t>(settings_.max_batch));
        std::vector<std::shared_ptr<Pending>> batch(lane.waiting.begin(),
                                                    lane.waiting.begin() + static_cast<std::ptrdiff_t>(take));
        lane.waiting.erase(lane.waiting.begin(), lane.waiting.begin() + static_cast<std::ptrdiff_t>(take));
        const auto epoch = seats_released_.load(std::memory_order_acquire);
        lock.unlock();
        const auto sold_out_event = RunBatch(batch);
        lock.lock();
        std::vector<std::shared_ptr<Pending>> hinted;
        if (sold_out_event && settings_.sold_out_hint_ms > 0) {
            lane.sold_out_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.sold_out_hint_ms);
            lane.sold_out_epoch = epoch;  // a release during the batch voids the hint at once
            lane.sold_out_event = *sold_out_event;
            // Those who queued during the batch are answered like those who arrive now: without a transaction
            // (after a flash sale they are hundreds, and each further batch would only turn them away).
            std::erase_if(lane.waiting, [&](const std::shared_ptr<Pending>& pending) {
                if (!HintCovers(lane, pending->request)) return false;
                hinted.push_back(pending);
                return true;
            });
        }
        lock.unlock();
        // Building and sending the answers is work of its own (a JSON body each): with a pool it runs beside
        // the next batch instead of before it.
        if (offload) {
            offload([answer, batch = std::move(batch)] { answer(batch); });
        } else {
            answer(batch);
        }
        for (const auto& pending : hinted) AnswerFromHint(pending, offload);
        lock.lock();
    }
    lane.busy = false;
    if (std::chrono::steady_clock::now() >= lane.sold_out_until) lanes_.erase(ticket_type_id);
}

std::optional<std::string> OrderService::RunBatch(const std::vector<std::shared_ptr<Pending>>& batch) {
    std::vector<std::optional<Result<Placed>>> results;
    const bool guarded = !settings_.unsafe_disable_oversell_guard;
    std::map<std::int64_t, std::int64_t>
        seats_left_before;  // guard off: the lane's type, read before the batch
    if (!guarded && !batch.empty()) {
        const auto ticket_type_id = batch.front()->request.ticket_type_id;
        if (const auto left = SeatsLeftOutsideTx(ticket_type_id)) seats_left_before[ticket_type_id] = *left;
    }
    try {
        store_.InTransaction([&](ports::Transaction& tx) {
            results.assign(batch.size(), std::nullopt);  // the body may run again after a serialization failure
            const auto now = clock_.NowUnix();
            TxCache cache;
            cache.seats_left_before = seats_left_before;
            BatchWrites bulk;
            bulk.results = &results;
            if (!guarded) bulk.seats_left_before = &cache.seats_left_before;
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const auto& request = batch[i]->request;
                bulk.current = i;
                if (request.promo_code.empty()) {
                    // Without a promo code an order fails before its first write or not at all: no savepoint.
                    results[i].emplace(PlaceInTx(tx, request, now, &cache, &bulk));
                    continue;
                }
                // A savepoint for an order with a promo code: an exhausted code after the reservation undoes only
                // that buyer's order, not the batch (so the deferred writes of the others go first).
                FlushBatchWrites(tx, bulk, now);
                tx.Execute("SAVEPOINT onton_order");
                try {
                    results[i].emplace(PlaceInTx(tx, request, now, &cache));
                } catch (const RollbackWith& rollback) {
                    tx.Execute("ROLLBACK TO SAVEPOINT onton_order");
                    results[i].emplace(rollback.error);
                }
                tx.Execute("RELEASE SAVEPOINT onton_order");
            }
            FlushBatchWrites(tx, bulk, now);
        });
    } catch (const std::exception&) {
        // The batch as a whole failed (two requests raced on one idempotency key, a lost connection): nothing of
        // it was committed, so place each request on its own.
        for (const auto& pending : batch) pending->outcome = Capture([&] { return PlaceOne(pending->request); });
        return std::nullopt;
    }
    batches_.fetch_add(1, std::memory_order_relaxed);
    batched_orders_.fetch_add(static_cast<std::int64_t>(batch.size()), std::memory_order_relaxed);
    std::optional<std::string> sold_out_event;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i]->outcome.result = std::move(results[i]);
        // A buyer of one seat who was turned away proves no single seat is left (unless offers are held).
        if (batch[i]->request.quantity == 1 && IsSeatSoldOut(batch[i]->outcome)) {
            sold_out_event = batch[i]->request.event_uuid;
        }
    }
    return sold_out_event;
}

Result<OrderService::Placed> OrderService::PlaceInTx(ports::Transaction& tx,
                                                     const PlaceRequest& request,
                                                     std::int64_t now,
                                                     TxCache* cache,
                                                     BatchWrites* bulk) {
    const bool postgres = store_.Dialect() == "postgres";
    const auto& buyer = request.buyer;
    const auto& event_uuid = request.event_uuid;
    const auto ticket_type_id = request.ticket_type_id;
    const auto quantity = request.quantity;
    const auto& promo_code = request.promo_code;
    const auto& idempotency_key = request.idempotency_key;
    const auto& request_hash = request.request_hash;
    const bool guarded = !settings_.unsafe_disable_oversell_guard;
    {
        if (!idempotency_key.empty()) {
            if (auto repeat = FindRepeat(tx, buyer.user_id, idempotency_key, request_hash, ticket_signer()))
                return *std::move(repeat);
        }
        ports::ResultSet loaded;
        const ports::ResultSet* offer_rows = nullptr;
        if (cache != nullptr) {
            auto [it, inserted] = cache->offers.try_emplace({event_uuid, ticket_type_id});
            if (inserted) it->second = tx.Execute(kLoadOfferSql, {event_uuid, ticket_type_id});
            offer_rows = &it->second;
        } else {
            loaded = tx.Execute(kLoadOfferSql, {event_uuid, ticket_type_id});
            offer_rows = &loaded;
        }
        if (offer_rows->empty()) return Error{"not_found", "no such event or ticket type"};
        // A hidden type is not there for a buyer without its access code (its existence does not leak).
        if (AsText(offer_rows->rows[0][13]) == "hidden" &&
            AsOptionalText(offer_rows->rows[0][14]).value_or("") != request.access_code) {
            return Error{"not_found", "no such event or ticket type"};
        }
        // Only the fields this transaction cannot change are read from here (not sold or reserved).
        const auto& r = offer_rows->rows[0];
        const auto event_id = AsInt(r[0]);
        const auto& status = AsText(r[1]);
        const auto end_date = AsInt(r[2]);
        const auto capacity = AsOptionalInt(r[3]);
        const auto price = AsInt(r[4]);
        const auto per_user_limit = AsOptionalInt(r[6]);
        const auto sale_start = AsOptionalInt(r[7]);
        const auto sale_end = AsOptionalInt(r[8]);
        const auto currency = money::ParseCurrency(AsText(r[12])).value();
        if (status != "published") {
            return Error{"ticket.sale_closed", "this event is not on sale", {{"reason", "event_" + status}}};
        }
        if (AsInt(r[11]) != 0) {
            const auto reg = tx.Execute("SELECT status FROM registrations WHERE event_id = $1 AND user_id = $2",
                                        {event_id, buyer.user_id});
            const auto reg_status = reg.empty() ? std::string("none") : AsText(reg.rows[0][0]);
            if (reg_status != "approved") {
                return Error{"registration.required",
                             "this event needs the organizer's approval before you order",
                             {{"registration", reg_status}}};
            }
        }
        if (sale_start && now < *sale_start) {
            return Error{"ticket.sale_closed", "sales have not started", {{"reason", "not_started"}, {"sale_start", *sale_start}}};
        }
        if ((sale_end && now >= *sale_end) || now >= end_date) {
            return Error{"ticket.sale_closed", "sales have ended", {{"reason", "ended"}}};
        }
        if (price > 0 && currency == money::Currency::kUsdt && settings_.usdt_jetton_master.empty()) {
            // Nobody could pay it: refuse rather than hold seats for an order that can only expire.
            return Error{"payment.currency_unavailable",
                         "this platform does not take USDT payments now (no USDT jetton is configured)",
                         {{"currency", "USDT"}}};
        }
        std::int64_t total = 0;
        if (__builtin_mul_overflow(price, quantity, &total)) return ValidationError("quantity", "the total overflows");
        std::optional<PromoCode> promo;
        if (!promo_code.empty()) {
            const auto found = tx.Execute("SELECT " + std::string(kPromoColumns) +
                                              " FROM promo_codes WHERE event_id = $1 AND code = $2",
                                          {event_id, promo_code});
            if (found.empty()) return Error{"promo.invalid", "no such promo code", {{"field", "promo_code"}}};
            promo = PromoFromRow(found.rows[0]);
            if ((promo->valid_from && now < *promo->valid_from) || (promo->valid_until && now >= *promo->valid_until)) {
                return Error{"promo.invalid", "this promo code is not valid now", {{"field", "promo_code"}}};
            }
            if (promo->ticket_type_id && *promo->ticket_type_id != ticket_type_id) {
                return Error{"promo.invalid", "this promo code is for another ticket type", {{"field", "promo_code"}}};
            }
            if (promo->currency && *promo->currency != currency) {
                return Error{"promo.invalid",
                             "this promo code takes an amount of " +
                                 std::string(money::Code(*promo->currency)) +
                                 " off; this ticket is priced in " + std::string(money::Code(currency)),
                             {{"field", "promo_code"}}};
            }
            total = DiscountedTotal(total, *promo);
        }

        const bool free = total == 0;
        // A seat offered from the waiting list is already held (reserved) for this buyer: claim it.
        // A batch asks once per ticket type whether any offer is outstanding and skips the claim when none is; an
        // offer made by another transaction during the batch is claimed by the buyer's next order instead.
        bool offers_possible = true;
        if (cache != nullptr && quantity == 1) {
            auto [it, inserted] = cache->outstanding_offers.try_emplace(ticket_type_id, true);
            if (inserted) {
                it->second = !tx.Execute("SELECT 1 FROM waitlist WHERE ticket_type_id = $1 AND status = 'offered' LIMIT 1",
                                         {ticket_type_id})
                                  .empty();
            }
            offers_possible = it->second;
        }
        // A plain reservation in a batch is deferred and written with the batch's others in bulk; any other order
        // first lets the deferred ones take their seats, so that its own checks and writes see them.
        const bool deferred =
            bulk != nullptr && !promo && !per_user_limit && !capacity && !free && !offers_possible;
        if (bulk != nullptr && !deferred) FlushBatchWrites(tx, *bulk, now);

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

        const bool claimed_offer =
            !deferred && quantity == 1 && offers_possible &&
            tx.Execute("UPDATE waitlist SET status = 'claimed', updated_at = $3 WHERE ticket_type_id = $1 AND "
                       "user_id = $2 AND status = 'offered' AND offer_expires_at > $3",
                       {ticket_type_id, buyer.user_id, now})
                    .rows_affected == 1;
        if (claimed_offer) {
            if (free) tx.Execute(kSettleSql, {ticket_type_id, quantity, now});
        } else if (!deferred && !guarded) {
            // The guard switched off (tests only): judged from the read before this transaction, taken
            // blindly.
            auto& left_before = cache->seats_left_before;
            if (const auto it = left_before.find(ticket_type_id); it != left_before.end()) {
                if (quantity > it->second) return SoldOut(0);
                it->second -= quantity;
            }
            tx.Execute(free ? kUnguardedSellFreeSql : kUnguardedReserveSql, {ticket_type_id, quantity, now});
        } else if (!deferred) {
            const auto taken = tx.Execute(free ? kSellFreeSql : kReserveSql, {ticket_type_id, quantity, now});
            if (taken.rows_affected == 0) {
                const auto held = offers_possible ? AsInt(tx.Execute("SELECT count(*) FROM waitlist WHERE "
                                                                     "ticket_type_id = $1 AND status = 'offered'",
                                                                     {ticket_type_id})
                                                              .rows[0][0])
                                                  : std::int64_t{0};
                return SoldOut(held);
            }
        }

        if (promo && tx.Execute(kConsumePromoSql, {promo->id}).rows_affected == 0) {
            throw RollbackWith{Error{"promo.exhausted", "this promo code has been used up", {{"field", "promo_code"}}}};
        }

        Order order;
        order.uuid = random_.Uuid();
        order.user_id = buyer.user_id;
        order.event_id = event_id;
        order.event_uuid = event_uuid;
        order.ticket_type_id = ticket_type_id;
        order.quantity = quantity;
        order.total_price = total;
        order.currency = currency;
        order.state = OrderState::kCreated;
        order.created_at = now;
        order.updated_at = now;
        if (!free) {
            // 60 random bits in a short comment a wallet shows in full; unique in the database besides.
            order.payment_comment = "onton-" + Base64Url(random_.Bytes(8)).substr(0, 10);
            order.expires_at = now + settings_.order_ttl_seconds;
        }
        if (deferred) {
            bulk->deferred.push_back({bulk->current, order, idempotency_key, request_hash});
            return Placed{std::move(order), true};  // FlushBatchWrites turns it into ticket.sold_out if no seat is left
        }
        ports::SqlParams params;
        AppendOrderParams(params, order, idempotency_key, request_hash,
                          promo ? std::optional<std::int64_t>(promo->id) : std::nullopt);
        tx.Execute(InsertOrdersStatement(1), params);
        if (free) {
            // Nothing to pay: created → paid at once, through the one state machine like any payment.
            if (!TransitionOrder(tx, order.uuid, OrderState::kCreated, OrderState::kPaid, now)) {
                throw std::logic_error("a free order just inserted was not in state created");
            }
            order.state = OrderState::kPaid;
            order.paid_at = now;
            IssueTickets(tx, random_, order.uuid, event_id, ticket_type_id, buyer.user_id, quantity, now);
            AnnouncePaid(tx, order.uuid, buyer.user_id, event_id, ticket_type_id, quantity, now);
            order.tickets = TicketsWhere(tx, "t.order_uuid = $1", {order.uuid}, ticket_signer());
        }
        return Placed{std::move(order), true};
    }
}

Result<Order> OrderService::Get(const identity::Principal& caller, const std::string& uuid) {
    auto order = store_.Transact([&](ports::Transaction& tx) { return FindOrder(tx, uuid, ticket_signer()); },
                                 {.read_only = true});
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
    auto canceled = store_.Transact([&](ports::Transaction& tx) -> Result<Order> {
        auto order = FindOrder(tx, uuid, ticket_signer());
        if (!order || (order->user_id != caller.user_id && !caller.IsAdmin()))
            return Error{"not_found", "no such order"};
        if (order->state == OrderState::kCanceled) return *order;
        if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kCanceled, now)) {
            return Error{"state.invalid_transition",
                         std::string("a ") + std::string(StateName(order->state)) + " order cannot be canceled"};
        }
        tx.Execute(kReleaseSql, {order->ticket_type_id, order->quantity, now});
        tx.Execute(kReturnPromoSql, {uuid});
        return *FindOrder(tx, uuid, ticket_signer());
    });
    if (canceled) ForgetSoldOut();  // after the commit, so no batch can learn "sold out" from before it
    return canceled;
}

OrderService::PaymentResult OrderService::ApplyPayment(ports::Transaction& tx,
                                                      const std::string& uuid,
                                                      std::int64_t value,
                                                      std::int64_t received_total,
                                                      const std::string& payment_tx_hash,
                                                      std::int64_t now) {
    auto order = FindOrder(tx, uuid, ticket_signer());
    if (!order) return {PaymentOutcome::kRefundDue, value};
    const auto settle = [&](OrderState from, bool seats_reserved) {
        if (!TransitionOrder(tx, uuid, from, OrderState::kPaid, now)) return false;
        if (seats_reserved) tx.Execute(kSettleSql, {order->ticket_type_id, order->quantity, now});
        tx.Execute("UPDATE orders SET payment_tx_hash = $2 WHERE uuid = $1", {uuid, TextOrNull(payment_tx_hash)});
        IssueTickets(tx, random_, uuid, order->event_id, order->ticket_type_id, order->user_id, order->quantity, now);
        AnnouncePaid(tx, uuid, order->user_id, order->event_id, order->ticket_type_id, order->quantity, now);
        return true;
    };
    // The excess is what this payment brought beyond the total (earlier payments were below it).
    const auto excess = std::min(value, std::max<std::int64_t>(0, received_total - order->total_price));
    switch (order->state) {
        case OrderState::kCreated:
            if (received_total < order->total_price) return {PaymentOutcome::kUnderpaid, 0};
            if (settle(OrderState::kCreated, true)) return {PaymentOutcome::kPaid, excess};
            return {PaymentOutcome::kAlreadySettled, value};
        case OrderState::kExpired: {
            if (received_total < order->total_price) return {PaymentOutcome::kRefundDue, value};
            // Late: sell the seats again if they are still there (the same guard as any sale).
            if (tx.Execute(kSellFreeSql, {order->ticket_type_id, order->quantity, now}).rows_affected == 0) {
                return {PaymentOutcome::kRefundDue, value};
            }
            if (settle(OrderState::kExpired, false)) return {PaymentOutcome::kLatePaid, excess};
            return {PaymentOutcome::kAlreadySettled, value};
        }
        case OrderState::kCanceled:
        case OrderState::kFailed:
            return {PaymentOutcome::kRefundDue, value};
        case OrderState::kPaid:
        case OrderState::kRefunded:
            return {PaymentOutcome::kAlreadySettled, value};
    }
    return {PaymentOutcome::kRefundDue, value};
}

std::vector<OrderService::PaymentResult> OrderService::ApplyPayments(ports::Transaction& tx,
                                                                     const std::vector<PaymentIn>& payments,
                                                                     std::int64_t now) {
    // What the set-wise path needs of each order, read in one statement per 256 orders.
    struct Facts {
        std::int64_t user_id = 0;
        std::int64_t event_id = 0;
        std::string event_uuid;
        std::string title;
        std::int64_t ticket_type_id = 0;
        std::int64_t quantity = 0;
        std::int64_t total_price = 0;
        std::string state;
    };
    std::unordered_map<std::string, int> times;
    std::vector<std::string> uuids;
    for (const auto& p : payments) {
        if (times[p.uuid]++ == 0) uuids.push_back(p.uuid);
    }
    std::unordered_map<std::string, Facts> facts;
    ports::ForEachInListChunk(uuids, [&](ports::SqlParams params, std::size_t count) {
        const auto rs = tx.Execute(
            "SELECT o.uuid, o.user_id, o.event_id, e.event_uuid, e.title, o.ticket_type_id, o.quantity, "
            "o.total_price, o.state FROM orders o JOIN events e ON e.event_id = o.event_id WHERE o.uuid IN "
            "(" +
                ports::PaddedInList(count) + ")",
            params);
        for (const auto& r : rs.rows) {
            facts[AsText(r[0])] = {AsInt(r[1]),
                                   AsInt(r[2]),
                                   AsText(r[3]),
                                   AsText(r[4]),
                                   AsInt(r[5]),
                                   AsInt(r[6]),
                                   AsInt(r[7]),
                                   AsText(r[8])};
        }
    });
    // The set-wise candidates: a payment that covers a `created` order that no other payment of the batch
    // names.
    std::vector<std::string> candidates;
    std::vector<std::string> candidate_hashes;
    for (const auto& p : payments) {
        const auto found = facts.find(p.uuid);
        if (times[p.uuid] == 1 && found != facts.end() &&
            found->second.state == StateName(OrderState::kCreated) &&
            p.received_total >= found->second.total_price) {
            candidates.push_back(p.uuid);
            candidate_hashes.push_back(p.payment_tx_hash);
        }
    }
    // Paid, with the paying transfer's hash, in one statement per 256 orders.
    const auto moved =
        TransitionOrders(tx, candidates, OrderState::kCreated, OrderState::kPaid, now, &candidate_hashes);
    const std::unordered_set<std::string> settled(moved.begin(), moved.end());

    std::vector<PaymentResult> results(payments.size());
    std::vector<std::size_t> paid;  // indexes of the payments settled set-wise
    for (std::size_t i = 0; i < payments.size(); ++i) {
        if (settled.contains(payments[i].uuid)) paid.push_back(i);
    }
    if (!paid.empty()) {
        // The seats from reserved to sold per ticket type, the tickets, the messages.
        std::map<std::int64_t, std::int64_t> seats;  // ticket type → seats sold now
        struct TicketRow {
            std::size_t payment;
            std::string code;
        };
        std::vector<TicketRow> tickets;
        std::vector<std::pair<std::string, json>> announcements;
        for (const auto i : paid) {
            const auto& p = payments[i];
            const auto& f = facts.at(p.uuid);
            seats[f.ticket_type_id] += f.quantity;
            for (std::int64_t q = 0; q < f.quantity; ++q)
                tickets.push_back({i, "T" + Base64Url(random_.Bytes(15))});
            announcements.emplace_back(
                p.uuid,
                PaidPayload(
                    p.uuid, f.user_id, f.event_id, f.event_uuid, f.title, f.ticket_type_id, f.quantity));
            const auto excess =
                std::min(p.value, std::max<std::int64_t>(0, p.received_total - f.total_price));
            results[i] = {PaymentOutcome::kPaid, excess};
        }
        for (const auto& [ticket_type_id, count] : seats)
            tx.Execute(kSettleSql, {ticket_type_id, count, now});
        std::size_t next = 0;
        for (const auto rows : ports::SplitRows(tickets.size())) {
            ports::SqlParams params;
            params.reserve(rows * kTicketInsertColumns);
            for (std::size_t k = next; k < next + rows; ++k) {
                const auto& p = payments[tickets[k].payment];
                const auto& f = facts.at(p.uuid);
                params.emplace_back(p.uuid);
                params.emplace_back(f.event_id);
                params.emplace_back(f.ticket_type_id);
                params.emplace_back(f.user_id);
                params.emplace_back(std::string("valid"));
                params.emplace_back(tickets[k].code);
                params.emplace_back(now);
                params.emplace_back(now);
            }
            tx.Execute(std::string(kInsertTicketsHead) + ports::ValuesRows(rows, kTicketInsertColumns),
                       params);
            next += rows;
        }
        outbox::AddMany(tx, outbox::kOrderPaid, announcements, now);
    }
    // Everything else one by one, in the batch's order (the set-wise payments touched only their own orders
    // and moved seats from reserved to sold, which changes no other payment's answer).
    for (std::size_t i = 0; i < payments.size(); ++i) {
        if (settled.contains(payments[i].uuid)) continue;
        const auto& p = payments[i];
        results[i] = ApplyPayment(tx, p.uuid, p.value, p.received_total, p.payment_tx_hash, now);
    }
    return results;
}

bool OrderService::MarkPaid(const std::string& uuid, const std::string& payment_tx_hash) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) {
        auto order = FindOrder(tx, uuid, ticket_signer());
        if (!order) return false;
        if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kPaid, now)) return false;
        tx.Execute(kSettleSql, {order->ticket_type_id, order->quantity, now});
        tx.Execute("UPDATE orders SET payment_tx_hash = $2 WHERE uuid = $1", {uuid, TextOrNull(payment_tx_hash)});
        IssueTickets(tx, random_, uuid, order->event_id, order->ticket_type_id, order->user_id, order->quantity, now);
        AnnouncePaid(tx, uuid, order->user_id, order->event_id, order->ticket_type_id, order->quantity, now);
        return true;
    });
}

std::int64_t OrderService::ExpireDue(std::int64_t batch) {
    const auto now = clock_.NowUnix();
    const auto total = store_.Transact([&](ports::Transaction& tx) {
        std::int64_t expired = 0;
        for (const auto& row : tx.Execute(kDueSql, {now, batch}).rows) {
            const auto& uuid = AsText(row[0]);
            // The compare-and-set makes the release happen once even if a payment or another sweeper got there.
            if (!TransitionOrder(tx, uuid, OrderState::kCreated, OrderState::kExpired, now)) continue;
            tx.Execute(kReleaseSql, {AsInt(row[1]), AsInt(row[2]), now});
            tx.Execute(kReturnPromoSql, {uuid});
            ++expired;
        }
        return expired;
    });
    if (total > 0) ForgetSoldOut();
    return total;
}

Result<std::vector<Ticket>> OrderService::MyTickets(const identity::Principal& caller) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Ticket>> {
            return TicketsWhere(tx, "t.holder_id = $1", {caller.user_id}, ticket_signer());
        },
        {.read_only = true});
}

Result<std::vector<Guest>> OrderService::Guests(const identity::Principal& caller,
                                               const std::string& event_uuid,
                                               const GuestFilter& filter) {
    static const std::vector<std::string> kStatuses = {"valid", "used", "refunded", "transferred", "canceled"};
    if (!filter.status.empty() && std::find(kStatuses.begin(), kStatuses.end(), filter.status) == kStatuses.end()) {
        return ValidationError("status", "expected valid, used, refunded, transferred or canceled");
    }
    if (filter.q.size() > 100) return ValidationError("q", "at most 100 characters");
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Guest>> {
            const auto access = events::AccessTo(tx, caller, event_uuid);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->checks_in) return Error{"auth.forbidden", "you do not manage this event"};
            ports::SqlParams params{access->event_id};
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
                params.emplace_back(ports::LikeContains(filter.q));
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
                g.username = AsOptionalText(row[16]).value_or("");
                g.first_name = AsText(row[17]);
                g.last_name = AsOptionalText(row[18]).value_or("");
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
            const auto access = events::AccessTo(tx, caller, event_uuid);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
            std::vector<TicketTypeStats> out;
            for (const auto& r : tx.Execute(kStatsSql, {access->event_id}).rows) {
                out.push_back(TicketTypeStats{AsInt(r[0]),
                                              AsText(r[1]),
                                              AsOptionalInt(r[2]),
                                              AsInt(r[3]),
                                              AsInt(r[4]),
                                              money::ParseCurrency(AsText(r[5])).value(),
                                              AsInt(r[6]),
                                              AsInt(r[7])});
            }
            return out;
        },
        {.read_only = true});
}

Result<CheckInResult> OrderService::CheckIn(const identity::Principal& staff,
                                            const std::string& event_uuid,
                                            const std::string& code,
                                            bool undo) {
    if (code.empty() || code.size() > 200) return ValidationError("code", "expected the scanned ticket code");
    const auto scanned = ParseScannedCode(code);
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<CheckInResult> {
        const auto access = events::AccessTo(tx, staff, event_uuid);
        if (!access) return Error{"not_found", "no such event"};
        if (!access->checks_in) return Error{"auth.forbidden", "you are not staff of this event"};
        const auto event_id = access->event_id;
        CheckInResult result;
        result.result = "invalid";
        if (!scanned) {
            result.reason = "malformed";
            return result;
        }
        // A signature is checked before anything is looked up; without a key of our own it cannot be, and the
        // code alone decides.
        if (scanned->signature && signer_ &&
            !signer_->Verify(event_uuid, scanned->code, *scanned->signature)) {
            result.reason = "not_for_this_event";
            return result;
        }
        const auto& bare = scanned->code;
        const auto changed = tx.Execute(undo ? kUndoSql : kAdmitSql,
                                        undo ? ports::SqlParams{bare, event_id, now}
                                             : ports::SqlParams{bare, event_id, now, staff.user_id});
        auto tickets =
            TicketsWhere(tx, "t.check_in_code = $1 AND t.event_id = $2", {bare, event_id}, ticket_signer());
        if (tickets.empty()) {
            result.reason = "unknown_code";
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
            if (!undo) {
                notifications::Queue(tx, result.ticket->holder_id, "ticket.checked_in",
                                     {{"event_uuid", event_uuid}, {"title", result.ticket->event_title}},
                                     "ticket.checked_in:" + std::to_string(result.ticket->id) + ":" + std::to_string(now),
                                     now);
            }
        } else if (result.ticket->status == "used") {
            result.result = undo ? "invalid" : "already_used";
            if (undo) result.reason = "not_valid";
            if (!undo && result.ticket->checked_in_by) {
                const auto by =
                    tx.Execute("SELECT first_name, last_name, username FROM users WHERE user_id = $1",
                               {*result.ticket->checked_in_by});
                if (!by.empty()) {
                    result.checked_in_by_name = AsText(by.rows[0][0]);
                    if (auto last = AsOptionalText(by.rows[0][1])) result.checked_in_by_name += " " + *last;
                    if (auto user = AsOptionalText(by.rows[0][2]))
                        result.checked_in_by_name += " (@" + *user + ")";
                }
            }
        } else {
            result.result = undo ? "not_checked_in" : "invalid";
            if (!undo) result.reason = "not_valid";
        }
        return result;
    });
}

Result<std::string> OrderService::CheckInKey(const identity::Principal& staff,
                                             const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::string> {
            const auto access = events::AccessTo(tx, staff, event_uuid);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->checks_in) return Error{"auth.forbidden", "you are not staff of this event"};
            if (!signer_) return Error{"not_found", "ticket codes are not signed on this platform"};
            return signer_->PublicKey();
        },
        {.read_only = true});
}

Result<Ticket> OrderService::Transfer(const identity::Principal& holder, std::int64_t ticket_id, std::int64_t to_user_id) {
    if (to_user_id == holder.user_id) return ValidationError("to_user_id", "that is you");
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Ticket> {
        const auto rows = tx.Execute(R"(
SELECT t.holder_id, t.status, tt.transferable, e.status, e.end_date, t.order_uuid, t.event_id, t.ticket_type_id
FROM tickets t JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id JOIN events e ON e.event_id = t.event_id
WHERE t.ticket_id = $1)",
                                     {ticket_id});
        if (rows.empty() || AsInt(rows.rows[0][0]) != holder.user_id) return Error{"not_found", "no such ticket"};
        const auto& r = rows.rows[0];
        if (AsInt(r[2]) == 0) return Error{"conflict", "tickets of this type cannot be transferred"};
        if (AsText(r[3]) != "published" || AsInt(r[4]) <= now) {
            return Error{"conflict", "tickets of a " + AsText(r[3]) + " or past event cannot be transferred"};
        }
        if (tx.Execute("SELECT 1 FROM users WHERE user_id = $1", {to_user_id}).empty()) {
            return Error{"not_found", "the recipient has never opened Onton", {{"field", "to_user_id"}}};
        }
        // Compare-and-set: of two concurrent transfers (or a transfer and a scan) exactly one wins.
        const auto moved = tx.Execute(
            "UPDATE tickets SET status = 'transferred', updated_at = $3 WHERE ticket_id = $1 AND holder_id = $2 AND "
            "status = 'valid'",
            {ticket_id, holder.user_id, now});
        if (moved.rows_affected == 0) {
            return Error{"state.invalid_transition", "only a valid, unused ticket can be transferred"};
        }
        const auto code = IssueTickets(tx, random_, AsText(r[5]), AsInt(r[6]), AsInt(r[7]), to_user_id, 1, now);
        tx.Execute(
            "INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, created_at) VALUES ($1, "
            "'ticket.transfer', 'ticket', $2, $3, $4)",
            {holder.user_id, std::to_string(ticket_id), json{{"to_user_id", to_user_id}}.dump(), now});
        return TicketsWhere(tx, "t.check_in_code = $1", {code}, ticket_signer()).front();
    });
}

Result<void> OrderService::SetCheckInPhrase(const identity::Principal& caller,
                                            const std::string& event_uuid,
                                            const std::string& phrase) {
    const auto normalized = NormalizePhrase(phrase);
    if (normalized.size() < 4 || normalized.size() > 200) return ValidationError("phrase", "4 to 200 characters");
    // Argon2id with a random salt of its own, computed before the transaction so that no lock waits for it.
    const auto hash = HashSecret(normalized);
    return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
        const auto access = events::AccessTo(tx, caller, event_uuid);
        if (!access) return Error{"not_found", "no such event"};
        if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
        tx.Execute("UPDATE events SET checkin_phrase_hash = $2 WHERE event_id = $1",
                   {access->event_id, hash});
        return Ok();
    });
}

Result<SelfCheckInResult> OrderService::SelfCheckIn(const identity::Principal& caller,
                                                    const std::string& event_uuid,
                                                    const std::string& phrase) {
    if (phrase.size() > 1000) return ValidationError("phrase", "too long");
    const auto now = clock_.NowUnix();
    // 1. Count the attempt before checking it (so that parallel guesses cannot pass the limit), in a short
    //    transaction: the slow Argon2id check below holds no lock.
    struct Counted {
        std::int64_t event_id = 0;
        std::string stored;
        std::int64_t attempts = 0;  ///< in this window, this one included
    };
    Result<Counted> counted = Error{"internal", "not counted"};
    try {
        counted = store_.Transact([&](ports::Transaction& tx) -> Result<Counted> {
            const auto ev = tx.Execute(
                "SELECT event_id, participation_type, checkin_phrase_hash FROM events WHERE event_uuid = $1",
                {event_uuid});
            if (ev.empty()) return Error{"not_found", "no such event"};
            const auto event_id = AsInt(ev.rows[0][0]);
            if (AsText(ev.rows[0][1]) != "online")
                return Error{"conflict", "this event checks guests in at the door"};
            const auto stored = AsOptionalText(ev.rows[0][2]);
            if (!stored) return Error{"conflict", "the organizer has not set a check-in phrase yet"};
            const auto held = tx.Execute(
                "SELECT 1 FROM tickets WHERE event_id = $1 AND holder_id = $2 AND status IN ('valid', "
                "'used') LIMIT 1",
                {event_id, caller.user_id});
            if (held.empty()) return Error{"auth.forbidden", "you have no ticket for this event"};

            // One atomic upsert (the row is locked by it on PostgreSQL), so parallel guesses each count.
            tx.Execute(kCountPhraseAttemptSql, {event_id, caller.user_id, now, kPhraseWindowSeconds});
            const auto counted_row = tx.Execute(
                "SELECT window_start, attempts FROM checkin_phrase_attempts WHERE event_id = $1 AND user_id "
                "= $2",
                {event_id, caller.user_id});
            const auto window_start = AsInt(counted_row.rows.at(0)[0]);
            const auto attempts = AsInt(counted_row.rows.at(0)[1]);
            if (attempts > kPhraseAttempts) {
                throw RollbackWith{Error{"rate_limited",
                                         "too many wrong phrases; try again later",
                                         {{"retry_after", window_start + kPhraseWindowSeconds - now}}}};
            }
            return Counted{event_id, *stored, attempts};
        });
    } catch (const RollbackWith& rollback) {
        return rollback.error;  // over the limit: this attempt is not counted
    }
    if (!counted) return counted.error();

    // 2. Check the phrase. A hash from before Argon2id (SHA-256 of "<event uuid>:<phrase>") still works,
    // compared
    //    in constant time, until the organizer sets the phrase again.
    const auto normalized = NormalizePhrase(phrase);
    const bool right = IsSecretHash(counted->stored)
                           ? VerifySecret(counted->stored, normalized)
                           : ConstantTimeEquals(Sha256Hex(event_uuid + ":" + normalized), counted->stored);
    SelfCheckInResult result;
    if (!right) {
        result.result = "wrong_phrase";
        result.attempts_left = kPhraseAttempts - counted->attempts;
        return result;
    }

    // 3. Right: the attempt does not count against the guest, and a valid ticket of theirs is admitted.
    const auto event_id = counted->event_id;
    return store_.Transact([&](ports::Transaction& tx) -> Result<SelfCheckInResult> {
        tx.Execute(
            "UPDATE checkin_phrase_attempts SET attempts = attempts - 1 WHERE event_id = $1 AND user_id = $2 "
            "AND attempts > 0",
            {event_id, caller.user_id});
        auto mine = TicketsWhere(tx,
                                 "t.event_id = $1 AND t.holder_id = $2 AND t.status IN ('valid', 'used')",
                                 {event_id, caller.user_id},
                                 ticket_signer());
        if (mine.empty()) return Error{"auth.forbidden", "you have no ticket for this event"};
        for (auto& t : mine) {
            if (t.status != "valid") continue;
            if (tx.Execute(kAdmitSql, {t.check_in_code, event_id, now, caller.user_id}).rows_affected == 1) {
                result.result = "admitted";
                result.ticket = TicketsWhere(tx, "t.ticket_id = $1", {t.id}, ticket_signer()).front();
                return result;
            }
        }
        result.result = "already_used";
        result.ticket = mine.front();
        return result;
    });
}

Result<PromoCode> OrderService::CreatePromoCode(const identity::Principal& caller,
                                                const std::string& event_uuid,
                                                const json& body) {
    if (!body.is_object()) return ValidationError("body", "expected a JSON object");
    PromoCode p;
    for (const auto& [key, value] : body.items()) {
        auto optional_int = [&](std::int64_t min, std::int64_t max) -> Result<std::optional<std::int64_t>> {
            if (value.is_null()) return std::optional<std::int64_t>{};
            if (!value.is_number_integer() || value.get<std::int64_t>() < min || value.get<std::int64_t>() > max) {
                return ValidationError(key, "expected an integer between " + std::to_string(min) + " and " + std::to_string(max));
            }
            return std::optional<std::int64_t>{value.get<std::int64_t>()};
        };
        if (key == "code") {
            const auto code = value.is_string() ? value.get<std::string>() : std::string{};
            const bool ok = code.size() >= 3 && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char c) {
                                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
                            });
            if (!ok) return ValidationError(key, "3 to 32 letters, digits, - or _");
            p.code = NormalizePromo(code);
        } else if (key == "discount_percent") {
            auto v = optional_int(1, 100);
            if (!v) return v.error();
            p.discount_percent = *v;
        } else if (key == "discount_amount") {
            if (!value.is_null()) {
                std::int64_t amount = 0;
                const auto text = value.is_string() ? value.get<std::string>() : std::string{};
                const auto* end = text.data() + text.size();
                const auto [ptr, ec] = std::from_chars(text.data(), end, amount);
                if (text.empty() || ec != std::errc{} || ptr != end || amount <= 0 || text.front() == '0' ||
                    text.front() == '+') {
                    return ValidationError(key, "expected a decimal string of the currency's smallest unit");
                }
                p.discount_amount = amount;
            }
        } else if (key == "currency") {
            if (!value.is_null()) {
                p.currency =
                    value.is_string() ? money::ParseCurrency(value.get<std::string>()) : std::nullopt;
                if (!p.currency) return ValidationError(key, "expected TON, USDT or XTR");
            }
        } else if (key == "max_uses") {
            auto v = optional_int(1, 1'000'000'000);
            if (!v) return v.error();
            p.max_uses = *v;
        } else if (key == "valid_from") {
            auto v = optional_int(0, 32503680000);
            if (!v) return v.error();
            p.valid_from = *v;
        } else if (key == "valid_until") {
            auto v = optional_int(0, 32503680000);
            if (!v) return v.error();
            p.valid_until = *v;
        } else if (key == "ticket_type_id") {
            auto v = optional_int(1, INT64_MAX);
            if (!v) return v.error();
            p.ticket_type_id = *v;
        } else {
            return ValidationError(key, "unknown field");
        }
    }
    if (p.code.empty()) return ValidationError("code", "required");
    if (p.discount_percent.has_value() == p.discount_amount.has_value()) {
        return ValidationError("discount_percent", "give exactly one of discount_percent and discount_amount");
    }
    if (p.valid_from && p.valid_until && *p.valid_until <= *p.valid_from) {
        return ValidationError("valid_until", "must be after valid_from");
    }
    if (p.currency && !p.discount_amount) {
        return ValidationError("currency",
                               "only a discount_amount has a currency; a percentage fits every one");
    }
    const auto now = clock_.NowUnix();
    try {
        return store_.Transact([&](ports::Transaction& tx) -> Result<PromoCode> {
            const auto access = events::AccessTo(tx, caller, event_uuid);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
            if (p.ticket_type_id) {
                const auto type = tx.Execute(
                    "SELECT currency FROM ticket_types WHERE ticket_type_id = $1 AND event_id = $2",
                    {*p.ticket_type_id, access->event_id});
                if (type.empty()) return ValidationError("ticket_type_id", "not a ticket type of this event");
                const auto type_currency = money::ParseCurrency(AsText(type.rows[0][0])).value();
                // A fixed amount off one ticket type is in that type's currency unless the organizer said so.
                if (p.discount_amount && !p.currency) p.currency = type_currency;
                if (p.discount_amount && *p.currency != type_currency) {
                    return ValidationError("currency",
                                           "ticket type " + std::to_string(*p.ticket_type_id) +
                                               " is priced in " + std::string(money::Code(type_currency)));
                }
            }
            if (p.discount_amount && !p.currency) p.currency = money::Currency::kTon;
            const auto rs =
                tx.Execute(R"(
INSERT INTO promo_codes (event_id, code, discount_percent, discount_amount, max_uses, valid_from, valid_until,
                         ticket_type_id, created_at, currency)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING promo_code_id)",
                           {access->event_id,
                            p.code,
                            ports::IntOrNull(p.discount_percent),
                            ports::IntOrNull(p.discount_amount),
                            ports::IntOrNull(p.max_uses),
                            ports::IntOrNull(p.valid_from),
                            ports::IntOrNull(p.valid_until),
                            ports::IntOrNull(p.ticket_type_id),
                            now,
                            p.currency ? SqlValue(std::string(money::Code(*p.currency))) : SqlValue()});
            p.id = AsInt(rs.rows.at(0).at(0));
            return p;
        });
    } catch (const ports::StoreError& e) {
        if (e.kind() != ports::StoreError::Kind::kUniqueViolation) throw;
        return Error{"conflict", "this event already has that promo code", {{"field", "code"}}};
    }
}

Result<std::vector<PromoCode>> OrderService::ListPromoCodes(const identity::Principal& caller,
                                                            const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<PromoCode>> {
            const auto access = events::AccessTo(tx, caller, event_uuid);
            if (!access) return Error{"not_found", "no such event"};
            if (!access->manages) return Error{"auth.forbidden", "you do not manage this event"};
            std::vector<PromoCode> out;
            for (const auto& row : tx.Execute("SELECT " + std::string(kPromoColumns) +
                                                  " FROM promo_codes WHERE event_id = $1 ORDER BY promo_code_id",
                                              {access->event_id})
                                       .rows) {
                out.push_back(PromoFromRow(row));
            }
            return out;
        },
        {.read_only = true});
}

json ToJson(const WaitlistEntry& w) {
    return {{"waitlist_id", w.waitlist_id},
            {"ticket_type_id", w.ticket_type_id},
            {"event_uuid", w.event_uuid},
            {"status", w.status},
            {"position", w.position},
            {"offer_expires_at", w.offer_expires_at ? json(*w.offer_expires_at) : json(nullptr)},
            {"created_at", w.created_at}};
}

namespace {

constexpr std::string_view kWaitlistSelect = R"(
SELECT w.waitlist_id, w.ticket_type_id, e.event_uuid, w.status, w.offer_expires_at, w.created_at,
       (SELECT count(*) FROM waitlist a WHERE a.ticket_type_id = w.ticket_type_id AND a.status = 'waiting'
                                          AND a.waitlist_id <= w.waitlist_id)
FROM waitlist w JOIN ticket_types t ON t.ticket_type_id = w.ticket_type_id JOIN events e ON e.event_id = t.event_id
WHERE )";

std::vector<WaitlistEntry> SelectWaitlist(ports::Transaction& tx, const std::string& where, const ports::SqlParams& params) {
    std::vector<WaitlistEntry> out;
    for (const auto& r : tx.Execute(std::string(kWaitlistSelect) + where + " ORDER BY w.waitlist_id", params).rows) {
        WaitlistEntry w;
        w.waitlist_id = AsInt(r[0]);
        w.ticket_type_id = AsInt(r[1]);
        w.event_uuid = AsText(r[2]);
        w.status = AsText(r[3]);
        w.offer_expires_at = AsOptionalInt(r[4]);
        w.created_at = AsInt(r[5]);
        w.position = w.status == "waiting" ? AsInt(r[6]) : 0;
        out.push_back(std::move(w));
    }
    return out;
}

}  // namespace

Result<WaitlistEntry> OrderService::JoinWaitlist(const identity::Principal& caller,
                                                 const std::string& event_uuid,
                                                 std::int64_t ticket_type_id) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<WaitlistEntry> {
        const auto offer = tx.Execute(kLoadOfferSql, {event_uuid, ticket_type_id});
        if (offer.empty()) return Error{"not_found", "no such event or ticket type"};
        const auto& r = offer.rows[0];
        if (AsText(r[1]) != "published" || AsInt(r[2]) <= now) {
            return Error{"ticket.sale_closed", "this event is not on sale"};
        }
        const auto existing = SelectWaitlist(
            tx, "w.ticket_type_id = $1 AND w.user_id = $2 AND w.status IN ('waiting', 'offered')",
            {ticket_type_id, caller.user_id});
        if (!existing.empty()) return existing.front();
        const auto supply = AsOptionalInt(r[5]);
        if (!supply || AsInt(r[9]) + AsInt(r[10]) < *supply) {
            return Error{"conflict", "seats are available: order one now"};
        }
        tx.Execute("INSERT INTO waitlist (ticket_type_id, user_id, status, created_at, updated_at) VALUES ($1, $2, "
                   "'waiting', $3, $3)",
                   {ticket_type_id, caller.user_id, now});
        return SelectWaitlist(tx, "w.ticket_type_id = $1 AND w.user_id = $2 AND w.status = 'waiting'",
                              {ticket_type_id, caller.user_id})
            .front();
    });
}

Result<WaitlistEntry> OrderService::LeaveWaitlist(const identity::Principal& caller,
                                                  const std::string& event_uuid,
                                                  std::int64_t ticket_type_id) {
    const auto now = clock_.NowUnix();
    auto left_list = store_.Transact([&](ports::Transaction& tx) -> Result<WaitlistEntry> {
        auto active = SelectWaitlist(
            tx, "w.ticket_type_id = $1 AND w.user_id = $2 AND e.event_uuid = $3 AND w.status IN ('waiting', 'offered')",
            {ticket_type_id, caller.user_id, event_uuid});
        if (active.empty()) return Error{"not_found", "you are not on this waiting list"};
        auto entry = active.front();
        const auto left = tx.Execute(
            "UPDATE waitlist SET status = 'left', updated_at = $2 WHERE waitlist_id = $1 AND status = $3",
            {entry.waitlist_id, now, entry.status});
        // The seat held for this guest goes back; the next sweep offers it to the next in line.
        if (left.rows_affected == 1 && entry.status == "offered") tx.Execute(kReleaseSql, {ticket_type_id, std::int64_t{1}, now});
        entry.status = "left";
        entry.position = 0;
        return entry;
    });
    if (left_list) ForgetSoldOut();
    return left_list;
}

Result<std::vector<WaitlistEntry>> OrderService::MyWaitlist(const identity::Principal& caller) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<WaitlistEntry>> {
            return SelectWaitlist(tx, "w.user_id = $1", {caller.user_id});
        },
        {.read_only = true});
}

std::int64_t OrderService::OfferFreedSeats(std::int64_t batch) {
    const auto now = clock_.NowUnix();
    std::int64_t changed = 0;  // offers made or lapsed: either way a seat's holder changed
    const auto offered_now = store_.Transact([&](ports::Transaction& tx) {
        changed = 0;
        // Offers past their time lapse, and their held seats return (compare-and-set: once each).
        for (const auto& row : tx.Execute("SELECT waitlist_id, ticket_type_id FROM waitlist WHERE status = 'offered' "
                                          "AND offer_expires_at <= $1 ORDER BY waitlist_id LIMIT $2",
                                          {now, batch})
                                   .rows) {
            if (tx.Execute("UPDATE waitlist SET status = 'lapsed', updated_at = $2 WHERE waitlist_id = $1 AND status = "
                           "'offered'",
                           {AsInt(row[0]), now})
                    .rows_affected == 1) {
                tx.Execute(kReleaseSql, {AsInt(row[1]), std::int64_t{1}, now});
                ++changed;
            }
        }
        std::int64_t offered = 0;
        const auto types = tx.Execute(R"(
SELECT DISTINCT w.ticket_type_id, e.event_uuid, e.title FROM waitlist w
JOIN ticket_types t ON t.ticket_type_id = w.ticket_type_id JOIN events e ON e.event_id = t.event_id
WHERE w.status = 'waiting' AND t.supply IS NOT NULL AND t.sold + t.reserved < t.supply)");
        for (const auto& type : types.rows) {
            const auto type_id = AsInt(type[0]);
            const auto next = tx.Execute("SELECT waitlist_id, user_id FROM waitlist WHERE ticket_type_id = $1 AND status "
                                         "= 'waiting' ORDER BY waitlist_id LIMIT $2",
                                         {type_id, batch});
            for (const auto& row : next.rows) {
                // Hold a seat for them with the same guard as any reservation; stop when none is left.
                if (tx.Execute(kReserveSql, {type_id, std::int64_t{1}, now}).rows_affected == 0) break;
                tx.Execute("UPDATE waitlist SET status = 'offered', offer_expires_at = $2, updated_at = $3 WHERE "
                           "waitlist_id = $1",
                           {AsInt(row[0]), now + settings_.waitlist_offer_seconds, now});
                const json payload = {{"event_uuid", AsText(type[1])},
                                      {"title", AsText(type[2])},
                                      {"ticket_type_id", type_id},
                                      {"offer_expires_at", now + settings_.waitlist_offer_seconds}};
                notifications::Queue(
                    tx, AsInt(row[1]), "waitlist.offered", payload, "waitlist:" + std::to_string(AsInt(row[0])), now);
                ++offered;
            }
        }
        changed += offered;
        return offered;
    });
    if (changed > 0) ForgetSoldOut();
    return offered_now;
}

}  // namespace onton::orders
