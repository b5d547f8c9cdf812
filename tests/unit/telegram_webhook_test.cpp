// Webhook updates: the secret check, typed parsing of the updates Onton handles, commands and deep links, and
// hostile bodies that must become errors instead of exceptions.

#include <gtest/gtest.h>

#include <string>

#include "telegram/webhook.hpp"

namespace onton::telegram {
namespace {

constexpr std::string_view kStartUpdate = R"({
  "update_id": 900001,
  "message": {
    "message_id": 17, "date": 1800000000,
    "from": {"id": 279058397, "is_bot": false, "first_name": "Vlad", "username": "vdk", "language_code": "ru",
             "is_premium": true},
    "chat": {"id": 279058397, "type": "private", "first_name": "Vlad", "username": "vdk"},
    "text": "/start event_0b8f5a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b",
    "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
  }
})";

TEST(TelegramBotWebhookSecret, AcceptsOnlyTheExactSecret) {
    EXPECT_TRUE(VerifyWebhookSecret("s3cret_-Token", "s3cret_-Token"));
    EXPECT_FALSE(VerifyWebhookSecret("s3cret_-Tokem", "s3cret_-Token"));
    EXPECT_FALSE(VerifyWebhookSecret("s3cret_-Token2", "s3cret_-Token"));
    EXPECT_FALSE(VerifyWebhookSecret("s3cret", "s3cret_-Token"));
    EXPECT_FALSE(VerifyWebhookSecret("", "s3cret_-Token"));
    EXPECT_FALSE(VerifyWebhookSecret(std::nullopt, "s3cret_-Token"));
}

TEST(TelegramBotWebhookSecret, EmptyConfiguredSecretAcceptsNothing) {
    EXPECT_FALSE(VerifyWebhookSecret("", ""));
    EXPECT_FALSE(VerifyWebhookSecret("anything", ""));
    EXPECT_FALSE(VerifyWebhookSecret(std::nullopt, ""));
}

TEST(TelegramBotWebhookParse, StartCommandWithEventDeepLink) {
    const auto update = ParseUpdate(kStartUpdate);
    ASSERT_TRUE(update.ok()) << update.error().message;
    EXPECT_EQ(update->update_id, 900001);
    ASSERT_EQ(update->kind, UpdateKind::kMessage);
    const TgMessage& message = *update->message;
    EXPECT_EQ(message.message_id, 17);
    EXPECT_EQ(message.date, 1800000000);
    ASSERT_TRUE(message.from.has_value());
    EXPECT_EQ(message.from->id, 279058397);
    EXPECT_EQ(message.from->language_code, "ru");
    EXPECT_TRUE(message.from->is_premium);
    EXPECT_EQ(message.chat.type, ChatType::kPrivate);
    ASSERT_EQ(message.entities.size(), 1U);
    EXPECT_EQ(message.entities[0].type, "bot_command");
    EXPECT_EQ(message.entities[0].length, 6);
    ASSERT_TRUE(message.command.has_value());
    EXPECT_EQ(message.command->name, "start");
    EXPECT_EQ(message.command->args, "event_0b8f5a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b");

    const auto payload = ParseStartPayload(message.command->args);
    ASSERT_TRUE(payload.has_value());
    ASSERT_TRUE(payload->event_uuid.has_value());
    EXPECT_EQ(*payload->event_uuid, "0b8f5a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b");
    EXPECT_EQ(EventStartPayload(*payload->event_uuid), message.command->args);
    EXPECT_FALSE(update->callback_query.has_value());
}

TEST(TelegramBotWebhookParse, CallbackQuery) {
    const auto update = ParseUpdate(R"({"update_id": 5, "callback_query": {
        "id": "4382bfdwdsb323b2d9", "chat_instance": "-123",
        "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "message": {"message_id": 77, "date": 1800000000, "chat": {"id": -100123, "type": "supergroup", "title": "Admins"}},
        "data": "approve:event:12"}})");
    ASSERT_TRUE(update.ok()) << update.error().message;
    ASSERT_EQ(update->kind, UpdateKind::kCallbackQuery);
    const CallbackQuery& query = *update->callback_query;
    EXPECT_EQ(query.id, "4382bfdwdsb323b2d9");
    EXPECT_EQ(query.from.id, 42);
    EXPECT_EQ(query.data, "approve:event:12");
    EXPECT_EQ(query.chat_id, -100123);
    EXPECT_EQ(query.message_id, 77);
}

TEST(TelegramBotWebhookParse, PreCheckoutQueryInStars) {
    const auto update = ParseUpdate(R"({"update_id": 6, "pre_checkout_query": {
        "id": "pcq-1", "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "currency": "XTR", "total_amount": 250, "invoice_payload": "order:7f0c"}})");
    ASSERT_TRUE(update.ok()) << update.error().message;
    ASSERT_EQ(update->kind, UpdateKind::kPreCheckoutQuery);
    EXPECT_EQ(update->pre_checkout_query->id, "pcq-1");
    EXPECT_EQ(update->pre_checkout_query->currency, "XTR");
    EXPECT_EQ(update->pre_checkout_query->total_amount, 250);
    EXPECT_EQ(update->pre_checkout_query->invoice_payload, "order:7f0c");
}

