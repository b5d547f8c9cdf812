// The payment watcher against the real TON emulator (fixture ton_emulator): participants pay orders from emulator
// wallets with the orders' comments, the TVM executes the transfers, and the watcher reads them through the
// toncenter client. Each test watches a wallet of its own, so tests may share the emulator.
#include "domain/payments/watcher.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "adapters/chain/toncenter.hpp"
#include "domain/events/events.hpp"
#include "support/emulator_control.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::payments {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 10;
constexpr std::int64_t kBuyer = 11;
constexpr std::int64_t kPrice = 2'000'000'000;  // 2 TON

class Watcher : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        ASSERT_FALSE(test::Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
        clock_.Set(std::time(nullptr));
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        for (const auto id : {kOwner, kBuyer}) {
            db_.store->Transact([&](ports::Transaction& tx) {
                tx.Execute("INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                           "'user', 1, 1)",
                           {id});
            });
        }
        events_ = std::make_unique<events::EventService>(*db_.store, clock_, random_);
        orders::OrderSettings settings;
        settings.order_ttl_seconds = 600;
        settings.usdt_jetton_master = "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs";
        orders_ = std::make_unique<orders::OrderService>(*db_.store, clock_, random_, settings);
        // The wallet this test watches: its own, so other tests' payments do not show up in it.
        wallet_ = test::Control("POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "1000000000"}})["address"];
        chain::ToncenterConfig config;
        config.base_url = test::Env("ONTON_TEST_TON_URL");
        config.requests_per_second = 0;
        chain_ = std::make_unique<chain::ToncenterChain>(config);

        const auto e = events_->Create(As(kOwner),
                                       {{"title", "Paid meetup"},
                                        {"description", "Bring TON"},
                                        {"start_date", clock_.NowUnix() + 86400},
                                        {"end_date", clock_.NowUnix() + 90000},
                                        {"participation_type", "in_person"},
                                        {"location", "Berlin"}});
        ASSERT_TRUE(e) << e.error().message;
        event_uuid_ = e->event_uuid;
        const auto t = events_->AddTicketType(As(kOwner), event_uuid_,
                                              {{"name", "General"}, {"price", std::to_string(kPrice)}, {"supply", 3}});
        ASSERT_TRUE(t) << t.error().message;
        type_id_ = t->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    PaymentWatcher MakeWatcher(std::uint32_t group = 200) {
        WatcherSettings settings;
        settings.wallet_address = wallet_;
        settings.page = 2;  // small pages, so that paging back is exercised
        settings.group = group;
        return PaymentWatcher(*db_.store, *chain_, *orders_, clock_, settings);
    }

    orders::Order Order(const std::string& key) {
        auto placed = orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", type_id_}}, key);
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order;
    }

    void Pay(std::int64_t nanotons, const std::string& comment) {
        test::Control("POST", "/transfer",
                      json{{"from", 0}, {"to", wallet_}, {"amount_nano", std::to_string(nanotons)}, {"comment", comment}});
    }

    json Recorded(const std::string& comment) {
        return db_.store->Transact([&](ports::Transaction& tx) {
            json out = json::array();
            for (const auto& r :
                 tx.Execute("SELECT outcome, refund_due, value, hash FROM transactions WHERE comment = $1 "
                            "ORDER BY lt",
                            {comment})
                     .rows) {
                out.push_back({{"outcome", ports::AsText(r[0])},
                               {"refund_due", ports::AsInt(r[1])},
                               {"value", ports::AsInt(r[2])},
                               {"hash", ports::AsText(r[3])}});
            }
            return out;
        });
    }

    std::int64_t PaidMessages(const std::string& uuid) {
        return db_.store->Transact([&](ports::Transaction& tx) {
            return ports::AsInt(
                tx.Execute("SELECT count(*) FROM outbox WHERE message_id = $1", {"order.paid:" + uuid}).rows[0][0]);
        });
    }

    std::string OrderState(const std::string& uuid) {
        auto order = orders_->Get(As(kBuyer), uuid);
        return order ? std::string(orders::StateName(order->state)) : "missing";
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::unique_ptr<chain::ToncenterChain> chain_;
    std::string wallet_;
    std::string event_uuid_;
    std::int64_t type_id_ = 0;
};

TEST_P(Watcher, AnExactPaymentPaysTheOrderOnceAcrossRestarts) {
    const auto order = Order("one");
    ASSERT_FALSE(order.payment_comment.empty());
    Pay(kPrice, order.payment_comment);
    auto watcher = MakeWatcher();
    auto first = watcher.Poll();
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(first->paid, 1);
    EXPECT_EQ(OrderState(order.uuid), "paid");
    auto mine = orders_->MyTickets(As(kBuyer));
    ASSERT_TRUE(mine);
    EXPECT_EQ(mine->size(), 1U) << "the ticket is issued";
    EXPECT_EQ(Recorded(order.payment_comment)[0]["outcome"], "paid");
    EXPECT_EQ(PaidMessages(order.uuid), 1) << "order.paid is written to the outbox with the payment";

    EXPECT_EQ(watcher.Poll()->seen, 0) << "the cursor moved past it";
    EXPECT_EQ(MakeWatcher().Poll()->seen, 0) << "and a restarted watcher starts there";
    // Even a lost cursor does not pay twice: the transaction's hash is already recorded.
    db_.store->Transact([&](ports::Transaction& tx) { tx.Execute("DELETE FROM watch_wallets"); });
    const auto again = MakeWatcher().Poll();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->seen, 0);
    EXPECT_EQ(orders_->MyTickets(As(kBuyer))->size(), 1U);
    EXPECT_EQ(PaidMessages(order.uuid), 1);
}

