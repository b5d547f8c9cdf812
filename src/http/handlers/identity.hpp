#pragma once
/// Identity routes: `POST /api/v1/auth/telegram` (Mini App initData), `POST /api/v1/auth/telegram-login` (Login
/// Widget), `POST /api/v1/auth/logout`, `GET /api/v1/me`, and wallet linking with TON Connect: `POST
/// /api/v1/auth/ton-proof/payload`, `POST /api/v1/auth/ton-proof`, `DELETE /api/v1/me/wallet`.

#include "domain/identity/identity.hpp"
#include "domain/identity/wallet_link.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddIdentityRoutes(Router& router, identity::IdentityService& identity, identity::WalletLinkService& wallets);

/// The caller of an authenticated route, from `Authorization: Bearer <token>`; auth.* errors otherwise.
Result<identity::Principal> Authorize(const Request& request, identity::IdentityService& identity);

}  // namespace onton::http
