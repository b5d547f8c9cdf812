// The panel's sales reports on both stores with a fake clock: paid orders per UTC day (refunded ones apart),
// the event's orders with their refunds, and who may read them.
#include "domain/orders/sales.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "support/event_setup.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::orders {
namespace {

using identity::Role;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBob = 3;
constexpr std::int64_t kAdmin = 4;
constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kMidnight = 1'799'971'200;  // 2027-01-15 00:00:00 UTC

class SalesTest : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kBob, kAdmin}) {
                tx.Execute(
                    "INSERT INTO users (user_id, username, first_name, created_at, updated_at) VALUES ($1, "
                    "$2, 'U', 1, 1)",
                    {id, "user" + std::to_string(id)});
            }
        });
        clock_.Set(kMidnight - kDay);  // sales open the day before the first payment
        events_ = std::make_unique<events::EventService>(
            *store_,
            clock_,
            random_,
            moderation::Rules{},
            std::vector<money::Currency>{money::Currency::kTon, money::Currency::kStars});
        OrderSettings settings;
        settings.order_ttl_seconds = 10 * kDay;
        orders_ = std::make_unique<OrderService>(*store_, clock_, random_, settings);
        refunds_ = std::make_unique<payments::Refunds>(*store_, clock_, nullptr);
        sales_ = std::make_unique<SalesReports>(*store_);
        event_ = test::CreateDraftEvent(*events_, As(kOwner), kMidnight + 30 * kDay, "Concert");
        type_ =
            events_->AddTicketType(As(kOwner), event_, {{"name", "Seat"}, {"price", "1000"}, {"supply", 10}})
                ->id;
        EXPECT_TRUE(events_->Publish(As(kOwner), event_));
    }

    /// An order of `seats` by `buyer`, paid at `paid_at` (the watcher's payment row recorded too, as refunds
    /// need it).
    std::string PaidOrder(std::int64_t buyer,
                          std::int64_t seats,
                          std::int64_t paid_at,
                          std::int64_t type = 0) {
        auto placed = orders_->Place(
            As(buyer),
            {{"event_uuid", event_}, {"ticket_type_id", type == 0 ? type_ : type}, {"quantity", seats}},
            "");
        EXPECT_TRUE(placed);
        const auto uuid = placed->order.uuid;
        clock_.Set(paid_at);
        const auto hash = "tx-" + uuid;
        EXPECT_TRUE(orders_->MarkPaid(uuid, hash));
        store_->Transact([&](ports::Transaction& tx) {
            tx.Execute(
                "INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, "
                "order_uuid, utime, created_at, outcome, refund_due) VALUES ($1, 1, 'platform', 'payer', $2, "
                "'paid', "
                "'in', 'c', $3, 1, 1, 'paid', 0)",
                {hash, seats * 1000, uuid});
        });
        return uuid;
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<OrderService> orders_;
    std::unique_ptr<payments::Refunds> refunds_;
    std::unique_ptr<SalesReports> sales_;
    std::string event_;
    std::int64_t type_ = 0;
};

TEST_P(SalesTest, PaidOrdersPerUtcDayWithRefundedOnesApart) {
    PaidOrder(kAnna, 2, kMidnight + 10);                             // day 1, just after midnight
    const auto refunded = PaidOrder(kBob, 1, kMidnight + kDay - 1);  // day 1, last second; refunded below
    PaidOrder(kBob, 3, kMidnight + 2 * kDay + 5);                    // day 3 (nothing on day 2)
    // An unpaid order counts nowhere.
    ASSERT_TRUE(
        orders_->Place(As(kAnna), {{"event_uuid", event_}, {"ticket_type_id", type_}, {"quantity", 1}}, ""));
    ASSERT_TRUE(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), refunded));

    const auto days = sales_->Daily(As(kOwner), event_);
    ASSERT_TRUE(days) << days.error().message;
    ASSERT_EQ(days->size(), 2U);
    EXPECT_EQ((*days)[0].start, kMidnight);
    EXPECT_EQ((*days)[0].orders, 1);
    EXPECT_EQ((*days)[0].tickets, 2);
    EXPECT_EQ((*days)[0].revenue, 2000);
    EXPECT_EQ((*days)[0].refunded_orders, 1);
    EXPECT_EQ((*days)[1].start, kMidnight + 2 * kDay);
    EXPECT_EQ((*days)[1].tickets, 3);
    EXPECT_EQ((*days)[1].revenue, 3000);
    EXPECT_EQ((*days)[1].refunded_orders, 0);
    const auto json = ToJson((*days)[1]);
    EXPECT_EQ(json["day"], "2027-01-17");
    EXPECT_EQ(json["currency"], "TON");
    EXPECT_EQ(json["revenue"], "3000");

    // The days add up to the stats' totals.
    const auto stats = orders_->Stats(As(kOwner), event_);
    ASSERT_TRUE(stats);
    EXPECT_EQ((*stats)[0].sold, (*days)[0].tickets + (*days)[1].tickets);
    EXPECT_EQ((*stats)[0].revenue, (*days)[0].revenue + (*days)[1].revenue);
}

