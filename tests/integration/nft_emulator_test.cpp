// The platform wallet sender and the NFT manager against the real TON emulator (fixture ton_emulator) and both
// stores (SQLite, and PostgreSQL from the postgres fixture): transfers built in C++ by v4r2 and v5r1 wallets,
// a collection deployed and items minted by the TVM, a crash between send and observation, a refused external,
// and the whole purchase: publish an NFT event, buy, pay from an emulator wallet, see the minted NFT on the ticket.
// Each test signs with a platform wallet of its own, so tests may share the emulator.
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>

#include "adapters/chain/toncenter.hpp"
#include "domain/events/events.hpp"
#include "domain/nft/manager.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/payments/watcher.hpp"
#include "domain/wallet/sender.hpp"
#include "support/emulator_control.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "ton/nft.hpp"

namespace onton::nft {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsText;

ton::Address Addr(const std::string& text) { return ton::ParseAddress(text)->address; }

/// Forwards to the emulator, but can lose the reply of one SendMessage and fail the reads after it: the process
/// "dies" between sending and seeing its transaction.
class CrashingChain final : public ports::Chain {
public:
    explicit CrashingChain(ports::Chain& inner) : inner_(inner) {}
    void CrashAfterNextSend() { crash_ = true; }

    Result<ports::SentMessage> SendMessage(std::string_view boc) override {
        auto sent = inner_.SendMessage(boc);
        if (crash_.exchange(false)) {
            dead_ = true;
            return Error{"chain.unavailable", "reply lost"};
        }
        return sent;
    }
    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery& q) override {
        if (dead_) return Error{"chain.unavailable", "dead"};
        return inner_.GetTransactions(q);
    }
    Result<ports::GetMethodResult> RunGetMethod(std::string_view a,
                                                std::string_view m,
                                                const std::vector<ports::StackEntry>& s) override {
        if (dead_) return Error{"chain.unavailable", "dead"};
        return inner_.RunGetMethod(a, m, s);
    }
    Result<ports::AccountState> GetAccountState(std::string_view a) override {
        if (dead_) return Error{"chain.unavailable", "dead"};
        return inner_.GetAccountState(a);
    }
    Result<ports::WalletInfo> GetWalletInfo(std::string_view a) override {
        if (dead_) return Error{"chain.unavailable", "dead"};
        return inner_.GetWalletInfo(a);
    }

private:
    ports::Chain& inner_;
    std::atomic<bool> crash_{false};
    std::atomic<bool> dead_{false};
};