TEST_P(Watcher, UnderpaymentWaitsForTheDifferenceAndOverpaymentIsOwedBack) {
    const auto order = Order("two");
    Pay(kPrice / 2, order.payment_comment);
    auto watcher = MakeWatcher();
    EXPECT_EQ(watcher.Poll()->underpaid, 1);
    EXPECT_EQ(OrderState(order.uuid), "created") << "still payable";
    Pay(kPrice / 2 + 300'000'000, order.payment_comment);  // the rest, and 0.3 TON more
    const auto second = watcher.Poll();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->paid, 1);
    EXPECT_EQ(OrderState(order.uuid), "paid");
    const auto rows = Recorded(order.payment_comment);
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["outcome"], "underpaid");
    EXPECT_EQ(rows[1]["outcome"], "paid");
    EXPECT_EQ(rows[1]["refund_due"], 300'000'000) << "the excess is recorded for refund";

    Pay(kPrice, order.payment_comment);  // paid twice
    EXPECT_EQ(watcher.Poll()->refund_due, 1);
    EXPECT_EQ(Recorded(order.payment_comment)[2]["outcome"], "already_settled");
    EXPECT_EQ(Recorded(order.payment_comment)[2]["refund_due"], kPrice);
}

TEST_P(Watcher, LatePaymentsAndUnknownCommentsAreRecorded) {
    const auto late = Order("late");
    clock_.Advance(601);
    EXPECT_EQ(orders_->ExpireDue(), 1);
    Pay(kPrice, late.payment_comment);
    Pay(12345, "no such order");
    auto watcher = MakeWatcher();
    const auto tally = watcher.Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->paid, 1) << "the seat was still free";
    EXPECT_EQ(tally->unmatched, 2) << "the unknown comment, and the emulator's funding of the wallet (no comment)";
    EXPECT_EQ(OrderState(late.uuid), "paid");
    EXPECT_EQ(Recorded(late.payment_comment)[0]["outcome"], "late_paid");
    EXPECT_EQ(Recorded("no such order")[0]["outcome"], "unknown_comment");
    EXPECT_EQ(db_.store->Transact([&](ports::Transaction& tx) {
        return ports::AsInt(
            tx.Execute("SELECT count(*) FROM transactions WHERE outcome = 'no_comment' AND comment IS NULL").rows[0][0]);
    }),
              1);

    // Sold out by others, an expired order's late payment is owed back in full.
    const auto missed = Order("missed");
    clock_.Advance(601);
    EXPECT_EQ(orders_->ExpireDue(), 1);
    (void)Order("other-1");
    (void)Order("other-2");
    Pay(kPrice, missed.payment_comment);
    EXPECT_EQ(watcher.Poll()->refund_due, 1);
    EXPECT_EQ(OrderState(missed.uuid), "expired");
    EXPECT_EQ(Recorded(missed.payment_comment)[0]["outcome"], "refund_due");
    EXPECT_EQ(Recorded(missed.payment_comment)[0]["refund_due"], kPrice);
}

