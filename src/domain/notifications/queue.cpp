#include "domain/notifications/queue.hpp"

namespace onton::notifications {
namespace {
constexpr std::string_view kQueueSql = R"(
INSERT INTO notifications (user_id, kind, payload, status, dedupe_key, scheduled_at, created_at)
VALUES ($1, $2, $3, 'pending', $4, $5, $5)
ON CONFLICT (dedupe_key) DO NOTHING)";

// Casts tell PostgreSQL the parameters' types, which a SELECT list cannot infer. The SELECT's WHERE also keeps SQLite from reading ON CONFLICT as part of a join.
constexpr std::string_view kQueueForHoldersSql = R"(
INSERT INTO notifications (user_id, kind, payload, status, dedupe_key, scheduled_at, created_at)
SELECT DISTINCT t.holder_id, CAST($2 AS TEXT), CAST($3 AS TEXT), 'pending', CAST($4 AS TEXT) || CAST(t.holder_id AS TEXT),
       CAST($5 AS BIGINT), CAST($5 AS BIGINT)
FROM tickets t
WHERE t.event_id = $1 AND t.status IN ('valid', 'used')
ON CONFLICT (dedupe_key) DO NOTHING)";

/// Events with holders due a reminder of this lead that they have not been queued yet: (event id, uuid, title,
/// start). `$1` now, `$2` the window's far edge, `$3` its near edge, `$4` the dedupe prefix, `$5` the batch.
constexpr std::string_view kDueRemindersSql = R"(
SELECT DISTINCT e.event_id, e.event_uuid, e.title, e.start_date
FROM events e JOIN tickets t ON t.event_id = e.event_id AND t.status IN ('valid', 'used')
WHERE e.status = 'published' AND e.start_date > CAST($1 AS BIGINT) + CAST($3 AS BIGINT)
  AND e.start_date <= CAST($1 AS BIGINT) + CAST($2 AS BIGINT)
  AND NOT EXISTS (SELECT 1 FROM notifications n
                  WHERE n.dedupe_key = CAST($4 AS TEXT) || CAST(e.event_id AS TEXT) || ':' || CAST(t.holder_id AS TEXT))
ORDER BY e.start_date
LIMIT $5)";

struct Lead {
    const char* name;
    std::int64_t far_seconds;   ///< reminded once the start is at most this far away
    std::int64_t near_seconds;  ///< ... and still more than this far
};
constexpr Lead kLeads[] = {{"24h", 24 * 3600, 3600}, {"1h", 3600, 0}};
}  // namespace

void Queue(ports::Transaction& tx,
           std::int64_t user_id,
           std::string_view kind,
           const nlohmann::json& payload,
           const std::string& dedupe_key,
           std::int64_t now) {
    tx.Execute(kQueueSql, {user_id, std::string(kind), payload.dump(), dedupe_key, now});
}

std::int64_t QueueForHolders(ports::Transaction& tx,
                             std::int64_t event_id,
                             std::string_view kind,
                             const nlohmann::json& payload,
                             const std::string& dedupe_prefix,
                             std::int64_t now) {
    return tx.Execute(kQueueForHoldersSql, {event_id, std::string(kind), payload.dump(), dedupe_prefix, now})
        .rows_affected;
}

std::int64_t QueueReminders(ports::Store& store, std::int64_t now, std::int64_t batch) {
    std::int64_t queued = 0;
    for (const auto& lead : kLeads) {
        const std::string prefix = std::string("event.reminder.") + lead.name + ":";
        queued += store.Transact([&](ports::Transaction& tx) {
            std::int64_t n = 0;
            const auto due = tx.Execute(kDueRemindersSql, {now, lead.far_seconds, lead.near_seconds, prefix, batch});
            for (const auto& row : due.rows) {
                const auto event_id = ports::AsInt(row[0]);
                const nlohmann::json payload{{"event_uuid", ports::AsText(row[1])},
                                             {"title", ports::AsText(row[2])},
                                             {"start_date", ports::AsInt(row[3])},
                                             {"lead", lead.name}};
                n += QueueForHolders(tx, event_id, "event.reminder", payload,
                                     prefix + std::to_string(event_id) + ":", now);
            }
            return n;
        });
    }
    return queued;
}

}  // namespace onton::notifications
