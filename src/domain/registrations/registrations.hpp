#pragma once
/// Registrations for events that require approval: a guest applies (pending), a manager approves or rejects with a
/// reason, and the guest is told (a notification row the notification worker sends). Only approved guests may
/// order tickets of such an event (OrderService checks).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::registrations {

struct Registration {
    std::int64_t user_id = 0;
    std::string status;  ///< pending | approved | rejected
    std::string answer;
    std::string reason;
    std::optional<std::int64_t> decided_by;
    std::optional<std::int64_t> decided_at;
    std::int64_t created_at = 0;
    std::string username;
    std::string first_name;
};

nlohmann::json ToJson(const Registration& r);

class RegistrationService {
public:
    RegistrationService(ports::Store& store, const ports::Clock& clock);

    /// Applies (or re-applies after a rejection); idempotent while pending or approved.
    [[nodiscard]] Result<Registration> Apply(const identity::Principal& guest,
                                             const std::string& event_uuid,
                                             const std::string& answer);
    [[nodiscard]] Result<Registration> Mine(const identity::Principal& guest, const std::string& event_uuid);
    [[nodiscard]] Result<std::vector<Registration>> List(const identity::Principal& manager,
                                                         const std::string& event_uuid,
                                                         const std::string& status);
    /// pending → approved | rejected (a rejection needs a reason); queues the guest's notification once.
    [[nodiscard]] Result<Registration> Decide(const identity::Principal& manager,
                                              const std::string& event_uuid,
                                              std::int64_t user_id,
                                              bool approve,
                                              const std::string& reason);

private:
    ports::Store& store_;
    const ports::Clock& clock_;
};

}  // namespace onton::registrations
