#include "support/all_routes.hpp"

#include "adapters/media/filesystem_media.hpp"
#include "adapters/storage/store_factory.hpp"
#include "adapters/telegram/log_messenger.hpp"
#include "app/routes.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

namespace onton::test {

std::vector<RouteName> AllRoutes() {
    auto store = storage::OpenStore({.url = "sqlite::memory:"});
    FakeClock clock;
    FakeRandom random;
    identity::IdentityService identity(*store, clock, random, {});
    identity::WalletLinkService wallets(*store, clock, random, nullptr, {});
    events::EventService events(*store, clock, random);
    orders::OrderService orders(*store, clock, random, {});
    registrations::RegistrationService registrations(*store, clock);
    TempDir media_dir;
    media::FilesystemMedia media(media_dir.path());
    telegram_bot::LogMessenger messenger;
    bot::BotService bot(*store, messenger, clock, {});
    live::OrderFeed feed(*store, orders);
    rewards::RewardService rewards(*store, clock);
    payments::Refunds refunds(*store, clock, nullptr);
    payments::StarsPayments stars(*store, messenger, orders, clock);
    orders::SalesReports sales(*store);
    http::Router router;
    app::AddAllRoutes(router,
                      {.identity = identity,
                       .wallets = wallets,
                       .events = events,
                       .orders = orders,
                       .registrations = registrations,
                       .media = media,
                       .clock = clock,
                       .public_url = "",
                       .system = {},
                       .live = &feed,
                       .bot = &bot,
                       .telegram_webhook_secret = "",
                       .bot_username = "",
                       .web_dir = "web/dist",
                       .tonconnect_manifest_url = "",
                       .tonconnect_wallets_url = "",
                       .sales = &sales,
                       .rewards = &rewards,
                       .refunds = &refunds,
                       .stars = &stars});
    std::vector<RouteName> out;
    for (const auto& route : router.routes()) out.push_back({route.method, route.pattern});
    return out;
}

}  // namespace onton::test
