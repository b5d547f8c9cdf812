#pragma once
/// The Messenger port over Telegram's Bot API (core.telegram.org/bots/api) with libcurl: every call is a JSON POST
/// to `<base_url>/bot<token>/<method>` and the answer's `{ok, result}` or `{ok:false, error_code, description,
/// parameters}` becomes a Result with the port's error codes.
///
/// One attempt per call: no pacing and no retries here (PacedMessenger adds both). Thread-safe: calls from several
/// threads run in parallel on pooled curl handles, which keep their connections (and TLS sessions) alive.
/// The token appears only in the request URL: it is redacted from every error message, and nothing is logged.

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ports/messenger.hpp"

namespace onton::telegram_bot {

struct BotApiSettings {
    std::string base_url = "https://api.telegram.org";  ///< tests point it at a fake on loopback
    std::string token;                                   ///< `<bot id>:<secret>`; a secret, never logged
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds request_timeout{15'000};  ///< whole call, connect included
    std::size_t max_response_bytes = 1024 * 1024;
};

class BotApiClient final : public ports::Messenger {
public:
    /// Throws std::invalid_argument when the token or base_url is empty.
    explicit BotApiClient(BotApiSettings settings);
    ~BotApiClient() override;
    BotApiClient(const BotApiClient&) = delete;
    BotApiClient& operator=(const BotApiClient&) = delete;

    /// Calls any Bot API method with JSON parameters; the `result` on success.
    [[nodiscard]] Result<nlohmann::json> Call(std::string_view method, const nlohmann::json& params);

    [[nodiscard]] Result<ports::MessageId> SendMessage(const ports::OutgoingMessage& message) override;
    [[nodiscard]] Result<void> AnswerCallbackQuery(std::string_view callback_query_id,
                                                   std::string_view text,
                                                   bool show_alert) override;
    [[nodiscard]] Result<void> SetWebhook(const ports::WebhookSettings& settings) override;
    [[nodiscard]] Result<void> SetChatMenuButton(std::string_view text, std::string_view web_app_url) override;
    [[nodiscard]] Result<ports::MessageId> SendInvoice(const ports::StarsInvoice& invoice) override;
    [[nodiscard]] Result<void> AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id,
                                                      bool ok,
                                                      std::string_view error_message) override;
    [[nodiscard]] Result<void> RefundStarPayment(std::int64_t user_id,
                                                 std::string_view telegram_payment_charge_id) override;
    [[nodiscard]] Result<std::string> CreateInvoiceLink(const ports::StarsInvoice& invoice) override;
    [[nodiscard]] Result<void> EditMessageText(std::int64_t chat_id,
                                               ports::MessageId message_id,
                                               std::string_view text,
                                               const std::optional<ports::InlineKeyboard>& keyboard) override;

    struct HandlePool;  ///< implementation detail

private:
    BotApiSettings settings_;
    std::string url_prefix_;  ///< `<base_url>/bot<token>/`
    std::unique_ptr<HandlePool> handles_;
};

// Pure building blocks, exposed for unit tests.

/// `reply_markup` for an inline keyboard: {"inline_keyboard": [[{"text", "web_app": {"url"}} | {"text", "url"} |
/// {"text", "callback_data"}], ...]}.
[[nodiscard]] nlohmann::json InlineKeyboardJson(const ports::InlineKeyboard& keyboard);

/// The sendMessage parameters for `message`.
[[nodiscard]] nlohmann::json SendMessageParams(const ports::OutgoingMessage& message);

/// The sendInvoice parameters for a Stars invoice (currency XTR, one price line, no provider token).
[[nodiscard]] nlohmann::json SendInvoiceParams(const ports::StarsInvoice& invoice);

/// The createInvoiceLink parameters for a Stars invoice (currency XTR, empty provider_token, one price line).
[[nodiscard]] nlohmann::json CreateInvoiceLinkParams(const ports::StarsInvoice& invoice);

/// Interprets one HTTP answer to `method`: `result` when ok, otherwise an Error with a port code (see
/// ports/messenger.hpp) whose details hold `method`, `error_code` (Telegram's, or the HTTP status) and, as
/// applicable, `retry_after` (seconds, 1 to a day) or `migrate_to_chat_id`. The message quotes Telegram's
/// description; the caller redacts it.
[[nodiscard]] Result<nlohmann::json> InterpretResponse(std::string_view method,
                                                       long http_status,
                                                       std::string_view body);

/// `text` with every occurrence of `secret` replaced by `<redacted>` (unchanged when secret is empty).
[[nodiscard]] std::string Redact(std::string text, std::string_view secret);

/// Redact for a bot token: the whole `<id>:<secret>` and also the secret part on its own.
[[nodiscard]] std::string RedactToken(std::string text, std::string_view token);

}  // namespace onton::telegram_bot
