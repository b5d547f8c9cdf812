#pragma once
/// An in-memory Messenger for tests of code that talks to Telegram through the port: it records every call and
/// answers from a script of failures (success, with increasing message ids, once the script runs out). With a
/// Waiter it stamps each call with the waiter's time, so pacing can be asserted. Single-threaded use only.

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/telegram/paced_messenger.hpp"
#include "ports/messenger.hpp"

namespace onton::test {

class FakeMessenger final : public ports::Messenger {
public:
    struct Call {
        std::string method;
        std::int64_t chat_id = 0;  ///< 0 for calls that address no chat
        std::string text;  ///< sendMessage/editMessageText text, invoice payload, callback or pre-checkout
                           ///< query id, refunded charge id
        std::optional<ports::InlineKeyboard> keyboard;
        telegram::SteadyTime at{0};
    };

    explicit FakeMessenger(telegram_bot::Waiter* waiter = nullptr) : waiter_(waiter) {}

    /// The next call not yet answered fails with `error`; failures queue up in order.
    void Fail(Error error) { script_.push_back(std::move(error)); }

    /// An error shaped like BotApiClient's: `code` with details.method and, when > 0, details.retry_after.
    static Error Failure(std::string_view code, std::int64_t retry_after_seconds = 0) {
        nlohmann::json details = {{"method", "sendMessage"}};
        if (retry_after_seconds > 0) details["retry_after"] = retry_after_seconds;
        return Error{std::string(code), "Telegram sendMessage: scripted", details};
    }

    [[nodiscard]] const std::vector<Call>& calls() const { return calls_; }
    /// What answerCallbackQuery showed (its text) and answerPreCheckoutQuery said ("ok" or the error
    /// message), in order.
    [[nodiscard]] const std::vector<std::string>& answers() const { return answers_; }

    Result<ports::MessageId> SendMessage(const ports::OutgoingMessage& message) override {
        Record("sendMessage", message.chat_id, message.text, message.keyboard);
        if (auto error = Next()) return *error;
        return ++next_id_;
    }
    Result<void> AnswerCallbackQuery(std::string_view callback_query_id,
                                     std::string_view text,
                                     bool) override {
        answers_.emplace_back(text);
        return Void("answerCallbackQuery", callback_query_id);
    }
    Result<void> SetWebhook(const ports::WebhookSettings& settings) override {
        return Void("setWebhook", settings.url);
    }
    Result<void> SetChatMenuButton(std::string_view, std::string_view web_app_url) override {
        return Void("setChatMenuButton", web_app_url);
    }
    Result<ports::MessageId> SendInvoice(const ports::StarsInvoice& invoice) override {
        Record("sendInvoice", invoice.chat_id, invoice.payload, std::nullopt);
        if (auto error = Next()) return *error;
        return ++next_id_;
    }
    Result<void> AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id,
                                        bool ok,
                                        std::string_view error_message) override {
        answers_.emplace_back(ok ? std::string("ok") : std::string(error_message));
        return Void("answerPreCheckoutQuery", pre_checkout_query_id);
    }
    Result<void> RefundStarPayment(std::int64_t user_id,
                                   std::string_view telegram_payment_charge_id) override {
        Record("refundStarPayment", user_id, telegram_payment_charge_id, std::nullopt);
        if (auto error = Next()) return *error;
        return Ok();
    }
    /// Records the invoice payload as `text` and the amount as `chat_id`.
    Result<std::string> CreateInvoiceLink(const ports::StarsInvoice& invoice) override {
        Record("createInvoiceLink", invoice.amount_stars, invoice.payload, std::nullopt);
        if (auto error = Next()) return *error;
        return "https://t.me/$fake-invoice-" + std::to_string(++next_id_);
    }
    Result<void> EditMessageText(std::int64_t chat_id,
                                 ports::MessageId,
                                 std::string_view text,
                                 const std::optional<ports::InlineKeyboard>& keyboard) override {
        Record("editMessageText", chat_id, text, keyboard);
        if (auto error = Next()) return *error;
        return Ok();
    }

private:
    void Record(std::string method,
                std::int64_t chat_id,
                std::string_view text,
                const std::optional<ports::InlineKeyboard>& keyboard) {
        Call call;
        call.method = std::move(method);
        call.chat_id = chat_id;
        call.text = std::string(text);
        call.keyboard = keyboard;
        if (waiter_ != nullptr) call.at = waiter_->Now();
        calls_.push_back(std::move(call));
    }
    std::optional<Error> Next() {
        if (script_.empty()) return std::nullopt;
        Error error = std::move(script_.front());
        script_.pop_front();
        return error;
    }
    Result<void> Void(std::string method, std::string_view text) {
        Record(std::move(method), 0, text, std::nullopt);
        if (auto error = Next()) return *error;
        return Ok();
    }

    telegram_bot::Waiter* waiter_;
    std::deque<Error> script_;
    std::vector<Call> calls_;
    std::vector<std::string> answers_;
    ports::MessageId next_id_ = 0;
};

}  // namespace onton::test
