#include "domain/events/events.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "common/encoding.hpp"
#include "domain/events/access.hpp"
#include "domain/notifications/queue.hpp"

namespace onton::events {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using ports::IntOrNull;
using ports::TextOrNull;
using ports::SqlParams;
using ports::SqlValue;
using nlohmann::json;

constexpr std::string_view kEventColumns =
    "e.event_id, e.event_uuid, e.owner_id, e.title, e.subtitle, e.description, e.image_url, e.location, "
    "e.online_link, e.start_date, e.end_date, e.timezone, e.participation_type, e.capacity, e.visibility, e.status, "
    "e.category, e.tags, e.reward_points, e.reward_sbt, e.created_at, e.updated_at, e.requires_approval";

constexpr std::string_view kInsertEventSql = R"(
INSERT INTO events (event_uuid, owner_id, title, subtitle, description, image_url, location, online_link,
                    start_date, end_date, timezone, participation_type, capacity, visibility, status, category, tags,
                    reward_points, reward_sbt, created_at, updated_at, requires_approval)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', $15, $16, $17, $18, $19, $19, $20)
RETURNING event_id)";

constexpr std::string_view kUpdateEventSql = R"(
UPDATE events SET title = $2, subtitle = $3, description = $4, image_url = $5, location = $6, online_link = $7,
                  start_date = $8, end_date = $9, timezone = $10, participation_type = $11, capacity = $12,
                  visibility = $13, category = $14, tags = $15, reward_points = $16, reward_sbt = $17,
                  updated_at = $18, requires_approval = $19
WHERE event_id = $1)";

constexpr std::string_view kSetStatusSql = "UPDATE events SET status = $2, updated_at = $3 WHERE event_id = $1";

constexpr std::string_view kPromoteOrganizerSql =
    "UPDATE users SET role = 'organizer', updated_at = $2 WHERE user_id = $1 AND role = 'user'";

constexpr std::string_view kTicketTypeColumns =
    "ticket_type_id, event_id, name, description, price, supply, sold, reserved, per_user_limit, sale_start, "
    "sale_end, is_nft, created_at, updated_at, transferable, currency, visibility, access_code";

constexpr std::string_view kInsertTicketTypeSql = R"(
INSERT INTO ticket_types (event_id, name, description, price, supply, per_user_limit, sale_start, sale_end, is_nft,
                          created_at, updated_at, transferable, currency, visibility, access_code)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13, $14)
RETURNING ticket_type_id)";

// Sold and reserved are the order paths' to change: an edit never writes them, and its supply may not fall
// below them (the CHECK constraint would refuse it anyway; the guard here names the field first).
constexpr std::string_view kUpdateTicketTypeSql = R"(
UPDATE ticket_types SET name = $2, description = $3, price = $4, currency = $5, supply = $6, per_user_limit = $7,
                        sale_start = $8, sale_end = $9, is_nft = $10, transferable = $11, visibility = $12,
                        access_code = $13, updated_at = $14
WHERE ticket_type_id = $1 AND (price = $4 AND currency = $5 AND is_nft = $10 OR sold + reserved = 0)
  AND (CAST($6 AS BIGINT) IS NULL OR sold + reserved <= $6))";

// A type any order ever named stays (its orders and tickets point at it); waiting-list rows and promo codes
// of it go with it (ON DELETE CASCADE).
constexpr std::string_view kDeleteTicketTypeSql = R"(
DELETE FROM ticket_types WHERE ticket_type_id = $1 AND sold = 0 AND reserved = 0
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.ticket_type_id = $1))";

constexpr std::string_view kMarkPaidEventSql = "UPDATE events SET has_payment = $2 WHERE event_id = $1";


constexpr std::string_view kInsertRoleSql = R"(
INSERT INTO event_roles (event_id, user_id, role, granted_by, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (event_id, user_id, role) DO NOTHING)";

constexpr std::string_view kDeleteRoleSql = "DELETE FROM event_roles WHERE event_id = $1 AND user_id = $2 AND role = $3";

constexpr std::string_view kListRolesSql = R"(
SELECT r.user_id, r.role, r.granted_by, r.created_at, u.username, u.first_name
FROM event_roles r JOIN users u ON u.user_id = r.user_id
WHERE r.event_id = $1 ORDER BY r.created_at, r.user_id)";

constexpr std::string_view kAuditSql = R"(
INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, created_at)
VALUES ($1, $2, 'event', $3, $4, $5))";

constexpr std::int64_t kMaxLimit = 100;
constexpr std::int64_t kMaxSupply = 1'000'000'000;

Error NotFound() { return Error{"not_found", "no such event"}; }
Error Forbidden() { return Error{"auth.forbidden", "you do not manage this event"}; }

