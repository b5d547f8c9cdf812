#include "app/routes.hpp"

#include "http/handlers/events.hpp"
#include "http/handlers/identity.hpp"
#include "http/handlers/live.hpp"
#include "http/handlers/media.hpp"
#include "http/handlers/nft.hpp"
#include "http/handlers/orders.hpp"
#include "http/handlers/refunds.hpp"
#include "http/handlers/registrations.hpp"
#include "http/handlers/rewards.hpp"
#include "http/handlers/sales.hpp"
#include "http/handlers/stars.hpp"
#include "http/handlers/telegram.hpp"
#include "http/handlers/web.hpp"

namespace onton::app {

void AddAllRoutes(http::Router& router, RouteServices services) {
    http::AddIdentityRoutes(router, services.identity, services.wallets);
    http::AddEventRoutes(router, services.events, services.identity, services.clock, services.public_url);
    http::AddOrderRoutes(router, services.orders, services.identity, services.usdt);
    if (services.stars != nullptr) http::AddStarsRoutes(router, *services.stars, services.identity);
    if (services.sales != nullptr) http::AddSalesRoutes(router, *services.sales, services.identity);
    http::AddRegistrationRoutes(router, services.registrations, services.identity);
    http::AddMediaRoutes(router,
                         {.media = services.media,
                          .events = services.events,
                          .identity = services.identity,
                          .public_url = services.public_url,
                          .max_image_bytes = services.max_image_bytes});
    if (services.refunds != nullptr) {
        http::AddRefundRoutes(router, *services.refunds, services.orders, services.identity);
    }
    if (services.rewards != nullptr) http::AddRewardRoutes(router, *services.rewards, services.identity);
    if (services.live != nullptr) http::AddLiveRoutes(router, *services.live, services.identity);
    if (services.bot != nullptr) {
        http::AddTelegramRoutes(router,
                                {.bot = *services.bot,
                                 .webhook_secret = services.telegram_webhook_secret,
                                 .bot_username = services.bot_username});
    }
    if (!services.web_dir.empty()) {
        http::AddWebRoutes(router,
                           {.web_dir = services.web_dir,
                            .events = services.events,
                            .public_url = services.public_url,
                            .bot_username = services.bot_username,
                            .tonconnect_manifest_url = services.tonconnect_manifest_url,
                            .tonconnect_wallets_url = services.tonconnect_wallets_url});
    }
    http::AddNftRoutes(router, services.nft);
    http::AddSystemRoutes(router, std::move(services.system));
}

}  // namespace onton::app
