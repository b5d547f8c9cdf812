// Telegram Stars payments and moderation through the bot on SQLite and PostgreSQL, with the real Bot API
// client against a fake api.telegram.org on loopback and updates parsed from the JSON Telegram sends: the
// invoice link's request, the pre-checkout answer, a successful payment credited once (the same update
// delivered twice), the refund through refundStarPayment exactly once, and an admin chat's Approve button
// deciding once.
#include "domain/payments/stars.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "adapters/telegram/bot_api.hpp"
#include "domain/bot/bot.hpp"
#include "domain/bot/moderation.hpp"
#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "support/fake_bot_api.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::payments {
namespace {

/// Moderation rules that hold an event whose texts use `word`.
moderation::Rules Rules(const std::string& word) {
    moderation::Rules rules;
    rules.banned_words = {word};
    return rules;
}

using identity::Principal;
using identity::Role;
using nlohmann::json;

constexpr std::int64_t kOwner = 11;
constexpr std::int64_t kAnna = 12;
constexpr std::int64_t kAdmin = 13;
constexpr std::int64_t kAdminChat = -1001234;

class StarsOverBotApi : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        db_.store->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kAdmin}) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, username, role, created_at, updated_at) VALUES "
                    "($1, 'U', $2, $3, 1, 1)",
                    {id, "u" + std::to_string(id), std::string(id == kAdmin ? "admin" : "user")});
            }
        });
        telegram_bot::BotApiSettings settings;
        settings.base_url = fake_.base_url();
        settings.token = "123456:stars-test-token";
        client_ = std::make_unique<telegram_bot::BotApiClient>(settings);
        events_ = std::make_unique<events::EventService>(
            *db_.store,
            clock_,
            random_,
            Rules("casino"),
            std::vector{money::Currency::kTon, money::Currency::kStars});
        orders_ =
            std::make_unique<orders::OrderService>(*db_.store, clock_, random_, orders::OrderSettings{});
        stars_ = std::make_unique<StarsPayments>(*db_.store, *client_, *orders_, clock_);
        desk_ = std::make_unique<bot::ModerationDesk>(
            *db_.store, *client_, *events_, clock_, bot::ModerationDeskSettings{.chat_id = kAdminChat});
        bot_ = std::make_unique<bot::BotService>(
            *db_.store, *client_, clock_, bot::BotSettings{}, bot::BotHandlers{stars_.get(), desk_.get()});
        refunds_ = std::make_unique<Refunds>(*db_.store, clock_, nullptr);
    }

    std::string NewEvent(const std::string& title) {
        const Principal owner{kOwner, Role::kUser, 0};
        auto e = events_->Create(owner,
                                 {{"title", title},
                                  {"start_date", clock_.NowUnix() + 86400},
                                  {"end_date", clock_.NowUnix() + 90000},
                                  {"participation_type", "in_person"},
                                  {"location", "Hall"}});
        EXPECT_TRUE(e);
        auto type = events_->AddTicketType(
            owner, e->event_uuid, {{"name", "Seat"}, {"price", "25"}, {"currency", "XTR"}, {"supply", 10}});
        EXPECT_TRUE(type) << (type ? "" : type.error().message);
        type_ = type->id;
        EXPECT_TRUE(events_->Publish(owner, e->event_uuid));
        return e->event_uuid;
    }

    void Deliver(const json& update) {
        auto parsed = telegram::ParseUpdate(update.dump());
        ASSERT_TRUE(parsed) << parsed.error().message;
        auto handled = bot_->Handle(*parsed);
        ASSERT_TRUE(handled) << handled.error().message;
    }

    std::vector<test::RecordedRequest> Calls(const std::string& method) const {
        std::vector<test::RecordedRequest> out;
        for (auto& r : fake_.Requests()) {
            if (r.method == method) out.push_back(r);
        }
        return out;
    }

    std::string Scalar(const std::string& sql, const ports::SqlParams& params = {}) {
        const auto rs = db_.store->Transact([&](ports::Transaction& tx) { return tx.Execute(sql, params); });
        if (rs.empty()) return "";
        const auto& v = rs.rows[0][0];
        if (ports::IsNull(v)) return "null";
        if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
        return std::get<std::string>(v);
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    test::FakeBotApi fake_;
    std::unique_ptr<telegram_bot::BotApiClient> client_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::unique_ptr<StarsPayments> stars_;
    std::unique_ptr<bot::ModerationDesk> desk_;
    std::unique_ptr<bot::BotService> bot_;
    std::unique_ptr<Refunds> refunds_;
    std::int64_t type_ = 0;
};