TEST(TelegramBotWebhookParse, SuccessfulPaymentMessage) {
    const auto update = ParseUpdate(R"({"update_id": 7, "message": {
        "message_id": 9, "date": 1800000001, "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "chat": {"id": 42, "type": "private"},
        "successful_payment": {"currency": "XTR", "total_amount": 250, "invoice_payload": "order:7f0c",
                               "telegram_payment_charge_id": "stxABC", "provider_payment_charge_id": ""}}})");
    ASSERT_TRUE(update.ok()) << update.error().message;
    ASSERT_EQ(update->kind, UpdateKind::kMessage);
    ASSERT_TRUE(update->message->successful_payment.has_value());
    EXPECT_EQ(update->message->successful_payment->telegram_payment_charge_id, "stxABC");
    EXPECT_EQ(update->message->successful_payment->total_amount, 250);
    EXPECT_FALSE(update->message->command.has_value());
}

TEST(TelegramBotWebhookParse, MyChatMemberBlockedAndUnblocked) {
    const auto blocked = ParseUpdate(R"({"update_id": 8, "my_chat_member": {
        "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "date": 1800000002,
        "old_chat_member": {"status": "member", "user": {"id": 1, "is_bot": true, "first_name": "Onton"}},
        "new_chat_member": {"status": "kicked", "until_date": 0, "user": {"id": 1, "is_bot": true, "first_name": "Onton"}}}})");
    ASSERT_TRUE(blocked.ok()) << blocked.error().message;
    ASSERT_EQ(blocked->kind, UpdateKind::kMyChatMember);
    EXPECT_TRUE(blocked->my_chat_member->BlockedBot());
    EXPECT_FALSE(blocked->my_chat_member->UnblockedBot());

    const auto unblocked = ParseUpdate(R"({"update_id": 9, "my_chat_member": {
        "chat": {"id": 42, "type": "private"}, "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "date": 1800000003, "old_chat_member": {"status": "kicked"}, "new_chat_member": {"status": "member"}}})");
    ASSERT_TRUE(unblocked.ok()) << unblocked.error().message;
    EXPECT_FALSE(unblocked->my_chat_member->BlockedBot());
    EXPECT_TRUE(unblocked->my_chat_member->UnblockedBot());

    // Removed from a group: not a user blocking the bot.
    const auto group = ParseUpdate(R"({"update_id": 10, "my_chat_member": {
        "chat": {"id": -5, "type": "group", "title": "G"}, "from": {"id": 42, "is_bot": false, "first_name": "A"},
        "date": 1800000003, "old_chat_member": {"status": "member"}, "new_chat_member": {"status": "kicked"}}})");
    ASSERT_TRUE(group.ok()) << group.error().message;
    EXPECT_FALSE(group->my_chat_member->BlockedBot());
}

TEST(TelegramBotWebhookParse, UnhandledKindsAreOther) {
    const auto update = ParseUpdate(R"({"update_id": 11, "edited_channel_post": {"anything": [1, 2]}})");
    ASSERT_TRUE(update.ok()) << update.error().message;
    EXPECT_EQ(update->kind, UpdateKind::kOther);
    EXPECT_EQ(update->update_id, 11);
}

TEST(TelegramBotWebhookParse, CommandAddressedToAnotherBotIsIgnored) {
    UpdateOptions options;
    options.bot_username = "OntonBot";
    const std::string body = R"({"update_id": 12, "message": {"message_id": 1, "date": 1,
        "chat": {"id": -7, "type": "group", "title": "G"}, "text": "/help@other_bot"}})";
    const auto other = ParseUpdate(body, options);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->message->command.has_value());
    EXPECT_FALSE(other->message->from.has_value());

    const auto ours = ParseUpdate(R"({"update_id": 13, "message": {"message_id": 1, "date": 1,
        "chat": {"id": -7, "type": "group", "title": "G"}, "text": "/MyTickets@ontonbot"}})",
                                  options);
    ASSERT_TRUE(ours.ok());
    ASSERT_TRUE(ours->message->command.has_value());
    EXPECT_EQ(ours->message->command->name, "mytickets");
    EXPECT_EQ(ours->message->command->bot_username, "ontonbot");
    EXPECT_EQ(ours->message->command->args, "");
}