std::size_t CodePoints(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

bool IsHttpUrl(const std::string& s) {
    return (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) && s.size() <= 2048 &&
           s.find_first_of(" \t\r\n\"<>") == std::string::npos;
}

/// Applies the JSON fields present in `body` to `e`, validating each. Unknown fields are rejected so that a typo
/// is not silently ignored.
Result<void> ApplyEventFields(Event& e, const json& body) {
    if (!body.is_object()) return ValidationError("body", "expected a JSON object");
    for (const auto& [key, value] : body.items()) {
        auto text = [&](std::size_t max, bool required) -> Result<std::string> {
            if (value.is_null() && !required) return std::string{};
            if (!value.is_string()) return ValidationError(key, "expected a string");
            auto s = value.get<std::string>();
            if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) return ValidationError(key, "must not be empty");
            if (CodePoints(s) > max) return ValidationError(key, "at most " + std::to_string(max) + " characters");
            return s;
        };
        auto integer = [&](std::int64_t min, std::int64_t max) -> Result<std::int64_t> {
            if (!value.is_number_integer()) return ValidationError(key, "expected an integer");
            const auto v = value.get<std::int64_t>();
            if (v < min || v > max) {
                return ValidationError(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
            }
            return v;
        };
        auto url = [&]() -> Result<std::string> {
            if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) return std::string{};
            if (!value.is_string() || !IsHttpUrl(value.get<std::string>())) {
                return ValidationError(key, "expected an http(s) URL of at most 2048 characters");
            }
            return value.get<std::string>();
        };
#define ONTON_TAKE(expr, target)                   \
    do {                                           \
        auto taken = (expr);                       \
        if (!taken) return taken.error();          \
        (target) = std::move(taken).value();       \
    } while (false)
        if (key == "title") {
            ONTON_TAKE(text(200, true), e.title);
        } else if (key == "subtitle") {
            ONTON_TAKE(text(300, false), e.subtitle);
        } else if (key == "description") {
            ONTON_TAKE(text(20000, false), e.description);
        } else if (key == "image_url") {
            ONTON_TAKE(url(), e.image_url);
        } else if (key == "location") {
            ONTON_TAKE(text(500, false), e.location);
        } else if (key == "online_link") {
            ONTON_TAKE(url(), e.online_link);
        } else if (key == "start_date") {
            ONTON_TAKE(integer(1, 32503680000), e.start_date);
        } else if (key == "end_date") {
            ONTON_TAKE(integer(1, 32503680000), e.end_date);
        } else if (key == "timezone") {
            ONTON_TAKE(text(64, true), e.timezone);
            const bool ok = std::all_of(e.timezone.begin(), e.timezone.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '_' || c == '-' || c == '+';
            });
            if (!ok) return ValidationError(key, "expected an IANA time zone name such as Europe/Berlin");
        } else if (key == "participation_type") {
            ONTON_TAKE(text(16, true), e.participation_type);
            if (e.participation_type != "in_person" && e.participation_type != "online") {
                return ValidationError(key, "expected in_person or online");
            }
        } else if (key == "capacity") {
            if (value.is_null()) {
                e.capacity.reset();
            } else {
                std::int64_t v = 0;
                ONTON_TAKE(integer(0, kMaxSupply), v);
                e.capacity = v;
            }
        } else if (key == "visibility") {
            ONTON_TAKE(text(16, true), e.visibility);
            if (e.visibility != "public" && e.visibility != "unlisted") {
                return ValidationError(key, "expected public or unlisted");
            }
        } else if (key == "category") {
            ONTON_TAKE(text(64, false), e.category);
        } else if (key == "tags") {
            if (!value.is_array() || value.size() > 20) return ValidationError(key, "expected an array of at most 20 strings");
            std::vector<std::string> tags;
            for (const auto& t : value) {
                if (!t.is_string() || t.get<std::string>().empty() || CodePoints(t.get<std::string>()) > 32) {
                    return ValidationError(key, "each tag is a string of 1 to 32 characters");
                }
                tags.push_back(t.get<std::string>());
            }
            e.tags = std::move(tags);
        } else if (key == "reward_points") {
            ONTON_TAKE(integer(0, 1'000'000), e.reward_points);
        } else if (key == "reward_sbt") {
            if (!value.is_boolean()) return ValidationError(key, "expected true or false");
            e.reward_sbt = value.get<bool>();
        } else if (key == "requires_approval") {
            if (!value.is_boolean()) return ValidationError(key, "expected true or false");
            e.requires_approval = value.get<bool>();
        } else {
            return ValidationError(key, "unknown field");
        }
#undef ONTON_TAKE
    }
    if (e.end_date < e.start_date) return ValidationError("end_date", "must not be before start_date");
    return Ok();
}

std::string TagsJson(const std::vector<std::string>& tags) { return json(tags).dump(); }

Event EventFromRow(const std::vector<SqlValue>& r) {
    Event e;
    e.event_id = AsInt(r[0]);
    e.event_uuid = AsText(r[1]);
    e.owner_id = AsInt(r[2]);
    e.title = AsText(r[3]);
    e.subtitle = AsOptionalText(r[4]).value_or("");
    e.description = AsText(r[5]);
    e.image_url = AsOptionalText(r[6]).value_or("");
    e.location = AsOptionalText(r[7]).value_or("");
    e.online_link = AsOptionalText(r[8]).value_or("");
    e.start_date = AsInt(r[9]);
    e.end_date = AsInt(r[10]);
    e.timezone = AsText(r[11]);
    e.participation_type = AsText(r[12]);
    e.capacity = AsOptionalInt(r[13]);
    e.visibility = AsText(r[14]);
    e.status = AsText(r[15]);
    e.category = AsOptionalText(r[16]).value_or("");
    const auto tags = json::parse(AsText(r[17]), nullptr, false);
    if (tags.is_array()) {
        for (const auto& t : tags) {
            if (t.is_string()) e.tags.push_back(t.get<std::string>());
        }
    }
    e.reward_points = AsInt(r[18]);
    e.reward_sbt = AsInt(r[19]) != 0;
    e.created_at = AsInt(r[20]);
    e.updated_at = AsInt(r[21]);
    e.requires_approval = AsInt(r[22]) != 0;
    return e;
}

TicketType TicketTypeFromRow(const std::vector<SqlValue>& r) {
    TicketType t;
    t.id = AsInt(r[0]);
    t.event_id = AsInt(r[1]);
    t.name = AsText(r[2]);
    t.description = AsOptionalText(r[3]).value_or("");
    // A currency this build does not know cannot be in the table (CHECK constraint): TON is never a guess.
    t.price = {AsInt(r[4]), money::ParseCurrency(AsText(r[15])).value()};
    t.supply = AsOptionalInt(r[5]);
    t.sold = AsInt(r[6]);
    t.reserved = AsInt(r[7]);
    t.per_user_limit = AsOptionalInt(r[8]);
    t.sale_start = AsOptionalInt(r[9]);
    t.sale_end = AsOptionalInt(r[10]);
    t.is_nft = AsInt(r[11]) != 0;
    t.created_at = AsInt(r[12]);
    t.updated_at = AsInt(r[13]);
    t.transferable = AsInt(r[14]) != 0;
    t.visibility = AsText(r[16]);
    t.access_code = AsOptionalText(r[17]).value_or("");
    return t;
}