class NftEmulator : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        ASSERT_FALSE(test::Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
        clock_.Set(std::time(nullptr));
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        chain::ToncenterConfig config;
        config.base_url = test::Env("ONTON_TEST_TON_URL");
        config.requests_per_second = 0;
        config.initial_backoff = std::chrono::milliseconds(50);
        config.max_backoff = std::chrono::milliseconds(400);
        toncenter_ = std::make_unique<chain::ToncenterChain>(config);
    }

    /// A funded, deployed emulator wallet of this test, and its keys derived in C++ from its mnemonic.
    wallet::PlatformWallet NewPlatformWallet(const std::string& version) {
        const auto created =
            test::Control("POST", "/wallets", json{{"version", version}, {"balance_nano", "20000000000"}});
        std::string words;
        for (const auto& w : created["mnemonic"]) words += w.get<std::string>() + " ";
        if (created["mnemonic"].is_string()) words = created["mnemonic"].get<std::string>();
        auto derived = wallet::DerivePlatformWallet(words, *wallet::ParseWalletVersion(version));
        EXPECT_TRUE(derived.ok());
        EXPECT_EQ(derived->address, Addr(created["address"].get<std::string>()));
        return *derived;
    }

    std::string Participant() {
        return test::Control("POST", "/wallets", json{{"version", "v4r2"}, {"balance_nano", "1000000000"}})["address"];
    }

    void Start(ports::Chain& chain, const wallet::PlatformWallet& w) {
        manager_.reset();
        wallet::SenderSettings sender_settings;
        sender_settings.max_attempts = 3;
        sender_ = std::make_unique<wallet::WalletSender>(*db_.store, chain, clock_, w, sender_settings);
        NftSettings settings;
        settings.public_url = "https://onton.test";
        settings.max_attempts = 3;
        manager_ = std::make_unique<NftManager>(*db_.store, chain, clock_, *sender_, settings);
    }

    void Drive(int steps) {
        for (int i = 0; i < steps; ++i) {
            (void)manager_->Sweep();
            (void)manager_->Advance();
            (void)sender_->Pump();
            clock_.Advance(10);
        }
    }

    /// A published event with an NFT ticket type and paid tickets for `holders` (user id → wallet or "").
    std::vector<std::int64_t> SeedTickets(const std::vector<std::pair<std::int64_t, std::string>>& holders) {
        return db_.store->Transact([&](ports::Transaction& tx) {
            const auto now = clock_.NowUnix();
            tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES (1, 'o', $1, $1)", {now});
            for (const auto& [user, wallet] : holders) {
                tx.Execute("INSERT INTO users (user_id, first_name, wallet_address, created_at, updated_at) "
                           "VALUES ($1, 'h', $2, $3, $3)",
                           {user, ports::TextOrNull(wallet), now});
            }
            tx.Execute("INSERT INTO events (event_uuid, owner_id, title, start_date, end_date, participation_type, status, "
                       "created_at, updated_at) VALUES ('ev-nft', 1, 'Gala', $1, $1, 'in_person', 'published', $1, $1)",
                       {now});
            const auto event = AsInt(tx.Execute("SELECT event_id FROM events").rows[0][0]);
            tx.Execute("INSERT INTO ticket_types (event_id, name, price, is_nft, created_at, updated_at) "
                       "VALUES ($1, 'Gold', 1, TRUE, $2, $2)",
                       {event, now});
            const auto type = AsInt(tx.Execute("SELECT ticket_type_id FROM ticket_types").rows[0][0]);
            std::vector<std::int64_t> tickets;
            for (const auto& [user, wallet] : holders) {
                const auto uuid = "o-" + std::to_string(user);
                tx.Execute("INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, "
                           "type, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 1, 'paid', 'ticket', $5, $5)",
                           {uuid, user, event, type, now});
                tx.Execute("INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, "
                           "created_at, updated_at) VALUES ($1, $2, $3, $4, $1, $5, $5)",
                           {uuid, event, type, user, now});
                tickets.push_back(
                    AsInt(tx.Execute("SELECT ticket_id FROM tickets WHERE order_uuid = $1", {uuid}).rows[0][0]));
            }
            return tickets;
        });
    }

    std::string CollectionAddress() {
        return AsText(db_.store->Transact([&](ports::Transaction& tx) {
            return tx.Execute("SELECT address FROM nft_collections WHERE kind = 'ticket'");
        }).rows.at(0)[0]);
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    std::unique_ptr<chain::ToncenterChain> toncenter_;
    std::unique_ptr<wallet::WalletSender> sender_;
    std::unique_ptr<NftManager> manager_;
};

class WalletTransfer : public NftEmulator {};

TEST_P(WalletTransfer, CppBuiltTransferIsAcceptedByTheEmulator) {
    for (const auto* version : {"v4r2", "v5r1"}) {
        const auto platform = NewPlatformWallet(version);
        const auto to = Participant();
        const auto before = toncenter_->GetWalletInfo(platform.address.ToRaw());
        const auto to_before = toncenter_->GetAccountState(to);
        ASSERT_TRUE(before.ok() && to_before.ok());
        wallet::WalletSender sender(*db_.store, *toncenter_, clock_, platform);
        wallet::Outgoing m;
        m.destination = to;
        m.amount = ton::Nanotons{123'000'000};
        m.comment = std::string("from C++ ") + version;
        m.bounce = false;
        m.idempotency_key = std::string("transfer-") + version;
        auto id = sender.Enqueue(m);
        ASSERT_TRUE(id.ok()) << id.error().message;
        auto tally = sender.Pump();
        ASSERT_TRUE(tally.ok()) << tally.error().message;
        EXPECT_EQ(tally->confirmed, 1) << version;
        EXPECT_EQ(sender.Status(*id)->state, wallet::MessageState::kConfirmed);
        const auto after = toncenter_->GetWalletInfo(platform.address.ToRaw());
        EXPECT_EQ(after->seqno, before->seqno + 1) << version;
        EXPECT_LT(after->balance_nanotons, before->balance_nanotons - 123'000'000);
        EXPECT_GT(toncenter_->GetAccountState(to)->balance_nanotons, to_before->balance_nanotons);
        // The recipient's transaction: the amount (it pays its own fees from it) and the comment.
        ports::TransactionsQuery q;
        q.address = to;
        q.limit = 1;
        const auto received = toncenter_->GetTransactions(q);
        ASSERT_TRUE(received.ok() && !received->empty());
        EXPECT_EQ(received->front().in_msg->value_nanotons, 123'000'000u);
        EXPECT_EQ(Addr(received->front().in_msg->source), platform.address);
        EXPECT_EQ(received->front().in_msg->comment.value_or(""), m.comment);
        // Pumping again sends nothing.
        EXPECT_EQ(sender.Pump()->sent, 0);
        EXPECT_EQ(toncenter_->GetWalletInfo(platform.address.ToRaw())->seqno, after->seqno);
    }
}