TEST_P(Watcher, ToncoinForAnOrderInAnotherCurrencyPaysNothingAndGoesBack) {
    events::EventService usdt_events(
        *db_.store, clock_, random_, {}, {money::Currency::kTon, money::Currency::kUsdt});
    const auto type = usdt_events.AddTicketType(
        As(kOwner), event_uuid_, {{"name", "Tether"}, {"price", "5000000"}, {"currency", "USDT"}});
    ASSERT_TRUE(type) << type.error().message;
    auto placed =
        orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", type->id}}, "usdt");
    ASSERT_TRUE(placed) << placed.error().message;
    const auto& order = placed->order;
    EXPECT_EQ(order.currency, money::Currency::kUsdt);
    EXPECT_EQ(order.total_price, 5'000'000) << "micro-USDT, not nanotons";
    const auto body = orders::ToJson(order, orders_->settings());
    EXPECT_EQ(body["currency"], "USDT");
    EXPECT_EQ(body["payment"]["method"], "jetton_transfer") << "no Toncoin payment instructions for a USDT order";

    // 5 TON is far more than 5 USDT's units: still nothing is paid, and all of it is owed back.
    Pay(5'000'000'000, order.payment_comment);
    auto watcher = MakeWatcher();
    const auto tally = watcher.Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->paid, 0);
    EXPECT_EQ(tally->refund_due, 1);
    EXPECT_EQ(OrderState(order.uuid), "created");
    EXPECT_EQ(Recorded(order.payment_comment)[0]["outcome"], "wrong_currency");
    EXPECT_EQ(Recorded(order.payment_comment)[0]["refund_due"], 5'000'000'000);
    EXPECT_EQ(PaidMessages(order.uuid), 0);
}

// Every case at once: one Poll applies them in one group (set-wise, OrderService::ApplyPayments) or one per
// group; the outcomes, tickets and messages must be those of paying one by one, in chain order.
class WatcherBatch : public Watcher {
   protected:
    void RunMixedBatch(std::uint32_t group) {
        const auto wide = events_->AddTicketType(
            As(kOwner), event_uuid_, {{"name", "Wide"}, {"price", std::to_string(kPrice)}, {"supply", 6}});
        ASSERT_TRUE(wide) << wide.error().message;
        const auto place = [&](const std::string& key) {
            auto placed =
                orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", wide->id}}, key);
            EXPECT_TRUE(placed) << placed.error().message;
            return placed->order;
        };
        const auto late = place("late");
        clock_.Advance(601);
        ASSERT_EQ(orders_->ExpireDue(), 1);
        const auto exact = place("exact");
        const auto over = place("over");
        const auto halves = place("halves");
        const auto twice = place("twice");
        events::EventService usdt_events(
            *db_.store, clock_, random_, {}, {money::Currency::kTon, money::Currency::kUsdt});
        const auto tether = usdt_events.AddTicketType(
            As(kOwner), event_uuid_, {{"name", "Tether"}, {"price", "5000000"}, {"currency", "USDT"}});
        ASSERT_TRUE(tether) << tether.error().message;
        auto usdt =
            orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", tether->id}}, "usdt");
        ASSERT_TRUE(usdt) << usdt.error().message;

        Pay(kPrice, exact.payment_comment);
        Pay(kPrice / 2, halves.payment_comment);
        Pay(kPrice + 300'000'000, over.payment_comment);
        Pay(kPrice, twice.payment_comment);
        Pay(kPrice / 2, halves.payment_comment);
        Pay(kPrice, twice.payment_comment);
        Pay(kPrice, late.payment_comment);
        Pay(kPrice, usdt->order.payment_comment);
        Pay(777, "nobody's order");

        auto watcher = MakeWatcher(group);
        const auto tally = watcher.Poll();
        ASSERT_TRUE(tally) << tally.error().message;
        EXPECT_EQ(tally->seen, 10) << "nine payments and the wallet's funding";
        EXPECT_EQ(tally->paid, 5);
        EXPECT_EQ(tally->underpaid, 1);
        EXPECT_EQ(tally->refund_due, 3) << "the excess, the second payment, the wrong currency";
        EXPECT_EQ(tally->unmatched, 2);

        const auto outcome = [&](const std::string& comment, std::size_t i) {
            const auto rows = Recorded(comment);
            return i < rows.size() ? rows[i]["outcome"].get<std::string>() + "/" +
                                         std::to_string(rows[i]["refund_due"].get<std::int64_t>())
                                   : std::string("missing");
        };
        EXPECT_EQ(outcome(exact.payment_comment, 0), "paid/0");
        EXPECT_EQ(outcome(over.payment_comment, 0), "paid/300000000");
        EXPECT_EQ(outcome(halves.payment_comment, 0), "underpaid/0");
        EXPECT_EQ(outcome(halves.payment_comment, 1), "paid/0");
        EXPECT_EQ(outcome(twice.payment_comment, 0), "paid/0");
        EXPECT_EQ(outcome(twice.payment_comment, 1), "already_settled/" + std::to_string(kPrice));
        EXPECT_EQ(outcome(late.payment_comment, 0), "late_paid/0");
        EXPECT_EQ(outcome(usdt->order.payment_comment, 0), "wrong_currency/" + std::to_string(kPrice));
        EXPECT_EQ(outcome("nobody's order", 0), "unknown_comment/0");

        for (const auto* order : {&exact, &over, &halves, &twice, &late}) {
            EXPECT_EQ(OrderState(order->uuid), "paid") << order->uuid;
            EXPECT_EQ(PaidMessages(order->uuid), 1) << order->uuid;
        }
        // Each paid order names the transfer that paid it (the second half, the first of two payments).
        const auto paid_by = [&](const std::string& uuid) {
            return db_.store->Transact([&](ports::Transaction& tx) {
                return ports::AsOptionalText(
                           tx.Execute("SELECT payment_tx_hash FROM orders WHERE uuid = $1", {uuid}).rows[0][0])
                    .value_or("none");
            });
        };
        EXPECT_EQ(paid_by(exact.uuid), Recorded(exact.payment_comment)[0]["hash"]);
        EXPECT_EQ(paid_by(over.uuid), Recorded(over.payment_comment)[0]["hash"]);
        EXPECT_EQ(paid_by(halves.uuid), Recorded(halves.payment_comment)[1]["hash"]);
        EXPECT_EQ(paid_by(twice.uuid), Recorded(twice.payment_comment)[0]["hash"]);
        EXPECT_EQ(paid_by(late.uuid), Recorded(late.payment_comment)[0]["hash"]);
        EXPECT_EQ(paid_by(usdt->order.uuid), "none");
        EXPECT_EQ(OrderState(usdt->order.uuid), "created");
        EXPECT_EQ(orders_->MyTickets(As(kBuyer))->size(), 5U)
            << "one ticket per paid seat, none for the USDT order";
        EXPECT_EQ(db_.store->Transact([&](ports::Transaction& tx) {
            return ports::AsInt(
                tx.Execute("SELECT sold FROM ticket_types WHERE ticket_type_id = $1", {wide->id}).rows[0][0]);
        }),
                  5);
        EXPECT_EQ(watcher.Poll()->seen, 0);
    }
};

TEST_P(WatcherBatch, AMixedGroupSettlesAsOneByOne) { RunMixedBatch(200); }
TEST_P(WatcherBatch, OneTransactionPerGroupSettlesAlike) { RunMixedBatch(1); }
TEST_P(WatcherBatch, GroupsOfThreeSplitAnOrdersPaymentsAlike) { RunMixedBatch(3); }

INSTANTIATE_TEST_SUITE_P(Stores,
                         WatcherBatch,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

INSTANTIATE_TEST_SUITE_P(Stores,
                         Watcher,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace onton::payments
