// The Telegram side of `onton serve` against a fake api.telegram.org: the webhook (secret checked, /start with a
// deep link, /help, malformed updates) and a queued notification delivered through the real Bot API client.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "support/fake_bot_api.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "webhook_S3cret-token";
constexpr const char* kEventUuid = "0d9f6c1e-2b7a-4c3e-9f1a-5b6c7d8e9f00";

json CommandUpdate(std::int64_t update_id, std::int64_t user, const std::string& language, const std::string& text) {
    const auto command_length = static_cast<std::int64_t>(text.find(' ') == std::string::npos ? text.size() : text.find(' '));
    return {{"update_id", update_id},
            {"message",
             {{"message_id", update_id},
              {"date", 1'800'000'000},
              {"from", {{"id", user}, {"is_bot", false}, {"first_name", "Ann"}, {"language_code", language}}},
              {"chat", {{"id", user}, {"type", "private"}}},
              {"text", text},
              {"entities", json::array({{{"type", "bot_command"}, {"offset", 0}, {"length", command_length}}})}}}};
}

class TelegramApi : public ::testing::Test {
protected:
    void Start(bool with_secret) {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_BOT_TOKEN", "123456:fake-token-for-tests"},
                {"ONTON_BOT_API_URL", fake_.base_url()},
                {"ONTON_PUBLIC_URL", "https://onton.example"}};
        if (with_secret) env_["ONTON_TELEGRAM_WEBHOOK_SECRET"] = kSecret;
        for (const auto& [k, v] : env_extra_) env_[k] = v;
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    }

    HttpResponse Webhook(const std::string& body, const std::string& secret) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!secret.empty()) headers.emplace_back("X-Telegram-Bot-Api-Secret-Token", secret);
        return Request(server_->port(), "POST", "/telegram/webhook", body, "application/json", headers);
    }

    /// The sendMessage requests the fake got, waiting (bounded) until there are at least `n`.
    std::vector<RecordedRequest> Sends(std::size_t n) {
        std::vector<RecordedRequest> out;
        for (int i = 0; i < 400; ++i) {
            out.clear();
            for (auto& r : fake_.Requests()) {
                if (r.method == "sendMessage") out.push_back(std::move(r));
            }
            if (out.size() >= n) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return out;
    }

    /// Signs user 4242 in and places a free order for "Free meetup" through the API.
    void PlaceFreeOrder() {
        const auto init = RunOnton({"admin", "init-data", "--user-id", "4242", "--language", "en"}, env_);
        ASSERT_EQ(init.exit_code, 0) << init.err;
        auto init_data = init.out;
        while (!init_data.empty() && init_data.back() == '\n') init_data.pop_back();
        const auto signed_in =
            Request(server_->port(), "POST", "/api/v1/auth/telegram", json{{"init_data", init_data}}.dump());
        ASSERT_EQ(signed_in.result_int(), 200U) << signed_in.body();
        const auto token = json::parse(signed_in.body())["token"].get<std::string>();
        const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + token}};
        const auto post = [&](const std::string& target, const json& body) {
            return Request(server_->port(), "POST", target, body.dump(), "application/json", auth);
        };
        const auto event = post("/api/v1/events",
                                {{"title", "Free meetup"},
                                 {"description", "Come"},
                                 {"start_date", 4'000'000'000},
                                 {"end_date", 4'000'003'600},
                                 {"participation_type", "in_person"},
                                 {"location", "Berlin"}});
        ASSERT_EQ(event.result_int(), 201U) << event.body();
        const auto uuid = json::parse(event.body())["event_uuid"].get<std::string>();
        const auto type = post("/api/v1/events/" + uuid + "/ticket-types", {{"name", "Free"}, {"price", "0"}, {"supply", 10}});
        ASSERT_EQ(type.result_int(), 201U) << type.body();
        ASSERT_EQ(post("/api/v1/events/" + uuid + "/publish", json::object()).result_int(), 200U);
        const auto order = post("/api/v1/orders",
                                {{"event_uuid", uuid}, {"ticket_type_id", json::parse(type.body())["id"]}, {"quantity", 1}});
        ASSERT_EQ(order.result_int(), 201U) << order.body();
    }

    TempDir dir_;
    FakeBotApi fake_;
    std::map<std::string, std::string> env_;
    std::map<std::string, std::string> env_extra_;
    std::unique_ptr<ServeProcess> server_;
};

