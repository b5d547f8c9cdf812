#pragma once
/// Event routes: create, list (discovery), get, edit, publish, cancel, clone; ticket types; co-organizer and
/// check-in staff roles; the `.ics` calendar file.

#include "domain/events/events.hpp"
#include "domain/identity/identity.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddEventRoutes(Router& router,
                    events::EventService& events,
                    identity::IdentityService& identity,
                    const ports::Clock& clock,
                    std::string public_url);

/// RFC 5545 calendar file for one event.
std::string EventIcs(const events::Event& event, const std::string& public_url, std::int64_t now);

}  // namespace onton::http