/// `lock` is " FOR UPDATE" on PostgreSQL for read-modify-write use-cases, so that two concurrent edits of one
/// event serialise instead of the later one overwriting the earlier; SQLite's write transactions (BEGIN IMMEDIATE)
/// already exclude each other, and it has no such clause.
std::optional<Event> FindEvent(ports::Transaction& tx, const std::string& uuid, std::string_view lock) {
    const std::string sql =
        "SELECT " + std::string(kEventColumns) + " FROM events e WHERE e.event_uuid = $1" + std::string(lock);
    const auto rs = tx.Execute(sql, {uuid});
    if (rs.empty()) return std::nullopt;
    return EventFromRow(rs.rows[0]);
}

/// The event's ticket types; with `public_only`, hidden ones are left out unless their access code is `code`.
std::vector<TicketType> TicketTypesOf(ports::Transaction& tx,
                                      std::int64_t event_id,
                                      bool public_only = false,
                                      const std::string& code = "") {
    const auto rs = tx.Execute(
        "SELECT " + std::string(kTicketTypeColumns) + " FROM ticket_types WHERE event_id = $1 ORDER BY ticket_type_id",
        {event_id});
    std::vector<TicketType> out;
    for (const auto& row : rs.rows) {
        auto t = TicketTypeFromRow(row);
        if (public_only && t.visibility == "hidden" && (code.empty() || t.access_code != code)) continue;
        out.push_back(std::move(t));
    }
    return out;
}

std::optional<TicketType> FindTicketType(ports::Transaction& tx,
                                         std::int64_t event_id,
                                         std::int64_t ticket_type_id,
                                         std::string_view lock) {
    const auto rs =
        tx.Execute("SELECT " + std::string(kTicketTypeColumns) +
                       " FROM ticket_types WHERE ticket_type_id = $1 AND event_id = $2" + std::string(lock),
                   {ticket_type_id, event_id});
    if (rs.empty()) return std::nullopt;
    return TicketTypeFromRow(rs.rows[0]);
}

void Audit(ports::Transaction& tx,
           std::int64_t actor,
           std::string_view action,
           const std::string& event_uuid,
           const json& details,
           std::int64_t now) {
    tx.Execute(kAuditSql, {actor, std::string(action), event_uuid, details.dump(), now});
}

/// The editable fields in the order both kInsertEventSql (after uuid and owner) and kUpdateEventSql (after the
/// id) expect them, ending with the time and requires_approval.
SqlParams PrefixedFields(SqlParams prefix, const Event& e, std::int64_t now) {
    for (SqlValue v : {SqlValue(e.title),
                       TextOrNull(e.subtitle),
                       SqlValue(e.description),
                       TextOrNull(e.image_url),
                       TextOrNull(e.location),
                       TextOrNull(e.online_link),
                       SqlValue(e.start_date),
                       SqlValue(e.end_date),
                       SqlValue(e.timezone),
                       SqlValue(e.participation_type),
                       IntOrNull(e.capacity),
                       SqlValue(e.visibility),
                       TextOrNull(e.category),
                       SqlValue(TagsJson(e.tags)),
                       SqlValue(e.reward_points),
                       SqlValue(std::int64_t{e.reward_sbt ? 1 : 0}),
                       SqlValue(now),
                       SqlValue(std::int64_t{e.requires_approval ? 1 : 0})}) {
        prefix.push_back(std::move(v));
    }
    return prefix;
}

SqlParams UpdateParams(const Event& e, std::int64_t now) { return PrefixedFields({e.event_id}, e, now); }

std::int64_t InsertEvent(ports::Transaction& tx, const Event& e, std::int64_t now) {
    const auto rs = tx.Execute(kInsertEventSql, PrefixedFields({e.event_uuid, e.owner_id}, e, now));
    return AsInt(rs.rows.at(0).at(0));
}

std::int64_t InsertTicketType(ports::Transaction& tx, const TicketType& t, std::int64_t now) {
    const auto rs = tx.Execute(kInsertTicketTypeSql,
                               {t.event_id,
                                t.name,
                                TextOrNull(t.description),
                                t.price.units,
                                IntOrNull(t.supply),
                                IntOrNull(t.per_user_limit),
                                IntOrNull(t.sale_start),
                                IntOrNull(t.sale_end),
                                std::int64_t{t.is_nft ? 1 : 0},
                                now,
                                std::int64_t{t.transferable ? 1 : 0},
                                std::string(money::Code(t.price.currency)),
                                t.visibility,
                                TextOrNull(t.access_code)});
    if (t.price.units > 0) tx.Execute(kMarkPaidEventSql, {t.event_id, std::int64_t{1}});
    return AsInt(rs.rows.at(0).at(0));
}

/// "TON, USDT or XTR" for the currencies accepted.
std::string CurrencyList(const std::vector<money::Currency>& currencies) {
    std::string out;
    for (std::size_t i = 0; i < currencies.size(); ++i) {
        if (i > 0) out += i + 1 == currencies.size() ? " or " : ", ";
        out += money::Code(currencies[i]);
    }
    return out;
}

