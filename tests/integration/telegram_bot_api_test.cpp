// The Bot API client over real HTTP against a fake api.telegram.org on loopback: what goes on the wire, and how
// 429, 403, 400 and 5xx answers come back, alone and through PacedMessenger (on simulated time, so waits are
// asserted exactly and nothing sleeps).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapters/telegram/bot_api.hpp"
#include "adapters/telegram/paced_messenger.hpp"
#include "support/fake_bot_api.hpp"
#include "support/fake_waiter.hpp"

namespace onton::telegram_bot {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using test::FakeBotApi;
using test::FakeReply;
using test::FakeWaiter;

constexpr std::string_view kToken = "7342037359:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
constexpr std::string_view kTokenSecret = "AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";

class TelegramBotApiServer : public ::testing::Test {
protected:
    TelegramBotApiServer() : client_(Settings(fake_.base_url())) {}

    static BotApiSettings Settings(std::string base_url) {
        BotApiSettings settings;
        settings.base_url = std::move(base_url);
        settings.token = std::string(kToken);
        settings.connect_timeout = std::chrono::milliseconds(2'000);
        settings.request_timeout = std::chrono::milliseconds(5'000);
        return settings;
    }

    static ports::OutgoingMessage Hello(std::int64_t chat_id) {
        ports::OutgoingMessage message;
        message.chat_id = chat_id;
        message.text = "Your ticket is ready";
        return message;
    }

    static void ExpectNoToken(const Error& error) {
        EXPECT_EQ(error.message.find(kTokenSecret), std::string::npos) << error.message;
        EXPECT_EQ(error.details.dump().find(kTokenSecret), std::string::npos) << error.details.dump();
    }

    FakeBotApi fake_;
    BotApiClient client_;
    FakeWaiter waiter_;
};

TEST_F(TelegramBotApiServer, SendMessagePostsTheExpectedJson) {
    ports::OutgoingMessage message = Hello(279058397);
    message.parse_mode = ports::ParseMode::kHtml;
    message.keyboard = ports::InlineKeyboard{{ports::InlineButton::WebApp("Open", "https://onton.example/app/e/1")},
                                             {ports::InlineButton::Callback("Later", "snooze:1")}};
    const auto sent = client_.SendMessage(message);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent.value(), 101);

    const auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 1U);
    const test::RecordedRequest& request = requests[0];
    EXPECT_EQ(request.http_method, "POST");
    EXPECT_EQ(request.token, kToken);
    EXPECT_EQ(request.method, "sendMessage");
    EXPECT_EQ(request.content_type, "application/json");
    EXPECT_EQ(request.body, json::parse(R"({
        "chat_id": 279058397, "text": "Your ticket is ready", "parse_mode": "HTML",
        "reply_markup": {"inline_keyboard": [[{"text": "Open", "web_app": {"url": "https://onton.example/app/e/1"}}],
                                             [{"text": "Later", "callback_data": "snooze:1"}]]}})"));

    // A second call reuses the pooled handle and gets the next id.
    const auto again = client_.SendMessage(Hello(279058397));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), 102);
}

