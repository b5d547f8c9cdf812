// Refunds on both stores with a fake clock (no wallet: what is recorded and the order side); the sending itself is
// tested on the TVM in nft_emulator_test.cpp (RefundIsSentOnceFromThePlatformWallet).
#include <gtest/gtest.h>

#include <memory>

#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::payments {
namespace {

using identity::Role;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kAdmin = 3;
constexpr std::int64_t kCoOrganizer = 4;
constexpr std::int64_t kOtherOrganizer = 5;
constexpr std::int64_t kStaff = 6;
constexpr const char* kPayer = "0:1111111111111111111111111111111111111111111111111111111111111111";

class RefundsTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kAdmin, kCoOrganizer, kOtherOrganizer, kStaff}) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_);
        orders_ = std::make_unique<orders::OrderService>(*store_, clock_, random_, orders::OrderSettings{});
        refunds_ = std::make_unique<Refunds>(*store_, clock_, nullptr);
        auto e = events_->Create(As(kOwner), {{"title", "Concert"},
                                              {"start_date", clock_.NowUnix() + 86400},
                                              {"end_date", clock_.NowUnix() + 90000},
                                              {"participation_type", "in_person"},
                                              {"location", "Arena"}});
        event_ = e->event_uuid;
        type_ = events_->AddTicketType(As(kOwner), event_, {{"name", "Seat"}, {"price", "1000"}, {"supply", 5}})->id;
        EXPECT_TRUE(events_->Publish(As(kOwner), event_));
    }

    /// A paid order of two seats whose payment of `value` (of which `due` is owed back) the watcher recorded.
    std::string PaidOrder(const std::string& hash, std::int64_t value, std::int64_t due) {
        auto placed = orders_->Place(As(kAnna), {{"event_uuid", event_}, {"ticket_type_id", type_}, {"quantity", 2}}, "");
        EXPECT_TRUE(placed);
        const auto uuid = placed->order.uuid;
        EXPECT_TRUE(orders_->MarkPaid(uuid, hash));
        store_->Transact([&](ports::Transaction& tx) {
            tx.Execute("INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, "
                       "order_uuid, utime, created_at, outcome, refund_due) VALUES ($1, 1, 'platform', $2, $3, 'paid', "
                       "'in', 'c', $4, 1, 1, 'paid', $5)",
                       {hash, std::string(kPayer), value, uuid, due});
        });
        return uuid;
    }

    std::string Scalar(const std::string& sql, const ports::SqlParams& params = {}) {
        const auto rs = store_->Transact([&](ports::Transaction& tx) { return tx.Execute(sql, params); });
        if (rs.empty()) return "";
        const auto& v = rs.rows[0][0];
        if (ports::IsNull(v)) return "null";
        if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
        return std::get<std::string>(v);
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::unique_ptr<Refunds> refunds_;
    std::string event_;
    std::int64_t type_ = 0;
};

TEST_P(RefundsTest, MoneyDueBackIsRecordedOnceAndWaitsForAWallet) {
    const auto uuid = PaidOrder("tx-over", 2500, 500);  // 500 nanotons too many
    auto tally = refunds_->Step();
    EXPECT_EQ(tally.recorded, 1);
    EXPECT_EQ(tally.queued, 0) << "no wallet: nothing is sent";
    EXPECT_EQ(refunds_->Step().recorded, 0) << "once per payment";
    EXPECT_EQ(Scalar("SELECT amount FROM refunds WHERE tx_hash = 'tx-over'"), "500");
    EXPECT_EQ(Scalar("SELECT state FROM refunds WHERE tx_hash = 'tx-over'"), "pending");
    EXPECT_EQ(Scalar("SELECT destination FROM refunds WHERE tx_hash = 'tx-over'"), kPayer);
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {uuid}), "paid") << "the order keeps its seats";
}

TEST_P(RefundsTest, AnAdminRefundsAPaidOrderOnce) {
    const auto uuid = PaidOrder("tx-full", 2500, 500);
    EXPECT_EQ(refunds_->RefundOrder(As(kAnna), uuid).error().code, "auth.forbidden");
    EXPECT_EQ(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), "nope").error().code, "not_found");
    ASSERT_TRUE(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), uuid));
    EXPECT_EQ(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), uuid).error().code, "state.invalid_transition");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {uuid}), "refunded");
    EXPECT_EQ(Scalar("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND status = 'refunded'", {uuid}), "2");
    EXPECT_EQ(Scalar("SELECT sold FROM ticket_types WHERE ticket_type_id = $1", {type_}), "0") << "seats return";
    // What was credited goes back as the order's refund; the excess as the payment's own.
    EXPECT_EQ(Scalar("SELECT amount FROM refunds WHERE reason = 'order_refunded'"), "2000");
    EXPECT_EQ(refunds_->Step().recorded, 1);
    EXPECT_EQ(Scalar("SELECT CAST(SUM(amount) AS BIGINT) FROM refunds WHERE tx_hash = 'tx-full'"), "2500");
    EXPECT_EQ(Scalar("SELECT count(*) FROM notifications WHERE kind = 'order.refunded'"), "1");
}