/// Applies the ticket-type fields present in `body` to `t`, validating each (unknown fields are rejected).
Result<void> ApplyTicketTypeFields(TicketType& t,
                                   const json& body,
                                   const std::vector<money::Currency>& currencies) {
    if (!body.is_object()) return ValidationError("body", "expected a JSON object");
    std::optional<std::string> price_text;
    for (const auto& [key, value] : body.items()) {
        auto optional_int = [&](std::int64_t min, std::int64_t max) -> Result<std::optional<std::int64_t>> {
            if (value.is_null()) return std::optional<std::int64_t>{};
            if (!value.is_number_integer() || value.get<std::int64_t>() < min || value.get<std::int64_t>() > max) {
                return ValidationError(key, "expected null or an integer between " + std::to_string(min) + " and " +
                                           std::to_string(max));
            }
            return std::optional<std::int64_t>{value.get<std::int64_t>()};
        };
        if (key == "name") {
            if (!value.is_string() || value.get<std::string>().find_first_not_of(' ') == std::string::npos ||
                CodePoints(value.get<std::string>()) > 100) {
                return ValidationError(key, "expected a non-empty string of at most 100 characters");
            }
            t.name = value.get<std::string>();
        } else if (key == "description") {
            if (!value.is_null() && (!value.is_string() || CodePoints(value.get<std::string>()) > 2000)) {
                return ValidationError(key, "expected a string of at most 2000 characters");
            }
            t.description = value.is_null() ? "" : value.get<std::string>();
        } else if (key == "price") {
            if (!value.is_string())
                return ValidationError(key, "expected a decimal string of the currency's smallest unit");
            price_text = value.get<std::string>();
        } else if (key == "currency") {
            const auto currency =
                value.is_string() ? money::ParseCurrency(value.get<std::string>()) : std::nullopt;
            if (!currency || std::find(currencies.begin(), currencies.end(), *currency) == currencies.end()) {
                return ValidationError(key, "expected " + CurrencyList(currencies));
            }
            t.price.currency = *currency;
        } else if (key == "supply") {
            auto v = optional_int(0, kMaxSupply);
            if (!v) return v.error();
            t.supply = *v;
        } else if (key == "per_user_limit") {
            auto v = optional_int(1, 10'000);
            if (!v) return v.error();
            t.per_user_limit = *v;
        } else if (key == "sale_start") {
            auto v = optional_int(0, 32503680000);
            if (!v) return v.error();
            t.sale_start = *v;
        } else if (key == "sale_end") {
            auto v = optional_int(0, 32503680000);
            if (!v) return v.error();
            t.sale_end = *v;
        } else if (key == "is_nft") {
            if (!value.is_boolean()) return ValidationError(key, "expected true or false");
            t.is_nft = value.get<bool>();
        } else if (key == "transferable") {
            if (!value.is_boolean()) return ValidationError(key, "expected true or false");
            t.transferable = value.get<bool>();
        } else if (key == "visibility") {
            if (!value.is_string() ||
                (value.get<std::string>() != "public" && value.get<std::string>() != "hidden")) {
                return ValidationError(key, "expected public or hidden");
            }
            t.visibility = value.get<std::string>();
        } else {
            return ValidationError(key, "unknown field");
        }
    }
    if (price_text) {
        const auto units = money::ParseUnits(*price_text);
        if (!units) {
            static constexpr std::string_view kExamples[] = {"nanotons, e.g. \"1500000000\" for 1.5 TON",
                                                             "micro-USDT, e.g. \"2500000\" for 2.5 USDT",
                                                             "whole Stars, e.g. \"250\""};
            return ValidationError("price",
                                   "expected a decimal string of " +
                                       std::string(kExamples[static_cast<std::size_t>(t.price.currency)]));
        }
        t.price.units = *units;
    }
    if (t.sale_start && t.sale_end && *t.sale_end < *t.sale_start) {
        return ValidationError("sale_end", "must not be before sale_start");
    }
    return Ok();
}

Result<TicketType> ParseTicketType(const json& body, const std::vector<money::Currency>& currencies) {
    if (!body.is_object()) return ValidationError("body", "expected a JSON object");
    if (!body.contains("name")) return ValidationError("name", "required");
    if (!body.contains("price")) return ValidationError("price", "required (\"0\" for a free ticket)");
    TicketType t;
    if (auto applied = ApplyTicketTypeFields(t, body, currencies); !applied) return applied.error();
    return t;
}

/// What the caller is to the event, the strongest role first.
std::string CallerRole(ports::Transaction& tx, const identity::Principal& caller, const Event& e) {
    if (caller.user_id == e.owner_id) return "owner";
    const auto roles = tx.Execute("SELECT role FROM event_roles WHERE event_id = $1 AND user_id = $2",
                                  {e.event_id, caller.user_id});
    bool staff = false;
    for (const auto& r : roles.rows) {
        if (AsText(r[0]) == "co_organizer") return "co_organizer";
        staff = staff || AsText(r[0]) == "checkin_staff";
    }
    if (caller.IsAdmin()) return "admin";
    return staff ? "checkin_staff" : "";
}

/// 12 characters from 72 random bits: the direct link's secret for a hidden ticket type.
std::string NewAccessCode(ports::Random& random) { return Base64Url(random.Bytes(9)); }

std::string EncodeCursor(std::int64_t start_date, std::int64_t event_id) {
    return Base64Url(std::to_string(start_date) + ":" + std::to_string(event_id));
}

std::optional<std::pair<std::int64_t, std::int64_t>> DecodeCursor(const std::string& cursor) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string raw;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : cursor) {
        const auto pos = kAlphabet.find(c);
        if (pos == std::string_view::npos) return std::nullopt;
        acc = (acc << 6U) | static_cast<std::uint32_t>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw.push_back(static_cast<char>((acc >> static_cast<unsigned>(bits)) & 0xFFU));
        }
    }
    const auto colon = raw.find(':');
    if (colon == std::string::npos) return std::nullopt;
    std::int64_t a = 0;
    std::int64_t b = 0;
    const auto* end1 = raw.data() + colon;
    const auto* end2 = raw.data() + raw.size();
    if (std::from_chars(raw.data(), end1, a).ptr != end1) return std::nullopt;
    if (std::from_chars(end1 + 1, end2, b).ptr != end2) return std::nullopt;
    return std::make_pair(a, b);
}

}  // namespace

json ToJson(const TicketType& t, bool include_private) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    json out = {{"id", t.id},
                {"name", t.name},
                {"description", t.description.empty() ? json(nullptr) : json(t.description)},
                {"price", std::to_string(t.price.units)},
                {"currency", money::Code(t.price.currency)},
                {"supply", opt(t.supply)},
                {"sold", t.sold},
                {"reserved", t.reserved},
                {"available",
                 t.supply ? json(std::max<std::int64_t>(0, *t.supply - t.sold - t.reserved)) : json(nullptr)},
                {"per_user_limit", opt(t.per_user_limit)},
                {"sale_start", opt(t.sale_start)},
                {"sale_end", opt(t.sale_end)},
                {"is_nft", t.is_nft},
                {"transferable", t.transferable},
                {"visibility", t.visibility},
                {"created_at", t.created_at},
                {"updated_at", t.updated_at}};
    if (include_private && !t.access_code.empty()) out["access_code"] = t.access_code;
    return out;
}

