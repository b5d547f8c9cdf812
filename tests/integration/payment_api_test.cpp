// The purchase story over HTTP against the real binary and the real TON emulator: a participant orders a paid
// ticket, pays it from an emulator wallet with the order's comment, and the order turns paid with its ticket, on
// the order endpoint and on the live WebSocket that the participant's screen follows.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_client.hpp"
#include "support/emulator_control.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

TEST(PaymentApi, APaidOrderTurnsPaidWhenTheTransferArrives) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto platform = Control("POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "1000000000"}});
    TempDir dir;
    std::map<std::string, std::string> env = {{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
                                              {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")},
                                              {"ONTON_PLATFORM_WALLET_ADDRESS", platform["address"]}};
    ServeProcess server(env, dir.path());
    const ApiClient buyer(server.port(), env, 5151);
    const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + buyer.token()}};
    const auto type = buyer.PublishEventWithType("1500000000", 5);
    const auto placed = buyer.Post("/api/v1/orders", {{"event_uuid", type.event_uuid}, {"ticket_type_id", type.ticket_type_id}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    ASSERT_EQ(order["state"], "created");
    EXPECT_EQ(order["payment"]["address"], platform["address"]);
    EXPECT_EQ(order["payment"]["amount"], "1500000000");

    // The participant's screen follows the order live while the payment travels.
    WsClient live(server.port(), "/api/v1/ws", auth);
    live.Send(json{{"type", "subscribe"}, {"order_uuid", order["uuid"]}}.dump());
    EXPECT_EQ(live.ReadType("order")["order"]["state"], "created");

    Control("POST", "/transfer",
            json{{"from", 1}, {"to", order["payment"]["address"]}, {"amount_nano", order["payment"]["amount"]},
                 {"comment", order["payment"]["comment"]}});
    json seen;
    for (int i = 0; i < 300; ++i) {  // the watcher polls every 2 s; bounded wait, no timing asserted
        const auto got = buyer.Get("/api/v1/orders/" + order["uuid"].get<std::string>());
        seen = json::parse(got.body());
        if (seen["state"] == "paid") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(seen["state"], "paid") << server.Log();
    EXPECT_EQ(live.ReadType("order")["order"]["state"], "paid");  // pushed, not asked for
    const auto tickets = buyer.Get("/api/v1/me/tickets");
    EXPECT_EQ(json::parse(tickets.body())["items"].size(), 1U);
}

}  // namespace
}  // namespace onton::test
