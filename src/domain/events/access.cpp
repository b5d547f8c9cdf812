#include "domain/events/access.hpp"

namespace onton::events {

Access AccessTo(ports::Transaction& tx, const identity::Principal& caller, std::int64_t event_id, std::int64_t owner_id) {
    Access access{event_id, owner_id, false, false};
    if (caller.IsAdmin() || caller.user_id == owner_id) {
        access.manages = access.checks_in = true;
        return access;
    }
    for (const auto& row :
         tx.Execute("SELECT role FROM event_roles WHERE event_id = $1 AND user_id = $2", {event_id, caller.user_id}).rows) {
        const auto& role = ports::AsText(row[0]);
        access.manages = access.manages || role == "co_organizer";
        access.checks_in = access.checks_in || role == "co_organizer" || role == "checkin_staff";
    }
    return access;
}

std::optional<Access> AccessTo(ports::Transaction& tx, const identity::Principal& caller, const std::string& event_uuid) {
    const auto rs = tx.Execute("SELECT event_id, owner_id FROM events WHERE event_uuid = $1", {event_uuid});
    if (rs.empty()) return std::nullopt;
    return AccessTo(tx, caller, ports::AsInt(rs.rows[0][0]), ports::AsInt(rs.rows[0][1]));
}

}  // namespace onton::events
