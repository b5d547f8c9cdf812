// Paid orders through the whole bus path, on SQLite and PostgreSQL, over the embedded bus and over RabbitMQ
// (the `rabbitmq` fixture): paying an order writes its `order.paid` message in the paying transaction; the
// relay publishes it; the fulfilment consumer queues the buyer's notification and calls the NFT hook. A relay
// killed between the publish and the mark publishes the message twice, and a consumer killed before its ack
// gets it again: the effects still happen once. With the NFT manager's hook (nft::TicketMintFulfilment) a
// paid order of an `is_nft` type gets one mint request per ticket, in the consumer's transaction; a request
// the NFT manager refuses is recorded and left to its Sweep while the buyer is still told once.
#include "domain/fulfilment/fulfilment.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <random>

#include "adapters/bus/rabbitmq_bus.hpp"
#include "adapters/bus/store_bus.hpp"
#include "domain/events/events.hpp"
#include "domain/nft/fulfilment.hpp"
#include "domain/nft/manager.hpp"
#include "domain/notifications/sender.hpp"
#include "domain/orders/orders.hpp"
#include "domain/outbox/outbox.hpp"
#include "support/event_setup.hpp"
#include "support/fake_chain.hpp"
#include "support/fake_messenger.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::fulfilment {
namespace {

using test::As;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::int64_t kOwner = 20;
constexpr std::int64_t kBuyer = 21;

/// Records the orders the hook saw.
class RecordingHook final : public Fulfilment {
public:
    void OnOrderPaid(ports::Transaction& /*tx*/, const PaidOrder& order, std::int64_t /*now*/) override {
        if (fail_next > 0) {
            --fail_next;
            throw std::runtime_error("mint service down");
        }
        orders.push_back(order);
    }
    int fail_next = 0;
    std::vector<PaidOrder> orders;
};

/// Stands for a relay process killed right after the broker confirmed a publish.
struct RelayKilled : std::runtime_error {
    RelayKilled() : std::runtime_error("killed") {}
};

class FulfilmentFlow : public ::testing::TestWithParam<std::string> {
protected:
    [[nodiscard]] bool Rabbit() const { return GetParam().find("rabbitmq") != std::string::npos; }

    void SetUp() override {
        const char* amqp = std::getenv("ONTON_TEST_AMQP_URL");
        if (Rabbit() && (amqp == nullptr || *amqp == '\0')) GTEST_SKIP() << "no ONTON_TEST_AMQP_URL";
        clock_.Set(std::time(nullptr));
        db_ = test::OpenTestStore(GetParam().rfind("postgres", 0) == 0 ? "postgres" : "sqlite", dir_.path());
        for (const auto id : {kOwner, kBuyer}) {
            db_.store->Transact([&](ports::Transaction& tx) {
                tx.Execute("INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                           "'user', 1, 1)",
                           {id});
            });
        }
        if (Rabbit()) {
            bus::RabbitMqSettings settings;
            settings.url = amqp;
            // Fresh queues per test: the broker outlives the test, and FakeRandom repeats itself across tests.
            settings.prefix = "f" + std::to_string(std::random_device{}());
            bus_ = std::make_unique<bus::RabbitMqBus>(settings);
        } else {
            bus_ = std::make_unique<bus::StoreBus>(*db_.store, clock_, bus::StoreBusSettings{.lease = 1s, .poll = 50ms});
        }
        events_ = std::make_unique<events::EventService>(*db_.store, clock_, random_);
        orders_ = std::make_unique<orders::OrderService>(*db_.store, clock_, random_, orders::OrderSettings{});
        event_uuid_ = test::CreateDraftEvent(*events_, As(kOwner), clock_.NowUnix(), "Bus meetup");
        const auto free = events_->AddTicketType(As(kOwner), event_uuid_, {{"name", "Free"}, {"price", "0"}, {"supply", 5}});
        ASSERT_TRUE(free) << free.error().message;
        free_type_ = free->id;
        const auto paid =
            events_->AddTicketType(As(kOwner), event_uuid_, {{"name", "Paid"}, {"price", "1000000000"}, {"supply", 5}});
        ASSERT_TRUE(paid) << paid.error().message;
        paid_type_ = paid->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    orders::Order Place(std::int64_t type, const std::string& key) {
        auto placed = orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", type}}, key);
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order;
    }

