#pragma once
/// Telegram's flood limits as a pure scheduler (core.telegram.org/bots/faq, "My bot is hitting limits"): about
/// 30 messages per second overall, 1 per second per private chat, 20 per minute per group, and after a 429 nothing
/// until `retry_after` has passed.
///
/// Each limit is a token bucket written as GCRA (a "theoretical arrival time" per bucket): a bucket of rate r and
/// burst b admits a send at t when t >= tat - (b - 1) / r, and the send moves tat to max(tat, t) + 1 / r.
/// TryAcquire() never drops a message: it either grants the send now (booking every bucket that applies) or says
/// when to come back. Bookings are made only for the present instant, never for a future one, so a message that
/// waits for its own chat does not hold back the global budget of the others; a caller that is told to come back
/// simply asks again then (another sender may have taken the slot meanwhile, and it is told a later instant).
///
/// Time is passed in by the caller as a duration since any fixed origin (a steady clock in production, a number in
/// tests); the class has no clock and no I/O. Not thread-safe: the owner serialises calls.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace onton::telegram {

using SteadyTime = std::chrono::microseconds;  ///< since an arbitrary fixed origin

/// Longer 429 pauses are treated as this long: enough for any flood wait seen in practice, and far from overflow.
inline constexpr std::chrono::seconds kMaxRetryAfter = std::chrono::hours(24);

/// A token bucket: `count` sends per `period`, of which up to `burst` may go back to back.
struct BucketLimit {
    std::int64_t count = 1;
    std::chrono::microseconds period = std::chrono::seconds(1);
    std::int64_t burst = 1;
};

struct RateLimits {
    BucketLimit global{30, std::chrono::seconds(1), 30};
    BucketLimit private_chat{1, std::chrono::seconds(1), 1};
    BucketLimit group_chat{20, std::chrono::minutes(1), 1};  ///< chats with a negative id (groups, channels)
    /// Telegram throttles the whole bot while a 429 lasts (ton-telegram.md §7), so by default a retry_after pauses
    /// every chat; false pauses only the chat that got the 429.
    bool retry_after_pauses_all = true;
};

class RateLimiter {
public:
    /// The chat id used for calls that address no chat (setWebhook, answerCallbackQuery): such calls count against
    /// the global bucket only.
    static constexpr std::int64_t kNoChat = 0;

    explicit RateLimiter(RateLimits limits = {});

    struct Permit {
        bool granted = false;  ///< the send may go now; every applicable bucket has been charged
        SteadyTime not_before{0};  ///< when not granted: the earliest instant worth asking again
    };

    /// Grants a send to `chat_id` at `now` when every applicable bucket admits it (and charges them), or returns
    /// the instant from which they would. A grant is final: ask only for a send that will happen at once (a
    /// failed send still spent its slot, as it did at Telegram). `now` must not go backwards between calls.
    [[nodiscard]] Permit TryAcquire(std::int64_t chat_id, SteadyTime now);

    /// The earliest instant >= now at which every applicable bucket admits a send to `chat_id`; books nothing.
    [[nodiscard]] SteadyTime EarliestSend(std::int64_t chat_id, SteadyTime now) const;

    /// The end of any 429 pause that applies to `chat_id` (the chat's own or the global one); the origin when none
    /// was ever recorded.
    [[nodiscard]] SteadyTime PausedUntil(std::int64_t chat_id) const;

    /// Records a 429 with `retry_after` received at `now`: nothing more to `chat_id` (and, with
    /// retry_after_pauses_all or for kNoChat, to anyone) before now + retry_after. A shorter pause never shortens a
    /// longer one already in force; pauses beyond kMaxRetryAfter count as kMaxRetryAfter.
    void OnRetryAfter(std::int64_t chat_id, SteadyTime now, std::chrono::seconds retry_after);

    /// How many chats have state; chats whose buckets are full again are forgotten as TryAcquire goes.
    [[nodiscard]] std::size_t TrackedChats() const noexcept { return chats_.size(); }

private:
    struct Bucket {
        SteadyTime tat{0};          ///< theoretical arrival time of the next send
        SteadyTime paused_until{0};  ///< from a 429
    };

    [[nodiscard]] const BucketLimit& LimitFor(std::int64_t chat_id) const noexcept;
    [[nodiscard]] static SteadyTime Admits(const Bucket& bucket, const BucketLimit& limit, SteadyTime now);
    static void Book(Bucket& bucket, const BucketLimit& limit, SteadyTime at);
    void Prune(SteadyTime now);

    RateLimits limits_;
    Bucket global_;
    std::unordered_map<std::int64_t, Bucket> chats_;
    std::size_t prune_threshold_ = 1024;
};

}  // namespace onton::telegram
