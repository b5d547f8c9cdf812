// What queues notifications besides payments, on both stores with a fake clock: reminders 24 h and 1 h before an
// event (once per holder, however often the job runs), a change of time or place, a cancellation and a check-in.
#include <gtest/gtest.h>

#include <memory>

#include "domain/events/events.hpp"
#include "domain/notifications/queue.hpp"
#include "domain/orders/orders.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::notifications {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBen = 3;
constexpr std::int64_t kCleo = 4;
constexpr std::int64_t kHour = 3600;

class Triggers : public ::testing::TestWithParam<std::string> {
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
    }

    /// A published event starting `in` seconds from now with a free ticket type; returns its uuid.
    std::string Event(std::int64_t in) {
        auto e = events_->Create(As(kOwner), {{"title", "Night market"},
                                              {"start_date", clock_.NowUnix() + in},
                                              {"end_date", clock_.NowUnix() + in + 2 * kHour},
                                              {"participation_type", "in_person"},
                                              {"location", "Harbour"}});
        EXPECT_TRUE(e);
        type_id_ = events_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "Free"}, {"price", "0"}, {"supply", 20}})->id;
        EXPECT_TRUE(events_->Publish(As(kOwner), e->event_uuid));
        return e->event_uuid;
    }

    orders::Order Ticket(std::int64_t who, const std::string& event_uuid, std::int64_t quantity = 1) {
        auto placed = orders_->Place(As(who), {{"event_uuid", event_uuid}, {"ticket_type_id", type_id_}, {"quantity", quantity}}, "");
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order;
    }

    /// (user, lead or "") of the queued notifications of `kind`, in user order.
    std::vector<std::pair<std::int64_t, std::string>> Queued(const std::string& kind) {
        std::vector<std::pair<std::int64_t, std::string>> out;
        const auto rs = store_->Transact([&](ports::Transaction& tx) {
            return tx.Execute("SELECT user_id, payload FROM notifications WHERE kind = $1 ORDER BY user_id, notification_id", {kind});
        });
        for (const auto& row : rs.rows) {
            out.emplace_back(ports::AsInt(row[0]), json::parse(ports::AsText(row[1])).value("lead", ""));
        }
        return out;
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::int64_t type_id_ = 0;
};

using Reminders = std::vector<std::pair<std::int64_t, std::string>>;

TEST_P(Triggers, RemindersGoOutADayAndAnHourBeforeOncePerHolder) {
    const auto uuid = Event(30 * kHour);
    Ticket(kAnna, uuid, 2);  // two tickets, one reminder
    Ticket(kBen, uuid);
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 0);  // 30 h ahead: too early

    clock_.Advance(7 * kHour);  // 23 h left
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 2);
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 0);  // the job runs again (or after a restart)
    EXPECT_EQ(Queued("event.reminder"), (Reminders{{kAnna, "24h"}, {kBen, "24h"}}));

    Ticket(kCleo, uuid);  // a late buyer still gets the day-ahead reminder
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 1);

    clock_.Advance(22 * kHour + 10 * 60);  // 50 minutes left
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 3);
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 0);
    EXPECT_EQ(Queued("event.reminder"),
              (Reminders{{kAnna, "24h"}, {kAnna, "1h"}, {kBen, "24h"}, {kBen, "1h"}, {kCleo, "24h"}, {kCleo, "1h"}}));

    clock_.Advance(kHour);  // started: nothing more
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 0);
}

TEST_P(Triggers, ALastMinuteEventGetsOnlyTheHourReminderAndDeadTicketsNone) {
    const auto uuid = Event(40 * 60);
    Ticket(kAnna, uuid);
    const auto ben = Ticket(kBen, uuid);
    ASSERT_TRUE(orders_->Transfer(As(kBen), ben.tickets.at(0).id, kCleo));  // Ben's ticket is Cleo's now
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 2);
    EXPECT_EQ(Queued("event.reminder"), (Reminders{{kAnna, "1h"}, {kCleo, "1h"}}));

    const auto other = Event(20 * 60);
    Ticket(kAnna, other);
    ASSERT_TRUE(events_->Cancel(As(kOwner), other));  // a canceled event reminds nobody
    EXPECT_EQ(QueueReminders(*store_, clock_.NowUnix()), 0);
}

TEST_P(Triggers, HoldersHearOfANewTimeOrPlaceButNotOfANewTitle) {
    const auto uuid = Event(48 * kHour);
    Ticket(kAnna, uuid);
    Ticket(kBen, uuid);
    ASSERT_TRUE(events_->Update(As(kOwner), uuid, {{"title", "Night market 2"}}));
    EXPECT_TRUE(Queued("event.changed").empty());
    clock_.Advance(60);
    ASSERT_TRUE(events_->Update(As(kOwner), uuid, {{"location", "Old harbour"}}));
    EXPECT_EQ(Queued("event.changed"), (Reminders{{kAnna, ""}, {kBen, ""}}));
    clock_.Advance(60);
    ASSERT_TRUE(events_->Update(As(kOwner), uuid, {{"start_date", clock_.NowUnix() + 50 * kHour},
                                                   {"end_date", clock_.NowUnix() + 52 * kHour}}));
    EXPECT_EQ(Queued("event.changed").size(), 4U);
}

TEST_P(Triggers, ACancellationReachesEveryHolderOnce) {
    const auto uuid = Event(48 * kHour);
    Ticket(kAnna, uuid, 3);
    Ticket(kBen, uuid);
    ASSERT_TRUE(events_->Cancel(As(kOwner), uuid));
    ASSERT_TRUE(events_->Cancel(As(kOwner), uuid));  // idempotent, and so is the message
    EXPECT_EQ(Queued("event.canceled"), (Reminders{{kAnna, ""}, {kBen, ""}}));
}

TEST_P(Triggers, ACheckInIsConfirmedToTheGuestOnce) {
    const auto uuid = Event(kHour);
    const auto order = Ticket(kAnna, uuid);
    const auto code = order.tickets.at(0).check_in_code;
    EXPECT_EQ(orders_->CheckIn(As(kOwner), uuid, code, false)->result, "admitted");
    EXPECT_EQ(orders_->CheckIn(As(kOwner), uuid, code, false)->result, "already_used");
    EXPECT_EQ(Queued("ticket.checked_in"), (Reminders{{kAnna, ""}}));
}

INSTANTIATE_TEST_SUITE_P(Stores, Triggers, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::notifications