    std::int64_t Count(const std::string& sql, const ports::SqlParams& params = {}) {
        return db_.store->Transact([&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql, params).rows[0][0]); });
    }

    /// A paid order of two seats of a new `is_nft` ticket type (1 TON, supply 5), placed under `key`.
    orders::Order PaidNftOrderOfTwo(const std::string& key) {
        const auto nft_type = events_->AddTicketType(
            As(kOwner),
            event_uuid_,
            {{"name", "NFT"}, {"price", "1000000000"}, {"supply", 5}, {"is_nft", true}});
        EXPECT_TRUE(nft_type) << nft_type.error().message;
        auto placed =
            orders_->Place(As(kBuyer),
                           {{"event_uuid", event_uuid_}, {"ticket_type_id", nft_type->id}, {"quantity", 2}},
                           key);
        EXPECT_TRUE(placed) << placed.error().message;
        EXPECT_TRUE(orders_->MarkPaid(placed->order.uuid, "hash-" + key));
        return placed->order;
    }

    /// A relay that dies after the broker confirmed the first message, before marking it sent: the next
    /// relay publishes it again. Returns what that next relay published.
    std::int64_t RelayDyingAfterTheFirstConfirm() {
        bool killed = false;
        outbox::Relay doomed(*db_.store, *bus_, clock_, 100, [&](const ports::BusMessage&) {
            if (!killed) {
                killed = true;
                throw RelayKilled();
            }
        });
        EXPECT_THROW(doomed.RunOnce(), RelayKilled);
        return outbox::Relay(*db_.store, *bus_, clock_).Drain().published;
    }

    /// Consumes until `n` deliveries were acked or dead-lettered (or a long while passed).
    int ConsumeAll(ports::Bus& bus, FulfilmentConsumer& consumer, int n, const ports::RetryPolicy& policy = {}) {
        int settled = 0;
        for (int idle = 0; settled < n && idle < 40;) {
            const auto s = outbox::Consume(
                bus, outbox::kOrderPaid, [&](const ports::BusMessage& m) { consumer.Handle(m); }, policy, 250ms);
            if (s == outbox::Settled::kAcked || s == outbox::Settled::kDeadLettered) ++settled;
            if (s == outbox::Settled::kNone) {
                ++idle;
                clock_.Advance(1);  // the embedded bus honours retry delays by this clock
            }
        }
        return settled;
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<ports::Bus> bus_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::string event_uuid_;
    std::int64_t free_type_ = 0;
    std::int64_t paid_type_ = 0;
};

TEST_P(FulfilmentFlow, PayingWritesTheMessageInThePayingTransactionAndFulfilmentHappensOnce) {
    const auto free = Place(free_type_, "free-1");
    const auto paid = Place(paid_type_, "paid-1");
    ASSERT_TRUE(orders_->MarkPaid(paid.uuid, "hash-1"));
    EXPECT_FALSE(orders_->MarkPaid(paid.uuid, "hash-1")) << "paid once";
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE topic = 'order.paid' AND sent_at IS NULL"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications"), 0) << "nothing is sent behind the bus's back";

    // The relay dies after the broker confirmed the first message, before marking it: the next relay sends it again.
    bool killed = false;
    outbox::Relay doomed(*db_.store, *bus_, clock_, 100, [&](const ports::BusMessage&) {
        if (!killed) {
            killed = true;
            throw RelayKilled();
        }
    });
    EXPECT_THROW(doomed.RunOnce(), RelayKilled);
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 2) << "nothing was marked";
    outbox::Relay relay(*db_.store, *bus_, clock_);
    const auto tally = relay.Drain();
    EXPECT_EQ(tally.published, 2);
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0);
    EXPECT_EQ(relay.Drain().published, 0) << "marked rows are not published again";

    RecordingHook hook;
    FulfilmentConsumer consumer(*db_.store, clock_, hook);
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 3), 3) << "three deliveries: the duplicate too";
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'order.paid'"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + free.uuid}), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + paid.uuid}), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'"), 2);
    ASSERT_EQ(hook.orders.size(), 2U) << "the NFT hook runs once per order";
    EXPECT_EQ(hook.orders[0].order_uuid, free.uuid) << "in outbox order";
    EXPECT_EQ(hook.orders[0].user_id, kBuyer);
    EXPECT_EQ(hook.orders[0].event_uuid, event_uuid_);
    EXPECT_EQ(hook.orders[0].quantity, 1);
    EXPECT_EQ(hook.orders[1].order_uuid, paid.uuid);
    EXPECT_EQ(hook.orders[1].ticket_type_id, paid_type_);
}

