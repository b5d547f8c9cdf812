// USDT payments against the real TON emulator (fixture ton_emulator: the TVM running assets-sdk's TEP-74
// jetton that plays USDT) on both stores: participants pay orders with jetton transfers carrying the orders'
// comments, the payment watcher reads the platform wallet's transactions through the toncenter client, and
// refunds leave as jetton transfers that arrive in the payer's jetton balance. Each test has a platform
// wallet and payers of its own, so tests may share the emulator.
#include <gtest/gtest.h>

#include <ctime>

#include "adapters/chain/toncenter.hpp"
#include "domain/events/events.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/payments/watcher.hpp"
#include "domain/wallet/platform_wallet.hpp"
#include "domain/wallet/sender.hpp"
#include "support/emulator_control.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"
#include "ton/boc.hpp"
#include "ton/codec.hpp"
#include "ton/comment.hpp"
#include "ton/jetton.hpp"

namespace onton::payments {
namespace {

using identity::Principal;
using identity::Role;
using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 10;
constexpr std::int64_t kBuyer = 11;
constexpr std::int64_t kPrice = 5'000'000;  // 5 USDT

ton::Address Addr(const std::string& text) { return ton::ParseAddress(text)->address; }

class Usdt : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        ASSERT_FALSE(test::Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
        clock_.Set(std::time(nullptr));
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        for (const auto id : {kOwner, kBuyer}) {
            db_.store->Transact([&](ports::Transaction& tx) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                    "'user', 1, 1)",
                    {id});
            });
        }
        chain::ToncenterConfig config;
        config.base_url = test::Env("ONTON_TEST_TON_URL");
        config.requests_per_second = 0;
        chain_ = std::make_unique<chain::ToncenterChain>(config);

        // This test's platform wallet (with its keys, for refunds) and its jetton account on the emulator's
        // USDT.
        const auto created =
            test::Control("POST",
                          "/wallets",
                          json{{"version", "v5r1"}, {"balance_nano", "5000000000"}, {"jetton_units", "0"}});
        auto derived =
            wallet::DerivePlatformWallet(created["mnemonic"].get<std::string>(), ton::WalletVersion::kV5R1);
        ASSERT_TRUE(derived.ok());
        platform_ = *derived;
        master_ = test::Control("GET", "/jetton")["master"];
        auto account = ResolveJettonAccount(*chain_, master_, platform_.address);
        ASSERT_TRUE(account) << account.error().message;
        account_ = *account;
        EXPECT_EQ(account_.wallet.ToString(), created["jetton_wallet"])
            << "the master's answer is the emulator's";

        events_ = std::make_unique<events::EventService>(
            *db_.store,
            clock_,
            random_,
            moderation::Rules{},
            std::vector{money::Currency::kTon, money::Currency::kUsdt});
        orders::OrderSettings settings;
        settings.order_ttl_seconds = 600;
        settings.platform_wallet_address = platform_.address.ToString();
        settings.usdt_jetton_master = account_.master.ToString();
        orders_ = std::make_unique<orders::OrderService>(*db_.store, clock_, random_, settings);
        const auto e = events_->Create(As(kOwner),
                                       {{"title", "Tether night"},
                                        {"description", "Bring USDT"},
                                        {"start_date", clock_.NowUnix() + 86400},
                                        {"end_date", clock_.NowUnix() + 90000},
                                        {"participation_type", "in_person"},
                                        {"location", "Berlin"}});
        ASSERT_TRUE(e) << e.error().message;
        event_uuid_ = e->event_uuid;
        const auto t = events_->AddTicketType(
            As(kOwner),
            event_uuid_,
            {{"name", "Tether"}, {"price", std::to_string(kPrice)}, {"currency", "USDT"}, {"supply", 2}});
        ASSERT_TRUE(t) << t.error().message;
        type_id_ = t->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    PaymentWatcher Watcher() {
        WatcherSettings settings;
        settings.wallet_address = platform_.address.ToString();
        settings.page = 3;
        settings.usdt = account_;
        return PaymentWatcher(*db_.store, *chain_, *orders_, clock_, settings);
    }

    orders::Order Order(const std::string& key) {
        auto placed =
            orders_->Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", type_id_}}, key);
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order;
    }

    /// A payer of this test: a wallet holding `units` USDT.
    std::string Payer(std::int64_t units = 20'000'000) {
        return test::Control("POST",
                             "/wallets",
                             json{{"version", "v4r2"},
                                  {"balance_nano", "2000000000"},
                                  {"jetton_units", std::to_string(units)}})["address"];
    }

    void PayUsdt(const std::string& payer, std::int64_t units, const std::string& comment) {
        const auto sent = test::Control("POST",
                                        "/jetton/transfer",
                                        json{{"from", payer},
                                             {"to", platform_.address.ToString()},
                                             {"amount", std::to_string(units)},
                                             {"comment", comment}});
        for (const auto& t : sent["transactions"]) EXPECT_FALSE(t["aborted"].get<bool>()) << sent.dump();
    }

