#include "domain/registrations/registrations.hpp"

#include "domain/events/access.hpp"
#include "domain/notifications/queue.hpp"

namespace onton::registrations {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kColumns =
    "r.user_id, r.status, r.answer, r.reason, r.decided_by, r.decided_at, r.created_at, u.username, u.first_name";

constexpr std::string_view kApplySql = R"(
INSERT INTO registrations (event_id, user_id, status, answer, created_at) VALUES ($1, $2, 'pending', $3, $4)
ON CONFLICT (event_id, user_id) DO UPDATE SET status = 'pending', answer = excluded.answer, reason = NULL,
    decided_by = NULL, decided_at = NULL, created_at = excluded.created_at
WHERE registrations.status = 'rejected')";

constexpr std::string_view kDecideSql = R"(
UPDATE registrations SET status = $3, reason = $4, decided_by = $5, decided_at = $6
WHERE event_id = $1 AND user_id = $2 AND status = 'pending')";

struct EventRow {
    std::int64_t event_id;
    std::int64_t owner_id;
    bool requires_approval;
    std::string status;
    std::string title;
};

std::optional<EventRow> FindEvent(ports::Transaction& tx, const std::string& uuid) {
    const auto rs =
        tx.Execute("SELECT event_id, owner_id, requires_approval, status, title FROM events WHERE event_uuid = $1", {uuid});
    if (rs.empty()) return std::nullopt;
    const auto& r = rs.rows[0];
    return EventRow{AsInt(r[0]), AsInt(r[1]), AsInt(r[2]) != 0, AsText(r[3]), AsText(r[4])};
}

bool Manages(ports::Transaction& tx, const identity::Principal& p, const EventRow& e) {
    return events::AccessTo(tx, p, e.event_id, e.owner_id).manages;
}

std::vector<Registration> Select(ports::Transaction& tx, const std::string& where, const ports::SqlParams& params) {
    const auto rs = tx.Execute("SELECT " + std::string(kColumns) +
                                   " FROM registrations r JOIN users u ON u.user_id = r.user_id WHERE " + where +
                                   " ORDER BY r.created_at, r.user_id",
                               params);
    std::vector<Registration> out;
    for (const auto& r : rs.rows) {
        out.push_back(Registration{AsInt(r[0]), AsText(r[1]), AsOptionalText(r[2]).value_or(""),
                                   AsOptionalText(r[3]).value_or(""), AsOptionalInt(r[4]), AsOptionalInt(r[5]),
                                   AsInt(r[6]), AsOptionalText(r[7]).value_or(""), AsText(r[8])});
    }
    return out;
}

}  // namespace

json ToJson(const Registration& r) {
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
    return {{"user_id", r.user_id},       {"status", r.status},         {"answer", text(r.answer)},
            {"reason", text(r.reason)},   {"decided_by", opt(r.decided_by)}, {"decided_at", opt(r.decided_at)},
            {"created_at", r.created_at}, {"username", text(r.username)}, {"first_name", r.first_name}};
}

RegistrationService::RegistrationService(ports::Store& store, const ports::Clock& clock) : store_(store), clock_(clock) {}

Result<Registration> RegistrationService::Apply(const identity::Principal& guest,
                                                const std::string& event_uuid,
                                                const std::string& answer) {
    if (answer.size() > 2000) return ValidationError("answer", "at most 2000 bytes");
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Registration> {
        const auto e = FindEvent(tx, event_uuid);
        if (!e || (e->status != "published" && !Manages(tx, guest, *e))) return Error{"not_found", "no such event"};
        if (!e->requires_approval) return Error{"conflict", "this event needs no registration: order directly"};
        if (e->status != "published") return Error{"ticket.sale_closed", "this event is not open for registration"};
        tx.Execute(kApplySql, {e->event_id, guest.user_id, ports::TextOrNull(answer), now});
        return Select(tx, "r.event_id = $1 AND r.user_id = $2", {e->event_id, guest.user_id}).front();
    });
}

Result<Registration> RegistrationService::Mine(const identity::Principal& guest, const std::string& event_uuid) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<Registration> {
            const auto e = FindEvent(tx, event_uuid);
            if (!e) return Error{"not_found", "no such event"};
            auto found = Select(tx, "r.event_id = $1 AND r.user_id = $2", {e->event_id, guest.user_id});
            if (found.empty()) return Error{"not_found", "you have not applied"};
            return found.front();
        },
        {.read_only = true});
}

Result<std::vector<Registration>> RegistrationService::List(const identity::Principal& manager,
                                                            const std::string& event_uuid,
                                                            const std::string& status) {
    if (!status.empty() && status != "pending" && status != "approved" && status != "rejected") {
        return ValidationError("status", "expected pending, approved or rejected");
    }
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<std::vector<Registration>> {
            const auto e = FindEvent(tx, event_uuid);
            if (!e) return Error{"not_found", "no such event"};
            if (!Manages(tx, manager, *e)) return Error{"auth.forbidden", "you do not manage this event"};
            if (status.empty()) return Select(tx, "r.event_id = $1", {e->event_id});
            return Select(tx, "r.event_id = $1 AND r.status = $2", {e->event_id, status});
        },
        {.read_only = true});
}

Result<Registration> RegistrationService::Decide(const identity::Principal& manager,
                                                 const std::string& event_uuid,
                                                 std::int64_t user_id,
                                                 bool approve,
                                                 const std::string& reason) {
    if (!approve && reason.find_first_not_of(" \t\n") == std::string::npos) {
        return ValidationError("reason", "say why: the guest is told");
    }
    if (reason.size() > 1000) return ValidationError("reason", "at most 1000 bytes");
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) -> Result<Registration> {
        const auto e = FindEvent(tx, event_uuid);
        if (!e) return Error{"not_found", "no such event"};
        if (!Manages(tx, manager, *e)) return Error{"auth.forbidden", "you do not manage this event"};
        const std::string status = approve ? "approved" : "rejected";
        const auto changed = tx.Execute(
            kDecideSql,
            {e->event_id, user_id, status, ports::TextOrNull(reason), manager.user_id, now});
        auto found = Select(tx, "r.event_id = $1 AND r.user_id = $2", {e->event_id, user_id});
        if (found.empty()) return Error{"not_found", "this user has not applied"};
        if (changed.rows_affected == 0) {
            if (found.front().status == status) return found.front();  // the same decision again
            return Error{"state.invalid_transition", "this application was already " + found.front().status};
        }
        // The guest hears about it through the notification worker; the dedupe key makes it once per decision.
        const json payload = {{"event_uuid", event_uuid}, {"title", e->title}, {"reason", reason}};
        notifications::Queue(tx, user_id, "registration." + status, payload,
                             "registration:" + event_uuid + ":" + std::to_string(user_id) + ":" + status + ":" +
                                 std::to_string(now),
                             now);
        return found.front();
    });
}

}  // namespace onton::registrations
