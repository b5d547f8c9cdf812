#include "telegram/rate_limiter.hpp"

#include <algorithm>

namespace onton::telegram {
namespace {

// Rounded up, so that rounding never lets the schedule run faster than the limit.
std::chrono::microseconds EmissionInterval(const BucketLimit& limit) {
    const std::int64_t count = std::max<std::int64_t>(limit.count, 1);
    return std::chrono::microseconds((limit.period.count() + count - 1) / count);
}

std::chrono::microseconds BurstTolerance(const BucketLimit& limit) {
    return EmissionInterval(limit) * (std::max<std::int64_t>(limit.burst, 1) - 1);
}

}  // namespace

RateLimiter::RateLimiter(RateLimits limits) : limits_(limits) {}

const BucketLimit& RateLimiter::LimitFor(std::int64_t chat_id) const noexcept {
    return chat_id < 0 ? limits_.group_chat : limits_.private_chat;
}

SteadyTime RateLimiter::Admits(const Bucket& bucket, const BucketLimit& limit, SteadyTime now) {
    return std::max({now, bucket.tat - BurstTolerance(limit), bucket.paused_until});
}

void RateLimiter::Book(Bucket& bucket, const BucketLimit& limit, SteadyTime at) {
    bucket.tat = std::max(bucket.tat, at) + EmissionInterval(limit);
}

SteadyTime RateLimiter::EarliestSend(std::int64_t chat_id, SteadyTime now) const {
    SteadyTime at = Admits(global_, limits_.global, now);
    if (chat_id == kNoChat) return at;
    const auto it = chats_.find(chat_id);
    if (it == chats_.end()) return at;
    return std::max(at, Admits(it->second, LimitFor(chat_id), now));
}

RateLimiter::Permit RateLimiter::TryAcquire(std::int64_t chat_id, SteadyTime now) {
    Prune(now);
    const SteadyTime at = EarliestSend(chat_id, now);
    if (at > now) return Permit{false, at};
    Book(global_, limits_.global, now);
    if (chat_id != kNoChat) Book(chats_[chat_id], LimitFor(chat_id), now);
    return Permit{true, now};
}

SteadyTime RateLimiter::PausedUntil(std::int64_t chat_id) const {
    SteadyTime until = global_.paused_until;
    if (const auto it = chats_.find(chat_id); chat_id != kNoChat && it != chats_.end()) {
        until = std::max(until, it->second.paused_until);
    }
    return until;
}

void RateLimiter::OnRetryAfter(std::int64_t chat_id, SteadyTime now, std::chrono::seconds retry_after) {
    const SteadyTime until =
        now + std::chrono::duration_cast<SteadyTime>(std::clamp(retry_after, std::chrono::seconds(0), kMaxRetryAfter));
    if (chat_id != kNoChat) {
        Bucket& bucket = chats_[chat_id];
        bucket.paused_until = std::max(bucket.paused_until, until);
    }
    if (chat_id == kNoChat || limits_.retry_after_pauses_all) {
        global_.paused_until = std::max(global_.paused_until, until);
    }
}

// A bucket whose tat has passed is full again and holds no pause: it behaves exactly like a missing entry, so
// dropping it is invisible. Pruning only past a threshold keeps TryAcquire O(1) amortised.
void RateLimiter::Prune(SteadyTime now) {
    if (chats_.size() < prune_threshold_) return;
    std::erase_if(chats_, [now](const auto& entry) {
        return entry.second.tat <= now && entry.second.paused_until <= now;
    });
    prune_threshold_ = std::max<std::size_t>(1024, chats_.size() * 2);
}

}  // namespace onton::telegram
