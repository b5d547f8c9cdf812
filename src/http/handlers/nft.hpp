#pragma once
/// TEP-64 off-chain metadata of the platform's NFT collections and items, public (wallets and explorers fetch it):
/// GET /nft/events/{event_uuid}/collection.json, /nft/events/{event_uuid}/items/{index}.json and the same under
/// /nft/events/{event_uuid}/sbt/ for reward SBTs.

#include "domain/nft/manager.hpp"
#include "http/router.hpp"

namespace onton::http {

/// `nft` may be null (no platform wallet configured): the routes then answer 404.
void AddNftRoutes(Router& router, nft::NftManager* nft);

}  // namespace onton::http
