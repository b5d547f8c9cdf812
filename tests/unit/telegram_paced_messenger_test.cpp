// PacedMessenger over a scripted Messenger and a fake waiter: pacing, 429 pauses, backoff and the failures that
// must not be retried, all on simulated time.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/telegram/paced_messenger.hpp"
#include "support/fake_messenger.hpp"
#include "support/fake_waiter.hpp"

namespace onton::telegram_bot {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using telegram::SteadyTime;

SteadyTime Ms(std::int64_t ms) { return std::chrono::duration_cast<SteadyTime>(milliseconds(ms)); }

using test::FakeWaiter;

using ScriptedMessenger = test::FakeMessenger;

Error Failure(std::string_view code, std::int64_t retry_after = 0) {
    return ScriptedMessenger::Failure(code, retry_after);
}

ports::OutgoingMessage To(std::int64_t chat_id) {
    ports::OutgoingMessage message;
    message.chat_id = chat_id;
    message.text = "hi";
    return message;
}

class TelegramBotPaced : public ::testing::Test {
protected:
    FakeWaiter waiter_;
    ScriptedMessenger inner_{&waiter_};
};

TEST_F(TelegramBotPaced, SameChatIsSpacedOneSecondApart) {
    PacedMessenger paced(inner_, waiter_);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(paced.SendMessage(To(42)).ok());
    ASSERT_TRUE(paced.SendMessage(To(43)).ok());
    const auto& calls = inner_.calls();
    ASSERT_EQ(calls.size(), 4U);
    EXPECT_EQ(calls[1].at - calls[0].at, seconds(1));
    EXPECT_EQ(calls[2].at - calls[1].at, seconds(1));
    EXPECT_EQ(calls[3].at, calls[2].at);  // another chat need not wait (this sender is sequential)
}

TEST_F(TelegramBotPaced, BulkSendStaysUnderThirtyPerSecond) {
    PacedMessenger paced(inner_, waiter_);
    for (std::int64_t chat = 1; chat <= 120; ++chat) ASSERT_TRUE(paced.SendMessage(To(chat)).ok());
    const auto& calls = inner_.calls();
    ASSERT_EQ(calls.size(), 120U);
    for (std::size_t i = 60; i < calls.size(); ++i) EXPECT_GE(calls[i].at - calls[i - 30].at, seconds(1)) << i;
    EXPECT_LT(calls.back().at - calls.front().at, seconds(4));  // waits, but does not crawl
}

TEST_F(TelegramBotPaced, RateLimitedWaitsRetryAfterThenSucceeds) {
    PacedMessenger paced(inner_, waiter_);
    inner_.Fail(Failure(ports::kMessengerRateLimited, 5));
    const auto result = paced.SendMessage(To(42));
    ASSERT_TRUE(result.ok()) << result.error().message;
    const auto& calls = inner_.calls();
    ASSERT_EQ(calls.size(), 2U);
    EXPECT_EQ(calls[1].at - calls[0].at, seconds(5));
    // The pause applied to the whole bot: another chat right after still waits for the end of it (it already has).
    ASSERT_TRUE(paced.SendMessage(To(43)).ok());
    EXPECT_GE(inner_.calls()[2].at, calls[0].at + seconds(5));
}

TEST_F(TelegramBotPaced, RateLimitedPausesOtherChatsMeanwhile) {
    inner_.Fail(Failure(ports::kMessengerRateLimited, 9));
    inner_.Fail(Failure(ports::kMessengerRateLimited, 9));
    RetryPolicy policy;
    policy.max_rate_limited_retries = 0;  // hand the 429 back at once
    PacedMessenger impatient(inner_, waiter_, {}, policy);
    const auto first = impatient.SendMessage(To(42));
    ASSERT_FALSE(first.ok());
    EXPECT_EQ(first.error().code, ports::kMessengerRateLimited);
    const SteadyTime throttled_at = inner_.calls()[0].at;
    // The same decorator now holds every chat back for the 9 s.
    ASSERT_FALSE(impatient.SendMessage(To(43)).ok());
    EXPECT_EQ(inner_.calls()[1].at - throttled_at, seconds(9));
}

TEST_F(TelegramBotPaced, TooLongRetryAfterIsReturnedNotWaited) {
    PacedMessenger paced(inner_, waiter_);
    inner_.Fail(Failure(ports::kMessengerRateLimited, 3600));
    const auto result = paced.SendMessage(To(42));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ports::kMessengerRateLimited);
    EXPECT_EQ(inner_.calls().size(), 1U);
    EXPECT_TRUE(waiter_.sleeps().empty());
}

TEST_F(TelegramBotPaced, BlockedBadRequestAndUnauthorizedAreNotRetried) {
    PacedMessenger paced(inner_, waiter_);
    for (const std::string_view code :
         {ports::kMessengerBlocked, ports::kMessengerBadRequest, ports::kMessengerUnauthorized}) {
        inner_.Fail(Failure(code));
        const std::size_t before = inner_.calls().size();
        const auto result = paced.SendMessage(To(1000 + static_cast<std::int64_t>(before)));
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error().code, code);
        EXPECT_EQ(inner_.calls().size(), before + 1) << code;
    }
    EXPECT_TRUE(waiter_.sleeps().empty());
}

TEST_F(TelegramBotPaced, UnavailableRetriedWithExponentialBackoffThenReturned) {
    PacedMessenger paced(inner_, waiter_);
    for (int i = 0; i < 4; ++i) inner_.Fail(Failure(ports::kMessengerUnavailable));
    const auto result = paced.SendMessage(To(42));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ports::kMessengerUnavailable);
    const auto& calls = inner_.calls();
    ASSERT_EQ(calls.size(), 4U);
    // 0.5 s, 1 s, 2 s: the backoff is longer than the chat's 1 s spacing after the first retry.
    EXPECT_EQ(calls[1].at - calls[0].at, seconds(1));  // the 500 ms backoff, then the chat's 1 s slot
    EXPECT_EQ(calls[2].at - calls[1].at, seconds(1));
    EXPECT_EQ(calls[3].at - calls[2].at, seconds(2));
    ASSERT_GE(waiter_.sleeps().size(), 3U);
    EXPECT_EQ(waiter_.sleeps()[0], Ms(500));
}

TEST_F(TelegramBotPaced, UnavailableThenSuccess) {
    PacedMessenger paced(inner_, waiter_);
    inner_.Fail(Failure(ports::kMessengerUnavailable));
    const auto result = paced.SendMessage(To(42));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(inner_.calls().size(), 2U);
}

TEST_F(TelegramBotPaced, QueryAnswersAreNotPacedButRespectAPause) {
    PacedMessenger paced(inner_, waiter_);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(paced.AnswerCallbackQuery("q", "", false).ok());
    EXPECT_TRUE(waiter_.sleeps().empty());

    inner_.Fail(Failure(ports::kMessengerRateLimited, 2));
    ASSERT_TRUE(paced.AnswerPreCheckoutQuery("p", true, "").ok());
    const auto& calls = inner_.calls();
    EXPECT_EQ(calls.back().at - calls[calls.size() - 2].at, seconds(2));
}

TEST(TelegramBotSystemWaiter, SleepUntilThePastReturnsAtOnce) {
    SystemWaiter waiter;
    const SteadyTime now = waiter.Now();
    waiter.SleepUntil(now - seconds(10));
    EXPECT_GE(waiter.Now(), now);
}

}  // namespace
}  // namespace onton::telegram_bot