TEST_P(StarsOverBotApi, InvoicePreCheckoutPaymentAndRefundExactlyOnce) {
    const auto event = NewEvent("Stars concert");
    auto placed = orders_->Place(Principal{kAnna, Role::kUser, 0},
                                 {{"event_uuid", event}, {"ticket_type_id", type_}, {"quantity", 2}},
                                 "");
    ASSERT_TRUE(placed);
    const auto order = placed->order;

    auto link = stars_->CreateInvoiceLink(Principal{kAnna, Role::kUser, 0}, order.uuid);
    ASSERT_TRUE(link) << link.error().message;
    EXPECT_EQ(link->link.rfind("https://t.me/$fake-invoice-", 0), 0U);
    const auto invoices = Calls("createInvoiceLink");
    ASSERT_EQ(invoices.size(), 1U);
    EXPECT_EQ(invoices[0].body["currency"], "XTR");
    EXPECT_EQ(invoices[0].body["provider_token"], "");
    EXPECT_EQ(invoices[0].body["payload"], order.payment_comment);
    EXPECT_EQ(invoices[0].body["title"], "Stars concert");
    EXPECT_EQ(invoices[0].body["prices"], json::parse(R"([{"label":"Seat","amount":50}])"));

    const json payer = {{"id", kAnna}, {"is_bot", false}, {"first_name", "Anna"}};
    Deliver({{"update_id", 1},
             {"pre_checkout_query",
              {{"id", "pcq-1"},
               {"from", payer},
               {"currency", "XTR"},
               {"total_amount", 50},
               {"invoice_payload", order.payment_comment}}}});
    Deliver({{"update_id", 2},
             {"pre_checkout_query",
              {{"id", "pcq-2"},
               {"from", payer},
               {"currency", "XTR"},
               {"total_amount", 49},
               {"invoice_payload", order.payment_comment}}}});
    const auto answers = Calls("answerPreCheckoutQuery");
    ASSERT_EQ(answers.size(), 2U);
    EXPECT_EQ(answers[0].body, json::parse(R"({"pre_checkout_query_id":"pcq-1","ok":true})"));
    EXPECT_EQ(answers[1].body["ok"], false);
    EXPECT_EQ(answers[1].body["error_message"], "The amount does not match the order.");

    const json paid = {{"update_id", 3},
                       {"message",
                        {{"message_id", 77},
                         {"date", 1'800'000'100},
                         {"from", payer},
                         {"chat", {{"id", kAnna}, {"type", "private"}}},
                         {"successful_payment",
                          {{"currency", "XTR"},
                           {"total_amount", 50},
                           {"invoice_payload", order.payment_comment},
                           {"telegram_payment_charge_id", "stxCharge-1"},
                           {"provider_payment_charge_id", ""}}}}}};
    Deliver(paid);
    Deliver(paid);  // Telegram resends an update it did not see answered
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "paid");
    EXPECT_EQ(Scalar("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND status = 'valid'", {order.uuid}),
              "2");
    EXPECT_EQ(Scalar("SELECT count(*) FROM transactions WHERE hash = 'xtr:stxCharge-1' AND outcome = 'paid'"),
              "1");
    EXPECT_EQ(Scalar("SELECT count(*) FROM transactions"), "1");

    ASSERT_TRUE(refunds_->RefundOrder(Principal{kAdmin, Role::kAdmin, 0}, order.uuid));
    EXPECT_EQ(
        Scalar("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND status = 'refunded'", {order.uuid}),
        "2");
    EXPECT_EQ(stars_->RefundStep().sent, 1);
    EXPECT_EQ(stars_->RefundStep().sent, 0);
    const auto refunds = Calls("refundStarPayment");
    ASSERT_EQ(refunds.size(), 1U);
    EXPECT_EQ(refunds[0].body, json::parse(R"({"user_id":12,"telegram_payment_charge_id":"stxCharge-1"})"));
    EXPECT_EQ(Scalar("SELECT state FROM refunds"), "sent");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "refunded");
}