TEST_F(TelegramBotApiServer, SetupAndStarsCallsPostTheExpectedJson) {
    ports::WebhookSettings webhook;
    webhook.url = "https://onton.example/telegram/webhook";
    webhook.secret_token = "s3cret_-token";
    webhook.allowed_updates = {"message", "callback_query", "pre_checkout_query", "my_chat_member"};
    ASSERT_TRUE(client_.SetWebhook(webhook).ok());
    ASSERT_TRUE(client_.SetChatMenuButton("Tickets", "https://onton.example/app").ok());
    ASSERT_TRUE(client_.AnswerCallbackQuery("cq-1", "Done", true).ok());
    ports::StarsInvoice invoice;
    invoice.chat_id = 42;
    invoice.title = "Ticket";
    invoice.description = "Standard ticket";
    invoice.payload = "order:1";
    invoice.label = "Standard";
    invoice.amount_stars = 100;
    const auto invoice_id = client_.SendInvoice(invoice);
    ASSERT_TRUE(invoice_id.ok());
    ASSERT_TRUE(client_.AnswerPreCheckoutQuery("pcq-1", false, "Sold out").ok());
    ASSERT_TRUE(client_.RefundStarPayment(42, "stxABC").ok());

    const auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 6U);
    EXPECT_EQ(requests[0].method, "setWebhook");
    EXPECT_EQ(requests[0].body, json::parse(R"({"url": "https://onton.example/telegram/webhook",
        "secret_token": "s3cret_-token", "max_connections": 40,
        "allowed_updates": ["message", "callback_query", "pre_checkout_query", "my_chat_member"]})"));
    EXPECT_EQ(requests[1].method, "setChatMenuButton");
    EXPECT_EQ(requests[1].body, json::parse(R"({"menu_button": {"type": "web_app", "text": "Tickets",
        "web_app": {"url": "https://onton.example/app"}}})"));
    EXPECT_EQ(requests[2].method, "answerCallbackQuery");
    EXPECT_EQ(requests[2].body, json::parse(R"({"callback_query_id": "cq-1", "text": "Done", "show_alert": true})"));
    EXPECT_EQ(requests[3].method, "sendInvoice");
    EXPECT_EQ(requests[3].body["currency"], "XTR");
    EXPECT_EQ(requests[3].body["prices"], json::parse(R"([{"label": "Standard", "amount": 100}])"));
    EXPECT_EQ(requests[4].method, "answerPreCheckoutQuery");
    EXPECT_EQ(requests[4].body,
              json::parse(R"({"pre_checkout_query_id": "pcq-1", "ok": false, "error_message": "Sold out"})"));
    EXPECT_EQ(requests[5].method, "refundStarPayment");
    EXPECT_EQ(requests[5].body, json::parse(R"({"user_id": 42, "telegram_payment_charge_id": "stxABC"})"));
}

TEST_F(TelegramBotApiServer, RateLimitedIsWaitedOutThenSucceeds) {
    fake_.Enqueue(FakeReply::TooManyRequests(3));
    PacedMessenger paced(client_, waiter_);
    const telegram::SteadyTime start = waiter_.Now();
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_TRUE(sent.ok()) << sent.error().message;

    const auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 2U);
    EXPECT_EQ(requests[0].body, requests[1].body);  // the same request, repeated
    ASSERT_EQ(waiter_.sleeps().size(), 1U);
    EXPECT_EQ(waiter_.sleeps()[0], seconds(3));
    EXPECT_EQ(waiter_.Now() - start, seconds(3));
}

TEST_F(TelegramBotApiServer, RateLimitedWithTheSystemWaiterReallyWaits) {
    // The production Waiter end to end; only the order of events is asserted, never the wall clock.
    fake_.Enqueue(FakeReply::TooManyRequests(1));
    SystemWaiter system_waiter;
    PacedMessenger paced(client_, system_waiter);
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(fake_.Requests().size(), 2U);
}

TEST_F(TelegramBotApiServer, RateLimitedAloneReturnsRetryAfter) {
    fake_.Enqueue(FakeReply::TooManyRequests(11));
    const auto sent = client_.SendMessage(Hello(42));
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerRateLimited);
    EXPECT_EQ(ports::RetryAfter(sent.error()), seconds(11));
    ExpectNoToken(sent.error());
}

TEST_F(TelegramBotApiServer, BlockedIsReturnedAndNotRetried) {
    fake_.Enqueue(FakeReply::Blocked());
    PacedMessenger paced(client_, waiter_);
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerBlocked);
    EXPECT_EQ(sent.error().message, "Telegram sendMessage: Forbidden: bot was blocked by the user");
    EXPECT_EQ(fake_.Requests().size(), 1U);
    EXPECT_TRUE(waiter_.sleeps().empty());
}

TEST_F(TelegramBotApiServer, BadRequestIsReturnedAndNotRetried) {
    fake_.Enqueue(FakeReply::BadRequest("Bad Request: can't parse entities"));
    PacedMessenger paced(client_, waiter_);
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerBadRequest);
    EXPECT_EQ(fake_.Requests().size(), 1U);
}

