#pragma once
/// Queues a notification for a user in the caller's transaction, once per dedupe key: the notification worker
/// (#5) sends what is pending. Writing it with the state change that causes it means it is never lost.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ports/store.hpp"

namespace onton::notifications {

void Queue(ports::Transaction& tx,
           std::int64_t user_id,
           std::string_view kind,
           const nlohmann::json& payload,
           const std::string& dedupe_key,
           std::int64_t now);

/// Queues one notification for every holder of a live ticket (valid or used) of the event, once per holder and
/// `dedupe_prefix` (the key is the prefix followed by the holder's id). Returns how many were queued.
std::int64_t QueueForHolders(ports::Transaction& tx,
                             std::int64_t event_id,
                             std::string_view kind,
                             const nlohmann::json& payload,
                             const std::string& dedupe_prefix,
                             std::int64_t now);

/// Reminders before an event starts, for every holder of a live ticket of a published event: `event.reminder`
/// with `"lead": "24h"` once less than 24 hours are left (unless less than an hour is), and with `"lead": "1h"` once
/// less than an hour is. Each goes out once per holder and event, however often this runs and across restarts (the
/// dedupe key). Runs periodically (serve, every minute); returns how many it queued.
std::int64_t QueueReminders(ports::Store& store, std::int64_t now, std::int64_t batch = 1000);

}  // namespace onton::notifications
