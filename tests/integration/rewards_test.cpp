// The reward worker on both stores with a fake clock: after an event ends, checked-in participants get its points
// once (and an SBT request when the event gives one), those who did not come get nothing, a rerun grants nothing
// twice, SBT requests settle as the NFT manager reports, and each participant sees their rewards.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "domain/rewards/rewards.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::rewards {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBen = 3;
constexpr std::int64_t kCleo = 4;

class Rewards : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kBen, kCleo}) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_);
        orders_ = std::make_unique<orders::OrderService>(*store_, clock_, random_, orders::OrderSettings{});
        rewards_ = std::make_unique<RewardService>(*store_, clock_);
    }

    /// A published event starting in an hour and lasting two, with a free ticket type and these rewards.
    std::string Event(std::int64_t points, bool sbt) {
        auto e = events_->Create(As(kOwner), {{"title", "Hackathon"},
                                              {"start_date", clock_.NowUnix() + 3600},
                                              {"end_date", clock_.NowUnix() + 3 * 3600},
                                              {"participation_type", "in_person"},
                                              {"location", "Lab"},
                                              {"reward_points", points},
                                              {"reward_sbt", sbt}});
        EXPECT_TRUE(e) << e.error().message;
        type_ = events_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "Free"}, {"price", "0"}, {"supply", 10}})->id;
        EXPECT_TRUE(events_->Publish(As(kOwner), e->event_uuid));
        return e->event_uuid;
    }

    /// `who` gets `n` tickets; the first is checked in when `attend`.
    void Attend(const std::string& uuid, std::int64_t who, bool attend, std::int64_t n = 1) {
        auto placed = orders_->Place(As(who), {{"event_uuid", uuid}, {"ticket_type_id", type_}, {"quantity", n}}, "");
        ASSERT_TRUE(placed) << placed.error().message;
        if (attend) {
            for (const auto& t : placed->order.tickets) {
                EXPECT_EQ(orders_->CheckIn(As(kOwner), uuid, t.check_in_code, false)->result, "admitted");
            }
        }
    }

    std::int64_t Count(const std::string& sql) {
        return ports::AsInt(store_->Transact([&](ports::Transaction& tx) { return tx.Execute(sql); }).rows.at(0)[0]);
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::unique_ptr<RewardService> rewards_;
    std::int64_t type_ = 0;
};

TEST_P(Rewards, CheckedInParticipantsAreRewardedOnceAfterTheEnd) {
    const auto uuid = Event(50, false);
    Attend(uuid, kAnna, true, 2);  // two tickets, both used: one reward
    Attend(uuid, kBen, true);
    Attend(uuid, kCleo, false);    // had a ticket, never came
    EXPECT_EQ(rewards_->GrantDue(), 0) << "not before the event has ended";

    clock_.Advance(3 * 3600);
    EXPECT_EQ(rewards_->GrantDue(), 2);
    EXPECT_EQ(rewards_->GrantDue(), 0) << "a rerun (or a restart) grants nothing twice";
    EXPECT_EQ(Count("SELECT count(*) FROM points WHERE reason = 'check_in' AND points = 50"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'reward.granted'"), 2);

    const auto anna = rewards_->ListMine(As(kAnna));
    ASSERT_TRUE(anna);
    EXPECT_EQ(anna->total_points, 50);
    ASSERT_EQ(anna->items.size(), 1U);
    EXPECT_EQ(anna->items[0].event_uuid, uuid);
    EXPECT_EQ(anna->items[0].sbt_state, "none");
    EXPECT_EQ(rewards_->ListMine(As(kCleo))->total_points, 0);
}

TEST_P(Rewards, EventsWithoutRewardsOrCanceledGiveNothing) {
    const auto plain = Event(0, false);
    Attend(plain, kAnna, true);
    const auto canceled = Event(30, true);
    Attend(canceled, kBen, true);
    ASSERT_TRUE(events_->Cancel(As(kOwner), canceled));
    clock_.Advance(4 * 3600);
    EXPECT_EQ(rewards_->GrantDue(), 0);
}

TEST_P(Rewards, SbtRequestsSettleAsTheNftManagerReports) {
    const auto uuid = Event(10, true);
    Attend(uuid, kAnna, true);
    Attend(uuid, kBen, true);
    clock_.Advance(3 * 3600);
    ASSERT_EQ(rewards_->GrantDue(), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM points WHERE sbt_state = 'pending'"), 2);

    std::map<std::int64_t, std::string> state = {{kAnna, "mint_request"}, {kBen, "mint_request"}};
    std::map<std::int64_t, int> asked;
    const RewardService::SbtRequest nft = [&](std::int64_t user, std::int64_t) -> Result<std::string> {
        ++asked[user];
        return state[user];
    };
    auto tally = rewards_->AdvanceSbts(nft);
    EXPECT_EQ(tally.sbts_minted + tally.sbts_failed, 0);  // still on their way
    state[kAnna] = "minted";
    state[kBen] = "failed";
    tally = rewards_->AdvanceSbts(nft);
    EXPECT_EQ(tally.sbts_minted, 1);
    EXPECT_EQ(tally.sbts_failed, 1);
    EXPECT_EQ(rewards_->AdvanceSbts(nft).sbts_minted, 0) << "settled requests are not asked again";
    EXPECT_EQ(asked[kAnna], 2);
    EXPECT_EQ(rewards_->ListMine(As(kAnna))->items.at(0).sbt_state, "minted");
    EXPECT_EQ(rewards_->ListMine(As(kBen))->items.at(0).sbt_state, "failed");
    // Without an NFT manager the requests simply wait.
    EXPECT_EQ(rewards_->AdvanceSbts({}).sbts_minted, 0);
}

INSTANTIATE_TEST_SUITE_P(Stores, Rewards, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::rewards
