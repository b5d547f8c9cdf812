// The Bot API client's pure parts: request bodies and the interpretation of Telegram's answers.

#include <gtest/gtest.h>

#include "adapters/telegram/bot_api.hpp"

namespace onton::telegram_bot {
namespace {

using nlohmann::json;

TEST(TelegramBotApiParams, SendMessageWithEveryKindOfButton) {
    ports::OutgoingMessage message;
    message.chat_id = 279058397;
    message.text = "<b>Ticket issued</b>";
    message.parse_mode = ports::ParseMode::kHtml;
    message.disable_link_preview = true;
    message.keyboard = ports::InlineKeyboard{
        {ports::InlineButton::WebApp("Open ticket", "https://onton.example/app/tickets/7")},
        {ports::InlineButton::Url("Event", "https://t.me/onton_bot/app?startapp=e_1"),
         ports::InlineButton::Callback("Refund", "refund:7")}};
    const json expected = json::parse(R"({
        "chat_id": 279058397, "text": "<b>Ticket issued</b>", "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": true},
        "reply_markup": {"inline_keyboard": [
            [{"text": "Open ticket", "web_app": {"url": "https://onton.example/app/tickets/7"}}],
            [{"text": "Event", "url": "https://t.me/onton_bot/app?startapp=e_1"},
             {"text": "Refund", "callback_data": "refund:7"}]]}})");
    EXPECT_EQ(SendMessageParams(message), expected);
}

TEST(TelegramBotApiParams, PlainMessageHasNoOptionalFields) {
    ports::OutgoingMessage message;
    message.chat_id = -100123;
    message.text = "hello";
    EXPECT_EQ(SendMessageParams(message), json::parse(R"({"chat_id": -100123, "text": "hello"})"));
    message.parse_mode = ports::ParseMode::kMarkdownV2;
    EXPECT_EQ(SendMessageParams(message)["parse_mode"], "MarkdownV2");
}

TEST(TelegramBotApiParams, StarsInvoice) {
    ports::StarsInvoice invoice;
    invoice.chat_id = 42;
    invoice.title = "Ticket";
    invoice.description = "One ticket to TON Dev Day";
    invoice.payload = "order:7f0c";
    invoice.label = "Standard";
    invoice.amount_stars = 250;
    EXPECT_EQ(SendInvoiceParams(invoice), json::parse(R"({
        "chat_id": 42, "title": "Ticket", "description": "One ticket to TON Dev Day", "payload": "order:7f0c",
        "currency": "XTR", "prices": [{"label": "Standard", "amount": 250}]})"));
}

TEST(TelegramBotApiRequest, InvoiceLinkInStarsHasAnEmptyProviderTokenAndNoChat) {
    ports::StarsInvoice invoice;
    invoice.chat_id = 42;  // not part of createInvoiceLink
    invoice.title = "TON Dev Day";
    invoice.description = "2 × Standard — TON Dev Day";
    invoice.payload = "onton-abc123";
    invoice.label = "Standard";
    invoice.amount_stars = 500;
    EXPECT_EQ(CreateInvoiceLinkParams(invoice), json::parse(R"({
        "title": "TON Dev Day", "description": "2 × Standard — TON Dev Day", "payload": "onton-abc123",
        "provider_token": "", "currency": "XTR", "prices": [{"label": "Standard", "amount": 500}]})"));
}

TEST(TelegramBotApiResponse, OkReturnsResult) {
    const auto result = InterpretResponse("sendMessage", 200, R"({"ok":true,"result":{"message_id":5}})");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.value()["message_id"], 5);
    const auto bare = InterpretResponse("setWebhook", 200, R"({"ok":true,"result":true,"description":"set"})");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare.value(), true);
}

