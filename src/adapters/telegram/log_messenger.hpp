#pragma once
/// The Messenger of the embedded default when no real bot token is configured: every message is written to the
/// log (info) and reported sent with a local message id, so the whole platform runs without api.telegram.org.

#include <atomic>

#include "ports/messenger.hpp"

namespace onton::telegram_bot {

class LogMessenger final : public ports::Messenger {
public:
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

   private:
    std::atomic<ports::MessageId> next_id_{0};
};

}  // namespace onton::telegram_bot
