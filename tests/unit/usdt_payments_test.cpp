// USDT (TEP-74 jetton) payments, the rules alone: the payment watcher over a scripted chain (the platform
// wallet's transactions as toncenter reports them) and a real SQLite store; every outcome, a forged
// notification, a bounced message, exactly once; the refund message through the platform's jetton wallet; the
// payer's transfer message.
#include <gtest/gtest.h>

#include <ctime>

#include "domain/events/events.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/payments/watcher.hpp"
#include "support/fake_chain.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
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

ton::Address Addr(std::uint8_t n) {
    ton::Address a;
    a.hash.fill(n);
    return a;
}

std::string Boc(const ton::CellPtr& cell) { return ton::ToBase64(ton::SerializeBoc(cell)); }

/// The platform wallet's history as toncenter reports it: newest first, paged by lt.
class ScriptedChain final : public ports::Chain {
   public:
    explicit ScriptedChain(std::string wallet) : wallet_(std::move(wallet)) {}

    void Receive(ports::ChainMessage msg) {
        ports::ChainTransaction t;
        t.account = wallet_;
        t.id.lt = lt_ += 1000;
        t.id.hash = ton::ToBase64(ton::Bytes(32, static_cast<std::uint8_t>(t.id.lt / 1000)));
        t.utime = 1'700'000'000;
        msg.destination = wallet_;
        t.in_msg = std::move(msg);
        history_.push_back(std::move(t));
    }

    Result<ports::SentMessage> SendMessage(std::string_view) override {
        return Error{"chain.rejected", "scripted"};
    }
    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery& q) override {
        std::vector<ports::ChainTransaction> out;
        for (auto it = history_.rbegin(); it != history_.rend() && out.size() < q.limit; ++it) {
            if (q.before && it->id.lt >= q.before->lt) continue;
            if (it->id.lt <= q.after_lt) break;
            out.push_back(*it);
        }
        return out;
    }
    Result<ports::GetMethodResult> RunGetMethod(std::string_view address,
                                                std::string_view method,
                                                const std::vector<ports::StackEntry>& stack) override {
        ++get_methods;
        ports::GetMethodResult r;
        if (method == "get_wallet_address" && stack.size() == 1) {
            // Every owner's jetton wallet: the owner's hash with its first byte flipped.
            auto arg = ton::ParseBocText(stack[0].boc);
            ton::Slice s(arg->front());
            auto owner = **s.LoadAddress();
            owner.hash[0] ^= 0xff;
            r.stack.push_back(ports::StackEntry::Slice(Boc(*ton::WalletAddressArgument(owner))));
            return r;
        }
        if (method == "get_jetton_data" && std::string(address) == jetton_master) {
            r.stack = {ports::StackEntry::Num("0x10"),
                       ports::StackEntry::Num("-0x1"),
                       ports::StackEntry::Slice(Boc(*ton::WalletAddressArgument(Addr(0xad)))),
                       ports::StackEntry::Cell(Boc(ton::Cell::Empty())),
                       ports::StackEntry::Cell(Boc(ton::Cell::Empty()))};
            return r;
        }
        r.exit_code = 11;
        return r;
    }
    Result<ports::AccountState> GetAccountState(std::string_view) override { return ports::AccountState{}; }
    Result<ports::WalletInfo> GetWalletInfo(std::string_view) override { return ports::WalletInfo{}; }

    std::string jetton_master;
    int get_methods = 0;

   private:
    std::string wallet_;
    std::uint64_t lt_ = 0;
    std::vector<ports::ChainTransaction> history_;
};