    std::int64_t Balance(const std::string& owner) {
        return std::stoll(
            test::Control("GET", "/jetton/balance?owner=" + owner)["balance"].get<std::string>());
    }

    json Recorded(const std::string& where) {
        return db_.store->Transact([&](ports::Transaction& tx) {
            json out = json::array();
            for (const auto& r :
                 tx.Execute("SELECT outcome, refund_due, value, currency, counterparty FROM transactions "
                            "WHERE " +
                            where + " ORDER BY lt")
                     .rows) {
                out.push_back({{"outcome", ports::AsText(r[0])},
                               {"refund_due", ports::AsInt(r[1])},
                               {"value", ports::AsInt(r[2])},
                               {"currency", ports::AsText(r[3])},
                               {"counterparty", ports::AsOptionalText(r[4]).value_or("")}});
            }
            return out;
        });
    }

    std::string State(const std::string& uuid) {
        return std::string(orders::StateName(orders_->Get(As(kBuyer), uuid)->state));
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<chain::ToncenterChain> chain_;
    wallet::PlatformWallet platform_;
    std::string master_;
    JettonAccount account_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::string event_uuid_;
    std::int64_t type_id_ = 0;
};

TEST_P(Usdt, AWrongMasterStopsTheSetUp) {
    // A wallet is no jetton master: get_jetton_data fails, and the error names the setting.
    auto wrong = ResolveJettonAccount(*chain_, platform_.address.ToString(), platform_.address);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "config.invalid");
    EXPECT_NE(wrong.error().message.find("ONTON_USDT_JETTON_MASTER"), std::string::npos);
}

TEST_P(Usdt, ExactUnderOverAndLatePayments) {
    const auto payer = Payer();
    const auto exact = Order("exact");
    const auto under = Order("under");
    PayUsdt(payer, kPrice, exact.payment_comment);
    PayUsdt(payer, kPrice - 2'000'000, under.payment_comment);
    auto watcher = Watcher();
    auto tally = watcher.Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->paid, 1);
    EXPECT_EQ(tally->underpaid, 1);
    EXPECT_EQ(State(exact.uuid), "paid");
    EXPECT_EQ(State(under.uuid), "created");
    const auto paid = Recorded("order_uuid = '" + exact.uuid + "'");
    ASSERT_EQ(paid.size(), 1U);
    EXPECT_EQ(paid[0]["currency"], "USDT");
    EXPECT_EQ(paid[0]["value"], kPrice);
    EXPECT_EQ(Addr(paid[0]["counterparty"]), Addr(payer)) << "the payer, from the notification's sender";
    EXPECT_EQ(Balance(platform_.address.ToString()), kPrice + kPrice - 2'000'000);

    PayUsdt(payer, 3'000'000, under.payment_comment);  // the rest and 1 USDT more
    tally = watcher.Poll();
    ASSERT_TRUE(tally);
    EXPECT_EQ(tally->paid, 1);
    EXPECT_EQ(State(under.uuid), "paid");
    const auto rows = Recorded("order_uuid = '" + under.uuid + "'");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["outcome"], "underpaid");
    EXPECT_EQ(rows[1]["outcome"], "paid");
    EXPECT_EQ(rows[1]["refund_due"], 1'000'000);

    // A third seat: its order expires unpaid, and a late payment still gets it while it is free.
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE ticket_types SET supply = 3 WHERE ticket_type_id = $1", {type_id_});
    });
    const auto late = Order("late");
    clock_.Advance(601);
    EXPECT_EQ(orders_->ExpireDue(), 1);
    PayUsdt(payer, kPrice, late.payment_comment);
    tally = watcher.Poll();
    ASSERT_TRUE(tally);
    EXPECT_EQ(tally->paid, 1) << "the seat was still free";
    EXPECT_EQ(State(late.uuid), "paid");
    EXPECT_EQ(Recorded("order_uuid = '" + late.uuid + "'")[0]["outcome"], "late_paid");

    // Read again from scratch (a lost cursor): nothing is applied twice.
    db_.store->Transact([&](ports::Transaction& tx) { tx.Execute("DELETE FROM watch_wallets"); });
    EXPECT_EQ(Watcher().Poll()->seen, 0);
    EXPECT_EQ(orders_->MyTickets(As(kBuyer))->size(), 3U);
}