json ToJson(const Event& e, bool include_private) {
    auto text = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    json types = json::array();
    for (const auto& t : e.ticket_types) types.push_back(ToJson(t, include_private));
    json out = {{"event_uuid", e.event_uuid},
                {"owner_id", e.owner_id},
                {"title", e.title},
                {"subtitle", text(e.subtitle)},
                {"description", e.description},
                {"image_url", text(e.image_url)},
                {"location", text(e.location)},
                {"start_date", e.start_date},
                {"end_date", e.end_date},
                {"timezone", e.timezone},
                {"participation_type", e.participation_type},
                {"capacity", e.capacity ? json(*e.capacity) : json(nullptr)},
                {"visibility", e.visibility},
                {"status", e.status},
                {"category", text(e.category)},
                {"tags", e.tags},
                {"reward_points", e.reward_points},
                {"reward_sbt", e.reward_sbt},
                {"requires_approval", e.requires_approval},
                {"created_at", e.created_at},
                {"updated_at", e.updated_at},
                {"ticket_types", types}};
    out["has_payment"] = std::any_of(
        e.ticket_types.begin(), e.ticket_types.end(), [](const TicketType& t) { return t.price.units > 0; });
    if (include_private) out["online_link"] = text(e.online_link);
    return out;
}

EventService::EventService(ports::Store& store,
                           const ports::Clock& clock,
                           ports::Random& random,
                           moderation::Rules moderation,
                           std::vector<money::Currency> currencies)
    : store_(store),
      clock_(clock),
      random_(random),
      moderation_(std::move(moderation)),
      currencies_(std::move(currencies)) {}

nlohmann::json ToJson(const ModerationItem& item) {
    return {{"report_id", item.report_id}, {"event_uuid", item.event_uuid}, {"title", item.title},
            {"owner_id", item.owner_id},   {"reason", item.reason},         {"created_at", item.created_at}};
}

bool EventService::HoldIfFlagged(ports::Transaction& tx, const identity::Principal& caller, Event& e, std::int64_t now) {
    if (caller.IsAdmin()) return false;
    const auto reasons =
        moderation::Assess(moderation_, {e.title, e.subtitle, e.description, e.location, e.online_link});
    if (reasons.empty()) return false;
    std::string reason;
    for (const auto& r : reasons) reason += (reason.empty() ? "" : ", ") + r;
    tx.Execute(kSetStatusSql, {e.event_id, std::string("pending_moderation"), now});
    tx.Execute("INSERT INTO moderation_reports (event_id, source, reason, status, created_at) VALUES ($1, 'auto', $2, "
               "'open', $3)",
               {e.event_id, reason, now});
    Audit(tx, caller.user_id, "event.held_for_moderation", e.event_uuid, {{"reasons", reasons}}, now);
    e.status = "pending_moderation";
    e.updated_at = now;
    return true;
}

Result<std::vector<ModerationItem>> EventService::PendingModeration(const identity::Principal& caller) {
    if (!caller.IsAdmin()) return Error{"auth.forbidden", "admins only"};
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<ModerationItem>> {
            std::vector<ModerationItem> out;
            const auto rs = tx.Execute(R"(
SELECT r.report_id, e.event_uuid, e.title, e.owner_id, r.reason, r.created_at
FROM moderation_reports r JOIN events e ON e.event_id = r.event_id
WHERE r.status = 'open' AND e.status = 'pending_moderation'
ORDER BY r.created_at, r.report_id
LIMIT 500)");
            for (const auto& row : rs.rows) {
                out.push_back({AsInt(row[0]), AsText(row[1]), AsText(row[2]), AsInt(row[3]), AsText(row[4]), AsInt(row[5])});
            }
            return out;
        },
        {.read_only = true});
}

Result<Event> EventService::Moderate(const identity::Principal& caller,
                                     const std::string& event_uuid,
                                     bool approve,
                                     const std::string& reason) {
    if (!caller.IsAdmin()) return Error{"auth.forbidden", "admins only"};
    if (!approve && (reason.empty() || reason.size() > 500)) {
        return ValidationError("reason", "1 to 500 characters: the organizer is told why");
    }
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (e->status != "pending_moderation") {
            return Error{"state.invalid_transition", "the event is " + e->status + ", not waiting for moderation"};
        }
        const std::string status = approve ? "published" : "rejected";
        tx.Execute(kSetStatusSql, {e->event_id, status, now});
        tx.Execute("UPDATE moderation_reports SET status = $2, resolved_by = $3, resolved_at = $4 WHERE event_id = $1 "
                   "AND status = 'open'",
                   {e->event_id, std::string(approve ? "approved" : "rejected"), caller.user_id, now});
        Audit(tx, caller.user_id, approve ? "event.approve" : "event.reject", event_uuid, {{"reason", reason}}, now);
        json payload{{"event_uuid", e->event_uuid}, {"title", e->title}};
        if (!approve) payload["reason"] = reason;
        notifications::Queue(tx, e->owner_id, approve ? "event.approved" : "event.rejected", payload,
                             "event.moderated:" + std::to_string(e->event_id) + ":" + std::to_string(now), now);
        e->status = status;
        e->updated_at = now;
        e->ticket_types = TicketTypesOf(tx, e->event_id);
        return *e;
    });
}

std::string_view EventService::Lock() const noexcept {
    return store_.Dialect() == "postgres" ? " FOR UPDATE" : "";
}

bool EventService::CanManage(ports::Transaction& tx, const identity::Principal& caller, const Event& e) {
    return AccessTo(tx, caller, e.event_id, e.owner_id).manages;
}

bool EventService::CanCheckIn(ports::Transaction& tx, const identity::Principal& caller, const Event& e) {
    return AccessTo(tx, caller, e.event_id, e.owner_id).checks_in;
}

Result<Event> EventService::Create(const identity::Principal& caller, const json& body) {
    Event e;
    e.owner_id = caller.user_id;
    if (body.is_object()) {
        for (const auto* required : {"title", "start_date", "end_date", "participation_type"}) {
            if (!body.contains(required)) return ValidationError(required, "required");
        }
    }
    if (auto applied = ApplyEventFields(e, body); !applied) return applied.error();
    const auto now = clock_.NowUnix();
    e.event_uuid = random_.Uuid();
    e.created_at = now;
    e.updated_at = now;
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        e.event_id = InsertEvent(tx, e, now);
        tx.Execute(kPromoteOrganizerSql, {caller.user_id, now});
        Audit(tx, caller.user_id, "event.create", e.event_uuid, json::object(), now);
        return e;
    });
}