class UsdtPayments : public ::testing::Test {
   protected:
    void SetUp() override {
        clock_.Set(1'700'000'000);
        db_ = test::OpenTestStore("sqlite", dir_.path());
        for (const auto id : {kOwner, kBuyer}) {
            db_.store->Transact([&](ports::Transaction& tx) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                    "'user', 1, 1)",
                    {id});
            });
        }
        chain_.jetton_master = Addr(0x77).ToString();
        auto account = ResolveJettonAccount(chain_, chain_.jetton_master, platform_);
        ASSERT_TRUE(account) << account.error().message;
        account_ = *account;
        events_ = std::make_unique<events::EventService>(
            *db_.store,
            clock_,
            random_,
            moderation::Rules{},
            std::vector{money::Currency::kTon, money::Currency::kUsdt});
        orders::OrderSettings settings;
        settings.order_ttl_seconds = 600;
        settings.platform_wallet_address = platform_.ToString();
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
        auto usdt = events_->AddTicketType(
            As(kOwner),
            event_uuid_,
            {{"name", "Tether"}, {"price", std::to_string(kPrice)}, {"currency", "USDT"}, {"supply", 2}});
        ASSERT_TRUE(usdt) << usdt.error().message;
        usdt_type_ = usdt->id;
        auto ton =
            events_->AddTicketType(As(kOwner), event_uuid_, {{"name", "Toncoin"}, {"price", "2000000000"}});
        ASSERT_TRUE(ton) << ton.error().message;
        ton_type_ = ton->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    PaymentWatcher Watcher(bool with_usdt = true) {
        WatcherSettings settings;
        settings.wallet_address = platform_.ToString();
        settings.page = 2;
        if (with_usdt) settings.usdt = account_;
        return PaymentWatcher(*db_.store, chain_, *orders_, clock_, settings);
    }

