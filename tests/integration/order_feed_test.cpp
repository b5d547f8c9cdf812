// The live order feed on both stores: following an order gives it as it is, a change reaches every follower once,
// nothing is sent while nothing changes, other users' orders stay private, limits hold, leaving stops messages.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <set>

#include "domain/events/events.hpp"
#include "domain/live/order_feed.hpp"
#include "domain/orders/orders.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::live {
namespace {

using identity::Principal;
using identity::Role;
using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBen = 3;

/// Messages a subscriber received.
struct Inbox {
    std::mutex mutex;
    std::vector<json> messages;
    OrderFeed::Sink Sink() {
        return [this](const json& m) {
            std::lock_guard lock(mutex);
            messages.push_back(m);
        };
    }
    std::vector<json> Take() {
        std::lock_guard lock(mutex);
        return std::exchange(messages, {});
    }
};

class Feed : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kBen}) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_);
        orders_ = std::make_unique<orders::OrderService>(*store_, clock_, random_, orders::OrderSettings{});
        auto e = events_->Create(As(kOwner), {{"title", "Live"},
                                              {"start_date", clock_.NowUnix() + 86400},
                                              {"end_date", clock_.NowUnix() + 90000},
                                              {"participation_type", "in_person"},
                                              {"location", "Room"}});
        event_uuid_ = e->event_uuid;
        type_id_ = events_->AddTicketType(As(kOwner), event_uuid_, {{"name", "Seat"}, {"price", "100"}, {"supply", 50}})->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    std::string Order(std::int64_t who) {
        auto placed = orders_->Place(As(who), {{"event_uuid", event_uuid_}, {"ticket_type_id", type_id_}}, "");
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order.uuid;
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::string event_uuid_;
    std::int64_t type_id_ = 0;
};

TEST_P(Feed, AChangeReachesEveryFollowerOnceAndOnlyOnce) {
    OrderFeed feed(*store_, *orders_);
    const auto uuid = Order(kAnna);
    Inbox phone, laptop;
    const auto a = feed.Join(phone.Sink());
    const auto b = feed.Join(laptop.Sink());
    const auto now = feed.Follow(a, As(kAnna), uuid);
    ASSERT_TRUE(now) << now.error().message;
    EXPECT_EQ((*now)["type"], "order");
    EXPECT_EQ((*now)["order"]["state"], "created");
    ASSERT_TRUE(feed.Follow(b, As(kAnna), uuid));
    EXPECT_EQ(feed.followed_orders(), 1U);

    EXPECT_EQ(feed.Poll(), 0U);  // nothing changed
    EXPECT_TRUE(phone.Take().empty());

    clock_.Advance(3);
    ASSERT_TRUE(orders_->MarkPaid(uuid, "tx-hash"));
    EXPECT_EQ(feed.Poll(), 2U);
    for (auto* inbox : {&phone, &laptop}) {
        const auto got = inbox->Take();
        ASSERT_EQ(got.size(), 1U);
        EXPECT_EQ(got[0]["order"]["uuid"], uuid);
        EXPECT_EQ(got[0]["order"]["state"], "paid");
    }
    EXPECT_EQ(feed.Poll(), 0U);  // sent once, not on every poll

    feed.Leave(a);
    ASSERT_TRUE(orders_->Cancel(As(kAnna), Order(kAnna)));  // another order: nobody follows it
    EXPECT_EQ(feed.Poll(), 0U);
    feed.Leave(b);
    EXPECT_EQ(feed.followed_orders(), 0U);
}

TEST_P(Feed, AStateChangeWithinTheSameSecondIsStillSeen) {
    OrderFeed feed(*store_, *orders_);
    const auto uuid = Order(kAnna);
    Inbox inbox;
    const auto id = feed.Join(inbox.Sink());
    ASSERT_TRUE(feed.Follow(id, As(kAnna), uuid));
    ASSERT_TRUE(orders_->Cancel(As(kAnna), uuid));  // the fake clock has not moved: only the state differs
    EXPECT_EQ(feed.Poll(), 1U);
    EXPECT_EQ(inbox.Take().at(0)["order"]["state"], "canceled");
}

TEST_P(Feed, OtherUsersOrdersStayPrivate) {
    OrderFeed feed(*store_, *orders_);
    const auto uuid = Order(kAnna);
    Inbox inbox;
    const auto id = feed.Join(inbox.Sink());
    const auto refused = feed.Follow(id, As(kBen), uuid);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "not_found");
    EXPECT_EQ(feed.Follow(id, As(kBen), "no-such-order").error().code, "not_found");
    EXPECT_EQ(feed.followed_orders(), 0U);
    const auto admin = Principal{kOwner, Role::kAdmin, 0};
    EXPECT_TRUE(feed.Follow(id, admin, uuid));  // an admin may follow any order
}

TEST_P(Feed, ASubscriberFollowsALimitedNumberOfOrders) {
    OrderFeed feed(*store_, *orders_, {.max_orders_per_subscriber = 2, .orders_per_query = 256});
    Inbox inbox;
    const auto id = feed.Join(inbox.Sink());
    const auto first = Order(kAnna);
    ASSERT_TRUE(feed.Follow(id, As(kAnna), first));
    ASSERT_TRUE(feed.Follow(id, As(kAnna), Order(kAnna)));
    ASSERT_TRUE(feed.Follow(id, As(kAnna), first));  // following again is no new subscription
    const auto third = feed.Follow(id, As(kAnna), Order(kAnna));
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, "live.too_many_subscriptions");
    feed.Unfollow(id, first);
    EXPECT_TRUE(feed.Follow(id, As(kAnna), Order(kAnna)));
}

TEST_P(Feed, ManyOrdersAreReadInChunks) {
    OrderFeed feed(*store_, *orders_, {.max_orders_per_subscriber = 20, .orders_per_query = 2});
    Inbox inbox;
    const auto id = feed.Join(inbox.Sink());
    std::vector<std::string> uuids;
    for (int i = 0; i < 5; ++i) {
        uuids.push_back(Order(kAnna));
        ASSERT_TRUE(feed.Follow(id, As(kAnna), uuids.back()));
    }
    for (const auto i : {0, 2, 4}) ASSERT_TRUE(orders_->Cancel(As(kAnna), uuids[static_cast<std::size_t>(i)]));
    EXPECT_EQ(feed.Poll(), 3U);
    std::set<std::string> changed;
    for (const auto& m : inbox.Take()) changed.insert(m["order"]["uuid"].get<std::string>());
    EXPECT_EQ(changed, (std::set<std::string>{uuids[0], uuids[2], uuids[4]}));
}

INSTANTIATE_TEST_SUITE_P(Stores, Feed, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::live
