// Telegram Stars and moderation over `onton serve` with a fake api.telegram.org: a ticket type priced in XTR,
// the order's invoice link, the webhook's pre-checkout query and successful payment turning the order paid,
// an admin's refund going back through refundStarPayment; and a held event announced to the admin chat and
// approved there. Then the same refund and announcement by `onton worker --only stars-refunds|moderation`
// processes beside a serve that runs no workers (docs/bus.md), and those workers skipped without a bot.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <thread>

#include "support/api_client.hpp"
#include "support/fake_bot_api.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "stars_webhook-secret";
constexpr std::int64_t kOrganizer = 6001;
constexpr std::int64_t kBuyer = 6002;
constexpr std::int64_t kAdmin = 6003;
constexpr std::int64_t kAdminChat = -100777;

class StarsApi : public ::testing::Test {
   protected:
    void SetUp() override { StartServe({}); }

    /// `onton serve` with the Stars and moderation settings plus `extra`.
    void StartServe(const std::map<std::string, std::string>& extra) {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_BOT_TOKEN", "123456:fake-token-for-stars"},
                {"ONTON_BOT_API_URL", fake_.base_url()},
                {"ONTON_PUBLIC_URL", "https://onton.example"},
                {"ONTON_TELEGRAM_WEBHOOK_SECRET", kSecret},
                {"ONTON_MODERATION_BANNED_WORDS", "casino"},
                {"ONTON_MODERATION_CHAT_ID", std::to_string(kAdminChat)}};
        env_.insert(extra.begin(), extra.end());
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    }

    HttpResponse Webhook(const json& update) {
        return Request(server_->port(),
                       "POST",
                       "/telegram/webhook",
                       update.dump(),
                       "application/json",
                       {{"X-Telegram-Bot-Api-Secret-Token", kSecret}});
    }

    /// The requests of `method` the fake got, waiting (bounded) until there are at least `n`.
    std::vector<RecordedRequest> Calls(const std::string& method, std::size_t n) {
        std::vector<RecordedRequest> out;
        for (int i = 0; i < 600; ++i) {
            out.clear();
            for (auto& r : fake_.Requests()) {
                if (r.method == method) out.push_back(std::move(r));
            }
            if (out.size() >= n) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return out;
    }

    /// Creates and publishes an event with one ticket type; returns {event_uuid, ticket type id}.
    std::pair<std::string, std::int64_t> Publish(const ApiClient& organizer,
                                                 const std::string& title,
                                                 const json& type) {
        const auto event = organizer.Post("/api/v1/events",
                                          {{"title", title},
                                           {"start_date", 4'000'000'000},
                                           {"end_date", 4'000'003'600},
                                           {"participation_type", "in_person"},
                                           {"location", "Berlin"}});
        EXPECT_EQ(event.result_int(), 201U) << event.body();
        const auto uuid = json::parse(event.body())["event_uuid"].get<std::string>();
        const auto added = organizer.Post("/api/v1/events/" + uuid + "/ticket-types", type);
        EXPECT_EQ(added.result_int(), 201U) << added.body();
        EXPECT_EQ(organizer.Post("/api/v1/events/" + uuid + "/publish").result_int(), 200U);
        return {uuid, json::parse(added.body())["id"].get<std::int64_t>()};
    }

    TempDir dir_;
    FakeBotApi fake_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
};

TEST_F(StarsApi, AnOrderInStarsIsPaidThroughTheWebhookAndRefunded) {
    const ApiClient organizer(server_->port(), env_, kOrganizer);
    const ApiClient buyer(server_->port(), env_, kBuyer);
    const auto [event, type] = Publish(
        organizer, "Stars gig", {{"name", "Seat"}, {"price", "30"}, {"currency", "XTR"}, {"supply", 5}});
    const auto placed =
        buyer.Post("/api/v1/orders", {{"event_uuid", event}, {"ticket_type_id", type}, {"quantity", 2}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    const std::string uuid = order["uuid"];
    EXPECT_EQ(order["currency"], "XTR");
    EXPECT_EQ(order["payment"]["method"], "stars_invoice");
    EXPECT_EQ(order["payment"]["amount"], "60");
    const std::string comment = order["payment"]["comment"];

    EXPECT_EQ(organizer.Post("/api/v1/orders/" + uuid + "/stars-invoice").result_int(), 404U);
    const auto invoice = buyer.Post("/api/v1/orders/" + uuid + "/stars-invoice");
    ASSERT_EQ(invoice.result_int(), 200U) << invoice.body();
    EXPECT_EQ(json::parse(invoice.body())["link"].get<std::string>().rfind("https://t.me/$fake-invoice-", 0),
              0U);
    EXPECT_EQ(json::parse(invoice.body())["amount"], "60");
    const auto links = Calls("createInvoiceLink", 1);
    ASSERT_EQ(links.size(), 1U);
    EXPECT_EQ(links[0].body["payload"], comment);
    EXPECT_EQ(links[0].body["currency"], "XTR");
    EXPECT_EQ(links[0].body["prices"][0]["amount"], 60);

    const json payer = {{"id", kBuyer}, {"is_bot", false}, {"first_name", "Buyer"}};
    ASSERT_EQ(Webhook({{"update_id", 1},
                       {"pre_checkout_query",
                        {{"id", "pcq-1"},
                         {"from", payer},
                         {"currency", "XTR"},
                         {"total_amount", 60},
                         {"invoice_payload", comment}}}})
                  .result_int(),
              200U);
    const auto answers = Calls("answerPreCheckoutQuery", 1);
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(answers[0].body["ok"], true);

    ASSERT_EQ(Webhook({{"update_id", 2},
                       {"message",
                        {{"message_id", 9},
                         {"date", 1'800'000'000},
                         {"from", payer},
                         {"chat", {{"id", kBuyer}, {"type", "private"}}},
                         {"successful_payment",
                          {{"currency", "XTR"},
                           {"total_amount", 60},
                           {"invoice_payload", comment},
                           {"telegram_payment_charge_id", "stxApiCharge"},
                           {"provider_payment_charge_id", ""}}}}}})
                  .result_int(),
              200U);
    const auto paid = json::parse(buyer.Get("/api/v1/orders/" + uuid).body());
    EXPECT_EQ(paid["state"], "paid");
    EXPECT_EQ(paid["tickets"].size(), 2U);
    EXPECT_FALSE(paid.contains("payment"));
    EXPECT_EQ(buyer.Post("/api/v1/orders/" + uuid + "/stars-invoice").result_int(), 409U) << "paid already";

    const ApiClient admin(server_->port(), env_, kAdmin);
    ASSERT_EQ(RunOnton({"admin", "grant-admin", std::to_string(kAdmin)}, env_).exit_code, 0);
    const auto refunded = admin.Post("/api/v1/admin/orders/" + uuid + "/refund");
    ASSERT_EQ(refunded.result_int(), 200U) << refunded.body();
    const auto refunds = Calls("refundStarPayment", 1);  // the Stars refunds run every 5 s
    ASSERT_EQ(refunds.size(), 1U) << server_->Log();
    EXPECT_EQ(refunds[0].body["user_id"], kBuyer);
    EXPECT_EQ(refunds[0].body["telegram_payment_charge_id"], "stxApiCharge");
    EXPECT_EQ(json::parse(buyer.Get("/api/v1/orders/" + uuid).body())["state"], "refunded");
}

TEST_F(StarsApi, AHeldEventIsApprovedFromTheAdminChat) {
    const ApiClient organizer(server_->port(), env_, kOrganizer);
    const ApiClient admin(server_->port(), env_, kAdmin);
    ASSERT_EQ(RunOnton({"admin", "grant-admin", std::to_string(kAdmin)}, env_).exit_code, 0);
    const auto [event, type] = Publish(organizer, "Casino night", {{"name", "Free"}, {"price", "0"}});
    (void)type;
    const auto announced = Calls("sendMessage", 1);
    ASSERT_EQ(announced.size(), 1U) << server_->Log();
    EXPECT_EQ(announced[0].body["chat_id"], kAdminChat);
    const auto data =
        announced[0].body["reply_markup"]["inline_keyboard"][0][0]["callback_data"].get<std::string>();
    const auto message_id = 101;  // the fake's first message id

    const auto press = [&](std::int64_t update_id, std::int64_t from) {
        return json{{"update_id", update_id},
                    {"callback_query",
                     {{"id", "cb-" + std::to_string(update_id)},
                      {"from", {{"id", from}, {"is_bot", false}, {"first_name", "Admin"}}},
                      {"chat_instance", "1"},
                      {"data", data},
                      {"message",
                       {{"message_id", message_id},
                        {"date", 1'800'000'000},
                        {"chat", {{"id", kAdminChat}, {"type", "supergroup"}, {"title", "Admins"}}},
                        {"text", "Held"}}}}}};
    };
    ASSERT_EQ(Webhook(press(1, kOrganizer)).result_int(), 200U);
    ASSERT_EQ(Webhook(press(2, kAdmin)).result_int(), 200U);
    ASSERT_EQ(Webhook(press(3, kAdmin)).result_int(), 200U);
    const auto answers = Calls("answerCallbackQuery", 3);
    ASSERT_EQ(answers.size(), 3U);
    EXPECT_EQ(answers[0].body["text"], "Only Onton admins can moderate events.");
    EXPECT_EQ(answers[1].body["text"], "Approved.");
    EXPECT_EQ(answers[2].body["text"], "Already decided: approved.");
    const auto edits = Calls("editMessageText", 1);
    ASSERT_EQ(edits.size(), 1U);
    EXPECT_EQ(edits[0].body["message_id"], message_id);
    const auto shown = admin.Get("/api/v1/events/" + event);
    EXPECT_EQ(json::parse(shown.body())["status"], "published");
    std::size_t to_admins = 0;
    for (const auto& sent : Calls("sendMessage", 1))
        to_admins += sent.body["chat_id"] == kAdminChat ? 1U : 0U;
    EXPECT_EQ(to_admins, 1U) << "announced once";
}

/// Waits (bounded) until `log()` contains `needle`.
bool WaitForLog(const std::function<std::string()>& log, const std::string& needle) {
    for (int i = 0; i < 1200; ++i) {
        if (log().find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

/// The workers of `onton worker` processes; `onton serve` runs none of them (ONTON_SERVE_WORKERS=none), as
/// with RabbitMQ.
class TelegramWorkers : public StarsApi {
   protected:
    void SetUp() override { StartServe({{"ONTON_SERVE_WORKERS", "none"}}); }

    /// `onton worker --only <only>` with the test's settings, its files in a directory of its own.
    std::unique_ptr<WorkerProcess> StartWorker(const std::string& only,
                                               const std::string& name,
                                               std::map<std::string, std::string> env) {
        const auto dir = dir_.path() / name;
        std::filesystem::create_directories(dir);
        return std::make_unique<WorkerProcess>(std::vector<std::string>{"--only", only}, std::move(env), dir);
    }

    /// Stops `worker` cleanly once it has started its workers (a SIGTERM before that would kill it); its exit
    /// code.
    static int StopStarted(WorkerProcess& worker) {
        EXPECT_TRUE(WaitForLog([&] { return worker.Log(); }, "workers: ")) << worker.Log();
        return worker.Stop(SIGTERM);
    }

    std::size_t CountCalls(const std::string& method) {
        std::size_t n = 0;
        for (const auto& r : fake_.Requests()) n += r.method == method ? 1U : 0U;
        return n;
    }
};

TEST_F(TelegramWorkers, AStarsRefundIsReturnedOnceByTheStarsRefundsWorker) {
    const ApiClient organizer(server_->port(), env_, kOrganizer);
    const ApiClient buyer(server_->port(), env_, kBuyer);
    const ApiClient admin(server_->port(), env_, kAdmin);
    ASSERT_EQ(RunOnton({"admin", "grant-admin", std::to_string(kAdmin)}, env_).exit_code, 0);
    const auto [event, type] =
        Publish(organizer,
                "Stars worker gig",
                {{"name", "Seat"}, {"price", "25"}, {"currency", "XTR"}, {"supply", 5}});
    const auto placed = buyer.Post("/api/v1/orders", {{"event_uuid", event}, {"ticket_type_id", type}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    const std::string uuid = order["uuid"];
    ASSERT_EQ(Webhook({{"update_id", 1},
                       {"message",
                        {{"message_id", 9},
                         {"date", 1'800'000'000},
                         {"from", {{"id", kBuyer}, {"is_bot", false}, {"first_name", "Buyer"}}},
                         {"chat", {{"id", kBuyer}, {"type", "private"}}},
                         {"successful_payment",
                          {{"currency", "XTR"},
                           {"total_amount", 25},
                           {"invoice_payload", order["payment"]["comment"]},
                           {"telegram_payment_charge_id", "stxWorkerCharge"},
                           {"provider_payment_charge_id", ""}}}}}})
                  .result_int(),
              200U);
    ASSERT_EQ(json::parse(buyer.Get("/api/v1/orders/" + uuid).body())["state"], "paid");
    const auto refunded = admin.Post("/api/v1/admin/orders/" + uuid + "/refund");
    ASSERT_EQ(refunded.result_int(), 200U) << refunded.body();

    // Two processes run the worker; its lease lets one step at a time.
    auto first = StartWorker("stars-refunds", "w1", env_);
    auto second = StartWorker("stars-refunds", "w2", env_);
    const auto logs = [&] { return first->Log() + second->Log(); };
    ASSERT_TRUE(WaitForLog(logs, "stars refunds: 1 refunded")) << logs();
    const auto refunds = Calls("refundStarPayment", 1);
    ASSERT_EQ(refunds.size(), 1U) << logs();
    EXPECT_EQ(refunds[0].body["user_id"], kBuyer);
    EXPECT_EQ(refunds[0].body["telegram_payment_charge_id"], "stxWorkerCharge");
    EXPECT_EQ(StopStarted(*first), 0);
    EXPECT_EQ(StopStarted(*second), 0);
    EXPECT_EQ(CountCalls("refundStarPayment"), 1U) << "refunded once";
    EXPECT_EQ(server_->Log().find("stars refunds:"), std::string::npos) << "serve runs no Stars refunds";
}

TEST_F(TelegramWorkers, AHeldEventIsAnnouncedOnceByTheModerationWorker) {
    const ApiClient organizer(server_->port(), env_, kOrganizer);
    const auto [event, type] = Publish(organizer, "Casino worker night", {{"name", "Free"}, {"price", "0"}});
    (void)type;
    // Two processes run it; the announcement's claim lets one send it.
    auto first = StartWorker("moderation", "w1", env_);
    auto second = StartWorker("moderation", "w2", env_);
    const auto logs = [&] { return first->Log() + second->Log(); };
    ASSERT_TRUE(WaitForLog(logs, "moderation: 1 announced")) << logs();
    const auto announced = Calls("sendMessage", 1);
    ASSERT_EQ(announced.size(), 1U) << logs();
    EXPECT_EQ(announced[0].body["chat_id"], kAdminChat);
    EXPECT_NE(announced[0].body["text"].get<std::string>().find(event), std::string::npos);
    EXPECT_EQ(StopStarted(*first), 0);
    EXPECT_EQ(StopStarted(*second), 0);
    EXPECT_EQ(CountCalls("sendMessage"), 1U) << "announced once";
    EXPECT_EQ(server_->Log().find("moderation: 1 announced"), std::string::npos) << "not by serve";
}

TEST_F(TelegramWorkers, WithoutABotTheTelegramWorkersAreSkippedAndTheOthersRun) {
    auto env = env_;
    env.erase("ONTON_BOT_TOKEN");
    auto worker = StartWorker("stars-refunds,moderation,relay", "w1", env);
    const auto log = [&] { return worker->Log(); };
    EXPECT_TRUE(WaitForLog(log, "stars-refunds: skipped")) << log();
    EXPECT_TRUE(WaitForLog(log, "moderation: skipped")) << log();
    EXPECT_EQ(StopStarted(*worker), 0) << log();
    EXPECT_EQ(CountCalls("refundStarPayment") + CountCalls("sendMessage"), 0U);
}

}  // namespace
}  // namespace onton::test
