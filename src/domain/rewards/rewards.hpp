#pragma once
/// Rewards after an event (seed: reward worker): once an event has ended, every participant who was checked in
/// gets the event's `reward_points` and, when the event has `reward_sbt`, a soulbound token (TEP-85) minted by the
/// NFT manager. Each participant is rewarded once per event (the points row's unique key), however often the job
/// runs and across restarts; the grant, its Telegram message and the SBT request are written together.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::rewards {

struct GrantTally {
    std::int64_t granted = 0;       ///< participants rewarded in this run
    std::int64_t sbts_minted = 0;   ///< SBT requests that are now minted
    std::int64_t sbts_failed = 0;
};

struct Reward {
    std::string event_uuid;
    std::string event_title;
    std::int64_t points = 0;
    std::string sbt_state;  ///< none | pending | minted | failed
    std::int64_t created_at = 0;
};
nlohmann::json ToJson(const Reward& reward);

class RewardService {
public:
    /// Asks for the SBT of (user, event) and says where it stands: "created", "mint_request", "minted", "failed"
    /// (the NFT manager's RequestSbtMint); an error leaves the request pending for the next run.
    using SbtRequest = std::function<Result<std::string>(std::int64_t user_id, std::int64_t event_id)>;

    RewardService(ports::Store& store, const ports::Clock& clock);

    /// Rewards the checked-in participants of ended events (at most `batch` of them per run).
    std::int64_t GrantDue(std::int64_t batch = 500);
    /// Moves pending SBTs on through `request` (none without an NFT manager: they stay pending).
    GrantTally AdvanceSbts(const SbtRequest& request, std::int64_t batch = 100);

    /// The caller's rewards, newest first, and their points in all.
    struct Mine {
        std::int64_t total_points = 0;
        std::vector<Reward> items;
    };
    [[nodiscard]] Result<Mine> ListMine(const identity::Principal& caller);

private:
    ports::Store& store_;
    const ports::Clock& clock_;
};

}  // namespace onton::rewards