TEST_P(SalesTest, EachCurrencyHasItsOwnRowsThatNeverAddUp) {
    const auto stars =
        events_->AddTicketType(As(kOwner), event_, {{"name", "Fan"}, {"price", "250"}, {"currency", "XTR"}});
    ASSERT_TRUE(stars) << stars.error().message;
    PaidOrder(kAnna, 1, kMidnight + 10);
    PaidOrder(kBob, 2, kMidnight + 20, stars->id);
    const auto days = sales_->Daily(As(kOwner), event_);
    ASSERT_TRUE(days) << days.error().message;
    ASSERT_EQ(days->size(), 2U) << "one day, two currencies";
    EXPECT_EQ((*days)[0].currency, "TON");
    EXPECT_EQ((*days)[0].revenue, 1000);
    EXPECT_EQ((*days)[1].currency, "XTR");
    EXPECT_EQ((*days)[1].revenue, 500);
    EXPECT_EQ((*days)[1].tickets, 2);
    EXPECT_EQ(ToJson((*days)[1])["currency"], "XTR");
    const auto list = sales_->Orders(As(kOwner), event_);
    ASSERT_TRUE(list);
    EXPECT_EQ((*list)[0].currency, "XTR");
    EXPECT_EQ(ToJson((*list)[0])["currency"], "XTR");
    EXPECT_EQ(ToJson((*list)[1])["currency"], "TON");
}

TEST_P(SalesTest, TheEventsOrdersCarryTheirBuyersAndRefunds) {
    const auto first = PaidOrder(kAnna, 2, kMidnight + 10);
    clock_.Set(kMidnight + 100);
    const auto second = PaidOrder(kBob, 1, kMidnight + 200);
    ASSERT_TRUE(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), second));

    const auto list = sales_->Orders(As(kOwner), event_);
    ASSERT_TRUE(list) << list.error().message;
    ASSERT_EQ(list->size(), 2U);
    const auto& newest = (*list)[0];
    EXPECT_EQ(newest.uuid, second);
    EXPECT_EQ(newest.state, "refunded");
    EXPECT_EQ(newest.user_id, kBob);
    EXPECT_EQ(newest.username, "user3");
    EXPECT_EQ(newest.ticket_type_name, "Seat");
    EXPECT_EQ(newest.paid_at, kMidnight + 200);
    ASSERT_EQ(newest.refunds.size(), 1U);
    EXPECT_EQ(newest.refunds[0].reason, "order_refunded");
    EXPECT_EQ(newest.refunds[0].amount, 1000);
    EXPECT_EQ(newest.refunds[0].state, "pending") << "no wallet in this test: recorded, not sent";
    const auto& oldest = (*list)[1];
    EXPECT_EQ(oldest.uuid, first);
    EXPECT_EQ(oldest.state, "paid");
    EXPECT_EQ(oldest.quantity, 2);
    EXPECT_EQ(oldest.total_price, 2000);
    EXPECT_TRUE(oldest.refunds.empty());
    const auto json = ToJson(newest);
    EXPECT_EQ(json["total_price"], "1000");
    EXPECT_EQ(json["buyer"]["username"], "user3");
    EXPECT_TRUE(json["buyer"]["last_name"].is_null());
    EXPECT_EQ(json["refunds"][0]["state"], "pending");
}

TEST_P(SalesTest, OnlyManagersReadThem) {
    PaidOrder(kAnna, 1, kMidnight + 10);
    EXPECT_EQ(sales_->Daily(As(kAnna), event_).error().code, "auth.forbidden");
    EXPECT_EQ(sales_->Orders(As(kAnna), event_).error().code, "auth.forbidden");
    EXPECT_EQ(sales_->Daily(As(kOwner), "no-such-event").error().code, "not_found");
    EXPECT_EQ(sales_->Orders(As(kAdmin, Role::kAdmin), event_)->size(), 1U) << "admins manage every event";
    // An event without sales has an empty series.
    const auto other = test::CreateDraftEvent(*events_, As(kOwner), kMidnight, "Empty");
    EXPECT_TRUE(sales_->Daily(As(kOwner), other)->empty());
    EXPECT_TRUE(sales_->Orders(As(kOwner), other)->empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, SalesTest, ::testing::Values("sqlite", "postgres"));

TEST(UtcDate, FollowsTheGregorianCalendar) {
    EXPECT_EQ(UtcDate(0), "1970-01-01");
    EXPECT_EQ(UtcDate(-1), "1969-12-31");
    EXPECT_EQ(UtcDate(951'782'400), "2000-02-29");
    EXPECT_EQ(UtcDate(kMidnight + kDay - 1), "2027-01-15");
    EXPECT_EQ(UtcDate(4'102'444'800), "2100-01-01");
}

}  // namespace
}  // namespace onton::orders