TEST(TelegramBotWebhookHostile, MalformedBodiesAreErrors) {
    const std::string huge = R"({"update_id":1,"x":")" + std::string(kMaxUpdateBytes, 'a') + R"("})";
    for (const std::string& body : {
             std::string(""),
             std::string("{"),
             std::string("not json"),
             std::string("[1,2,3]"),
             std::string("42"),
             std::string(R"({})"),
             std::string(R"({"update_id": "1"})"),
             std::string(R"({"update_id": 1.5})"),
             std::string(R"({"update_id": 18446744073709551615})"),
             std::string(R"({"update_id": 1, "message": "hello"})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1}})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": "x", "type": "private"}}})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "text": 5}})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "entities": {}}})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "entities": [7]}})"),
             std::string(R"({"update_id": 1, "callback_query": {"id": 5, "from": {"id": 1}}})"),
             std::string(R"({"update_id": 1, "callback_query": {"id": "5"}})"),
             std::string(R"({"update_id": 1, "pre_checkout_query": {"id": "p", "from": {"id": 1}, "currency": "XTR"}})"),
             std::string(R"({"update_id": 1, "my_chat_member": {"chat": {"id": 1, "type": "private"}, "from": {"id": 1}, "date": 1, "new_chat_member": {"status": "kicked"}}})"),
             std::string(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "from": {"id": 1, "is_bot": "no"}}})"),
             huge,
         }) {
        const auto update = ParseUpdate(body);
        ASSERT_FALSE(update.ok()) << body.substr(0, 200);
        EXPECT_EQ(update.error().code, kInvalidUpdate);
        EXPECT_FALSE(update.error().message.empty());
    }
}

TEST(TelegramBotWebhookHostile, DeepNestingIsRefusedBeforeParsing) {
    const std::string prefix = R"({"update_id": 1, "x": )";
    const std::string deep = prefix + std::string(400'000, '[') + std::string(400'000, ']') + "}";
    const auto update = ParseUpdate(deep);
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, "update body nests deeper than 64 levels");

    // 64 levels in all is fine; brackets inside strings (escaped quotes included) do not count.
    const std::string limit = prefix + std::string(63, '[') + std::string(63, ']') + "}";
    EXPECT_TRUE(ParseUpdate(limit).ok());
    EXPECT_FALSE(ParseUpdate(prefix + std::string(64, '[') + std::string(64, ']') + "}").ok());
    const std::string quoted = prefix + "\"\\\" " + std::string(100, '[') + "\"}";
    const auto with_string = ParseUpdate(quoted);
    ASSERT_TRUE(with_string.ok()) << quoted;
}

TEST(TelegramBotWebhookHostile, ErrorNamesTheField) {
    const auto update =
        ParseUpdate(R"({"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": 3}}})");
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, "update.message.chat.type is not a string");
}

TEST(TelegramBotCommand, Shapes) {
    auto command = ParseBotCommand("/start", "");
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->name, "start");
    EXPECT_EQ(command->args, "");

    command = ParseBotCommand("/start   abc def  \n", "");
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->args, "abc def");

    command = ParseBotCommand("/help@OntonBot", "ontonbot");
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->name, "help");

    command = ParseBotCommand("/help@anybot extra", "");
    ASSERT_TRUE(command.has_value());
    EXPECT_EQ(command->bot_username, "anybot");
    EXPECT_EQ(command->args, "extra");

    EXPECT_FALSE(ParseBotCommand("", "").has_value());
    EXPECT_FALSE(ParseBotCommand("start", "").has_value());
    EXPECT_FALSE(ParseBotCommand("/", "").has_value());
    EXPECT_FALSE(ParseBotCommand("/ start", "").has_value());
    EXPECT_FALSE(ParseBotCommand("/start-now", "").has_value());
    EXPECT_FALSE(ParseBotCommand("/help@", "").has_value());
    EXPECT_FALSE(ParseBotCommand("/help@other", "ontonbot").has_value());
    EXPECT_FALSE(ParseBotCommand("/" + std::string(33, 'a'), "").has_value());
    EXPECT_TRUE(ParseBotCommand("/" + std::string(32, 'a'), "").has_value());
    EXPECT_FALSE(ParseBotCommand("hello /start", "").has_value());
}

TEST(TelegramBotStartPayload, TelegramCharsetAndLength) {
    EXPECT_FALSE(ParseStartPayload("").has_value());
    EXPECT_FALSE(ParseStartPayload("event 1").has_value());
    EXPECT_FALSE(ParseStartPayload("a+b").has_value());
    EXPECT_FALSE(ParseStartPayload("ünï").has_value());
    EXPECT_FALSE(ParseStartPayload(std::string(65, 'a')).has_value());
    const auto longest = ParseStartPayload(std::string(64, 'a'));
    ASSERT_TRUE(longest.has_value());
    EXPECT_FALSE(longest->event_uuid.has_value());

    const auto plain = ParseStartPayload("ref_abc-123");
    ASSERT_TRUE(plain.has_value());
    EXPECT_EQ(plain->raw, "ref_abc-123");
    EXPECT_FALSE(plain->event_uuid.has_value());

    // Only a canonical lower-case UUID makes an event link.
    EXPECT_FALSE(ParseStartPayload("event_0B8F5A4E-1C2D-4E3F-8A9B-0C1D2E3F4A5B")->event_uuid.has_value());
    EXPECT_FALSE(ParseStartPayload("event_0b8f5a4e1c2d4e3f8a9b0c1d2e3f4a5b")->event_uuid.has_value());
    EXPECT_FALSE(ParseStartPayload("event_")->event_uuid.has_value());
    EXPECT_TRUE(ParseStartPayload("event_0b8f5a4e-1c2d-4e3f-8a9b-0c1d2e3f4a5b")->event_uuid.has_value());
}

}  // namespace
}  // namespace onton::telegram
