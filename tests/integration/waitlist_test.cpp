// Waiting lists on both stores, with a fake clock: freed seats go to the next in line in order, are held for them,
// lapse to the next when unclaimed, and nobody else can take a held seat.
#include <gtest/gtest.h>

#include <memory>

#include "adapters/storage/store_factory.hpp"
#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "support/fakes.hpp"
#include "support/pg_database.hpp"
#include "support/test_store.hpp"
#include "support/process.hpp"
#include "support/principal.hpp"

namespace onton::orders {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBen = 3;
constexpr std::int64_t kCleo = 4;
constexpr std::int64_t kDan = 5;

class Waitlist : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kBen, kCleo, kDan}) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_);
        OrderSettings order_settings;
        order_settings.waitlist_offer_seconds = 600;
        orders_ = std::make_unique<OrderService>(*store_, clock_, random_, order_settings);
        auto e = events_->Create(As(kOwner), {{"title", "Tiny room"},
                                              {"start_date", clock_.NowUnix() + 86400},
                                              {"end_date", clock_.NowUnix() + 90000},
                                              {"participation_type", "in_person"},
                                              {"location", "Room"}});
        event_uuid_ = e->event_uuid;
        type_id_ = events_->AddTicketType(As(kOwner), event_uuid_, {{"name", "Seat"}, {"price", "100"}, {"supply", 1}})->id;
        EXPECT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    Result<OrderService::Placed> Buy(std::int64_t who) {
        return orders_->Place(As(who), {{"event_uuid", event_uuid_}, {"ticket_type_id", type_id_}}, "");
    }

    std::string StatusOf(std::int64_t who) {
        for (const auto& w : *orders_->MyWaitlist(As(who))) {
            if (w.ticket_type_id == type_id_) return w.status;
        }
        return "none";
    }

    std::int64_t Reserved() {
        return store_->Transact([&](ports::Transaction& tx) {
            return ports::AsInt(
                tx.Execute("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {type_id_}).rows[0][0]);
        });
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<OrderService> orders_;
    std::string event_uuid_;
    std::int64_t type_id_ = 0;
};

TEST_P(Waitlist, FreedSeatsGoToTheNextInLineAndAreHeld) {
    EXPECT_EQ(orders_->JoinWaitlist(As(kBen), event_uuid_, type_id_).error().code, "conflict") << "seats are left";
    auto anna = Buy(kAnna);
    ASSERT_TRUE(anna);
    const auto sold_out = Buy(kBen);
    ASSERT_FALSE(sold_out);
    EXPECT_EQ(sold_out.error().code, "ticket.sold_out");

    auto ben = orders_->JoinWaitlist(As(kBen), event_uuid_, type_id_);
    ASSERT_TRUE(ben) << ben.error().message;
    EXPECT_EQ(ben->position, 1);
    EXPECT_EQ(orders_->JoinWaitlist(As(kBen), event_uuid_, type_id_)->waitlist_id, ben->waitlist_id) << "idempotent";
    clock_.Advance(1);
    EXPECT_EQ(orders_->JoinWaitlist(As(kCleo), event_uuid_, type_id_)->position, 2);
    clock_.Advance(1);
    EXPECT_EQ(orders_->JoinWaitlist(As(kDan), event_uuid_, type_id_)->position, 3);

    EXPECT_EQ(orders_->OfferFreedSeats(), 0) << "nothing is free yet";
    ASSERT_TRUE(orders_->Cancel(As(kAnna), anna->order.uuid));
    EXPECT_EQ(orders_->OfferFreedSeats(), 1);
    EXPECT_EQ(StatusOf(kBen), "offered");
    EXPECT_EQ(StatusOf(kCleo), "waiting");
    EXPECT_EQ(Reserved(), 1) << "the offered seat is held";
    EXPECT_EQ(Buy(kCleo).error().code, "ticket.sold_out") << "nobody else can take the held seat";
    EXPECT_EQ(orders_->OfferFreedSeats(), 0) << "offered once";

    // Ben does not claim in time: the seat lapses to Cleo.
    clock_.Advance(601);
    EXPECT_EQ(orders_->OfferFreedSeats(), 1);
    EXPECT_EQ(StatusOf(kBen), "lapsed");
    EXPECT_EQ(StatusOf(kCleo), "offered");
    EXPECT_EQ(Buy(kBen).error().code, "ticket.sold_out");

    // Cleo claims it: her order takes the held seat, no second reservation.
    auto cleo = Buy(kCleo);
    ASSERT_TRUE(cleo) << cleo.error().message;
    EXPECT_EQ(StatusOf(kCleo), "claimed");
    EXPECT_EQ(Reserved(), 1);
    EXPECT_EQ(orders_->OfferFreedSeats(), 0);

    // Dan leaves; nothing is held for him.
    auto left = orders_->LeaveWaitlist(As(kDan), event_uuid_, type_id_);
    ASSERT_TRUE(left);
    EXPECT_EQ(left->status, "left");
    EXPECT_EQ(StatusOf(kDan), "left");

    const auto notified = store_->Transact([](ports::Transaction& tx) {
        return ports::AsInt(
            tx.Execute("SELECT count(*) FROM notifications WHERE kind = 'waitlist.offered'").rows[0][0]);
    });
    EXPECT_EQ(notified, 2) << "Ben and Cleo were each told once";
}

TEST_P(Waitlist, LeavingWithAnOfferPassesTheSeatOn) {
    auto anna = Buy(kAnna);
    ASSERT_TRUE(anna);
    ASSERT_TRUE(orders_->JoinWaitlist(As(kBen), event_uuid_, type_id_));
    clock_.Advance(1);
    ASSERT_TRUE(orders_->JoinWaitlist(As(kCleo), event_uuid_, type_id_));
    ASSERT_TRUE(orders_->Cancel(As(kAnna), anna->order.uuid));
    ASSERT_EQ(orders_->OfferFreedSeats(), 1);
    ASSERT_TRUE(orders_->LeaveWaitlist(As(kBen), event_uuid_, type_id_));
    EXPECT_EQ(Reserved(), 0) << "Ben's hold is released";
    EXPECT_EQ(orders_->OfferFreedSeats(), 1);
    EXPECT_EQ(StatusOf(kCleo), "offered");
    EXPECT_EQ(Reserved(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, Waitlist, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::orders