    orders::Order Order(const std::string& key, std::int64_t type = 0) {
        auto placed = orders_->Place(
            As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", type ? type : usdt_type_}}, key);
        EXPECT_TRUE(placed) << placed.error().message;
        return placed->order;
    }

    /// A transfer_notification arriving at the platform wallet from `source` (the platform's jetton wallet
    /// unless said otherwise), for `units` from `payer`, with `comment` in the forward payload.
    void Notify(std::uint64_t units,
                const std::optional<std::string>& comment,
                std::optional<ton::Address> source = std::nullopt,
                ton::Address payer = Addr(0x55),
                bool inline_payload = false) {
        ton::TransferNotification n;
        n.query_id = 9;
        n.amount = units;
        n.sender = payer;
        if (comment) n.forward_payload = *ton::BuildComment(*comment);
        ports::ChainMessage m;
        m.source = (source ? *source : account_.wallet).ToString();
        m.value_nanotons = 10'000'000;
        m.body_boc = Boc(*ton::BuildTransferNotification(n, inline_payload));
        chain_.Receive(std::move(m));
    }

    void PayTon(std::uint64_t nanotons, const std::string& comment) {
        ports::ChainMessage m;
        m.source = Addr(0x56).ToString();
        m.value_nanotons = nanotons;
        m.comment = comment;
        chain_.Receive(std::move(m));
    }

    json Rows(const std::string& where = "1 = 1") {
        return db_.store->Transact([&](ports::Transaction& tx) {
            json out = json::array();
            for (const auto& r :
                 tx.Execute("SELECT outcome, refund_due, value, currency, counterparty, comment, order_uuid "
                            "FROM transactions WHERE " +
                            where + " ORDER BY lt")
                     .rows) {
                out.push_back({{"outcome", ports::AsText(r[0])},
                               {"refund_due", ports::AsInt(r[1])},
                               {"value", ports::AsInt(r[2])},
                               {"currency", ports::AsText(r[3])},
                               {"counterparty", ports::AsOptionalText(r[4]).value_or("")},
                               {"comment", ports::AsOptionalText(r[5]).value_or("")},
                               {"order", ports::AsOptionalText(r[6]).value_or("")}});
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
    ton::Address platform_ = Addr(0x01);
    ScriptedChain chain_{Addr(0x01).ToString()};
    JettonAccount account_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::string event_uuid_;
    std::int64_t usdt_type_ = 0;
    std::int64_t ton_type_ = 0;
};

TEST_F(UsdtPayments, TheJettonWalletIsDerivedFromTheMasterAndAWrongMasterIsRefused) {
    EXPECT_EQ(account_.master, Addr(0x77));
    auto expected = platform_;
    expected.hash[0] ^= 0xff;
    EXPECT_EQ(account_.wallet, expected) << "get_wallet_address(platform wallet)";
    auto wrong = ResolveJettonAccount(chain_, Addr(0x78).ToString(), platform_);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "config.invalid");
    EXPECT_NE(wrong.error().message.find("ONTON_USDT_JETTON_MASTER"), std::string::npos)
        << wrong.error().message;
    EXPECT_EQ(ResolveJettonAccount(chain_, "not an address", platform_).error().code, "config.invalid");
}

TEST_F(UsdtPayments, AnExactPaymentPaysOnceAndTheSenderIsThePayer) {
    const auto order = Order("exact");
    const auto body = orders::ToJson(order, orders_->settings());
    EXPECT_EQ(body["payment"]["method"], "jetton_transfer");
    EXPECT_EQ(body["payment"]["jetton_master"], account_.master.ToString());
    EXPECT_EQ(body["payment"]["address"], platform_.ToString());
    EXPECT_EQ(body["payment"]["amount"], std::to_string(kPrice));
    EXPECT_EQ(body["payment"]["comment"], order.payment_comment);
    EXPECT_NE(body["payment"]["link"].get<std::string>().find("jetton=" + account_.master.ToString()),
              std::string::npos);

    Notify(kPrice, order.payment_comment, std::nullopt, Addr(0x55), /*inline_payload=*/true);
    auto watcher = Watcher();
    const auto tally = watcher.Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->paid, 1);
    EXPECT_EQ(State(order.uuid), "paid");
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0]["outcome"], "paid");
    EXPECT_EQ(rows[0]["currency"], "USDT");
    EXPECT_EQ(rows[0]["value"], kPrice) << "jetton units, not the 0.01 TON that came with the notification";
    EXPECT_EQ(rows[0]["counterparty"], Addr(0x55).ToString()) << "the refund destination is the payer";
    EXPECT_EQ(orders_->MyTickets(As(kBuyer))->size(), 1U);

    // Exactly once: a lost cursor reads it again and the recorded hash stops it.
    db_.store->Transact([&](ports::Transaction& tx) { tx.Execute("DELETE FROM watch_wallets"); });
    EXPECT_EQ(Watcher().Poll()->seen, 0);
    EXPECT_EQ(orders_->MyTickets(As(kBuyer))->size(), 1U);
}

TEST_F(UsdtPayments, UnderOverAndDoublePayments) {
    const auto order = Order("under");
    Notify(kPrice - 1'000'000, order.payment_comment);
    auto watcher = Watcher();
    EXPECT_EQ(watcher.Poll()->underpaid, 1);
    EXPECT_EQ(State(order.uuid), "created");
    // TON sent to the same order does not count toward its USDT total.
    PayTon(9'000'000'000, order.payment_comment);
    Notify(1'500'000, order.payment_comment);  // the rest, and 0.5 USDT more
    const auto tally = watcher.Poll();
    ASSERT_TRUE(tally);
    EXPECT_EQ(tally->paid, 1);
    EXPECT_EQ(State(order.uuid), "paid");
    Notify(kPrice, order.payment_comment);  // paid twice
    EXPECT_EQ(watcher.Poll()->refund_due, 1);
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_EQ(rows[0]["outcome"], "underpaid");
    EXPECT_EQ(rows[1]["outcome"], "wrong_currency");
    EXPECT_EQ(rows[1]["currency"], "TON");
    EXPECT_EQ(rows[1]["refund_due"], 9'000'000'000) << "Toncoin goes back as Toncoin";
    EXPECT_EQ(rows[2]["outcome"], "paid");
    EXPECT_EQ(rows[2]["refund_due"], 500'000) << "the excess, in micro-USDT";
    EXPECT_EQ(rows[3]["outcome"], "already_settled");
    EXPECT_EQ(rows[3]["refund_due"], kPrice);
    EXPECT_EQ(rows[3]["currency"], "USDT");
}

TEST_F(UsdtPayments, LatePaymentsPayWhileSeatsAreFreeAndAreOwedBackOtherwise) {
    const auto late = Order("late");
    clock_.Advance(601);
    EXPECT_EQ(orders_->ExpireDue(), 1);
    Notify(kPrice, late.payment_comment);
    auto watcher = Watcher();
    EXPECT_EQ(watcher.Poll()->paid, 1);
    EXPECT_EQ(State(late.uuid), "paid");
    EXPECT_EQ(Rows()[0]["outcome"], "late_paid");

    const auto missed = Order("missed");
    Notify(kPrice / 2, missed.payment_comment);  // a partial payment first
    EXPECT_EQ(watcher.Poll()->underpaid, 1);
    clock_.Advance(601);
    EXPECT_EQ(orders_->ExpireDue(), 1);
    (void)Order("other");  // the last seat (supply 2) goes to someone else
    Notify(kPrice / 2, missed.payment_comment);
    EXPECT_EQ(watcher.Poll()->refund_due, 1);
    EXPECT_EQ(State(missed.uuid), "expired");
    const auto rows = Rows("order_uuid = '" + missed.uuid + "'");
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["outcome"], "refund_due") << "the earlier partial payment is owed back too";
    EXPECT_EQ(rows[0]["refund_due"], kPrice / 2);
    EXPECT_EQ(rows[1]["outcome"], "refund_due");
}

TEST_F(UsdtPayments, UsdtForATonOrderIsWrongCurrencyAndOwedBackInUsdt) {
    const auto order = Order("ton", ton_type_);
    Notify(2'000'000'000,
           order.payment_comment);  // as many units as the order's nanotons: still nothing paid
    const auto tally = Watcher().Poll();
    ASSERT_TRUE(tally);
    EXPECT_EQ(tally->paid, 0);
    EXPECT_EQ(State(order.uuid), "created");
    const auto rows = Rows();
    EXPECT_EQ(rows[0]["outcome"], "wrong_currency");
    EXPECT_EQ(rows[0]["currency"], "USDT");
    EXPECT_EQ(rows[0]["refund_due"], 2'000'000'000);
}

TEST_F(UsdtPayments, AForgedNotificationIsRecordedAndNeverCredited) {
    const auto order = Order("forged");
    // Straight from a participant's wallet (or any contract): the body says 5 USDT, the source says
    // otherwise.
    Notify(kPrice, order.payment_comment, Addr(0x55));
    // From another jetton's wallet, or with USDT not configured at all: the same.
    Notify(kPrice, order.payment_comment, Addr(0x66));
    auto watcher = Watcher();
    const auto tally = watcher.Poll();
    ASSERT_TRUE(tally);
    EXPECT_EQ(tally->paid, 0);
    EXPECT_EQ(tally->forged, 2);
    EXPECT_EQ(State(order.uuid), "created");
    for (const auto& row : Rows()) {
        EXPECT_EQ(row["outcome"], "forged_notification");
        EXPECT_EQ(row["currency"], "TON") << "only the Toncoin that came with it is recorded";
        EXPECT_EQ(row["value"], 10'000'000);
        EXPECT_EQ(row["refund_due"], 0) << "nothing is sent back to a forger automatically";
        EXPECT_EQ(row["order"], "") << "not linked to the order it names";
    }
    // Without a configured jetton, even the real jetton wallet's notification is not credited.
    Notify(kPrice, order.payment_comment);
    EXPECT_EQ(Watcher(false).Poll()->forged, 1);
    EXPECT_EQ(State(order.uuid), "created");
}

TEST_F(UsdtPayments, BouncedUnknownExcessesAndBrokenNotificationsAreRecordedForAdmins) {
    ports::ChainMessage bounced;
    bounced.source = Addr(0x57).ToString();
    bounced.value_nanotons = 90'000'000;
    ton::Builder bounce_body;  // 0xffffffff, then the start of the message that bounced
    ASSERT_TRUE(bounce_body.StoreUint(ton::kBouncedOp, 32).ok());
    ASSERT_TRUE(bounce_body.StoreUint(ton::jetton_op::kTransfer, 32).ok());
    bounced.body_boc = Boc(*bounce_body.Build());
    chain_.Receive(bounced);
    ports::ChainMessage excess;
    excess.source = Addr(0x58).ToString();
    excess.value_nanotons = 40'000'000;
    excess.body_boc = Boc(*ton::BuildExcesses(3));
    chain_.Receive(excess);
    Notify(kPrice, "no such order");
    Notify(kPrice, std::nullopt);
    // The jetton wallet's notification of more units than 64 bits hold cannot be read: recorded, not
    // credited.
    ports::ChainMessage huge;
    huge.source = account_.wallet.ToString();
    huge.value_nanotons = 10'000'000;
    ton::Builder b;
    ASSERT_TRUE(b.StoreUint(ton::jetton_op::kTransferNotification, 32).ok());
    ASSERT_TRUE(b.StoreUint(0, 64).ok());
    ASSERT_TRUE(b.StoreCoinsBytes(ton::Bytes(15, 0xff)).ok());
    ASSERT_TRUE(b.StoreAddress(Addr(0x55)).ok());
    ASSERT_TRUE(b.StoreBit(false).ok());
    huge.body_boc = Boc(*b.Build());
    chain_.Receive(huge);
    const auto tally = Watcher().Poll();
    ASSERT_TRUE(tally) << tally.error().message;
    EXPECT_EQ(tally->seen, 5);
    EXPECT_EQ(tally->unmatched, 4) << "all but the excess";
    const auto rows = Rows();
    ASSERT_EQ(rows.size(), 5U);
    EXPECT_EQ(rows[0]["outcome"], "bounced");
    EXPECT_EQ(rows[1]["outcome"], "excesses");
    EXPECT_EQ(rows[2]["outcome"], "unknown_comment");
    EXPECT_EQ(rows[2]["currency"], "USDT");
    EXPECT_EQ(rows[3]["outcome"], "no_comment");
    EXPECT_EQ(rows[3]["currency"], "USDT");
    EXPECT_EQ(rows[4]["outcome"], "invalid_notification");
}

TEST_F(UsdtPayments, PlacingAUsdtOrderIsRefusedWhileNoJettonIsConfigured) {
    orders::OrderSettings settings;
    settings.platform_wallet_address = platform_.ToString();
    orders::OrderService without(*db_.store, clock_, random_, settings);
    auto placed =
        without.Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", usdt_type_}}, "k");
    ASSERT_FALSE(placed);
    EXPECT_EQ(placed.error().code, "payment.currency_unavailable");
    EXPECT_TRUE(without.Place(As(kBuyer), {{"event_uuid", event_uuid_}, {"ticket_type_id", ton_type_}}, "t"))
        << "TON orders still go";
}

TEST_F(UsdtPayments, ThePayersTransferAndTheRefundMessage) {
    JettonPayments usdt(chain_, account_);
    const auto payer = Addr(0x55);
    auto transfer = usdt.PayerTransferFor(payer, kPrice, "onton:abc");
    ASSERT_TRUE(transfer) << transfer.error().message;
    auto expected_wallet = payer;
    expected_wallet.hash[0] ^= 0xff;
    EXPECT_EQ(transfer->jetton_wallet, expected_wallet) << "the payer's own jetton wallet";
    EXPECT_EQ(transfer->amount.value, 100'000'000U);
    auto body = ton::ParseJettonTransfer(ton::ParseBocText(transfer->payload_boc)->front());
    ASSERT_TRUE(body);
    EXPECT_EQ(body->amount, static_cast<std::uint64_t>(kPrice));
    EXPECT_EQ(body->destination, platform_) << "to the platform wallet, not its jetton wallet";
    EXPECT_EQ(body->response_destination, payer) << "the excess returns to the payer";
    EXPECT_GT(body->forward_ton_amount.value, 0U) << "so that the platform gets the notification";
    EXPECT_EQ(ton::ParseComment(body->forward_payload).value(), "onton:abc");
    const int asked = chain_.get_methods;
    ASSERT_TRUE(usdt.PayerTransferFor(payer, 1, "onton:abc"));
    EXPECT_EQ(chain_.get_methods, asked) << "the payer's jetton wallet is remembered";

    auto refund = usdt.RefundMessage(42, payer.ToString(), 500'000, "Onton refund for order x", "refund:42");
    ASSERT_TRUE(refund) << refund.error().message;
    EXPECT_EQ(refund->destination, account_.wallet.ToRaw()) << "sent to the platform's own jetton wallet";
    EXPECT_TRUE(refund->bounce);
    auto refund_body = ton::ParseJettonTransfer(refund->body);
    ASSERT_TRUE(refund_body);
    EXPECT_EQ(refund_body->query_id, 42U);
    EXPECT_EQ(refund_body->amount, 500'000U);
    EXPECT_EQ(refund_body->destination, payer);
    EXPECT_EQ(refund_body->response_destination, platform_);
    EXPECT_EQ(ton::ParseComment(refund_body->forward_payload).value(), "Onton refund for order x");
}

TEST_F(UsdtPayments, RefundsOfUsdtPaymentsGoThroughTheJettonWalletOnce) {
    const auto order = Order("refund");
    Notify(kPrice + 250'000, order.payment_comment);  // 0.25 USDT too much
    ASSERT_EQ(Watcher().Poll()->paid, 1);
    test::FakeChain wallet_chain(clock_, test::SeededWallet(3).address);
    wallet::WalletSender sender(*db_.store, wallet_chain, clock_, test::SeededWallet(3));
    JettonPayments usdt(chain_, account_);

    Refunds waiting(*db_.store, clock_, &sender, nullptr);
    EXPECT_EQ(waiting.Step().recorded, 1);
    EXPECT_EQ(waiting.Step().queued, 0) << "no USDT jetton configured: the USDT refund waits";

    Refunds refunds(*db_.store, clock_, &sender, &usdt);
    EXPECT_EQ(refunds.Step().queued, 1);
    EXPECT_EQ(refunds.Step().queued, 0) << "queued once";
    ASSERT_TRUE(refunds.RefundOrder(Principal{1, Role::kAdmin, 0}, order.uuid));
    EXPECT_EQ(refunds.Step().queued, 1) << "the admin refund of what was credited";
    const auto messages = db_.store->Transact([&](ports::Transaction& tx) {
        return tx.Execute(
            "SELECT destination, amount, body_boc, bounce FROM wallet_messages ORDER BY message_id");
    });
    ASSERT_EQ(messages.rows.size(), 2U);
    std::vector<std::uint64_t> units;
    for (const auto& r : messages.rows) {
        EXPECT_EQ(ports::AsText(r[0]), account_.wallet.ToRaw());
        EXPECT_EQ(ports::AsInt(r[1]), 100'000'000) << "TON attached for the jetton wallets";
        EXPECT_EQ(ports::AsInt(r[3]), 1);
        auto body = ton::ParseJettonTransfer(ton::ParseBocText(ports::AsText(r[2]))->front());
        ASSERT_TRUE(body);
        EXPECT_EQ(body->destination, Addr(0x55)) << "back to the payer";
        units.push_back(body->amount);
    }
    EXPECT_EQ(units, (std::vector<std::uint64_t>{250'000, kPrice})) << "the excess, then what the order got";
}

TEST_F(UsdtPayments, ARefundTheJettonWalletBouncesFails) {
    const auto order = Order("bounce");
    Notify(kPrice + 250'000, order.payment_comment);
    ASSERT_EQ(Watcher().Poll()->paid, 1);
    test::FakeChain wallet_chain(clock_, test::SeededWallet(3).address);
    wallet::WalletSender sender(*db_.store, wallet_chain, clock_, test::SeededWallet(3));
    JettonPayments usdt(chain_, account_);
    Refunds refunds(*db_.store, clock_, &sender, &usdt);
    ASSERT_EQ(refunds.Step().queued, 1);
    const auto refund_id = ports::AsInt(
        db_.store
            ->Transact([](ports::Transaction& tx) { return tx.Execute("SELECT refund_id FROM refunds"); })
            .rows.at(0)[0]);
    // The jetton wallet refused the transfer: its TON comes back with the start of the transfer's body.
    const auto bounce = [&](std::uint64_t query_id, const ton::Address& from) {
        ton::Builder b;
        EXPECT_TRUE(b.StoreUint(ton::kBouncedOp, 32).ok());
        EXPECT_TRUE(b.StoreUint(ton::jetton_op::kTransfer, 32).ok());
        EXPECT_TRUE(b.StoreUint(query_id, 64).ok());
        ports::ChainMessage m;
        m.source = from.ToString();
        m.value_nanotons = 95'000'000;
        m.body_boc = Boc(*b.Build());
        chain_.Receive(std::move(m));
    };
    bounce(static_cast<std::uint64_t>(refund_id), Addr(0x99));  // from elsewhere: proves nothing
    EXPECT_EQ(Watcher().Poll()->seen, 1);
    auto state = [&] {
        return ports::AsText(
            db_.store
                ->Transact([](ports::Transaction& tx) { return tx.Execute("SELECT state FROM refunds"); })
                .rows.at(0)[0]);
    };
    EXPECT_EQ(state(), "queued");
    bounce(static_cast<std::uint64_t>(refund_id), account_.wallet);
    EXPECT_EQ(Watcher().Poll()->seen, 1);
    EXPECT_EQ(state(), "failed");
    EXPECT_EQ(Rows("outcome = 'bounced'").size(), 2U);
    // The sender confirming the platform wallet's message afterwards does not turn it back to sent.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(sender.Pump().ok());
        (void)refunds.Step();
    }
    EXPECT_EQ(state(), "failed");
}

}  // namespace
}  // namespace onton::payments
