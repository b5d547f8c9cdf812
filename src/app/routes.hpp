#pragma once
/// Every route of the API, registered in one place: `onton serve` and the test that checks the OpenAPI document
/// against the router both call this.

#include <string>

#include "domain/bot/bot.hpp"
#include "domain/events/events.hpp"
#include "domain/identity/identity.hpp"
#include "domain/identity/wallet_link.hpp"
#include "domain/live/order_feed.hpp"
#include "domain/nft/manager.hpp"
#include "domain/orders/orders.hpp"
#include "domain/orders/sales.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/payments/stars.hpp"
#include "domain/registrations/registrations.hpp"
#include "domain/rewards/rewards.hpp"
#include "http/handlers/system.hpp"
#include "http/router.hpp"
#include "ports/media.hpp"

namespace onton::app {

struct RouteServices {
    identity::IdentityService& identity;
    identity::WalletLinkService& wallets;
    events::EventService& events;
    orders::OrderService& orders;
    registrations::RegistrationService& registrations;
    ports::MediaStore& media;
    std::uint64_t max_image_bytes = 5 * 1024 * 1024;
    const ports::Clock& clock;
    std::string public_url;
    http::SystemRoutesDeps system;
    live::OrderFeed* live = nullptr;  ///< the /api/v1/ws feed; null: no WebSocket route
    bot::BotService* bot = nullptr;  ///< the Telegram webhook's handler; null: no webhook route
    std::string telegram_webhook_secret;
    std::string bot_username;
    std::string web_dir;                    ///< the built web apps; empty: no static files and no event pages
    std::string tonconnect_manifest_url;    ///< named in the apps' pages; empty: the server's own
    std::string tonconnect_wallets_url;     ///< named in the apps' pages; empty: /tonconnect-wallets.json
    orders::SalesReports* sales = nullptr;  ///< null: no sales and event-orders routes
    nft::NftManager* nft = nullptr;  ///< null without a platform wallet: the NFT metadata routes answer 404
    rewards::RewardService* rewards = nullptr;  ///< null: no /api/v1/me/rewards
    payments::Refunds* refunds = nullptr;       ///< null: no admin refund route
    payments::JettonPayments* usdt = nullptr;   ///< null: USDT is not taken (the jetton-transfer route says so)
    payments::StarsPayments* stars = nullptr;   ///< null: no stars-invoice route (Stars are not taken)
};

void AddAllRoutes(http::Router& router, RouteServices services);

}  // namespace onton::app