TEST_P(NftEmulator, CollectionDeployedAndTwoItemsMintedToTheirHolders) {
    const auto platform = NewPlatformWallet("v5r1");
    Start(*toncenter_, platform);
    const auto alice = Participant();
    const auto bob = Participant();
    const auto tickets = SeedTickets({{11, alice}, {12, bob}});
    Drive(4);
    const auto collection = CollectionAddress();
    auto data = toncenter_->RunGetMethod(collection, "get_collection_data", {});
    ASSERT_TRUE(data.ok());
    ASSERT_EQ(data->exit_code, 0);
    auto parsed = ton::ParseCollectionData(StackJson(data->stack));
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->next_item_index, 2u);
    EXPECT_EQ(parsed->owner, platform.address);
    EXPECT_EQ(*ton::ParseOffchainContent(parsed->content), "https://onton.test/nft/events/ev-nft/collection.json");

    const std::vector<std::string> owners = {alice, bob};
    for (std::size_t i = 0; i < tickets.size(); ++i) {
        auto view = manager_->RequestTicketMint(tickets[i]);
        ASSERT_TRUE(view.ok());
        EXPECT_EQ(view->state, "minted");
        ASSERT_TRUE(view->index.has_value());
        auto item = toncenter_->RunGetMethod(view->address, "get_nft_data", {});
        ASSERT_TRUE(item.ok());
        auto nft = ton::ParseNftData(StackJson(item->stack));
        ASSERT_TRUE(nft.ok()) << nft.error().message;
        EXPECT_TRUE(nft->initialized);
        EXPECT_EQ(nft->index, static_cast<std::uint64_t>(*view->index));
        EXPECT_EQ(nft->collection, Addr(collection));
        EXPECT_EQ(nft->owner, Addr(owners[i]));
    }
}

TEST_P(NftEmulator, CrashBetweenSendAndObservationLeavesOneItemAndOneSend) {
    const auto platform = NewPlatformWallet("v4r2");
    Start(*toncenter_, platform);
    const auto tickets = SeedTickets({{21, ""}});  // no linked wallet yet: the item waits in `created`
    Drive(2);                                       // the collection is deployed
    ASSERT_EQ(manager_->RequestTicketMint(tickets[0])->state, "created");
    const auto seqno = toncenter_->GetWalletInfo(platform.address.ToRaw())->seqno;
    const auto holder = Participant();
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE users SET wallet_address = $1 WHERE user_id = 21", {holder});
    });
    CrashingChain crashing(*toncenter_);
    Start(crashing, platform);
    (void)manager_->Advance();  // index 0 assigned, the mint queued
    crashing.CrashAfterNextSend();
    EXPECT_FALSE(sender_->Pump().ok());
    // A new process over the same database.
    Start(*toncenter_, platform);
    Drive(5);
    const auto view = manager_->RequestTicketMint(tickets[0]);
    EXPECT_EQ(view->state, "minted");
    EXPECT_EQ(toncenter_->GetWalletInfo(platform.address.ToRaw())->seqno, seqno + 1);  // one external, one mint
    auto data = toncenter_->RunGetMethod(CollectionAddress(), "get_collection_data", {});
    EXPECT_EQ(ton::ParseCollectionData(StackJson(data->stack))->next_item_index, 1u);
    const auto rows = db_.store->Transact([&](ports::Transaction& tx) {
        return tx.Execute("SELECT COUNT(*), MIN(state), MAX(state) FROM wallet_messages");
    });
    EXPECT_EQ(AsInt(rows.rows[0][0]), 2);  // the deploy and the mint
    EXPECT_EQ(AsText(rows.rows[0][1]), "confirmed");
    EXPECT_EQ(AsText(rows.rows[0][2]), "confirmed");
}