Result<Event> EventService::Update(const identity::Principal& caller, const std::string& event_uuid, const json& patch) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (!CanManage(tx, caller, *e)) return Forbidden();
        if (e->status == "canceled" || e->status == "ended") {
            return Error{"state.invalid_transition", "a " + e->status + " event cannot be edited"};
        }
        const auto before = *e;
        if (auto applied = ApplyEventFields(*e, patch); !applied) return applied.error();
        e->updated_at = now;
        tx.Execute(kUpdateEventSql, UpdateParams(*e, now));
        // Ticket holders hear of a change to when or where, in this transaction: it cannot be lost.
        const bool moved = e->start_date != before.start_date || e->end_date != before.end_date ||
                           e->location != before.location || e->online_link != before.online_link ||
                           e->participation_type != before.participation_type;
        const bool reworded = e->title != before.title || e->subtitle != before.subtitle ||
                              e->description != before.description || e->location != before.location ||
                              e->online_link != before.online_link;
        if (reworded && e->status == "published") (void)HoldIfFlagged(tx, caller, *e, now);
        if (moved && e->status == "published") {
            notifications::QueueForHolders(tx, e->event_id, "event.changed",
                                           {{"event_uuid", e->event_uuid}, {"title", e->title}},
                                           "event.changed:" + std::to_string(e->event_id) + ":" + std::to_string(now) + ":",
                                           now);
        }
        json fields = json::array();
        for (const auto& [key, value] : patch.items()) fields.push_back(key);
        Audit(tx, caller.user_id, "event.update", event_uuid, {{"fields", fields}}, now);
        e->ticket_types = TicketTypesOf(tx, e->event_id);
        return *e;
    });
}

Result<Event> EventService::Get(const std::optional<identity::Principal>& caller,
                                const std::string& event_uuid,
                                const std::string& access_code) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<Event> {
            auto e = FindEvent(tx, event_uuid, "");
            if (!e) return NotFound();
            const bool listed = e->status == "published" || e->status == "canceled" || e->status == "ended";
            e->caller_manages = caller && CanManage(tx, *caller, *e);
            if (!listed && !e->caller_manages) return NotFound();  // drafts do not leak
            e->ticket_types = TicketTypesOf(tx, e->event_id, !e->caller_manages, access_code);
            return *e;
        },
        {.read_only = true});
}

Result<Event> EventService::Publish(const identity::Principal& caller, const std::string& event_uuid) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (!CanManage(tx, caller, *e)) return Forbidden();
        if (e->status == "published" || e->status == "pending_moderation") {
            e->ticket_types = TicketTypesOf(tx, e->event_id);
            return *e;  // idempotent; a held event waits for an admin
        }
        if (e->status != "draft" && e->status != "rejected") {
            return Error{"state.invalid_transition", "a " + e->status + " event cannot be published"};
        }
        e->ticket_types = TicketTypesOf(tx, e->event_id);
        if (e->ticket_types.empty()) return ValidationError("ticket_types", "add at least one ticket type before publishing");
        if (e->end_date <= now) return ValidationError("end_date", "the event is already over");
        if (e->participation_type == "in_person" && e->location.empty()) {
            return ValidationError("location", "an in-person event needs a location");
        }
        if (e->participation_type == "online" && e->online_link.empty()) {
            return ValidationError("online_link", "an online event needs a link");
        }
        if (HoldIfFlagged(tx, caller, *e, now)) return *e;
        tx.Execute(kSetStatusSql, {e->event_id, std::string("published"), now});
        Audit(tx, caller.user_id, "event.publish", event_uuid, json::object(), now);
        e->status = "published";
        e->updated_at = now;
        return *e;
    });
}

Result<Event> EventService::Cancel(const identity::Principal& caller, const std::string& event_uuid) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (!CanManage(tx, caller, *e)) return Forbidden();
        if (e->status == "canceled") return *e;  // idempotent
        if (e->status == "ended") return Error{"state.invalid_transition", "an ended event cannot be canceled"};
        tx.Execute(kSetStatusSql, {e->event_id, std::string("canceled"), now});
        Audit(tx, caller.user_id, "event.cancel", event_uuid, json::object(), now);
        notifications::QueueForHolders(tx, e->event_id, "event.canceled",
                                       {{"event_uuid", e->event_uuid}, {"title", e->title}},
                                       "event.canceled:" + std::to_string(e->event_id) + ":", now);
        e->status = "canceled";
        e->updated_at = now;
        e->ticket_types = TicketTypesOf(tx, e->event_id);
        return *e;
    });
}

Result<Event> EventService::Clone(const identity::Principal& caller, const std::string& event_uuid) {
    const auto now = clock_.NowUnix();
    const auto new_uuid = random_.Uuid();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Event> {
        auto source = FindEvent(tx, event_uuid, "");
        if (!source) return NotFound();
        if (!CanManage(tx, caller, *source)) return Forbidden();
        Event copy = *source;
        copy.event_uuid = new_uuid;
        copy.owner_id = caller.user_id;
        copy.status = "draft";
        copy.created_at = now;
        copy.updated_at = now;
        copy.event_id = InsertEvent(tx, copy, now);
        for (auto t : TicketTypesOf(tx, source->event_id)) {
            t.event_id = copy.event_id;
            t.sold = 0;
            t.reserved = 0;
            if (!t.access_code.empty())
                t.access_code = NewAccessCode(random_);  // a shared link names the source
            t.id = InsertTicketType(tx, t, now);
            t.created_at = now;
            t.updated_at = now;
            copy.ticket_types.push_back(t);
        }
        Audit(tx, caller.user_id, "event.clone", new_uuid, {{"from", event_uuid}}, now);
        return copy;
    });
}