TEST(TelegramBotApiResponse, FailuresAreClassified) {
    const auto flood = InterpretResponse(
        "sendMessage",
        429,
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})");
    ASSERT_FALSE(flood.ok());
    EXPECT_EQ(flood.error().code, ports::kMessengerRateLimited);
    EXPECT_EQ(ports::RetryAfter(flood.error()), std::chrono::seconds(7));
    EXPECT_EQ(flood.error().message, "Telegram sendMessage: Too Many Requests: retry after 7");
    EXPECT_EQ(flood.error().details["method"], "sendMessage");

    const auto absurd = InterpretResponse(
        "sendMessage", 429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":99999999999999999}})");
    EXPECT_EQ(ports::RetryAfter(absurd.error()), std::chrono::hours(24));
    const auto negative = InterpretResponse(
        "sendMessage", 429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":-3}})");
    EXPECT_EQ(ports::RetryAfter(negative.error()), std::chrono::seconds(1));

    // A 429 without parameters still waits a little rather than hammering.
    const auto bare_flood = InterpretResponse("sendMessage", 429, R"({"ok":false,"error_code":429})");
    EXPECT_EQ(ports::RetryAfter(bare_flood.error()), std::chrono::seconds(1));

    const auto blocked = InterpretResponse(
        "sendMessage", 403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})");
    EXPECT_EQ(blocked.error().code, ports::kMessengerBlocked);
    EXPECT_EQ(blocked.error().details["error_code"], 403);
    EXPECT_FALSE(ports::RetryAfter(blocked.error()).has_value());

    const auto bad = InterpretResponse(
        "sendMessage", 400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})");
    EXPECT_EQ(bad.error().code, ports::kMessengerBadRequest);

    const auto migrated = InterpretResponse(
        "sendMessage",
        400,
        R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234}})");
    EXPECT_EQ(migrated.error().code, ports::kMessengerBadRequest);
    EXPECT_EQ(migrated.error().details["migrate_to_chat_id"], -1001234);

    EXPECT_EQ(InterpretResponse("getMe", 401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})")
                  .error()
                  .code,
              ports::kMessengerUnauthorized);
    EXPECT_EQ(InterpretResponse("getMe", 404, R"({"ok":false,"error_code":404,"description":"Not Found"})")
                  .error()
                  .code,
              ports::kMessengerUnauthorized);
    EXPECT_EQ(InterpretResponse("sendMessage", 500, R"({"ok":false,"error_code":500,"description":"Internal"})")
                  .error()
                  .code,
              ports::kMessengerUnavailable);
    // The body's error_code wins; the HTTP status fills in when it is missing.
    EXPECT_EQ(InterpretResponse("sendMessage", 200, R"({"ok":false,"description":"?"})").error().code,
              ports::kMessengerUnavailable);
    EXPECT_EQ(InterpretResponse("sendMessage", 403, R"({"ok":false})").error().code, ports::kMessengerBlocked);
}

TEST(TelegramBotApiResponse, NonApiAnswersAreUnavailable) {
    for (const std::string body : {"<html>502 Bad Gateway</html>", "", "{", "[]", R"({"ok":"yes"})", R"({"result":1})"}) {
        const auto result = InterpretResponse("sendMessage", 502, body);
        ASSERT_FALSE(result.ok()) << body;
        EXPECT_EQ(result.error().code, ports::kMessengerUnavailable) << body;
        EXPECT_EQ(result.error().message, "Telegram sendMessage: HTTP 502 without a Bot API answer");
    }
}

TEST(TelegramBotApiRedact, RemovesEveryOccurrence) {
    EXPECT_EQ(Redact("a SECRET b SECRET", "SECRET"), "a <redacted> b <redacted>");
    EXPECT_EQ(Redact("nothing", ""), "nothing");
    EXPECT_EQ(Redact("xx", "xxx"), "xx");
    const std::string token = "123456:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
    EXPECT_EQ(RedactToken("url /bot" + token + "/sendMessage", token), "url /bot<redacted>/sendMessage");
    EXPECT_EQ(RedactToken("just AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8 here", token), "just <redacted> here");
}

TEST(TelegramBotApiClient, RejectsEmptySettings) {
    BotApiSettings settings;
    EXPECT_THROW(BotApiClient{settings}, std::invalid_argument);
    settings.token = "1:x";
    settings.base_url = "";
    EXPECT_THROW(BotApiClient{settings}, std::invalid_argument);
}

}  // namespace
}  // namespace onton::telegram_bot
