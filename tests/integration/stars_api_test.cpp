// Telegram Stars and moderation over `onton serve` with a fake api.telegram.org: a ticket type priced in XTR,
// the order's invoice link, the webhook's pre-checkout query and successful payment turning the order paid,
// an admin's refund going back through refundStarPayment; and a held event announced to the admin chat and
// approved there.
#include <gtest/gtest.h>

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
    void SetUp() override {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_BOT_TOKEN", "123456:fake-token-for-stars"},
                {"ONTON_BOT_API_URL", fake_.base_url()},
                {"ONTON_PUBLIC_URL", "https://onton.example"},
                {"ONTON_TELEGRAM_WEBHOOK_SECRET", kSecret},
                {"ONTON_MODERATION_BANNED_WORDS", "casino"},
                {"ONTON_MODERATION_CHAT_ID", std::to_string(kAdminChat)}};
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

}  // namespace
}  // namespace onton::test
