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

}  // namespace onton::notifications
