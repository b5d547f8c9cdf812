// The flood-limit scheduler, driven by explicit instants: no clock, no sleeping, fully deterministic.

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "telegram/rate_limiter.hpp"

namespace onton::telegram {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

SteadyTime Ms(std::int64_t ms) { return std::chrono::duration_cast<SteadyTime>(milliseconds(ms)); }

// A sender that asks at `from` and, when refused, comes back exactly when told: returns the instant it was granted.
SteadyTime Grant(RateLimiter& limiter, std::int64_t chat, SteadyTime from) {
    SteadyTime at = from;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const RateLimiter::Permit permit = limiter.TryAcquire(chat, at);
        if (permit.granted) return at;
        EXPECT_GT(permit.not_before, at);
        at = permit.not_before;
    }
    ADD_FAILURE() << "never granted";
    return at;
}

TEST(TelegramBotRateLimiter, PrivateChatGetsOneMessagePerSecond) {
    RateLimiter limiter;
    const SteadyTime now = Ms(10'000);
    EXPECT_EQ(Grant(limiter, 42, now), now);
    const RateLimiter::Permit refused = limiter.TryAcquire(42, now);
    EXPECT_FALSE(refused.granted);
    EXPECT_EQ(refused.not_before, now + seconds(1));
    // Another chat is not held up by chat 42.
    EXPECT_EQ(Grant(limiter, 43, now), now);
    EXPECT_EQ(Grant(limiter, 42, now), now + seconds(1));
    EXPECT_EQ(Grant(limiter, 42, now + seconds(1)), now + seconds(2));
    // After a quiet spell the chat's bucket is full again.
    EXPECT_EQ(Grant(limiter, 42, now + seconds(10)), now + seconds(10));
}

TEST(TelegramBotRateLimiter, GroupGetsTwentyPerMinute) {
    RateLimiter limiter;
    std::vector<SteadyTime> slots;
    SteadyTime at = Ms(0);
    for (int i = 0; i < 21; ++i) {
        at = Grant(limiter, -100500, at);
        slots.push_back(at);
    }
    EXPECT_EQ(slots[0], Ms(0));
    EXPECT_EQ(slots[1], Ms(3'000));
    EXPECT_EQ(slots[20], Ms(60'000));
    // Never more than 20 in any 60 s window.
    for (std::size_t i = 20; i < slots.size(); ++i) EXPECT_GE(slots[i] - slots[i - 20], seconds(60));
}

TEST(TelegramBotRateLimiter, GlobalThirtyPerSecondAcrossChats) {
    RateLimiter limiter;
    const SteadyTime now = Ms(1'000);
    std::vector<SteadyTime> slots;
    SteadyTime at = now;
    for (std::int64_t chat = 1; chat <= 90; ++chat) {
        at = Grant(limiter, chat, at);
        slots.push_back(at);
    }
    // The burst of 30 goes at once, then one every 1/30 s.
    for (std::size_t i = 0; i < 30; ++i) EXPECT_EQ(slots[i], now) << i;
    EXPECT_GT(slots[30], now);
    // After the initial burst, any 31 consecutive sends span at least one second.
    for (std::size_t i = 60; i < slots.size(); ++i) EXPECT_GE(slots[i] - slots[i - 30], seconds(1)) << i;
    // 90 messages: 30 at once, then 60 more at 30/s end 2 s later.
    EXPECT_LE(slots.back() - now, Ms(2'001));
    EXPECT_GE(slots.back() - now, Ms(1'999));
}

TEST(TelegramBotRateLimiter, WaitingChatDoesNotHoldBackOthers) {
    RateLimiter limiter;
    EXPECT_EQ(Grant(limiter, 42, Ms(0)), Ms(0));
    // Chat 42 must wait a second; meanwhile 29 other chats still get the global budget at once.
    EXPECT_FALSE(limiter.TryAcquire(42, Ms(0)).granted);
    for (std::int64_t chat = 100; chat < 129; ++chat) EXPECT_EQ(Grant(limiter, chat, Ms(0)), Ms(0)) << chat;
    EXPECT_FALSE(limiter.TryAcquire(200, Ms(0)).granted);
}

TEST(TelegramBotRateLimiter, EarliestSendDoesNotBook) {
    RateLimiter limiter;
    EXPECT_EQ(limiter.EarliestSend(42, Ms(0)), Ms(0));
    EXPECT_EQ(limiter.EarliestSend(42, Ms(0)), Ms(0));
    EXPECT_TRUE(limiter.TryAcquire(42, Ms(0)).granted);
    EXPECT_EQ(limiter.EarliestSend(42, Ms(0)), Ms(1'000));
    EXPECT_EQ(limiter.EarliestSend(RateLimiter::kNoChat, Ms(0)), Ms(0));
}

TEST(TelegramBotRateLimiter, RetryAfterPausesTheWholeBotByDefault) {
    RateLimiter limiter;
    limiter.OnRetryAfter(42, Ms(0), seconds(7));
    EXPECT_EQ(limiter.TryAcquire(42, Ms(0)).not_before, Ms(7'000));
    EXPECT_EQ(limiter.TryAcquire(43, Ms(100)).not_before, Ms(7'000));
    EXPECT_EQ(limiter.TryAcquire(RateLimiter::kNoChat, Ms(100)).not_before, Ms(7'000));
    // A shorter pause later does not shorten the running one.
    limiter.OnRetryAfter(44, Ms(200), seconds(1));
    EXPECT_EQ(Grant(limiter, 44, Ms(300)), Ms(7'000));
    EXPECT_EQ(Grant(limiter, 42, Ms(7'000)), Ms(7'000));
}

TEST(TelegramBotRateLimiter, AbsurdRetryAfterIsCapped) {
    RateLimiter limiter;
    limiter.OnRetryAfter(42, Ms(0), seconds(std::numeric_limits<std::int64_t>::max() / 2));
    EXPECT_EQ(limiter.EarliestSend(42, Ms(0)), std::chrono::duration_cast<SteadyTime>(kMaxRetryAfter));

    RateLimits per_chat;
    per_chat.retry_after_pauses_all = false;
    RateLimiter other(per_chat);
    other.OnRetryAfter(43, Ms(100), seconds(-5));  // a negative pause is no pause
    EXPECT_EQ(other.PausedUntil(43), Ms(100));
    EXPECT_EQ(other.EarliestSend(43, Ms(100)), Ms(100));
}

TEST(TelegramBotRateLimiter, RetryAfterPerChatWhenConfigured) {
    RateLimits limits;
    limits.retry_after_pauses_all = false;
    RateLimiter limiter(limits);
    limiter.OnRetryAfter(42, Ms(0), seconds(5));
    EXPECT_EQ(Grant(limiter, 43, Ms(0)), Ms(0));
    EXPECT_EQ(limiter.TryAcquire(42, Ms(0)).not_before, Ms(5'000));
    // A 429 on a call without a chat throttles everyone.
    limiter.OnRetryAfter(RateLimiter::kNoChat, Ms(0), seconds(3));
    EXPECT_EQ(Grant(limiter, 44, Ms(0)), Ms(3'000));
    EXPECT_EQ(Grant(limiter, 42, Ms(3'000)), Ms(5'000));
    EXPECT_EQ(Grant(limiter, 42, Ms(5'000)), Ms(6'000));
}

TEST(TelegramBotRateLimiter, CustomBurstAllowsShortBursts) {
    RateLimits limits;
    limits.private_chat = BucketLimit{1, seconds(1), 3};
    RateLimiter limiter(limits);
    EXPECT_EQ(Grant(limiter, 42, Ms(0)), Ms(0));
    EXPECT_EQ(Grant(limiter, 42, Ms(0)), Ms(0));
    EXPECT_EQ(Grant(limiter, 42, Ms(0)), Ms(0));
    EXPECT_EQ(Grant(limiter, 42, Ms(0)), Ms(1'000));
}

TEST(TelegramBotRateLimiter, IdleChatsAreForgotten) {
    RateLimiter limiter;
    for (std::int64_t chat = 1; chat <= 2000; ++chat) (void)Grant(limiter, chat, Ms(chat * 1'000));
    EXPECT_LT(limiter.TrackedChats(), 2000U);
    // A forgotten chat behaves as a fresh one.
    EXPECT_EQ(Grant(limiter, 1, Ms(3'000'000)), Ms(3'000'000));
}

}  // namespace
}  // namespace onton::telegram
