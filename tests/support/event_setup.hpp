#pragma once
/// A draft in-person event for domain-level tests, starting a day after `now`; throws when the service refuses it.
/// Link onton_domain.

#include <stdexcept>
#include <string>

#include "domain/events/events.hpp"

namespace onton::test {

inline std::string CreateDraftEvent(events::EventService& events,
                                    const identity::Principal& owner,
                                    std::int64_t now,
                                    const std::string& title) {
    const auto e = events.Create(owner,
                                 {{"title", title},
                                  {"description", "A test event"},
                                  {"start_date", now + 86400},
                                  {"end_date", now + 90000},
                                  {"participation_type", "in_person"},
                                  {"location", "Berlin"}});
    if (!e) throw std::runtime_error("cannot create the test event: " + e.error().message);
    return e->event_uuid;
}

}  // namespace onton::test
