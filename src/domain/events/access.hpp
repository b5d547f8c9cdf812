#pragma once
/// Who the caller is to one event: the single place that decides who manages an event (owner, co-organizer, admin)
/// and who checks its guests in (those, plus check-in staff). Every module asks here.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/identity/identity.hpp"
#include "ports/store.hpp"

namespace onton::events {

struct Access {
    std::int64_t event_id = 0;
    std::int64_t owner_id = 0;
    bool manages = false;    ///< may edit, publish, cancel, see guests and sales
    bool checks_in = false;  ///< may scan tickets and see the guest list
};

/// Reads the event's owner and the caller's roles inside `tx`; nullopt when there is no such event.
std::optional<Access> AccessTo(ports::Transaction& tx, const identity::Principal& caller, const std::string& event_uuid);

/// The same for an event whose id and owner are already known.
Access AccessTo(ports::Transaction& tx, const identity::Principal& caller, std::int64_t event_id, std::int64_t owner_id);

}  // namespace onton::events