Result<Page> EventService::List(const std::optional<identity::Principal>& caller, const ListQuery& query) {
    if (query.limit < 1 || query.limit > kMaxLimit) return ValidationError("limit", "must be between 1 and 100");
    if (query.mine && !caller) return Error{"auth.required", "sign in to list your events"};
    const auto now = clock_.NowUnix();
    SqlParams params;
    auto param = [&params](SqlValue v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    std::string where;
    auto add = [&where](const std::string& condition) { where += (where.empty() ? " WHERE " : " AND ") + condition; };
    if (query.mine) {
        const auto uid = param(caller->user_id);
        add("(e.owner_id = " + uid +
            " OR EXISTS (SELECT 1 FROM event_roles r WHERE r.event_id = e.event_id AND " +
            "r.user_id = " + uid + " AND r.role IN ('co_organizer', 'checkin_staff')))");
    } else {
        add("e.status = 'published' AND e.visibility = 'public'");
    }
    bool descending = false;
    if (query.when == "upcoming") {
        add("e.start_date > " + param(now));
    } else if (query.when == "ongoing") {
        const auto n = param(now);
        add("e.start_date <= " + n + " AND e.end_date > " + n);
    } else if (query.when == "past") {
        add("e.end_date <= " + param(now));
        descending = true;
    } else if (query.when != "all") {
        return ValidationError("when", "expected upcoming, ongoing, past or all");
    }
    if (!query.q.empty()) {
        if (CodePoints(query.q) > 100) return ValidationError("q", "at most 100 characters");
        const auto p = param(ports::LikeContains(query.q));
        add("(lower(e.title) LIKE " + p + " ESCAPE '\\' OR lower(e.description) LIKE " + p + " ESCAPE '\\')");
    }
    if (!query.category.empty()) add("e.category = " + param(query.category));
    if (!query.participation_type.empty()) {
        if (query.participation_type != "in_person" && query.participation_type != "online") {
            return ValidationError("participation_type", "expected in_person or online");
        }
        add("e.participation_type = " + param(query.participation_type));
    }
    if (!query.cursor.empty()) {
        const auto cursor = DecodeCursor(query.cursor);
        if (!cursor) return ValidationError("cursor", "not a cursor this API returned");
        const auto s = param(cursor->first);
        const auto i = param(cursor->second);
        const char* cmp = descending ? "<" : ">";
        add("(e.start_date " + std::string(cmp) + " " + s + " OR (e.start_date = " + s + " AND e.event_id " + cmp +
            " " + i + "))");
    }
    const std::string order = descending ? " ORDER BY e.start_date DESC, e.event_id DESC" : " ORDER BY e.start_date, e.event_id";
    const std::string sql = "SELECT " + std::string(kEventColumns) + " FROM events e" + where + order + " LIMIT " +
                            param(query.limit + 1);
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<Page> {
            const auto rs = tx.Execute(sql, params);
            Page page;
            for (std::size_t i = 0; i < rs.rows.size() && page.items.size() < static_cast<std::size_t>(query.limit);
                 ++i) {
                page.items.push_back(EventFromRow(rs.rows[i]));
            }
            for (auto& e : page.items) {
                if (query.mine) {
                    const auto access = AccessTo(tx, *caller, e.event_id, e.owner_id);
                    e.caller_manages = access.manages;
                    e.caller_role = CallerRole(tx, *caller, e);
                }
                e.ticket_types = TicketTypesOf(tx, e.event_id, !e.caller_manages);
            }
            if (rs.rows.size() > static_cast<std::size_t>(query.limit)) {
                const auto& last = page.items.back();
                page.next_cursor = EncodeCursor(last.start_date, last.event_id);
            }
            return page;
        },
        {.read_only = true});
}

Result<TicketType> EventService::AddTicketType(const identity::Principal& caller,
                                               const std::string& event_uuid,
                                               const json& body) {
    auto parsed = ParseTicketType(body, currencies_);
    if (!parsed) return parsed.error();
    const auto now = clock_.NowUnix();
    try {
        return store_.Transact([&](ports::Transaction& tx) -> Result<TicketType> {
            auto e = FindEvent(tx, event_uuid, Lock());
            if (!e) return NotFound();
            if (!CanManage(tx, caller, *e)) return Forbidden();
            if (e->status == "canceled" || e->status == "ended") {
                return Error{"state.invalid_transition", "a " + e->status + " event takes no new ticket types"};
            }
            TicketType t = *parsed;
            t.event_id = e->event_id;
            if (t.visibility == "hidden") t.access_code = NewAccessCode(random_);
            t.created_at = now;
            t.updated_at = now;
            t.id = InsertTicketType(tx, t, now);
            Audit(tx, caller.user_id, "ticket_type.create", event_uuid, {{"ticket_type_id", t.id}}, now);
            return t;
        });
    } catch (const ports::StoreError& error) {
        if (error.kind() != ports::StoreError::Kind::kUniqueViolation) throw;
        return Error{"conflict", "this event already has a ticket type with that name", {{"field", "name"}}};
    }
}

Result<void> EventService::GrantRole(const identity::Principal& caller,
                                     const std::string& event_uuid,
                                     std::int64_t user_id,
                                     const std::string& role) {
    if (role != "co_organizer" && role != "checkin_staff") return ValidationError("role", "expected co_organizer or checkin_staff");
    const auto now = clock_.NowUnix();
    try {
        return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
            auto e = FindEvent(tx, event_uuid, Lock());
            if (!e) return NotFound();
            // Only the owner (or an admin) hands out roles: a co-organizer cannot make more co-organizers.
            if (!caller.IsAdmin() && caller.user_id != e->owner_id) return Forbidden();
            tx.Execute(kInsertRoleSql, {e->event_id, user_id, role, caller.user_id, now});
            Audit(tx, caller.user_id, "event.role_grant", event_uuid, {{"user_id", user_id}, {"role", role}}, now);
            return Ok();
        });
    } catch (const ports::StoreError& error) {
        if (error.kind() != ports::StoreError::Kind::kForeignKeyViolation) throw;
        return Error{"not_found", "user " + std::to_string(user_id) + " has never signed in", {{"field", "user_id"}}};
    }
}

