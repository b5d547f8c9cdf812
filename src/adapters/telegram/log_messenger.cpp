#include "adapters/telegram/log_messenger.hpp"

#include <spdlog/spdlog.h>

namespace onton::telegram_bot {

Result<ports::MessageId> LogMessenger::SendMessage(const ports::OutgoingMessage& message) {
    const auto id = ++next_id_;
    std::string buttons;
    if (message.keyboard) {
        for (const auto& row : *message.keyboard) {
            for (const auto& button : row) buttons += " [" + button.text + " -> " + button.value + "]";
        }
    }
    spdlog::info("telegram (local, not sent) to chat {}: {}{}", message.chat_id, message.text, buttons);
    return id;
}

Result<void> LogMessenger::AnswerCallbackQuery(std::string_view callback_query_id, std::string_view text, bool) {
    spdlog::info("telegram (local) answerCallbackQuery {}: {}", callback_query_id, text);
    return Ok();
}

Result<void> LogMessenger::SetWebhook(const ports::WebhookSettings& settings) {
    spdlog::info("telegram (local) setWebhook {}", settings.url);
    return Ok();
}

Result<void> LogMessenger::SetChatMenuButton(std::string_view text, std::string_view web_app_url) {
    spdlog::info("telegram (local) setChatMenuButton {} -> {}", text, web_app_url);
    return Ok();
}

Result<ports::MessageId> LogMessenger::SendInvoice(const ports::StarsInvoice& invoice) {
    spdlog::info("telegram (local) sendInvoice to chat {}: {} XTR {}", invoice.chat_id, invoice.amount_stars, invoice.title);
    return ++next_id_;
}

Result<void> LogMessenger::AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id, bool ok, std::string_view) {
    spdlog::info("telegram (local) answerPreCheckoutQuery {}: {}", pre_checkout_query_id, ok);
    return Ok();
}

Result<void> LogMessenger::RefundStarPayment(std::int64_t user_id, std::string_view telegram_payment_charge_id) {
    spdlog::info("telegram (local) refundStarPayment {} {}", user_id, telegram_payment_charge_id);
    return Ok();
}

Result<std::string> LogMessenger::CreateInvoiceLink(const ports::StarsInvoice& invoice) {
    const auto id = ++next_id_;
    spdlog::info("telegram (local) createInvoiceLink: {} XTR {} ({})",
                 invoice.amount_stars,
                 invoice.title,
                 invoice.payload);
    return "https://t.me/$local-invoice-" + std::to_string(id);
}

Result<void> LogMessenger::EditMessageText(std::int64_t chat_id,
                                           ports::MessageId message_id,
                                           std::string_view text,
                                           const std::optional<ports::InlineKeyboard>&) {
    spdlog::info("telegram (local) editMessageText {} in chat {}: {}", message_id, chat_id, text);
    return Ok();
}

}  // namespace onton::telegram_bot
