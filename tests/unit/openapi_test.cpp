// Every route the server registers is in docs/openapi.yaml with its method, and the document names no path the
// server lacks: API drift fails here.
#include <gtest/gtest.h>

#include "adapters/media/filesystem_media.hpp"
#include "adapters/storage/store_factory.hpp"
#include "adapters/telegram/log_messenger.hpp"
#include "app/routes.hpp"
#include "common/embedded.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

namespace onton::app {
namespace {

/// The block of the document under `  <path>:`, up to the next path; empty when the path is absent.
std::string PathBlock(std::string_view doc, const std::string& path) {
    const auto key = "\n  " + path + ":\n";
    const auto at = doc.find(key);
    if (at == std::string_view::npos) return {};
    const auto end = doc.find("\n  /", at + key.size() - 1);
    return std::string(doc.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
}

TEST(OpenApi, DocumentsEveryRoute) {
    const auto doc = embedded::Find(embedded::Documents(), "openapi.yaml");
    ASSERT_FALSE(doc.empty());
    auto store = storage::OpenStore({.url = "sqlite::memory:"});
    test::FakeClock clock;
    test::FakeRandom random;
    identity::IdentityService identity(*store, clock, random, {});
    identity::WalletLinkService wallets(*store, clock, random, nullptr, {});
    events::EventService events(*store, clock, random);
    orders::OrderService orders(*store, clock, random, {});
    registrations::RegistrationService registrations(*store, clock);
    test::TempDir media_dir;
    media::FilesystemMedia media(media_dir.path());
    telegram_bot::LogMessenger messenger;
    bot::BotService bot(*store, messenger, clock, {});
    live::OrderFeed feed(*store, orders);
    rewards::RewardService rewards(*store, clock);
    payments::Refunds refunds(*store, clock, nullptr);
    payments::StarsPayments stars(*store, messenger, orders, clock);
    orders::SalesReports sales(*store);
    http::Router router;
    AddAllRoutes(router,
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
    ASSERT_GT(router.routes().size(), 15U);
    for (const auto& route : router.routes()) {
        const auto block = PathBlock(doc, route.pattern);
        ASSERT_FALSE(block.empty()) << route.pattern << " is not in docs/openapi.yaml";
        auto method = std::string(boost::beast::http::to_string(route.method));
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
        EXPECT_NE(block.find("\n    " + method + ":"), std::string::npos)
            << route.pattern << " " << method << " is not in docs/openapi.yaml";
    }
    // And the other way round: no documented path without a route.
    std::size_t at = 0;
    while ((at = doc.find("\n  /", at)) != std::string_view::npos) {
        const auto end = doc.find(":\n", at);
        const auto path = std::string(doc.substr(at + 3, end - at - 3));
        const bool routed = std::any_of(router.routes().begin(), router.routes().end(),
                                        [&](const http::Route& r) { return r.pattern == path; });
        EXPECT_TRUE(routed) << path << " is documented but not routed";
        at = end;
    }
}

}  // namespace
}  // namespace onton::app
