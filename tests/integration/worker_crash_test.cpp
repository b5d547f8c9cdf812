// `onton worker` processes killed (SIGKILL) at random points while a burst of orders is paid: on PostgreSQL with
// RabbitMQ and on the embedded SQLite bus. The test process pays orders (free ones, paid in the placing
// transaction) while workers relay, fulfil and notify, and are killed and restarted every few orders; a last worker
// then drains everything. Invariants: every paid order has exactly one order.paid message, one fulfilment, one
// notification row, and the buyer got at most one Telegram message (a notification whose sender was killed
// mid-send stays claimed as uncertain, never sent twice).
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <thread>

#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "support/event_setup.hpp"
#include "support/fake_bot_api.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::test {
namespace {

using namespace std::chrono_literals;
using identity::Principal;
using identity::Role;

constexpr std::int64_t kOwner = 30;
constexpr std::int64_t kFirstBuyer = 1000;
constexpr int kOrders = 24;

class WorkerCrash : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        const char* amqp = std::getenv("ONTON_TEST_AMQP_URL");
        const bool rabbit = GetParam() == "postgres-rabbitmq";
        if (rabbit && (amqp == nullptr || *amqp == '\0')) GTEST_SKIP() << "no ONTON_TEST_AMQP_URL";
        clock_.Set(std::time(nullptr));
        db_ = OpenTestStore(rabbit ? "postgres" : "sqlite", dir_.path());
        env_ = {{"ONTON_DATABASE_URL", rabbit ? db_.pg->url() : "sqlite://" + (dir_.path() / "test.db").string()},
                {"ONTON_BOT_TOKEN", "123456:fake-token-for-tests"},
                {"ONTON_BOT_API_URL", bot_.base_url()},
                {"ONTON_PUBLIC_URL", "https://onton.example"},
                {"ONTON_BUS_RETRY_BASE_SECONDS", "1"},
                {"ONTON_BUS_LEASE_SECONDS", "2"},  // a killed consumer's message comes back after 2 s
                {"ONTON_LOG_LEVEL", "info"}};
        if (rabbit) env_["ONTON_AMQP_URL"] = amqp;
        db_.store->Transact([&](ports::Transaction& tx) {
            for (std::int64_t id = kOwner; id < kFirstBuyer + kOrders; id = id == kOwner ? kFirstBuyer : id + 1) {
                tx.Execute("INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                           "'user', 1, 1)",
                           {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*db_.store, clock_, random_);
        orders_ = std::make_unique<orders::OrderService>(*db_.store, clock_, random_, orders::OrderSettings{});
        const Principal owner{kOwner, Role::kUser, 0};
        event_uuid_ = CreateDraftEvent(*events_, owner, clock_.NowUnix(), "Crash meetup");
        const auto type = events_->AddTicketType(owner, event_uuid_, {{"name", "Free"}, {"price", "0"}, {"supply", 1000}});
        ASSERT_TRUE(type) << type.error().message;
        type_id_ = type->id;
        ASSERT_TRUE(events_->Publish(owner, event_uuid_));
    }

    std::unique_ptr<WorkerProcess> StartWorker(int n) {
        const auto dir = dir_.path() / ("worker-" + std::to_string(n));
        std::filesystem::create_directories(dir);
        return std::make_unique<WorkerProcess>(std::vector<std::string>{"--only", "relay,fulfilment,notifications"},
                                               env_, dir);
    }

    std::int64_t Count(const std::string& sql) {
        return db_.store->Transact([&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql).rows[0][0]); });
    }

    TempDir dir_;
    TestStore db_;
    FakeBotApi bot_;
    FakeClock clock_;
    FakeRandom random_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::string event_uuid_;
    std::int64_t type_id_ = 0;
};

TEST_P(WorkerCrash, EveryPaidOrderIsFulfilledAndAnnouncedOnceThroughKills) {
    std::mt19937 rng(20261125);
    std::uniform_int_distribution<int> pause_ms(0, 400);
    int started = 0;
    auto worker = StartWorker(started++);
    int kills = 0;
    for (int i = 0; i < kOrders; ++i) {
        const Principal buyer{kFirstBuyer + i, Role::kUser, 0};
        auto placed = orders_->Place(buyer, {{"event_uuid", event_uuid_}, {"ticket_type_id", type_id_}},
                                     "crash-" + std::to_string(i));
        ASSERT_TRUE(placed) << placed.error().message;
        ASSERT_EQ(placed->order.state, orders::OrderState::kPaid);
        std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
        if (i % 4 == 3) {
            EXPECT_EQ(worker->Stop(SIGKILL), -SIGKILL);
            ++kills;
            worker = StartWorker(started++);
        }
    }
    // A last worker drains what the killed ones left: unsent outbox rows, unacked or retried messages.
    const auto all_fulfilled = [&] {
        return Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'") == kOrders &&
               Count("SELECT count(*) FROM notifications WHERE status = 'pending' AND claimed_at IS NULL") == 0;
    };
    for (int i = 0; i < 600 && !all_fulfilled(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_EQ(worker->Stop(SIGTERM), 0) << worker->Log();
    EXPECT_GE(kills, kOrders / 4);

    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE state = 'paid'"), kOrders);
    EXPECT_EQ(Count("SELECT count(*) FROM tickets"), kOrders) << "every paid order has its ticket, and only those";
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'order.paid'"), kOrders) << "one message per order";
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0) << "all relayed";
    EXPECT_EQ(Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'"), kOrders);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'order.paid'"), kOrders)
        << "one notification per order, whatever was delivered twice";
    EXPECT_EQ(Count("SELECT count(*) FROM bus_messages WHERE dead_at IS NOT NULL"), 0) << "no dead letters";

    std::map<std::int64_t, int> sends_per_chat;
    for (const auto& r : bot_.Requests()) {
        if (r.method == "sendMessage") ++sends_per_chat[r.body["chat_id"].get<std::int64_t>()];
    }
    for (const auto& [chat, sends] : sends_per_chat) EXPECT_EQ(sends, 1) << "buyer " << chat << " messaged twice";
    const auto sent = Count("SELECT count(*) FROM notifications WHERE status = 'sent'");
    const auto uncertain = Count("SELECT count(*) FROM notifications WHERE status = 'pending' AND claimed_at IS NOT NULL");
    EXPECT_EQ(sent + uncertain, kOrders) << "each notification is sent, or was claimed by a killed sender";
    EXPECT_GE(static_cast<std::int64_t>(sends_per_chat.size()), sent);
    RecordProperty("kills", kills);
    RecordProperty("uncertain_notifications", static_cast<int>(uncertain));
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) {
    std::string out;
    for (const char ch : info.param) out += ch == '-' ? '_' : ch;
    return out;
}

INSTANTIATE_TEST_SUITE_P(Deployments,
                         WorkerCrash,
                         ::testing::Values(std::string("sqlite-embedded"), std::string("postgres-rabbitmq")),
                         ParamName);

}  // namespace
}  // namespace onton::test
