// The USDT purchase over HTTP against the real binary and the emulator's TEP-74 jetton: an organizer prices a
// ticket in USDT, a participant orders it, asks for the jetton transfer its wallet must send, sends exactly
// that message from an emulator wallet (as TON Connect would), and the order turns paid; an admin refund
// brings the USDT back to the payer's jetton balance. Without a jetton master USDT is refused; a wrong one
// stops the server.
#include <gtest/gtest.h>

#include <thread>

#include "support/api_client.hpp"
#include "support/emulator_control.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kBuyer = 6262;

json Event(const ApiClient& client) {
    const auto event = client.Post("/api/v1/events",
                                   {{"title", "Tether night"},
                                    {"description", "Bring USDT"},
                                    {"start_date", 4'000'000'000},
                                    {"end_date", 4'000'003'600},
                                    {"participation_type", "in_person"},
                                    {"location", "Dubai"}});
    EXPECT_EQ(event.result_int(), 201U) << event.body();
    return json::parse(event.body());
}

std::int64_t Balance(const std::string& owner) {
    return std::stoll(Control("GET", "/jetton/balance?owner=" + owner)["balance"].get<std::string>());
}

TEST(UsdtApi, AUsdtPurchasePaidThroughTheJettonTransferMessageAndRefunded) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto platform = Control(
        "POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "5000000000"}, {"jetton_units", "0"}});
    const auto payer =
        Control("POST",
                "/wallets",
                json{{"version", "v5r1"}, {"balance_nano", "2000000000"}, {"jetton_units", "9000000"}});
    const auto master = Control("GET", "/jetton")["master"].get<std::string>();
    TempDir dir;
    std::map<std::string, std::string> env = {
        {"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
        {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")},
        {"ONTON_PLATFORM_WALLET_MNEMONIC", platform["mnemonic"]},
        {"ONTON_USDT_JETTON_MASTER", master},
        {"ONTON_AUTH_SESSION_CACHE_SECONDS", "0"}};
    ServeProcess server(env, dir.path());
    const ApiClient buyer(server.port(), env, kBuyer);
    const auto event = Event(buyer);
    const std::string uuid = event["event_uuid"];
    const auto type =
        buyer.Post("/api/v1/events/" + uuid + "/ticket-types",
                   {{"name", "Tether"}, {"price", "5000000"}, {"currency", "USDT"}, {"supply", 5}});
    ASSERT_EQ(type.result_int(), 201U) << type.body();
    const auto ton_type = buyer.Post("/api/v1/events/" + uuid + "/ticket-types",
                                     {{"name", "Toncoin"}, {"price", "1000000000"}, {"supply", 5}});
    ASSERT_EQ(ton_type.result_int(), 201U) << ton_type.body();
    ASSERT_EQ(buyer.Post("/api/v1/events/" + uuid + "/publish").result_int(), 200U);

    const auto placed = buyer.Post(
        "/api/v1/orders", {{"event_uuid", uuid}, {"ticket_type_id", json::parse(type.body())["id"]}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    const std::string order_uuid = order["uuid"];
    EXPECT_EQ(order["currency"], "USDT");
    EXPECT_EQ(order["payment"]["method"], "jetton_transfer");
    EXPECT_EQ(order["payment"]["jetton_master"], master);
    EXPECT_EQ(order["payment"]["address"], platform["address"]);
    EXPECT_EQ(order["payment"]["amount"], "5000000");

    // The payment screen asks for the connected wallet's message...
    const auto asked = buyer.Get("/api/v1/orders/" + order_uuid +
                                 "/jetton-transfer?owner=" + payer["address"].get<std::string>());
    ASSERT_EQ(asked.result_int(), 200U) << asked.body();
    const auto message = json::parse(asked.body());
    EXPECT_EQ(message["jetton_wallet"], payer["jetton_wallet"])
        << "the payer's own jetton wallet, from the master";
    EXPECT_EQ(message["jetton_amount"], "5000000");
    EXPECT_EQ(message["comment"], order["payment"]["comment"]);
    // ...and the wallet sends exactly that: {address, amount, payload}, bounceable, as TON Connect does.
    const auto sent = Control("POST",
                              "/transfer",
                              json{{"from", payer["address"]},
                                   {"to", message["jetton_wallet"]},
                                   {"amount_nano", message["amount"]},
                                   {"body", message["payload"]},
                                   {"bounce", true}});
    for (const auto& t : sent["transactions"]) EXPECT_FALSE(t["aborted"].get<bool>()) << sent.dump();

    json seen;
    for (int i = 0; i < 300; ++i) {  // the watcher polls every 2 s; bounded wait, no timing asserted
        seen = json::parse(buyer.Get("/api/v1/orders/" + order_uuid).body());
        if (seen["state"] == "paid") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_EQ(seen["state"], "paid") << server.Log();
    EXPECT_EQ(json::parse(buyer.Get("/api/v1/me/tickets").body())["items"].size(), 1U);
    EXPECT_EQ(Balance(platform["address"]), 5'000'000);
    EXPECT_EQ(Balance(payer["address"]), 4'000'000);

    // Refusals: a TON order has no jetton transfer, a paid order needs none, the owner must be an address.
    const auto ton_order = buyer.Post(
        "/api/v1/orders", {{"event_uuid", uuid}, {"ticket_type_id", json::parse(ton_type.body())["id"]}});
    ASSERT_EQ(ton_order.result_int(), 201U);
    const std::string ton_uuid = json::parse(ton_order.body())["uuid"];
    const std::string owner = "?owner=" + payer["address"].get<std::string>();
    EXPECT_EQ(buyer.Get("/api/v1/orders/" + ton_uuid + "/jetton-transfer" + owner).result_int(), 409U);
    const auto settled = buyer.Get("/api/v1/orders/" + order_uuid + "/jetton-transfer" + owner);
    EXPECT_EQ(settled.result_int(), 409U);
    EXPECT_EQ(json::parse(settled.body())["error"]["code"], "state.invalid_transition");
    const auto bad = buyer.Get("/api/v1/orders/" + ton_uuid + "/jetton-transfer?owner=nope");
    EXPECT_EQ(bad.result_int(), 422U);

    // An admin refunds it: the USDT goes back through the platform's jetton wallet to the payer.
    ASSERT_EQ(RunOnton({"admin", "grant-admin", std::to_string(kBuyer)}, env).exit_code, 0);
    const auto refunded = buyer.Post("/api/v1/admin/orders/" + order_uuid + "/refund");
    ASSERT_EQ(refunded.result_int(), 200U) << refunded.body();
    EXPECT_EQ(json::parse(refunded.body())["state"], "refunded");
    for (int i = 0; i < 600 && Balance(payer["address"]) != 9'000'000; ++i) {  // refunds run every 5 s
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(Balance(payer["address"]), 9'000'000) << server.Log();
    EXPECT_EQ(Balance(platform["address"]), 0);
}

TEST(UsdtApi, WithoutAMasterUsdtIsNotTakenAndAWrongMasterStopsTheServer) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto platform =
        Control("POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "1000000000"}});
    TempDir dir;
    std::map<std::string, std::string> env = {
        {"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
        {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")},
        {"ONTON_PLATFORM_WALLET_ADDRESS", platform["address"]}};
    {
        ServeProcess server(env, dir.path());
        const ApiClient organizer(server.port(), env, 6263);
        const auto event = Event(organizer);
        const auto type =
            organizer.Post("/api/v1/events/" + event["event_uuid"].get<std::string>() + "/ticket-types",
                           {{"name", "Tether"}, {"price", "5000000"}, {"currency", "USDT"}});
        EXPECT_EQ(type.result_int(), 422U) << type.body();
        EXPECT_NE(type.body().find("expected TON"), std::string::npos) << type.body();
    }
    // A wallet is no jetton master: the server does not start, and says which setting is wrong.
    env["ONTON_USDT_JETTON_MASTER"] = platform["address"];
    const auto run = RunOnton({"serve"}, env);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("ONTON_USDT_JETTON_MASTER"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace onton::test
