#include "domain/rewards/rewards.hpp"

#include "domain/notifications/queue.hpp"

namespace onton::rewards {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsText;

/// Checked-in participants of ended events that reward something and who have no reward for it yet.
constexpr std::string_view kDueSql = R"(
SELECT DISTINCT t.holder_id, e.event_id, e.event_uuid, e.title, e.reward_points,
       CASE WHEN e.reward_sbt THEN 1 ELSE 0 END
FROM events e JOIN tickets t ON t.event_id = e.event_id AND t.check_in_status = 'checked_in'
WHERE e.end_date <= $1 AND e.status IN ('published', 'ended') AND (e.reward_points > 0 OR e.reward_sbt)
  AND NOT EXISTS (SELECT 1 FROM points p WHERE p.user_id = t.holder_id AND p.event_id = e.event_id AND
                  p.reason = 'check_in')
ORDER BY e.event_id, t.holder_id
LIMIT $2)";

constexpr std::string_view kGrantSql = R"(
INSERT INTO points (user_id, event_id, points, reason, sbt_state, created_at)
VALUES ($1, $2, $3, 'check_in', $4, $5)
ON CONFLICT (user_id, event_id, reason) DO NOTHING)";

}  // namespace

json ToJson(const Reward& reward) {
    return {{"event_uuid", reward.event_uuid},
            {"event_title", reward.event_title},
            {"points", reward.points},
            {"sbt_state", reward.sbt_state},
            {"created_at", reward.created_at}};
}

RewardService::RewardService(ports::Store& store, const ports::Clock& clock) : store_(store), clock_(clock) {}

std::int64_t RewardService::GrantDue(std::int64_t batch) {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) {
        std::int64_t granted = 0;
        for (const auto& row : tx.Execute(kDueSql, {now, batch}).rows) {
            const auto user = AsInt(row[0]);
            const auto event = AsInt(row[1]);
            const auto points = AsInt(row[4]);
            const bool sbt = AsInt(row[5]) != 0;
            // The unique key makes a concurrent run (another replica) grant nothing twice.
            if (tx.Execute(kGrantSql, {user, event, points, std::string(sbt ? "pending" : "none"), now}).rows_affected == 0) {
                continue;
            }
            ++granted;
            notifications::Queue(tx, user, "reward.granted",
                                 {{"event_uuid", AsText(row[2])}, {"title", AsText(row[3])}, {"points", points},
                                  {"sbt", sbt}},
                                 "reward.granted:" + std::to_string(event) + ":" + std::to_string(user), now);
        }
        return granted;
    });
}

GrantTally RewardService::AdvanceSbts(const SbtRequest& request, std::int64_t batch) {
    GrantTally tally;
    if (!request) return tally;
    const auto pending = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute("SELECT user_id, event_id FROM points WHERE sbt_state = 'pending' ORDER BY point_id LIMIT $1",
                              {batch});
        },
        {.read_only = true});
    for (const auto& row : pending.rows) {
        const auto user = AsInt(row[0]);
        const auto event = AsInt(row[1]);
        const auto state = request(user, event);
        if (!state || (*state != "minted" && *state != "failed")) continue;  // asked; look again next run
        store_.Transact([&](ports::Transaction& tx) {
            tx.Execute("UPDATE points SET sbt_state = $3 WHERE user_id = $1 AND event_id = $2 AND reason = 'check_in' "
                       "AND sbt_state = 'pending'",
                       {user, event, *state});
        });
        (*state == "minted" ? tally.sbts_minted : tally.sbts_failed) += 1;
    }
    return tally;
}

Result<RewardService::Mine> RewardService::ListMine(const identity::Principal& caller) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<Mine> {
            Mine out;
            const auto rs = tx.Execute(R"(
SELECT e.event_uuid, e.title, p.points, p.sbt_state, p.created_at
FROM points p JOIN events e ON e.event_id = p.event_id
WHERE p.user_id = $1
ORDER BY p.created_at DESC, p.point_id DESC
LIMIT 500)",
                                       {caller.user_id});
            for (const auto& row : rs.rows) {
                out.items.push_back({AsText(row[0]), AsText(row[1]), AsInt(row[2]), AsText(row[3]), AsInt(row[4])});
            }
            const auto total = tx.Execute("SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM points WHERE user_id = $1", {caller.user_id});
            out.total_points = AsInt(total.rows.at(0)[0]);
            return out;
        },
        {.read_only = true});
}

}  // namespace onton::rewards