Result<void> EventService::GrantRoleByUsername(const identity::Principal& caller,
                                               const std::string& event_uuid,
                                               const std::string& username,
                                               const std::string& role) {
    std::string name = username;
    if (!name.empty() && name.front() == '@') name.erase(0, 1);
    const bool valid =
        !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        });
    if (!valid)
        return ValidationError("username", "expected a Telegram @username (up to 32 letters, digits or _)");
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Telegram usernames are unique at any one time, but a name can move to another account: the user seen
    // most recently with it is the one meant.
    const auto found = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT user_id FROM users WHERE lower(username) = $1 ORDER BY updated_at DESC, user_id "
                "DESC LIMIT 1",
                {name});
        },
        {.read_only = true});
    if (found.empty()) {
        return Error{
            "not_found", "no user @" + name + " has signed in to Onton yet", {{"field", "username"}}};
    }
    return GrantRole(caller, event_uuid, AsInt(found.rows[0][0]), role);
}

Result<void> EventService::RevokeRole(const identity::Principal& caller,
                                      const std::string& event_uuid,
                                      std::int64_t user_id,
                                      const std::string& role) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (!caller.IsAdmin() && caller.user_id != e->owner_id) return Forbidden();
        tx.Execute(kDeleteRoleSql, {e->event_id, user_id, role});
        Audit(tx, caller.user_id, "event.role_revoke", event_uuid, {{"user_id", user_id}, {"role", role}}, now);
        return Ok();
    });
}

Result<json> EventService::ListRoles(const identity::Principal& caller, const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<json> {
            auto e = FindEvent(tx, event_uuid, "");
            if (!e) return NotFound();
            if (!CanManage(tx, caller, *e)) return Forbidden();
            json items = json::array();
            for (const auto& r : tx.Execute(kListRolesSql, {e->event_id}).rows) {
                items.push_back({{"user_id", AsInt(r[0])},
                                 {"role", AsText(r[1])},
                                 {"granted_by", AsOptionalInt(r[2]) ? json(*AsOptionalInt(r[2])) : json(nullptr)},
                                 {"created_at", AsInt(r[3])},
                                 {"username", AsOptionalText(r[4]) ? json(*AsOptionalText(r[4])) : json(nullptr)},
                                 {"first_name", AsText(r[5])}});
            }
            return json{{"items", items}};
        },
        {.read_only = true});
}

}  // namespace onton::events

namespace onton::events {

Result<TicketType> EventService::UpdateTicketType(const identity::Principal& caller,
                                                  const std::string& event_uuid,
                                                  std::int64_t ticket_type_id,
                                                  const json& patch) {
    const auto now = clock_.NowUnix();
    const auto code = NewAccessCode(random_);
    try {
        return store_.Transact([&](ports::Transaction& tx) -> Result<TicketType> {
            auto e = FindEvent(tx, event_uuid, Lock());
            if (!e) return NotFound();
            if (!CanManage(tx, caller, *e)) return Forbidden();
            if (e->status == "canceled" || e->status == "ended") {
                return Error{"state.invalid_transition",
                             "a " + e->status + " event's ticket types cannot be edited"};
            }
            auto t = FindTicketType(tx, e->event_id, ticket_type_id, Lock());
            if (!t) return Error{"not_found", "no such ticket type"};
            const auto before = *t;
            if (auto applied = ApplyTicketTypeFields(*t, patch, currencies_); !applied)
                return applied.error();
            const auto taken = before.sold + before.reserved;
            if (taken > 0) {
                auto sold_field = [&]() -> std::string {
                    if (t->price.units != before.price.units) return "price";
                    if (t->price.currency != before.price.currency) return "currency";
                    if (t->is_nft != before.is_nft) return "is_nft";
                    return "";
                }();
                if (!sold_field.empty()) {
                    return Error{"conflict",
                                 sold_field + " cannot change once tickets of this type are sold or reserved",
                                 {{"field", sold_field}}};
                }
            }
            if (t->supply && *t->supply < taken) {
                return ValidationError("supply",
                                       "must be at least " + std::to_string(taken) + " (sold and reserved)");
            }
            if (t->visibility == "hidden" && t->access_code.empty()) t->access_code = code;
            const auto changed = tx.Execute(kUpdateTicketTypeSql,
                                            {t->id,
                                             t->name,
                                             TextOrNull(t->description),
                                             t->price.units,
                                             std::string(money::Code(t->price.currency)),
                                             IntOrNull(t->supply),
                                             IntOrNull(t->per_user_limit),
                                             IntOrNull(t->sale_start),
                                             IntOrNull(t->sale_end),
                                             std::int64_t{t->is_nft ? 1 : 0},
                                             std::int64_t{t->transferable ? 1 : 0},
                                             t->visibility,
                                             TextOrNull(t->access_code),
                                             now});
            // The row is locked (or the SQLite write transaction holds the database): a miss is a broken
            // invariant.
            if (changed.rows_affected != 1) throw std::logic_error("ticket type changed under its lock");
            if (t->price.units > 0) tx.Execute(kMarkPaidEventSql, {e->event_id, std::int64_t{1}});
            t->updated_at = now;
            json fields = json::array();
            for (const auto& [key, value] : patch.items()) fields.push_back(key);
            Audit(tx,
                  caller.user_id,
                  "ticket_type.update",
                  event_uuid,
                  {{"ticket_type_id", t->id}, {"fields", fields}},
                  now);
            return *t;
        });
    } catch (const ports::StoreError& error) {
        if (error.kind() != ports::StoreError::Kind::kUniqueViolation) throw;
        return Error{"conflict", "this event already has a ticket type with that name", {{"field", "name"}}};
    }
}

Result<void> EventService::DeleteTicketType(const identity::Principal& caller,
                                            const std::string& event_uuid,
                                            std::int64_t ticket_type_id) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<void> {
        auto e = FindEvent(tx, event_uuid, Lock());
        if (!e) return NotFound();
        if (!CanManage(tx, caller, *e)) return Forbidden();
        if (!FindTicketType(tx, e->event_id, ticket_type_id, Lock())) {
            return Error{"not_found", "no such ticket type"};
        }
        if (tx.Execute(kDeleteTicketTypeSql, {ticket_type_id}).rows_affected != 1) {
            return Error{"conflict",
                         "tickets of this type have been ordered: hide it instead (visibility hidden)",
                         {{"field", "visibility"}}};
        }
        Audit(
            tx, caller.user_id, "ticket_type.delete", event_uuid, {{"ticket_type_id", ticket_type_id}}, now);
        return Ok();
    });
}

}  // namespace onton::events