TEST_P(Usdt, AForgedNotificationFromAParticipantWalletIsNotCredited) {
    const auto payer = Payer();
    const auto order = Order("forged");
    // The body of a real 5 USDT notification, sent straight from a participant's wallet to the platform
    // wallet.
    ton::TransferNotification n;
    n.amount = kPrice;
    n.sender = Addr(payer);
    n.forward_payload = *ton::BuildComment(order.payment_comment);
    const auto body = ton::ToBase64(ton::SerializeBoc(*ton::BuildTransferNotification(n)));
    test::Control("POST",
                  "/transfer",
                  json{{"from", payer},
                       {"to", platform_.address.ToString()},
                       {"amount_nano", "50000000"},
                       {"body", body}});
    auto tally = Watcher().Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->forged, 1);
    EXPECT_EQ(tally->paid, 0);
    EXPECT_EQ(State(order.uuid), "created");
    const auto rows = Recorded("outcome = 'forged_notification'");
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0]["currency"], "TON");
    EXPECT_EQ(rows[0]["value"], 50'000'000);
    EXPECT_EQ(Balance(platform_.address.ToString()), 0) << "no jetton moved";

    // The real payment still pays it.
    PayUsdt(payer, kPrice, order.payment_comment);
    EXPECT_EQ(Watcher().Poll()->paid, 1);
    EXPECT_EQ(State(order.uuid), "paid");
}

TEST_P(Usdt, ARefundArrivesInThePayersJettonBalanceOnce) {
    const auto payer = Payer(20'000'000);
    const auto order = Order("refund");
    PayUsdt(payer, kPrice + 1'500'000, order.payment_comment);  // 1.5 USDT too much
    ASSERT_EQ(Watcher().Poll()->paid, 1);
    EXPECT_EQ(Balance(payer), 20'000'000 - kPrice - 1'500'000);

    wallet::WalletSender sender(*db_.store, *chain_, clock_, platform_);
    JettonPayments usdt(*chain_, account_);
    Refunds refunds(*db_.store, clock_, &sender, &usdt);
    // The excess, then (an admin refunds the order) what the order got: both in USDT, back to the payer.
    auto tally = refunds.Step();
    EXPECT_EQ(tally.recorded, 1);
    EXPECT_EQ(tally.queued, 1);
    ASSERT_TRUE(refunds.RefundOrder(Principal{1, Role::kAdmin, 0}, order.uuid));
    EXPECT_EQ(refunds.Step().queued, 1);
    auto sent = [&] {
        return ports::AsInt(
            db_.store
                ->Transact([](ports::Transaction& tx) {
                    return tx.Execute(
                        "SELECT count(*) FROM refunds WHERE state = 'sent' AND currency = 'USDT'");
                })
                .rows.at(0)[0]);
    };
    for (int i = 0; i < 20 && sent() < 2; ++i) {
        ASSERT_TRUE(sender.Pump().ok());
        (void)refunds.Step();
        clock_.Advance(5);
    }
    ASSERT_EQ(sent(), 2);
    EXPECT_EQ(Balance(payer), 20'000'000) << "every unit came back";
    EXPECT_EQ(Balance(platform_.address.ToString()), 0);
    EXPECT_EQ(State(order.uuid), "refunded");

    // Nothing more goes out however often the jobs run; the excess TON that came back is recorded, not
    // credited.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(sender.Pump().ok());
        EXPECT_EQ(refunds.Step().queued, 0);
        clock_.Advance(5);
    }
    EXPECT_EQ(Balance(payer), 20'000'000);
    auto after = Watcher().Poll();
    ASSERT_TRUE(after) << after.error().message;
    EXPECT_EQ(after->paid, 0);
    EXPECT_EQ(after->forged, 0);
    EXPECT_GE(Recorded("outcome = 'excesses'").size(), 2U);
}

TEST_P(Usdt, ARefundTheJettonWalletCannotPayFails) {
    const auto payer = Payer(0);
    // 2 USDT owed back to the payer, but the platform's jetton wallet holds none (it is not even deployed).
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute(
            "INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, "
            "utime, "
            "created_at, outcome, refund_due, currency) VALUES ('usdt-due', 1, $1, $2, 2000000, 'failed', "
            "'in', "
            "'c', 1, 1, 'already_settled', 2000000, 'USDT')",
            {platform_.address.ToRaw(), payer});
    });
    wallet::WalletSender sender(*db_.store, *chain_, clock_, platform_);
    JettonPayments usdt(*chain_, account_);
    Refunds refunds(*db_.store, clock_, &sender, &usdt);
    ASSERT_EQ(refunds.Step().queued, 1);
    auto state = [&] {
        return ports::AsText(db_.store
                                 ->Transact([](ports::Transaction& tx) {
                                     return tx.Execute(
                                         "SELECT state FROM refunds WHERE tx_hash = 'usdt-due'");
                                 })
                                 .rows.at(0)[0]);
    };
    auto watcher = Watcher();
    for (int i = 0; i < 10 && state() != "failed"; ++i) {
        ASSERT_TRUE(sender.Pump().ok());
        (void)refunds.Step();
        ASSERT_TRUE(watcher.Poll().ok());
        clock_.Advance(5);
    }
    EXPECT_EQ(state(), "failed") << "the bounce of its transfer came back to the platform wallet";
    EXPECT_EQ(Balance(payer), 0);
    EXPECT_EQ(Recorded("outcome = 'bounced'").size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         Usdt,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace onton::payments
