#pragma once
/// Telegram webhook updates (core.telegram.org/bots/api#update): the secret-token check and a typed view of the
/// updates Onton acts on. Pure functions: no I/O, no clock. Hostile input never throws: malformed JSON, or JSON
/// whose fields have the wrong types, comes back as Error `telegram.invalid_update` with a message naming the
/// problem. Update kinds Onton does not handle parse as UpdateKind::kOther (they are acknowledged and dropped, so
/// Telegram does not retry them).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace onton::telegram {

inline constexpr std::string_view kWebhookSecretHeader = "X-Telegram-Bot-Api-Secret-Token";
inline constexpr std::string_view kInvalidUpdate = "telegram.invalid_update";
/// Larger bodies are refused before parsing; Telegram's updates are a few kilobytes.
inline constexpr std::size_t kMaxUpdateBytes = 1024 * 1024;
/// Deeper nesting of objects and arrays is refused before parsing; real updates nest about a dozen levels.
inline constexpr std::size_t kMaxUpdateDepth = 64;
/// The longest /start deep-link payload Telegram passes on (`?start=`): 64 of [A-Za-z0-9_-].
inline constexpr std::size_t kMaxStartPayloadBytes = 64;

/// True when `received` (the header's value; nullopt when the header is absent) equals `expected`. Compares
/// SHA-256 digests in constant time, so neither the content nor the length of the secret leaks through timing.
/// An empty `expected` accepts nothing: a webhook without a configured secret is closed, not open.
[[nodiscard]] bool VerifyWebhookSecret(std::optional<std::string_view> received, std::string_view expected);

struct TgUser {
    std::int64_t id = 0;
    bool is_bot = false;
    std::string first_name;
    std::string last_name;
    std::string username;
    std::string language_code;  ///< IETF tag such as `en` or `ru`; may be empty
    bool is_premium = false;
};

enum class ChatType { kPrivate, kGroup, kSupergroup, kChannel, kOther };

struct TgChat {
    std::int64_t id = 0;
    ChatType type = ChatType::kOther;
    std::string title;     ///< groups and channels
    std::string username;  ///< private chats and public groups
};

/// A message entity; offset and length count UTF-16 code units, as Telegram sends them.
struct MessageEntity {
    std::string type;  ///< `bot_command`, `url`, `mention`, ...
    std::int64_t offset = 0;
    std::int64_t length = 0;
};

/// A command at the start of a message: `/name[@bot] [args]`.
struct BotCommand {
    std::string name;          ///< without '/' and without the @suffix, lower-cased (`start`, `mytickets`)
    std::string bot_username;  ///< the @suffix without '@', empty when there is none
    std::string args;          ///< the rest of the text after the first run of whitespace, trailing space trimmed
};

struct SuccessfulPayment {
    std::string currency;  ///< `XTR` for Telegram Stars
    std::int64_t total_amount = 0;  ///< in the currency's smallest unit (whole Stars for XTR)
    std::string invoice_payload;
    std::string telegram_payment_charge_id;  ///< needed for refundStarPayment
    std::string provider_payment_charge_id;
};

struct TgMessage {
    std::int64_t message_id = 0;
    std::int64_t date = 0;  ///< unix seconds
    std::optional<TgUser> from;  ///< absent for channel posts
    TgChat chat;
    std::string text;
    std::vector<MessageEntity> entities;
    /// Set when the text begins with a bot command addressed to this bot (see ParseBotCommand).
    std::optional<BotCommand> command;
    std::optional<SuccessfulPayment> successful_payment;
};

struct CallbackQuery {
    std::string id;
    TgUser from;
    std::string data;  ///< the button's callback_data; empty for games
    std::optional<std::int64_t> chat_id;     ///< of the message with the button, when Telegram includes it
    std::optional<std::int64_t> message_id;
};

struct PreCheckoutQuery {
    std::string id;
    TgUser from;
    std::string currency;
    std::int64_t total_amount = 0;
    std::string invoice_payload;
};

/// my_chat_member: the bot's own membership changed. In a private chat `kicked` means the user blocked the bot and
/// `member` that they unblocked (or started) it.
struct ChatMemberUpdated {
    TgChat chat;
    TgUser from;
    std::int64_t date = 0;
    std::string old_status;  ///< creator, administrator, member, restricted, left, kicked
    std::string new_status;

    [[nodiscard]] bool BlockedBot() const { return chat.type == ChatType::kPrivate && new_status == "kicked"; }
    [[nodiscard]] bool UnblockedBot() const {
        return chat.type == ChatType::kPrivate && old_status == "kicked" && new_status == "member";
    }
};

enum class UpdateKind { kMessage, kCallbackQuery, kPreCheckoutQuery, kMyChatMember, kOther };

/// One update; exactly the optional that matches `kind` is set (none for kOther). A message carrying a
/// successful_payment is a kMessage with message->successful_payment set.
struct Update {
    std::int64_t update_id = 0;
    UpdateKind kind = UpdateKind::kOther;
    std::optional<TgMessage> message;
    std::optional<CallbackQuery> callback_query;
    std::optional<PreCheckoutQuery> pre_checkout_query;
    std::optional<ChatMemberUpdated> my_chat_member;
};

struct UpdateOptions {
    /// Our bot's username without '@'. Commands addressed to another bot (`/start@other_bot`) are not ours and
    /// leave TgMessage::command unset; empty accepts any suffix.
    std::string bot_username;
};

/// Parses a webhook body. Errors: `telegram.invalid_update` for a body over kMaxUpdateBytes or nested deeper than
/// kMaxUpdateDepth, malformed JSON, a
/// non-object, a missing or non-integer update_id, or a known update whose required fields are missing or have the
/// wrong type.
[[nodiscard]] Result<Update> ParseUpdate(std::string_view body, const UpdateOptions& options = {});

/// The command at the start of `text`: '/', then 1-32 of [A-Za-z0-9_], optionally '@' and a bot username, then
/// the end or whitespace. nullopt when the text does not start that way, or when the @suffix names a bot other
/// than `bot_username` (compared case-insensitively; an empty bot_username accepts any suffix).
[[nodiscard]] std::optional<BotCommand> ParseBotCommand(std::string_view text, std::string_view bot_username);

/// A /start deep-link payload (`https://t.me/<bot>?start=<payload>`).
struct StartPayload {
    std::string raw;
    std::optional<std::string> event_uuid;  ///< set for `event_<uuid>` with a canonical lower-case UUID
};

/// Validates `/start` args as a deep-link payload: 1-64 of [A-Za-z0-9_-] (Telegram's rule); nullopt otherwise,
/// including for an empty payload (a plain /start).
[[nodiscard]] std::optional<StartPayload> ParseStartPayload(std::string_view args);

/// The payload that opens event `event_uuid`: `event_<uuid>`. The inverse of ParseStartPayload's event_uuid.
[[nodiscard]] std::string EventStartPayload(std::string_view event_uuid);

}  // namespace onton::telegram