TEST_P(NftEmulator, RefusedExternalIsRetriedThenFailed) {
    // A wallet nobody funded: the emulator refuses its externals (no balance to pay for the deploy).
    wallet::PlatformWallet unfunded;
    std::string words;
    for (const auto& w : ton::GenerateMnemonic()) words += w + " ";
    unfunded = *wallet::DerivePlatformWallet(words, ton::WalletVersion::kV5R1);
    wallet::SenderSettings settings;
    settings.max_attempts = 3;
    wallet::WalletSender sender(*db_.store, *toncenter_, clock_, unfunded, settings);
    wallet::Outgoing m;
    m.destination = Participant();
    m.amount = ton::Nanotons{1000};
    m.comment = "never";
    m.idempotency_key = "refused";
    const auto id = *sender.Enqueue(m);
    auto first = sender.Pump();
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->retried, 1);
    EXPECT_EQ(sender.Status(id)->state, wallet::MessageState::kQueued);
    for (int i = 0; i < 5; ++i) {
        clock_.Advance(600);
        ASSERT_TRUE(sender.Pump().ok());
    }
    const auto status = sender.Status(id);
    EXPECT_EQ(status->state, wallet::MessageState::kFailed);
    EXPECT_EQ(status->attempts, 3);
    EXPECT_NE(status->last_error.find("refused"), std::string::npos) << status->last_error;
}

TEST_P(NftEmulator, PaidNftTicketShowsItsMintedNft) {
    const auto platform = NewPlatformWallet("v5r1");
    Start(*toncenter_, platform);
    test::FakeRandom random;
    events::EventService events(*db_.store, clock_, random);
    orders::OrderSettings order_settings;
    order_settings.platform_wallet_address = platform.address.ToString();
    orders::OrderService orders(*db_.store, clock_, random, order_settings);
    const identity::Principal owner{31, identity::Role::kUser, 0};
    const identity::Principal buyer{32, identity::Role::kUser, 0};
    const auto buyer_wallet = Participant();
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES (31, 'o', 1, 1)");
        tx.Execute("INSERT INTO users (user_id, first_name, wallet_address, created_at, updated_at) "
                   "VALUES (32, 'b', $1, 1, 1)",
                   {buyer_wallet});
    });
    const auto event = events.Create(owner,
                                     {{"title", "NFT night"},
                                      {"description", "Collectible tickets"},
                                      {"start_date", clock_.NowUnix() + 86400},
                                      {"end_date", clock_.NowUnix() + 90000},
                                      {"participation_type", "online"},
                                      {"online_link", "https://meet.example/x"}});
    ASSERT_TRUE(event.ok()) << event.error().message;
    const auto type = events.AddTicketType(
        owner, event->event_uuid, {{"name", "Collectible"}, {"price", "500000000"}, {"supply", 5}, {"is_nft", true}});
    ASSERT_TRUE(type.ok()) << type.error().message;
    ASSERT_TRUE(events.Publish(owner, event->event_uuid).ok());
    auto placed = orders.Place(buyer, {{"event_uuid", event->event_uuid}, {"ticket_type_id", type->id}}, "buy-1");
    ASSERT_TRUE(placed.ok()) << placed.error().message;
    const auto comment = placed->order.payment_comment;
    test::Control("POST", "/transfer",
                  json{{"from", buyer_wallet}, {"to", platform.address.ToString()}, {"amount_nano", "500000000"},
                       {"comment", comment}});
    payments::PaymentWatcher watcher(*db_.store, *toncenter_, orders, clock_,
                                     payments::WatcherSettings{platform.address.ToString(), 50, std::nullopt});
    auto polled = watcher.Poll();
    ASSERT_TRUE(polled.ok()) << polled.error().message;
    EXPECT_EQ(polled->paid, 1);
    Drive(5);
    auto tickets = orders.MyTickets(buyer);
    ASSERT_TRUE(tickets.ok());
    ASSERT_EQ(tickets->size(), 1u);
    const auto ticket_json = orders::ToJson(tickets->front());
    ASSERT_TRUE(ticket_json["nft"].is_object()) << ticket_json.dump();
    EXPECT_EQ(ticket_json["nft"]["state"], "minted");
    EXPECT_EQ(ticket_json["nft"]["index"], 0);
    auto item = toncenter_->RunGetMethod(ticket_json["nft"]["address"].get<std::string>(), "get_nft_data", {});
    ASSERT_TRUE(item.ok());
    EXPECT_EQ(ton::ParseNftData(StackJson(item->stack))->owner, Addr(buyer_wallet));
    // The platform's wallet transactions: the payment in, then the deploy and the mint out; nothing else.
    const auto rows = db_.store->Transact(
        [&](ports::Transaction& tx) { return tx.Execute("SELECT COUNT(*) FROM wallet_messages WHERE state = 'confirmed'"); });
    EXPECT_EQ(AsInt(rows.rows[0][0]), 2);
}

