// NFT tickets over HTTP against the real binary and the real TON emulator: `onton serve` derives its platform
// wallet from the mnemonic, an organizer publishes an event with an NFT ticket type, a participant with a linked
// wallet buys and pays from an emulator wallet, and the ticket shows its NFT minted on chain; the metadata routes
// serve the collection and the item. A configured address that is not the mnemonic's stops the server.
#include <gtest/gtest.h>

#include <thread>

#include "adapters/storage/store_factory.hpp"
#include "support/emulator_control.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

std::map<std::string, std::string> ServeEnv(const TempDir& dir, const json& platform) {
    return {{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
            {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")},
            {"ONTON_PLATFORM_WALLET_MNEMONIC", platform["mnemonic"].get<std::string>()},
            {"ONTON_PLATFORM_WALLET_VERSION", platform["version"].get<std::string>()},
            {"ONTON_NFT_SWEEP_SECONDS", "1"},
            {"ONTON_PUBLIC_URL", "https://tickets.example"}};
}

void Story(ServeProcess& server, std::map<std::string, std::string>& env, const json& platform, const json& buyer_wallet);

TEST(NftApi, APaidNftTicketShowsItsMintedNft) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto platform = Control("POST", "/wallets", json{{"version", "v4r2"}, {"balance_nano", "5000000000"}});
    const auto buyer_wallet = Control("POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "3000000000"}});
    TempDir dir;
    auto env = ServeEnv(dir, platform);
    ServeProcess server(env, dir.path());
    try {
        Story(server, env, platform, buyer_wallet);
    } catch (const std::exception& e) {
        FAIL() << e.what() << "\n" << server.Log();
    }
}

void Story(ServeProcess& server, std::map<std::string, std::string>& env, const json& platform, const json& buyer_wallet) {
    const auto init = RunOnton({"admin", "init-data", "--user-id", "6161"}, env);
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
    // The wallet-linking endpoint is another change (ton_proof); link the wallet in the database meanwhile.
    {
        storage::StoreSettings settings;
        settings.url = env["ONTON_DATABASE_URL"];
        settings.pool_size = 1;
        auto store = storage::OpenStore(settings);
        store->InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE users SET wallet_address = $1 WHERE user_id = 6161",
                       {buyer_wallet["address"].get<std::string>()});
        });
    }
    const auto event = post("/api/v1/events",
                            {{"title", "Collectors night"},
                             {"description", "Every ticket is an NFT"},
                             {"start_date", 4'000'000'000},
                             {"end_date", 4'000'003'600},
                             {"participation_type", "in_person"},
                             {"location", "Lisbon"}});
    ASSERT_EQ(event.result_int(), 201U) << event.body();
    const auto uuid = json::parse(event.body())["event_uuid"].get<std::string>();
    const auto type = post("/api/v1/events/" + uuid + "/ticket-types",
                           {{"name", "Collectible"}, {"price", "700000000"}, {"supply", 5}, {"is_nft", true}});
    ASSERT_EQ(type.result_int(), 201U) << type.body();
    ASSERT_EQ(post("/api/v1/events/" + uuid + "/publish", json::object()).result_int(), 200U);
    const auto placed = post("/api/v1/orders", {{"event_uuid", uuid}, {"ticket_type_id", json::parse(type.body())["id"]}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    EXPECT_EQ(order["payment"]["address"], platform["address"]);  // derived from the mnemonic
    Control("POST", "/transfer",
            json{{"from", buyer_wallet["address"]}, {"to", order["payment"]["address"]},
                 {"amount_nano", order["payment"]["amount"]}, {"comment", order["payment"]["comment"]}});
    json ticket;
    for (int i = 0; i < 600; ++i) {  // watcher and NFT sweep run every 1-2 s; bounded wait, no timing asserted
        const auto got = Request(server.port(), "GET", "/api/v1/me/tickets", "", "", auth);
        const auto items = json::parse(got.body())["items"];
        if (!items.empty()) ticket = items[0];
        if (ticket.is_object() && ticket["nft"].is_object() && ticket["nft"]["state"] == "minted") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(ticket.is_object() && ticket["nft"].is_object()) << ticket.dump() << server.Log();
    EXPECT_EQ(ticket["nft"]["state"], "minted") << server.Log();
    EXPECT_EQ(ticket["nft"]["index"], 0);
    EXPECT_TRUE(ticket["nft"]["address"].is_string());

    const auto collection = Request(server.port(), "GET", "/nft/events/" + uuid + "/collection.json");
    ASSERT_EQ(collection.result_int(), 200U) << collection.body();
    EXPECT_EQ(json::parse(collection.body())["name"], "Collectors night");
    const auto item = Request(server.port(), "GET", "/nft/events/" + uuid + "/items/0.json");
    ASSERT_EQ(item.result_int(), 200U) << item.body();
    EXPECT_EQ(json::parse(item.body())["name"], "Collectors night — Collectible #0");
    EXPECT_EQ(Request(server.port(), "GET", "/nft/events/" + uuid + "/items/7.json").result_int(), 404U);
    EXPECT_EQ(Request(server.port(), "GET", "/nft/events/" + uuid + "/items/x.json").result_int(), 404U);
    EXPECT_EQ(Request(server.port(), "GET", "/nft/events/" + uuid + "/sbt/collection.json").result_int(), 404U);
    // The mnemonic never reaches the log.
    EXPECT_EQ(server.Log().find(platform["mnemonic"].get<std::string>()), std::string::npos);
}

TEST(NftApi, AnAddressThatIsNotTheMnemonicsStopsTheServer) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto platform = Control("GET", "/wallets")["platform"];
    const auto other = Control("GET", "/wallets")["wallets"][0];
    TempDir dir;
    auto env = ServeEnv(dir, platform);
    env["ONTON_PLATFORM_WALLET_ADDRESS"] = other["address"].get<std::string>();
    const auto run = RunOnton({"serve"}, env);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("is not the wallet of the mnemonic"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(platform["mnemonic"].get<std::string>()), std::string::npos);
}

}  // namespace
}  // namespace onton::test
