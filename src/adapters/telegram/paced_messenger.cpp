#include "adapters/telegram/paced_messenger.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace onton::telegram_bot {

using telegram::RateLimiter;
using telegram::SteadyTime;

SteadyTime SystemWaiter::Now() {
    return std::chrono::duration_cast<SteadyTime>(std::chrono::steady_clock::now().time_since_epoch());
}

void SystemWaiter::SleepUntil(SteadyTime deadline) {
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(deadline)));
}

PacedMessenger::PacedMessenger(ports::Messenger& inner,
                               Waiter& waiter,
                               telegram::RateLimits limits,
                               RetryPolicy policy)
    : inner_(inner), waiter_(waiter), policy_(policy), limiter_(limits) {}

void PacedMessenger::Acquire(std::int64_t chat_id, Pacing pacing) {
    for (;;) {
        const SteadyTime now = waiter_.Now();
        SteadyTime wait_until = now;
        {
            const std::lock_guard lock(mutex_);
            if (pacing == Pacing::kPauseOnly) {
                wait_until = limiter_.PausedUntil(chat_id);
            } else {
                const RateLimiter::Permit permit = limiter_.TryAcquire(chat_id, now);
                if (!permit.granted) wait_until = permit.not_before;
            }
        }
        if (wait_until <= now) return;
        waiter_.SleepUntil(wait_until);
    }
}

void PacedMessenger::RecordRetryAfter(std::int64_t chat_id, std::chrono::seconds retry_after) {
    const SteadyTime now = waiter_.Now();
    const std::lock_guard lock(mutex_);
    limiter_.OnRetryAfter(chat_id, now, retry_after);
}

// A named member template rather than a capturing lambda loop: each attempt is one plain call of `call`.
template <typename Call>
auto PacedMessenger::Run(std::string_view method, std::int64_t chat_id, Pacing pacing, Call call)
    -> decltype(call()) {
    int rate_limited = 0;
    int unavailable = 0;
    std::chrono::milliseconds backoff = policy_.initial_backoff;
    for (;;) {
        Acquire(chat_id, pacing);
        auto result = call();
        if (result.ok()) return result;
        const Error& error = result.error();

        if (error.code == ports::kMessengerRateLimited) {
            const std::chrono::seconds retry_after = ports::RetryAfter(error).value_or(std::chrono::seconds(1));
            RecordRetryAfter(chat_id, retry_after);
            if (++rate_limited > policy_.max_rate_limited_retries || retry_after > policy_.max_retry_after) {
                spdlog::warn("telegram {}: flood control ({} s) not waited out for chat {}",
                             method,
                             retry_after.count(),
                             chat_id);
                return result;
            }
            spdlog::info("telegram {}: flood control, waiting {} s (chat {})", method, retry_after.count(), chat_id);
            continue;  // Acquire waits out the pause just recorded
        }
        if (error.code == ports::kMessengerUnavailable) {
            if (++unavailable > policy_.max_unavailable_retries) return result;
            spdlog::info("{}; retrying in {} ms", error.message, backoff.count());
            waiter_.SleepUntil(waiter_.Now() + std::chrono::duration_cast<SteadyTime>(backoff));
            backoff = std::min(backoff * 2, policy_.max_backoff);
            continue;
        }
        return result;  // blocked, bad request, unauthorized: a retry would fail the same way
    }
}

Result<ports::MessageId> PacedMessenger::SendMessage(const ports::OutgoingMessage& message) {
    return Run("sendMessage", message.chat_id, Pacing::kBuckets, [this, &message] {
        return inner_.SendMessage(message);
    });
}

Result<void> PacedMessenger::AnswerCallbackQuery(std::string_view callback_query_id,
                                                 std::string_view text,
                                                 bool show_alert) {
    return Run("answerCallbackQuery", RateLimiter::kNoChat, Pacing::kPauseOnly, [&] {
        return inner_.AnswerCallbackQuery(callback_query_id, text, show_alert);
    });
}

Result<void> PacedMessenger::SetWebhook(const ports::WebhookSettings& settings) {
    return Run("setWebhook", RateLimiter::kNoChat, Pacing::kBuckets, [&] { return inner_.SetWebhook(settings); });
}

Result<void> PacedMessenger::SetChatMenuButton(std::string_view text, std::string_view web_app_url) {
    return Run("setChatMenuButton", RateLimiter::kNoChat, Pacing::kBuckets, [&] {
        return inner_.SetChatMenuButton(text, web_app_url);
    });
}

Result<ports::MessageId> PacedMessenger::SendInvoice(const ports::StarsInvoice& invoice) {
    return Run("sendInvoice", invoice.chat_id, Pacing::kBuckets, [&] { return inner_.SendInvoice(invoice); });
}

Result<void> PacedMessenger::AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id,
                                                    bool ok,
                                                    std::string_view error_message) {
    return Run("answerPreCheckoutQuery", RateLimiter::kNoChat, Pacing::kPauseOnly, [&] {
        return inner_.AnswerPreCheckoutQuery(pre_checkout_query_id, ok, error_message);
    });
}

Result<void> PacedMessenger::RefundStarPayment(std::int64_t user_id, std::string_view telegram_payment_charge_id) {
    return Run("refundStarPayment", RateLimiter::kNoChat, Pacing::kBuckets, [&] {
        return inner_.RefundStarPayment(user_id, telegram_payment_charge_id);
    });
}

Result<std::string> PacedMessenger::CreateInvoiceLink(const ports::StarsInvoice& invoice) {
    // Not a message to a chat: it only counts against the bot's global budget.
    return Run("createInvoiceLink", RateLimiter::kNoChat, Pacing::kBuckets, [&] {
        return inner_.CreateInvoiceLink(invoice);
    });
}

Result<void> PacedMessenger::EditMessageText(std::int64_t chat_id,
                                             ports::MessageId message_id,
                                             std::string_view text,
                                             const std::optional<ports::InlineKeyboard>& keyboard) {
    return Run("editMessageText", chat_id, Pacing::kBuckets, [&] {
        return inner_.EditMessageText(chat_id, message_id, text, keyboard);
    });
}

}  // namespace onton::telegram_bot