TEST_P(NftEmulator, RewardSbtIsMintedToTheParticipantOnce) {
    const auto platform = NewPlatformWallet("v5r1");
    Start(*toncenter_, platform);
    const auto carol = Participant();
    (void)SeedTickets({{31, carol}});
    const auto event_id = AsInt(db_.store->Transact([](ports::Transaction& tx) {
        return tx.Execute("SELECT event_id FROM events");
    }).rows.at(0)[0]);
    const auto requested = manager_->RequestSbtMint(31, event_id);
    ASSERT_TRUE(requested.ok()) << requested.error().message;
    Drive(8);
    const auto view = manager_->RequestSbtMint(31, event_id);  // asking again returns the same item
    ASSERT_TRUE(view.ok()) << view.error().message;
    EXPECT_EQ(view->state, "minted");
    EXPECT_EQ(AsInt(db_.store->Transact([](ports::Transaction& tx) {
                  return tx.Execute("SELECT count(*) FROM nft_items i JOIN nft_collections c ON "
                                    "c.collection_id = i.collection_id WHERE c.kind = 'sbt'");
              }).rows.at(0)[0]),
              1);
    const auto sbt_collection = AsText(db_.store->Transact([](ports::Transaction& tx) {
        return tx.Execute("SELECT address FROM nft_collections WHERE kind = 'sbt'");
    }).rows.at(0)[0]);
    auto item = toncenter_->RunGetMethod(view->address, "get_nft_data", {});
    ASSERT_TRUE(item.ok());
    auto nft = ton::ParseNftData(StackJson(item->stack));
    ASSERT_TRUE(nft.ok()) << nft.error().message;
    EXPECT_TRUE(nft->initialized);
    EXPECT_EQ(nft->owner, Addr(carol));
    EXPECT_EQ(nft->collection, Addr(sbt_collection));
    // TEP-85: a soulbound item names the authority that may revoke it: the platform wallet.
    auto authority = toncenter_->RunGetMethod(view->address, "get_authority_address", {});
    ASSERT_TRUE(authority.ok());
    ASSERT_EQ(authority->exit_code, 0);
    const auto entries = ton::ParseStack(StackJson(authority->stack));
    ASSERT_TRUE(entries.ok() && !entries->empty());
    EXPECT_EQ(*ton::ParseAddressEntry(entries->front()), platform.address);
}

TEST_P(NftEmulator, RefundIsSentOnceFromThePlatformWallet) {
    const auto platform = NewPlatformWallet("v4r2");
    Start(*toncenter_, platform);
    const auto payer = Participant();
    // A payment the watcher recorded with 0.3 TON of it due back (an overpayment).
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute("INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, utime, "
                   "created_at, outcome, refund_due) VALUES ('pay-1', 1, $1, $2, 1300000000, 'paid', 'in', 'c', 1, 1, "
                   "'paid', 300000000)",
                   {platform.address.ToRaw(), payer});
    });
    payments::Refunds refunds(*db_.store, clock_, sender_.get());
    const auto before = toncenter_->GetAccountState(payer);
    const auto seqno_before = toncenter_->GetWalletInfo(platform.address.ToRaw())->seqno;
    auto tally = refunds.Step();
    EXPECT_EQ(tally.recorded, 1);
    EXPECT_EQ(tally.queued, 1);
    std::string state;
    for (int i = 0; i < 10 && state != "sent"; ++i) {
        ASSERT_TRUE(sender_->Pump().ok());
        (void)refunds.Step();
        clock_.Advance(5);
        state = AsText(db_.store->Transact([](ports::Transaction& tx) {
            return tx.Execute("SELECT state FROM refunds WHERE tx_hash = 'pay-1'");
        }).rows.at(0)[0]);
    }
    ASSERT_EQ(state, "sent");
    // The payer received exactly the amount due (the platform pays the fees), with a comment saying why.
    ports::TransactionsQuery q;
    q.address = payer;
    q.limit = 1;
    const auto received = toncenter_->GetTransactions(q);
    ASSERT_TRUE(received.ok() && !received->empty());
    EXPECT_EQ(received->front().in_msg->value_nanotons, 300'000'000u);
    EXPECT_EQ(Addr(received->front().in_msg->source), platform.address);
    EXPECT_EQ(received->front().in_msg->comment.value_or(""), "Onton refund");
    EXPECT_GT(toncenter_->GetAccountState(payer)->balance_nanotons, before->balance_nanotons);
    // Nothing more goes out, however often the jobs run.
    for (int i = 0; i < 3; ++i) {
        (void)refunds.Step();
        ASSERT_TRUE(sender_->Pump().ok());
    }
    EXPECT_EQ(toncenter_->GetWalletInfo(platform.address.ToRaw())->seqno, seqno_before + 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, NftEmulator, ::testing::Values("sqlite", "postgres"));
INSTANTIATE_TEST_SUITE_P(Stores, WalletTransfer, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::nft
