// The purchase story over HTTP against the real binary and the real TON emulator: a participant orders a paid
// ticket, pays it from an emulator wallet with the order's comment, and the order turns paid with its ticket.
#include <gtest/gtest.h>

#include <thread>

#include "support/emulator_control.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

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
    const auto init = RunOnton({"admin", "init-data", "--user-id", "5151"}, env);
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto init_data = init.out;
    while (!init_data.empty() && init_data.back() == '\n') init_data.pop_back();
    const auto signed_in = Request(server.port(), "POST", "/api/v1/auth/telegram", json{{"init_data", init_data}}.dump());
    ASSERT_EQ(signed_in.result_int(), 200U) << signed_in.body();
    const std::vector<std::pair<std::string, std::string>> auth = {
        {"Authorization", "Bearer " + json::parse(signed_in.body())["token"].get<std::string>()}};
    const auto post = [&](const std::string& target, const json& body) {
        return Request(server.port(), "POST", target, body.dump(), "application/json", auth);
    };
    const auto event = post("/api/v1/events",
                            {{"title", "TON meetup"},
                             {"description", "Pay in TON"},
                             {"start_date", 4'000'000'000},
                             {"end_date", 4'000'003'600},
                             {"participation_type", "in_person"},
                             {"location", "Dubai"}});
    ASSERT_EQ(event.result_int(), 201U) << event.body();
    const auto uuid = json::parse(event.body())["event_uuid"].get<std::string>();
    const auto type =
        post("/api/v1/events/" + uuid + "/ticket-types", {{"name", "Paid"}, {"price", "1500000000"}, {"supply", 5}});
    ASSERT_EQ(type.result_int(), 201U) << type.body();
    ASSERT_EQ(post("/api/v1/events/" + uuid + "/publish", json::object()).result_int(), 200U);
    const auto placed = post("/api/v1/orders", {{"event_uuid", uuid}, {"ticket_type_id", json::parse(type.body())["id"]}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    ASSERT_EQ(order["state"], "created");
    EXPECT_EQ(order["payment"]["address"], platform["address"]);
    EXPECT_EQ(order["payment"]["amount"], "1500000000");

    Control("POST", "/transfer",
            json{{"from", 1}, {"to", order["payment"]["address"]}, {"amount_nano", order["payment"]["amount"]},
                 {"comment", order["payment"]["comment"]}});
    json seen;
    for (int i = 0; i < 300; ++i) {  // the watcher polls every 2 s; bounded wait, no timing asserted
        const auto got = Request(server.port(), "GET", "/api/v1/orders/" + order["uuid"].get<std::string>(), "", "", auth);
        seen = json::parse(got.body());
        if (seen["state"] == "paid") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(seen["state"], "paid") << server.Log();
    const auto tickets = Request(server.port(), "GET", "/api/v1/me/tickets", "", "", auth);
    EXPECT_EQ(json::parse(tickets.body())["items"].size(), 1U);
}

}  // namespace
}  // namespace onton::test
