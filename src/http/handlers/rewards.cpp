#include "http/handlers/rewards.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {

void AddRewardRoutes(Router& router, rewards::RewardService& rewards, identity::IdentityService& identity) {
    router.Add(Verb::get, "/api/v1/me/rewards", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto mine = rewards.ListMine(*caller);
        if (!mine) return Fail(mine.error(), req);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& r : mine->items) items.push_back(rewards::ToJson(r));
        return Response::Json(Status::ok, {{"total_points", mine->total_points}, {"items", items}});
    });
}

}  // namespace onton::http
