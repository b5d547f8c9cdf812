#pragma once
/// PacedMessenger: a Messenger decorator that keeps a bot within Telegram's flood limits and rides out transient
/// failures, so that callers (the notification worker) can send one message after another without counting.
///
/// - Pacing: sendMessage and sendInvoice wait for the chat's and the global token buckets (telegram::RateLimiter:
///   30/s overall, 1/s per private chat, 20/min per group); setWebhook and setChatMenuButton count against the
///   global bucket only. answerCallbackQuery and answerPreCheckoutQuery are not paced: Telegram expects them within
///   seconds and they are not messages, but they still respect a running 429 pause.
/// - 429: the retry_after is recorded in the limiter (pausing that chat, and by default the whole bot), then the
///   same call is made again once the pause is over, up to RetryPolicy::max_rate_limited_retries times. A
///   retry_after above RetryPolicy::max_retry_after is returned at once (the pause stays recorded) so that a
///   durable outbox can reschedule instead of holding a worker thread.
/// - messenger.unavailable (network, timeout, 5xx): retried with exponential backoff, then returned.
/// - messenger.blocked, bad_request, unauthorized: returned at once, never retried.
///
/// Retries make delivery at-least-once: a sendMessage that timed out after Telegram accepted it is sent twice.
/// Exactly-once belongs to the caller's outbox (one row per notification, status recorded).
///
/// Thread-safe when `inner` and `waiter` are: callers share one limiter under a mutex and wait outside it.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "ports/messenger.hpp"
#include "telegram/rate_limiter.hpp"

namespace onton::telegram_bot {

/// A steady clock that can wait. The system one sleeps; tests use a fake that jumps ahead.
class Waiter {
public:
    virtual ~Waiter() = default;
    [[nodiscard]] virtual telegram::SteadyTime Now() = 0;
    /// Returns at or after `deadline` (at once when it has passed).
    virtual void SleepUntil(telegram::SteadyTime deadline) = 0;
};

/// std::chrono::steady_clock and std::this_thread::sleep_until.
class SystemWaiter final : public Waiter {
public:
    [[nodiscard]] telegram::SteadyTime Now() override;
    void SleepUntil(telegram::SteadyTime deadline) override;
};

struct RetryPolicy {
    int max_rate_limited_retries = 5;  ///< 429s waited out per call before the 429 is returned
    std::chrono::seconds max_retry_after{300};  ///< longer pauses are returned instead of waited out
    int max_unavailable_retries = 3;  ///< retries after messenger.unavailable (so 4 attempts in all)
    std::chrono::milliseconds initial_backoff{500};  ///< doubled after every failed attempt
    std::chrono::milliseconds max_backoff{30'000};
};

class PacedMessenger final : public ports::Messenger {
public:
    /// `inner` and `waiter` must outlive this object.
    PacedMessenger(ports::Messenger& inner,
                   Waiter& waiter,
                   telegram::RateLimits limits = {},
                   RetryPolicy policy = {});

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
    enum class Pacing { kBuckets, kPauseOnly };

    template <typename Call>
    auto Run(std::string_view method, std::int64_t chat_id, Pacing pacing, Call call) -> decltype(call());

    /// Waits until the limiter grants a send to `chat_id` (kBuckets), or until any running 429 pause that applies
    /// is over (kPauseOnly).
    void Acquire(std::int64_t chat_id, Pacing pacing);
    void RecordRetryAfter(std::int64_t chat_id, std::chrono::seconds retry_after);

    ports::Messenger& inner_;
    Waiter& waiter_;
    RetryPolicy policy_;
    std::mutex mutex_;
    telegram::RateLimiter limiter_;  ///< guarded by mutex_
};

}  // namespace onton::telegram_bot