TEST_F(TelegramBotApiServer, ServerErrorsAreRetriedWithBackoffThenReturned) {
    for (int i = 0; i < 4; ++i) fake_.Enqueue(FakeReply::ServerError(502));
    RetryPolicy policy;
    policy.initial_backoff = std::chrono::milliseconds(2'000);
    PacedMessenger paced(client_, waiter_, {}, policy);
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerUnavailable);
    EXPECT_EQ(sent.error().message, "Telegram sendMessage: HTTP 502 without a Bot API answer");
    EXPECT_EQ(fake_.Requests().size(), 4U);  // the first attempt and three retries
    const std::vector<telegram::SteadyTime> expected = {seconds(2), seconds(4), seconds(8)};
    EXPECT_EQ(waiter_.sleeps(), expected);
}

TEST_F(TelegramBotApiServer, ServerErrorThenSuccess) {
    fake_.Enqueue(FakeReply::ServerError(500));
    fake_.Enqueue(FakeReply::ApiError(502, "Bad Gateway"));
    PacedMessenger paced(client_, waiter_);
    const auto sent = paced.SendMessage(Hello(42));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(fake_.Requests().size(), 3U);
}

TEST_F(TelegramBotApiServer, TokenNeverAppearsInErrors) {
    // Even when the answer quotes the token back, the message does not carry it.
    fake_.Enqueue(FakeReply::BadRequest("Bad Request: token " + std::string(kToken) + " and secret " +
                                        std::string(kTokenSecret)));
    fake_.Enqueue(FakeReply::ApiError(401, "Unauthorized"));
    const auto echoed = client_.SendMessage(Hello(1));
    ASSERT_FALSE(echoed.ok());
    EXPECT_NE(echoed.error().message.find("<redacted>"), std::string::npos);
    ExpectNoToken(echoed.error());

    const auto unauthorized = client_.SendMessage(Hello(1));
    ASSERT_FALSE(unauthorized.ok());
    EXPECT_EQ(unauthorized.error().code, ports::kMessengerUnauthorized);
    ExpectNoToken(unauthorized.error());
}

TEST_F(TelegramBotApiServer, SlowAnswerTimesOutAsUnavailable) {
    BotApiSettings settings = Settings(fake_.base_url());
    settings.request_timeout = std::chrono::milliseconds(200);
    BotApiClient impatient(settings);
    FakeReply slow = FakeReply::Ok(json{{"message_id", 1}});
    slow.delay = std::chrono::milliseconds(800);
    fake_.Enqueue(slow);
    const auto sent = impatient.SendMessage(Hello(42));
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerUnavailable);
    ExpectNoToken(sent.error());
}

TEST_F(TelegramBotApiServer, ConcurrentSendersShareOneClientAndLimiter) {
    SystemWaiter system_waiter;
    PacedMessenger paced(client_, system_waiter);
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5;  // 20 distinct chats: inside the global burst, so nobody sleeps
    std::vector<std::vector<ports::MessageId>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&paced, &ids, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const auto sent = paced.SendMessage(Hello(1000 + t * kPerThread + i));
                if (sent.ok()) ids[static_cast<std::size_t>(t)].push_back(sent.value());
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    std::set<ports::MessageId> distinct;
    for (const auto& batch : ids) distinct.insert(batch.begin(), batch.end());
    EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kPerThread));
    EXPECT_EQ(fake_.Requests().size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(TelegramBotApiNetwork, RefusedConnectionIsUnavailableWithoutToken) {
    std::uint16_t closed_port = 0;
    {
        FakeBotApi gone;  // take a free port, then free it again
        closed_port = gone.port();
    }
    BotApiSettings settings;
    settings.base_url = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
    settings.token = std::string(kToken);
    settings.connect_timeout = std::chrono::milliseconds(1'000);
    BotApiClient client(settings);
    ports::OutgoingMessage message;
    message.chat_id = 1;
    message.text = "x";
    const auto sent = client.SendMessage(message);
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, ports::kMessengerUnavailable);
    EXPECT_EQ(sent.error().message.find(kTokenSecret), std::string::npos) << sent.error().message;
    EXPECT_NE(sent.error().message.find("Telegram sendMessage: "), std::string::npos);
}

}  // namespace
}  // namespace onton::telegram_bot
