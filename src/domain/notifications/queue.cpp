#include "domain/notifications/queue.hpp"

namespace onton::notifications {
namespace {
constexpr std::string_view kQueueSql = R"(
INSERT INTO notifications (user_id, kind, payload, status, dedupe_key, scheduled_at, created_at)
VALUES ($1, $2, $3, 'pending', $4, $5, $5)
ON CONFLICT (dedupe_key) DO NOTHING)";
}  // namespace

void Queue(ports::Transaction& tx,
           std::int64_t user_id,
           std::string_view kind,
           const nlohmann::json& payload,
           const std::string& dedupe_key,
           std::int64_t now) {
    tx.Execute(kQueueSql, {user_id, std::string(kind), payload.dump(), dedupe_key, now});
}

}  // namespace onton::notifications
