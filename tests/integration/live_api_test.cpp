// The live-update WebSocket (/api/v1/ws) over the real binary, on SQLite and on the PostgreSQL fixture: sign-in
// rules, who may follow which order, and a change made through the API reaching the socket. The payment story
// (an order turning paid on the socket when the emulator's transfer arrives) is in payment_api_test.cpp.
#include <gtest/gtest.h>

#include <memory>

#include "support/api_client.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

class LiveApi : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgres") {
            pg_ = std::make_unique<PgDatabase>();
            env_["ONTON_DATABASE_URL"] = pg_->url();
            const auto migrated = RunOnton({"migrate"}, env_);  // PostgreSQL is migrated by its operator
            ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
        } else {
            env_["ONTON_DATABASE_URL"] = "sqlite://" + (dir_.path() / "onton.db").string();
        }
        env_["ONTON_WS_POLL_MS"] = "100";
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
        buyer_ = std::make_unique<ApiClient>(server_->port(), env_, 7001);
        other_ = std::make_unique<ApiClient>(server_->port(), env_, 7002);
    }

    std::string PlaceOrder(const ApiClient& who) {
        const auto type = who.PublishEventWithType("2000000000", 10);
        const auto placed = who.Post("/api/v1/orders", {{"event_uuid", type.event_uuid}, {"ticket_type_id", type.ticket_type_id}});
        EXPECT_EQ(placed.result_int(), 201U) << placed.body();
        return json::parse(placed.body())["uuid"].get<std::string>();
    }

    std::uint16_t port() const { return server_->port(); }

    TempDir dir_;
    std::unique_ptr<PgDatabase> pg_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
    std::unique_ptr<ApiClient> buyer_;
    std::unique_ptr<ApiClient> other_;
};

TEST_P(LiveApi, FollowsAnOrderAndSeesItsChangeWithoutAsking) {
    const auto uuid = PlaceOrder(*buyer_);
    WsClient ws(port(), "/api/v1/ws");
    EXPECT_EQ(ws.ReadType("hello")["user_id"], nullptr);
    ws.Send(json{{"type", "auth"}, {"token", buyer_->token()}}.dump());
    EXPECT_EQ(ws.ReadType("authenticated")["user_id"], 7001);
    ws.Send(json{{"type", "subscribe"}, {"order_uuid", uuid}}.dump());
    EXPECT_EQ(ws.ReadType("subscribed")["order_uuid"], uuid);
    const auto now = ws.ReadType("order");
    EXPECT_EQ(now["order"]["uuid"], uuid);
    EXPECT_EQ(now["order"]["state"], "created");

    ASSERT_EQ(buyer_->Post("/api/v1/orders/" + uuid + "/cancel").result_int(), 200U);
    const auto changed = ws.ReadType("order");  // pushed by the server: the client asked nothing more
    EXPECT_EQ(changed["order"]["uuid"], uuid);
    EXPECT_EQ(changed["order"]["state"], "canceled");

    ws.Send(R"({"type":"ping"})");
    ws.ReadType("pong");
    ws.Close();
}

TEST_P(LiveApi, TheBearerHeaderSignsInAtTheUpgrade) {
    const auto uuid = PlaceOrder(*buyer_);
    WsClient ws(port(), "/api/v1/ws", {{"Authorization", "Bearer " + buyer_->token()}});
    EXPECT_EQ(ws.ReadType("hello")["user_id"], 7001);
    ws.Send(json{{"type", "subscribe"}, {"order_uuid", uuid}}.dump());
    EXPECT_EQ(ws.ReadType("order")["order"]["state"], "created");
    // A bad token on the upgrade is refused before any WebSocket exists.
    const auto refused = UpgradeAnswer(port(), "/api/v1/ws", {{"Authorization", "Bearer nope"}});
    EXPECT_EQ(refused.result_int(), 401U);
    EXPECT_EQ(ErrorCode(refused), "auth.invalid");
    // A plain GET is told to upgrade.
    EXPECT_EQ(Request(port(), "GET", "/api/v1/ws").result_int(), 426U);
}

TEST_P(LiveApi, NobodyFollowsAnotherUsersOrder) {
    const auto uuid = PlaceOrder(*buyer_);
    WsClient ws(port(), "/api/v1/ws", {{"Authorization", "Bearer " + other_->token()}});
    ws.Send(json{{"type", "subscribe"}, {"order_uuid", uuid}}.dump());
    const auto refused = ws.ReadType("error");
    EXPECT_EQ(refused["error"]["code"], "not_found");
    EXPECT_EQ(refused["request"], "subscribe");
    ws.Send(json{{"type", "subscribe"}, {"order_uuid", "no-such-order"}}.dump());
    EXPECT_EQ(ws.ReadType("error")["error"]["code"], "not_found");
}

TEST_P(LiveApi, BadMessagesGetClearErrorsAndStrangersAreShownTheDoor) {
    WsClient ws(port(), "/api/v1/ws");
    ws.ReadType("hello");
    ws.Send("not json");
    EXPECT_EQ(ws.ReadType("error")["error"]["code"], "request.invalid_json");
    ws.Send(R"({"type":"subscribe","order_uuid":"x"})");
    EXPECT_EQ(ws.ReadType("error")["error"]["code"], "auth.required");
    ws.Send(R"({"type":"auth","token":"wrong"})");
    EXPECT_EQ(ws.ReadType("error")["error"]["code"], "auth.invalid");
    ws.Send(R"({"type":"auth"})");  // the fourth message without signing in closes the socket
    WsClient::Frame frame;
    do {
        frame = ws.Read();
    } while (!frame.closed);
    EXPECT_EQ(frame.close_code, 1008);

    WsClient signed_in(port(), "/api/v1/ws", {{"Authorization", "Bearer " + buyer_->token()}});
    signed_in.Send(R"({"type":"dance"})");
    EXPECT_EQ(signed_in.ReadType("error")["error"]["code"], "live.unknown_type");
    signed_in.Send(R"({"type":"subscribe"})");
    EXPECT_EQ(signed_in.ReadType("error")["error"]["code"], "request.validation_failed");
}

INSTANTIATE_TEST_SUITE_P(Stores, LiveApi, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::test