TEST_P(FulfilmentFlow, AFailingHookIsRetriedWithItsTransactionUndoneAndDeadLetteredAfterTheLastAttempt) {
    const auto order = Place(free_type_, "free-2");
    ASSERT_EQ(outbox::Relay(*db_.store, *bus_, clock_).Drain().published, 1);
    RecordingHook hook;
    hook.fail_next = 2;
    FulfilmentConsumer consumer(*db_.store, clock_, hook);
    // Two attempts fail and are undone (no notification, no dedupe record), the third applies.
    const ports::RetryPolicy policy{.max_attempts = 3, .base_delay = 1s, .max_delay = 1s};
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 1, policy), 1);
    EXPECT_EQ(hook.orders.size(), 1U);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + order.uuid}), 1);
    EXPECT_TRUE(bus_->ListDeadLetters(outbox::kOrderPaid, 10).empty());

    // Another order whose hook always fails ends in the dead letters; an admin's retry applies it once fixed.
    const auto doomed = Place(free_type_, "free-3");
    ASSERT_EQ(outbox::Relay(*db_.store, *bus_, clock_).Drain().published, 1);
    hook.fail_next = 3;
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 1, policy), 1);
    const auto dead = bus_->ListDeadLetters(outbox::kOrderPaid, 10);
    ASSERT_EQ(dead.size(), 1U);
    EXPECT_EQ(dead[0].message.message_id, "order.paid:" + doomed.uuid);
    EXPECT_EQ(dead[0].attempts, 3);
    EXPECT_EQ(dead[0].error, "mint service down");
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + doomed.uuid}), 0);
    EXPECT_EQ(bus_->RetryDeadLetters(outbox::kOrderPaid, dead[0].message.message_id), 1);
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 1, policy), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + doomed.uuid}), 1);
    EXPECT_EQ(hook.orders.size(), 2U);
}

TEST_P(FulfilmentFlow, APaidNftOrderRequestsOneMintPerTicketInTheConsumersTransactionEvenWhenDeliveredTwice) {
    const auto nft_order = PaidNftOrderOfTwo("nft-1");
    const auto plain = Place(paid_type_, "plain-1");
    ASSERT_TRUE(orders_->MarkPaid(plain.uuid, "hash-plain"));

    // The relay dies after the broker confirmed the first message (the NFT order's): it is published twice.
    EXPECT_EQ(RelayDyingAfterTheFirstConfirm(), 2);

    const auto platform_wallet = test::SeededWallet(7);
    test::FakeChain chain(clock_, platform_wallet.address);
    wallet::WalletSender sender(*db_.store, chain, clock_, platform_wallet, wallet::SenderSettings{});
    nft::NftManager manager(*db_.store, chain, clock_, sender, nft::NftSettings{});
    nft::TicketMintFulfilment hook(manager);
    FulfilmentConsumer consumer(*db_.store, clock_, hook);
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 3), 3) << "three deliveries: the duplicate too";

    EXPECT_EQ(Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'order.paid'"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM tickets WHERE order_uuid = $1", {nft_order.uuid}), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items i JOIN tickets t ON t.nft_item_id = i.item_id "
                    "WHERE t.order_uuid = $1 AND i.ticket_id = t.ticket_id AND i.user_id = $2 AND i.state = "
                    "'created'",
                    {nft_order.uuid, kBuyer}),
              2)
        << "one mint request per ticket, linked to it";
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items"), 2) << "and nothing for the non-NFT order";
    EXPECT_EQ(
        Count("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND nft_item_id IS NULL", {plain.uuid}), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_collections WHERE kind = 'ticket'"), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM wallet_messages WHERE idempotency_key LIKE 'nft-collection:%'"), 1)
        << "the collection's deploy queued with the first request";
    EXPECT_EQ(manager.Sweep().items_requested, 0) << "the safety net finds nothing left";
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items"), 2);
}

