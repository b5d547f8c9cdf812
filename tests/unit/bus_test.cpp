// The bus rules without a broker: the retry schedule, how Consume settles a delivery (ack, retry with a growing
// delay, dead letter after N attempts or at once for a permanent error) and the worker list of `onton worker`.
#include <gtest/gtest.h>

#include "app/workers.hpp"
#include "domain/outbox/outbox.hpp"
#include "support/fake_bus.hpp"

namespace onton::outbox {
namespace {

using std::chrono::seconds;

ports::BusMessage Message(const std::string& id) { return {id, std::string(kOrderPaid), "k-" + id, "{}"}; }

TEST(RetryPolicy, DoublesFromTheBaseUpToTheCapThenDeadLetters) {
    const ports::RetryPolicy policy{.max_attempts = 6, .base_delay = seconds(5), .max_delay = seconds(30)};
    EXPECT_EQ(policy.DelayAfter(1), seconds(5));
    EXPECT_EQ(policy.DelayAfter(2), seconds(10));
    EXPECT_EQ(policy.DelayAfter(3), seconds(20));
    EXPECT_EQ(policy.DelayAfter(4), seconds(30)) << "capped";
    EXPECT_EQ(policy.DelayAfter(5), seconds(30));
    EXPECT_EQ(policy.DelayAfter(6), std::nullopt) << "the 6th failed delivery is the last";
    EXPECT_EQ(policy.DelayAfter(60), std::nullopt);
}

TEST(RetryPolicy, OneAttemptMeansNoRetry) {
    const ports::RetryPolicy policy{.max_attempts = 1};
    EXPECT_EQ(policy.DelayAfter(1), std::nullopt);
}

TEST(Consume, AcksWhatTheHandlerApplied) {
    test::FakeBus bus;
    bus.Publish(Message("m1"));
    std::vector<std::string> seen;
    const auto settled = Consume(
        bus, kOrderPaid, [&](const ports::BusMessage& m) { seen.push_back(m.message_id); }, {}, {});
    EXPECT_EQ(settled, Settled::kAcked);
    EXPECT_EQ(seen, std::vector<std::string>{"m1"});
    EXPECT_EQ(bus.acked, std::vector<std::string>{"m1"});
    EXPECT_EQ(Consume(bus, kOrderPaid, [](const ports::BusMessage&) {}, {}, {}), Settled::kNone);
}

TEST(Consume, RetriesWithAGrowingDelayAndDeadLettersAfterTheLastAttempt) {
    test::FakeBus bus;
    bus.Publish(Message("m1"));
    const ports::RetryPolicy policy{.max_attempts = 4, .base_delay = seconds(2), .max_delay = seconds(60)};
    int calls = 0;
    const auto failing = [&](const ports::BusMessage&) {
        ++calls;
        throw std::runtime_error("store unavailable");
    };
    EXPECT_EQ(Consume(bus, kOrderPaid, failing, policy, {}), Settled::kRetried);
    EXPECT_EQ(Consume(bus, kOrderPaid, failing, policy, {}), Settled::kRetried);
    EXPECT_EQ(Consume(bus, kOrderPaid, failing, policy, {}), Settled::kRetried);
    EXPECT_EQ(Consume(bus, kOrderPaid, failing, policy, {}), Settled::kDeadLettered);
    EXPECT_EQ(Consume(bus, kOrderPaid, failing, policy, {}), Settled::kNone);
    EXPECT_EQ(calls, 4);
    EXPECT_EQ(bus.retry_delays, (std::vector<seconds>{seconds(2), seconds(4), seconds(8)}));
    ASSERT_EQ(bus.dead.size(), 1U);
    EXPECT_EQ(bus.dead[0].attempts, 4);
    EXPECT_EQ(bus.dead[0].error, "store unavailable");
    EXPECT_TRUE(bus.acked.empty());

    // An admin puts it back: a fresh first attempt that now succeeds.
    EXPECT_EQ(bus.RetryDeadLetters(kOrderPaid, std::string("m1")), 1);
    EXPECT_EQ(Consume(bus, kOrderPaid, [](const ports::BusMessage&) {}, policy, {}), Settled::kAcked);
}

TEST(Consume, APermanentErrorIsDeadLetteredAtOnce) {
    test::FakeBus bus;
    bus.Publish(Message("bad"));
    const auto settled = Consume(
        bus, kOrderPaid, [](const ports::BusMessage&) { throw PermanentError("not JSON"); }, {}, {});
    EXPECT_EQ(settled, Settled::kDeadLettered);
    ASSERT_EQ(bus.dead.size(), 1U);
    EXPECT_EQ(bus.dead[0].attempts, 1);
    EXPECT_TRUE(bus.retry_delays.empty());
}

TEST(Consume, LeavesOtherTopicsAlone) {
    test::FakeBus bus;
    bus.Publish({"x1", "other.topic", "", "{}"});
    EXPECT_EQ(Consume(bus, kOrderPaid, [](const ports::BusMessage&) {}, {}, {}), Settled::kNone);
}

}  // namespace
}  // namespace onton::outbox

namespace onton::app {
namespace {

TEST(WorkerSet, ParsesNamesAllAndNone) {
    const auto some = WorkerSet::Parse("relay, fulfilment");
    ASSERT_TRUE(some);
    EXPECT_TRUE(some->relay);
    EXPECT_TRUE(some->fulfilment);
    EXPECT_FALSE(some->payments);
    EXPECT_EQ(some->Describe(), "relay,fulfilment");
    EXPECT_EQ(WorkerSet::Parse("all")->Describe(),
              "expiry,payments,relay,fulfilment,notifications,reminders,nft,refunds,rewards,stars-refunds,"
              "moderation");
    const auto telegram = WorkerSet::Parse("stars-refunds,moderation");
    ASSERT_TRUE(telegram);
    EXPECT_TRUE(telegram->stars_refunds && telegram->moderation);
    EXPECT_FALSE(telegram->refunds || telegram->notifications);
    EXPECT_EQ(telegram->Describe(), "stars-refunds,moderation");
    EXPECT_FALSE(WorkerSet::Parse("none")->any());
    EXPECT_EQ(WorkerSet::Parse("none")->Describe(), "none");
    const auto singletons = WorkerSet::Parse("expiry,reminders,nft,refunds,rewards");
    ASSERT_TRUE(singletons);
    EXPECT_TRUE(singletons->expiry && singletons->reminders && singletons->nft && singletons->refunds &&
                singletons->rewards);
    EXPECT_FALSE(singletons->relay || singletons->payments || singletons->fulfilment ||
                 singletons->notifications);
}

TEST(WorkerSet, UnknownNameIsAnErrorListingTheValidOnes) {
    const auto bad = WorkerSet::Parse("relay,mailer");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, "config.invalid");
    EXPECT_NE(bad.error().message.find("'mailer'"), std::string::npos);
    for (const auto name : WorkerSet::kNames) {
        EXPECT_NE(bad.error().message.find(std::string(name)), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace onton::app