TEST_P(RefundsTest, TheEventsOrganizersRefundTheirGuestsOrders) {
    ASSERT_TRUE(events_->GrantRole(As(kOwner), event_, kCoOrganizer, "co_organizer"));
    ASSERT_TRUE(events_->GrantRole(As(kOwner), event_, kStaff, "checkin_staff"));
    // Another organizer, of an event of their own with a paid order.
    auto theirs = events_->Create(As(kOtherOrganizer),
                                  {{"title", "Other"},
                                   {"start_date", clock_.NowUnix() + 86400},
                                   {"end_date", clock_.NowUnix() + 90000},
                                   {"participation_type", "in_person"},
                                   {"location", "Hall"}});
    ASSERT_TRUE(theirs);
    const auto their_type =
        events_->AddTicketType(As(kOtherOrganizer), theirs->event_uuid, {{"name", "Seat"}, {"price", "1000"}})
            ->id;
    ASSERT_TRUE(events_->Publish(As(kOtherOrganizer), theirs->event_uuid));
    auto their_order =
        orders_->Place(As(kAnna), {{"event_uuid", theirs->event_uuid}, {"ticket_type_id", their_type}}, "");
    ASSERT_TRUE(their_order);
    ASSERT_TRUE(orders_->MarkPaid(their_order->order.uuid, "tx-theirs"));

    const auto first = PaidOrder("tx-one", 2000, 0);
    const auto second = PaidOrder("tx-two", 2000, 0);
    // Neither another event's organizer, nor staff, nor the buyer may refund here.
    EXPECT_EQ(refunds_->RefundEventOrder(As(kOtherOrganizer), event_, first).error().code, "auth.forbidden");
    EXPECT_EQ(refunds_->RefundEventOrder(As(kStaff), event_, first).error().code, "auth.forbidden");
    EXPECT_EQ(refunds_->RefundEventOrder(As(kAnna), event_, first).error().code, "auth.forbidden");
    // An organizer cannot reach another event's order through their own event's route.
    EXPECT_EQ(refunds_->RefundEventOrder(As(kOtherOrganizer), theirs->event_uuid, first).error().code,
              "not_found");
    EXPECT_EQ(refunds_->RefundEventOrder(As(kOwner), event_, their_order->order.uuid).error().code,
              "not_found");
    EXPECT_EQ(refunds_->RefundEventOrder(As(kOwner), "no-such-event", first).error().code, "not_found");
    EXPECT_EQ(Scalar("SELECT count(*) FROM orders WHERE state = 'refunded'"), "0") << "nothing moved";

    ASSERT_TRUE(refunds_->RefundEventOrder(As(kOwner), event_, first));
    ASSERT_TRUE(refunds_->RefundEventOrder(As(kCoOrganizer), event_, second));
    EXPECT_EQ(refunds_->RefundEventOrder(As(kOwner), event_, first).error().code, "state.invalid_transition")
        << "once";
    EXPECT_EQ(Scalar("SELECT count(*) FROM orders WHERE state = 'refunded'"), "2");
    EXPECT_EQ(Scalar("SELECT sold FROM ticket_types WHERE ticket_type_id = $1", {type_}), "0")
        << "seats return";
    EXPECT_EQ(Scalar("SELECT CAST(SUM(amount) AS BIGINT) FROM refunds WHERE reason = 'order_refunded'"),
              "4000");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {their_order->order.uuid}), "paid");
    EXPECT_EQ(Scalar("SELECT count(*) FROM audit_log WHERE action = 'order.refund' AND actor_id = $1",
                     {kCoOrganizer}),
              "1");
}

TEST_P(RefundsTest, CancelingTheEventRefundsItsPaidOrders) {
    const auto first = PaidOrder("tx-a", 2000, 0);
    const auto second = PaidOrder("tx-b", 2000, 0);
    auto unpaid = orders_->Place(As(kAnna), {{"event_uuid", event_}, {"ticket_type_id", type_}}, "");
    ASSERT_TRUE(unpaid);
    EXPECT_EQ(refunds_->RefundCanceledEvents(), 0) << "nothing while the event is on";
    ASSERT_TRUE(events_->Cancel(As(kOwner), event_));
    EXPECT_EQ(refunds_->RefundCanceledEvents(), 2);
    EXPECT_EQ(refunds_->RefundCanceledEvents(), 0);
    for (const auto& uuid : {first, second}) {
        EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {uuid}), "refunded");
    }
    EXPECT_EQ(Scalar("SELECT count(*) FROM refunds WHERE reason = 'order_refunded' AND amount = 2000"), "2");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {unpaid->order.uuid}), "created");
}

INSTANTIATE_TEST_SUITE_P(Stores, RefundsTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::payments