TEST_P(FulfilmentFlow, ARefusedNftRequestIsRecordedAndLeftToTheSweepWhileTheBuyerIsToldOnce) {
    const auto order = PaidNftOrderOfTwo("refused-1");
    // Published twice (the relay dies after the confirm): the refusal is applied once too.
    EXPECT_EQ(RelayDyingAfterTheFirstConfirm(), 1);

    // A manager misconfigured for good: its collection metadata URL cannot be stored in a cell (above 64
    // KiB), so every request is refused, however often the message is retried.
    const auto platform_wallet = test::SeededWallet(7);
    test::FakeChain chain(clock_, platform_wallet.address);
    wallet::WalletSender sender(*db_.store, chain, clock_, platform_wallet, wallet::SenderSettings{});
    nft::NftSettings broken_settings;
    broken_settings.public_url = "https://" + std::string(70'000, 'a') + ".example";
    nft::NftManager broken(*db_.store, chain, clock_, sender, broken_settings);
    nft::TicketMintFulfilment hook(broken);
    FulfilmentConsumer consumer(*db_.store, clock_, hook);
    const ports::RetryPolicy policy{.max_attempts = 3, .base_delay = 1s, .max_delay = 1s};
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 2, policy), 2) << "both deliveries acked";
    EXPECT_TRUE(bus_->ListDeadLetters(outbox::kOrderPaid, 10).empty()) << "the message is not held back";
    EXPECT_EQ(Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'"), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE dedupe_key = $1", {"order.paid:" + order.uuid}),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_collections"), 0) << "the refused attempt was undone";
    EXPECT_EQ(Count("SELECT count(*) FROM nft_mint_refusals r JOIN tickets t ON t.ticket_id = r.ticket_id "
                    "WHERE r.order_uuid = $1 AND t.order_uuid = $1 AND r.source = 'fulfilment' AND "
                    "r.code = 'ton.invalid_content' AND r.attempts = 1",
                    {order.uuid}),
              2)
        << "each NFT ticket of the order marked, once";

    // The buyer's notification goes out once.
    test::FakeMessenger messenger;
    notifications::NotificationSender notifier(*db_.store, messenger, clock_, {});
    EXPECT_EQ(notifier.SendDue().sent, 1);
    EXPECT_EQ(notifier.SendDue().total(), 0);
    ASSERT_EQ(messenger.calls().size(), 1U);
    EXPECT_EQ(messenger.calls()[0].chat_id, kBuyer);

    // The sweep of the same manager is refused too, and says so; once the configuration is fixed it requests
    // both mints and clears the marks.
    const auto refused = broken.Sweep();
    EXPECT_EQ(refused.refused, 2);
    EXPECT_EQ(refused.items_requested, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_mint_refusals WHERE source = 'sweep' AND attempts = 2"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_collections"), 0);
    nft::NftManager fixed(*db_.store, chain, clock_, sender, nft::NftSettings{});
    const auto swept = fixed.Sweep();
    EXPECT_EQ(swept.items_requested, 2);
    EXPECT_EQ(swept.refused, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items i JOIN tickets t ON t.nft_item_id = i.item_id "
                    "WHERE t.order_uuid = $1 AND i.ticket_id = t.ticket_id AND i.user_id = $2",
                    {order.uuid, kBuyer}),
              2);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_mint_refusals"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM wallet_messages WHERE idempotency_key LIKE 'nft-collection:%'"), 1);
    EXPECT_EQ(fixed.Sweep().total(), 0) << "nothing left";
    EXPECT_EQ(notifier.SendDue().total(), 0) << "and the buyer was told once";
}

TEST_P(FulfilmentFlow, AMalformedMessageGoesStraightToTheDeadLetters) {
    bus_->Publish({"bogus-1", std::string(outbox::kOrderPaid), "", "not json"});
    RecordingHook hook;
    FulfilmentConsumer consumer(*db_.store, clock_, hook);
    EXPECT_EQ(ConsumeAll(*bus_, consumer, 1), 1);
    const auto dead = bus_->ListDeadLetters(outbox::kOrderPaid, 10);
    ASSERT_EQ(dead.size(), 1U);
    EXPECT_EQ(dead[0].attempts, 1);
    EXPECT_NE(dead[0].error.find("not an order.paid message"), std::string::npos) << dead[0].error;
}

std::string ParamName(const ::testing::TestParamInfo<std::string>& info) {
    std::string out;
    for (const char ch : info.param) out += ch == '-' ? '_' : ch;
    return out;
}

INSTANTIATE_TEST_SUITE_P(StoresAndBuses,
                         FulfilmentFlow,
                         ::testing::Values(std::string("sqlite-embedded"), std::string("postgres-embedded"),
                                           std::string("sqlite-rabbitmq"), std::string("postgres-rabbitmq")),
                         ParamName);

}  // namespace
}  // namespace onton::fulfilment