TEST_F(TelegramApi, WebhookChecksTheSecretAndAnswersCommands) {
    Start(true);
    const auto start = CommandUpdate(1, 777, "ru", std::string("/start event_") + kEventUuid).dump();
    EXPECT_EQ(Webhook(start, "").result_int(), 401U);
    EXPECT_EQ(ErrorCode(Webhook(start, "wrong")), "auth.invalid");
    const auto malformed = Webhook(R"({"update_id": "x"})", kSecret);
    EXPECT_EQ(malformed.result_int(), 400U);
    EXPECT_EQ(ErrorCode(malformed), "telegram.invalid_update");
    EXPECT_TRUE(fake_.Requests().empty()) << "nothing refused reached the bot";

    EXPECT_EQ(Webhook(start, kSecret).result_int(), 200U);
    EXPECT_EQ(Webhook(CommandUpdate(2, 778, "en", "/help").dump(), kSecret).result_int(), 200U);
    const auto sends = Sends(2);
    ASSERT_EQ(sends.size(), 2U);
    EXPECT_EQ(sends[0].token, "123456:fake-token-for-tests");
    EXPECT_EQ(sends[0].body["chat_id"], 777);
    EXPECT_NE(sends[0].body["text"].get<std::string>().find("событие"), std::string::npos) << sends[0].body.dump();
    EXPECT_EQ(sends[0].body["reply_markup"]["inline_keyboard"][0][0]["web_app"]["url"],
              std::string("https://onton.example/app#/events/") + kEventUuid);
    EXPECT_EQ(sends[1].body["chat_id"], 778);
    EXPECT_NE(sends[1].body["text"].get<std::string>().find("/mytickets"), std::string::npos);
}

TEST_F(TelegramApi, WebhookWithoutAConfiguredSecretIsClosed) {
    Start(false);
    EXPECT_EQ(Webhook(CommandUpdate(1, 777, "en", "/help").dump(), "").result_int(), 401U);
    EXPECT_EQ(Webhook(CommandUpdate(1, 777, "en", "/help").dump(), "anything").result_int(), 401U);
    EXPECT_TRUE(fake_.Requests().empty());
}

TEST_F(TelegramApi, AFreeOrderIsAnnouncedThroughTheBotApi) {
    Start(true);
    ASSERT_NO_FATAL_FAILURE(PlaceFreeOrder());
    const auto sends = Sends(1);
    ASSERT_EQ(sends.size(), 1U) << server_->Log();
    EXPECT_EQ(sends[0].body["chat_id"], 4242);
    EXPECT_NE(sends[0].body["text"].get<std::string>().find("Free meetup"), std::string::npos);
    EXPECT_EQ(sends[0].body["reply_markup"]["inline_keyboard"][0][0]["web_app"]["url"],
              "https://onton.example/app#/tickets");

    // And the bot knows the ticket.
    EXPECT_EQ(Webhook(CommandUpdate(9, 4242, "en", "/mytickets").dump(), kSecret).result_int(), 200U);
    const auto after = Sends(2);
    ASSERT_EQ(after.size(), 2U);
    EXPECT_EQ(after[1].body["text"], "You have 1 valid ticket.");
}

// With ONTON_SERVE_WORKERS=none the server only writes the order and its order.paid message; a separate
// `onton worker` process on the same database relays it, fulfils it and sends the notification.
TEST_F(TelegramApi, AFreeOrderIsAnnouncedByASeparateWorkerProcess) {
    env_extra_["ONTON_SERVE_WORKERS"] = "none";
    Start(true);
    ASSERT_NO_FATAL_FAILURE(PlaceFreeOrder());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_TRUE(Sends(0).empty()) << "the server sends nothing itself";

    auto env = env_;
    env.erase("ONTON_SERVE_WORKERS");
    WorkerProcess worker({"--only", "relay,fulfilment,notifications"}, env, dir_.path());
    const auto sends = Sends(1);
    ASSERT_EQ(sends.size(), 1U) << worker.Log();
    EXPECT_EQ(sends[0].body["chat_id"], 4242);
    EXPECT_NE(sends[0].body["text"].get<std::string>().find("Free meetup"), std::string::npos);
    EXPECT_EQ(worker.Stop(SIGTERM), 0) << worker.Log();
    EXPECT_NE(worker.Log().find("workers: relay,fulfilment,notifications"), std::string::npos) << worker.Log();
}

TEST(TelegramSetup, SetsTheWebhookAndTheMenuButton) {
    TempDir dir;
    FakeBotApi fake;
    std::map<std::string, std::string> env = {{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
                                              {"ONTON_BOT_TOKEN", "123456:fake-token-for-tests"},
                                              {"ONTON_BOT_API_URL", fake.base_url()},
                                              {"ONTON_PUBLIC_URL", "https://onton.example"}};
    const auto missing = RunOnton({"admin", "telegram-setup"}, env);
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("ONTON_TELEGRAM_WEBHOOK_SECRET"), std::string::npos);
    env["ONTON_TELEGRAM_WEBHOOK_SECRET"] = kSecret;
    const auto done = RunOnton({"admin", "telegram-setup"}, env);
    ASSERT_EQ(done.exit_code, 0) << done.err;
    const auto requests = fake.Requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].method, "setWebhook");
    EXPECT_EQ(requests[0].body["url"], "https://onton.example/telegram/webhook");
    EXPECT_EQ(requests[0].body["secret_token"], kSecret);
    EXPECT_EQ(requests[1].method, "setChatMenuButton");
    EXPECT_EQ(requests[1].body["menu_button"]["web_app"]["url"], "https://onton.example/app");
    EXPECT_EQ(done.out.find("fake-token"), std::string::npos) << "the token is not printed";
}

}  // namespace
}  // namespace onton::test
