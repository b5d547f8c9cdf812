#pragma once
/// `GET /api/v1/me/rewards`: the caller's points and soulbound tokens from events they attended.

#include "domain/identity/identity.hpp"
#include "domain/rewards/rewards.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddRewardRoutes(Router& router, rewards::RewardService& rewards, identity::IdentityService& identity);

}  // namespace onton::http