TEST_P(StarsOverBotApi, ARefundTelegramAlreadyMadeIsNotMadeAgain) {
    const auto event = NewEvent("Second concert");
    auto placed = orders_->Place(
        Principal{kAnna, Role::kUser, 0}, {{"event_uuid", event}, {"ticket_type_id", type_}}, "");
    ASSERT_TRUE(placed);
    telegram::TgUser payer;
    payer.id = kAnna;
    ASSERT_TRUE(stars_->RecordSuccessfulPayment(
        payer, {"XTR", 25, placed->order.payment_comment, "stxCharge-2", ""}, clock_.NowUnix()));
    ASSERT_TRUE(events_->Cancel(Principal{kOwner, Role::kUser, 0}, event));
    EXPECT_EQ(refunds_->RefundCanceledEvents(), 1);
    // Telegram answered the first attempt but the answer was lost (a timeout): the retry is told it is done.
    fake_.Enqueue(test::FakeReply::ServerError(502));
    fake_.Enqueue(test::FakeReply::BadRequest("Bad Request: CHARGE_ALREADY_REFUNDED"));
    EXPECT_EQ(stars_->RefundStep().waiting, 1);
    EXPECT_EQ(stars_->RefundStep().sent, 1);
    EXPECT_EQ(Scalar("SELECT state FROM refunds"), "sent");
    EXPECT_EQ(Calls("refundStarPayment").size(), 2U);
}

TEST_P(StarsOverBotApi, AnAdminChatButtonDecidesOnce) {
    const auto event = NewEvent("Casino night");
    EXPECT_EQ(Scalar("SELECT status FROM events WHERE event_uuid = $1", {event}), "pending_moderation");
    EXPECT_EQ(desk_->AnnounceDue().sent, 1);
    EXPECT_EQ(desk_->AnnounceDue().sent, 0);
    const auto sends = Calls("sendMessage");
    ASSERT_EQ(sends.size(), 1U);
    EXPECT_EQ(sends[0].body["chat_id"], kAdminChat);
    const auto buttons = sends[0].body["reply_markup"]["inline_keyboard"][0];
    ASSERT_EQ(buttons.size(), 2U);
    const auto approve = buttons[0]["callback_data"].get<std::string>();
    EXPECT_EQ(Scalar("SELECT message_id FROM moderation_announcements"), "101");

    const auto press = [&](std::int64_t update_id, std::int64_t from) {
        return json{{"update_id", update_id},
                    {"callback_query",
                     {{"id", "cb-" + std::to_string(update_id)},
                      {"from", {{"id", from}, {"is_bot", false}, {"first_name", "A"}, {"username", "boss"}}},
                      {"chat_instance", "1"},
                      {"data", approve},
                      {"message",
                       {{"message_id", 101},
                        {"date", 1'800'000'000},
                        {"chat", {{"id", kAdminChat}, {"type", "supergroup"}, {"title", "Admins"}}},
                        {"text", "Held for moderation"}}}}}};
    };
    Deliver(press(10, kAnna));
    EXPECT_EQ(Scalar("SELECT status FROM events WHERE event_uuid = $1", {event}), "pending_moderation");
    Deliver(press(11, kAdmin));
    Deliver(press(12, kAdmin));
    EXPECT_EQ(Scalar("SELECT status FROM events WHERE event_uuid = $1", {event}), "published");

    const auto answers = Calls("answerCallbackQuery");
    ASSERT_EQ(answers.size(), 3U);
    EXPECT_EQ(answers[0].body["text"], "Only Onton admins can moderate events.");
    EXPECT_EQ(answers[1].body["text"], "Approved.");
    EXPECT_EQ(answers[2].body["text"], "Already decided: approved.");
    const auto edits = Calls("editMessageText");
    ASSERT_EQ(edits.size(), 1U);
    EXPECT_EQ(edits[0].body["chat_id"], kAdminChat);
    EXPECT_EQ(edits[0].body["message_id"], 101);
    EXPECT_NE(edits[0].body["text"].get<std::string>().find("Approved by @boss"), std::string::npos);
    EXPECT_EQ(edits[0].body["reply_markup"], json::parse(R"({"inline_keyboard":[]})"));
}

INSTANTIATE_TEST_SUITE_P(Stores, StarsOverBotApi, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::payments
