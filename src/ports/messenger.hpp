#pragma once
/// Messenger port: what the domain may ask of Telegram (core.telegram.org/bots/api). The production adapter is the
/// Bot API client (adapters/telegram/bot_api.hpp), usually wrapped in the PacedMessenger that applies Telegram's
/// flood limits; tests use fakes.
///
/// Every call is synchronous and may block for a network round trip (or, paced, for the flood limits): call it from
/// a worker thread, never from an I/O thread. Expected failures come back as Error with one of the codes below, so
/// that a worker can tell "mark the user as blocked" from "try again later" without parsing text. Error messages
/// never contain the bot token.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace onton::ports {

/// Error codes of the Messenger port. details carry `error_code` (Telegram's, when it answered) and `method`.
/// 403: the user blocked the bot, deleted the account, or the bot was removed from the chat. Do not retry; mark
/// the recipient as unreachable.
inline constexpr std::string_view kMessengerBlocked = "messenger.blocked";
/// 429 flood control. details.retry_after holds the seconds Telegram asked us to wait (at least 1).
inline constexpr std::string_view kMessengerRateLimited = "messenger.rate_limited";
/// 400 (and other 4xx): the request itself is wrong (chat not found, bad markup, text too long). Not retried.
/// details.migrate_to_chat_id is set when a group became a supergroup.
inline constexpr std::string_view kMessengerBadRequest = "messenger.bad_request";
/// 401/404 on the bot path: the token is wrong or revoked. Not retried; an operator must fix the config.
inline constexpr std::string_view kMessengerUnauthorized = "messenger.unauthorized";
/// Network failure, timeout, 5xx, or an answer that is not the Bot API's JSON. Worth retrying with backoff.
inline constexpr std::string_view kMessengerUnavailable = "messenger.unavailable";

/// Telegram's message_id within a chat.
using MessageId = std::int64_t;

enum class ParseMode { kPlain, kHtml, kMarkdownV2 };

/// One inline keyboard button. `web_app` buttons work only in private chats with the bot; for groups use a `url`
/// button with `https://t.me/<bot>/<app>?startapp=<param>`. callback_data must be 1-64 bytes.
struct InlineButton {
    enum class Kind { kWebApp, kUrl, kCallback };
    Kind kind = Kind::kUrl;
    std::string text;
    std::string value;  ///< the Mini App URL, the link, or the callback data, by kind

    static InlineButton WebApp(std::string text, std::string url) {
        return InlineButton{Kind::kWebApp, std::move(text), std::move(url)};
    }
    static InlineButton Url(std::string text, std::string url) {
        return InlineButton{Kind::kUrl, std::move(text), std::move(url)};
    }
    static InlineButton Callback(std::string text, std::string data) {
        return InlineButton{Kind::kCallback, std::move(text), std::move(data)};
    }
    friend bool operator==(const InlineButton&, const InlineButton&) = default;
};

/// Rows of buttons, top to bottom.
using InlineKeyboard = std::vector<std::vector<InlineButton>>;

struct OutgoingMessage {
    std::int64_t chat_id = 0;  ///< user id for a private chat; negative for groups and channels
    std::string text;          ///< 1-4096 characters after entity parsing
    ParseMode parse_mode = ParseMode::kPlain;
    std::optional<InlineKeyboard> keyboard;
    bool disable_link_preview = false;
};

/// setWebhook. Telegram accepts only HTTPS on ports 443, 80, 88 and 8443; it echoes secret_token (1-256 of
/// [A-Za-z0-9_-]) in the X-Telegram-Bot-Api-Secret-Token header of every update.
struct WebhookSettings {
    std::string url;
    std::string secret_token;
    std::vector<std::string> allowed_updates;  ///< empty keeps Telegram's default (all but a few)
    bool drop_pending_updates = false;
    int max_connections = 40;  ///< 1-100
};

/// An invoice in Telegram Stars (currency XTR; no provider token; one price line).
struct StarsInvoice {
    std::int64_t chat_id = 0;  ///< sendInvoice only; createInvoiceLink addresses no chat
    std::string title;        ///< 1-32 characters
    std::string description;  ///< 1-255 characters
    std::string payload;      ///< 1-128 bytes, not shown to the user; comes back in pre_checkout_query
    std::string label;        ///< the price line's label
    std::int64_t amount_stars = 0;  ///< whole Stars (XTR has no subunits), > 0
};

class Messenger {
public:
    virtual ~Messenger() = default;

    /// sendMessage. Returns Telegram's message id.
    [[nodiscard]] virtual Result<MessageId> SendMessage(const OutgoingMessage& message) = 0;
    /// answerCallbackQuery: stops the button's spinner; `text` (optional, 0-200 characters) shows as a
    /// notification, or as an alert when show_alert. Must come within seconds of the query.
    [[nodiscard]] virtual Result<void> AnswerCallbackQuery(std::string_view callback_query_id,
                                                           std::string_view text,
                                                           bool show_alert) = 0;
    /// setWebhook.
    [[nodiscard]] virtual Result<void> SetWebhook(const WebhookSettings& settings) = 0;
    /// setChatMenuButton for every private chat (no chat_id): a `web_app` menu button opening `web_app_url`.
    [[nodiscard]] virtual Result<void> SetChatMenuButton(std::string_view text, std::string_view web_app_url) = 0;
    /// sendInvoice in XTR. Returns the invoice message's id.
    [[nodiscard]] virtual Result<MessageId> SendInvoice(const StarsInvoice& invoice) = 0;
    /// createInvoiceLink in XTR (empty provider_token): the `https://t.me/$...` link a Mini App opens with
    /// `Telegram.WebApp.openInvoice`. `invoice.chat_id` is not used.
    [[nodiscard]] virtual Result<std::string> CreateInvoiceLink(const StarsInvoice& invoice) = 0;
    /// answerPreCheckoutQuery: ok, or a refusal with error_message shown to the user. Must come within 10 s.
    [[nodiscard]] virtual Result<void> AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id,
                                                              bool ok,
                                                              std::string_view error_message) = 0;
    /// refundStarPayment of a successful payment's telegram_payment_charge_id. Telegram refunds a charge
    /// once: a second call fails with messenger.bad_request whose message says CHARGE_ALREADY_REFUNDED.
    [[nodiscard]] virtual Result<void> RefundStarPayment(std::int64_t user_id,
                                                         std::string_view telegram_payment_charge_id) = 0;
    /// editMessageText of a message the bot sent: the new text and inline keyboard (nullopt: no keyboard, so
    /// the old buttons disappear).
    [[nodiscard]] virtual Result<void> EditMessageText(std::int64_t chat_id,
                                                       MessageId message_id,
                                                       std::string_view text,
                                                       const std::optional<InlineKeyboard>& keyboard) = 0;
};

/// Seconds to wait from a kMessengerRateLimited error (details.retry_after); nullopt for any other error.
[[nodiscard]] inline std::optional<std::chrono::seconds> RetryAfter(const Error& error) {
    if (error.code != kMessengerRateLimited || !error.details.is_object()) return std::nullopt;
    const auto it = error.details.find("retry_after");
    if (it == error.details.end() || !it->is_number_integer()) return std::nullopt;
    return std::chrono::seconds(it->get<std::int64_t>());
}

}  // namespace onton::ports
