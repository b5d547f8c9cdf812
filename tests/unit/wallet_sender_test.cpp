// The wallet sender's state machine against a fake chain (tests/support/fake_chain) over a real SQLite store:
// every row has exactly one effect on chain whatever the API, the process or another signer does.
#include <gtest/gtest.h>

#include <functional>
#include <utility>

#include "domain/wallet/sender.hpp"
#include "support/fake_chain.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
#include "support/test_store.hpp"
#include "ton/mnemonic.hpp"

namespace onton::wallet {
namespace {

using test::FakeChain;

std::string Destination(std::uint8_t n) {
    ton::Address a;
    a.hash.fill(n);
    return a.ToRaw();
}

class WalletSenderTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = test::OpenTestStore("sqlite", dir_.path());
        store_ = db_.store.get();
    }
    std::unique_ptr<WalletSender> NewSender(SenderSettings settings = {}) {
        return std::make_unique<WalletSender>(*store_, chain_, clock_, wallet_, settings);
    }
    std::int64_t Enqueue(WalletSender& sender, const std::string& key, std::uint8_t to = 1, std::uint64_t amount = 1000) {
        Outgoing m;
        m.destination = Destination(to);
        m.amount = ton::Nanotons{amount};
        m.comment = "hello " + key;
        m.bounce = false;
        m.idempotency_key = key;
        auto id = sender.Enqueue(m);
        EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
        return id.ok() ? *id : 0;
    }
    MessageState StateOf(WalletSender& sender, std::int64_t id) { return sender.Status(id)->state; }

    test::TempDir dir_;
    test::TestStore db_;
    ports::Store* store_ = nullptr;
    test::FakeClock clock_;
    PlatformWallet wallet_ = test::SeededWallet(7);
    FakeChain chain_{clock_, wallet_.address};
};

TEST(PlatformWallet, VersionAndConfiguredAddress) {
    EXPECT_EQ(*ParseWalletVersion("v4r2"), ton::WalletVersion::kV4R2);
    EXPECT_EQ(*ParseWalletVersion("v5r1"), ton::WalletVersion::kV5R1);
    EXPECT_EQ(ParseWalletVersion("v3r2").error().code, "config.invalid");
    const auto w = test::SeededWallet(7);
    EXPECT_FALSE(CheckConfiguredAddress(w, w.address.ToString()).has_value());
    EXPECT_FALSE(CheckConfiguredAddress(w, w.address.ToString(false, false, true)).has_value());  // any form
    EXPECT_FALSE(CheckConfiguredAddress(w, w.address.ToRaw()).has_value());
    const auto other = CheckConfiguredAddress(w, Destination(3));
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(other->message.find(w.address.ToString()), std::string::npos);
}

TEST(PlatformWallet, InvalidMnemonicNeverEchoesTheWords) {
    const std::string words = "abandon ability able about above absent absorb abstract absurd abuse access accident "
                              "account accuse achieve acid acoustic acquire across act action actor actress actual";
    const auto derived = DerivePlatformWallet(words, ton::WalletVersion::kV5R1);
    ASSERT_FALSE(derived.ok());
    EXPECT_EQ(derived.error().code, "ton.invalid_mnemonic");
    EXPECT_EQ(derived.error().message.find("abandon"), std::string::npos);
}

TEST(PlatformWallet, DerivedFromAGeneratedMnemonicAsTheWalletLibraryDoes) {
    std::string words;
    for (const auto& w : ton::GenerateMnemonic()) words += w + "  ";
    const auto v4 = DerivePlatformWallet(words, ton::WalletVersion::kV4R2);
    const auto v5 = DerivePlatformWallet(words, ton::WalletVersion::kV5R1);
    ASSERT_TRUE(v4.ok() && v5.ok());
    EXPECT_EQ(v4->keys.public_key, v5->keys.public_key);
    EXPECT_EQ(v4->address, *ton::WalletAddress(ton::WalletV4R2(v4->keys.public_key)));
    EXPECT_EQ(v5->address, *ton::WalletAddress(ton::WalletV5R1(v5->keys.public_key)));
    EXPECT_NE(v4->address, v5->address);
}

TEST_F(WalletSenderTest, EnqueueIsIdempotentByKey) {
    auto sender = NewSender();
    const auto a = Enqueue(*sender, "k1");
    EXPECT_EQ(Enqueue(*sender, "k1", 9, 5), a);
    EXPECT_NE(Enqueue(*sender, "k2"), a);
    Outgoing bad;
    bad.destination = "not an address";
    bad.idempotency_key = "k3";
    EXPECT_EQ(sender->Enqueue(bad).error().code, "wallet.invalid_message");
    Outgoing keyless;
    keyless.destination = Destination(1);
    EXPECT_EQ(sender->Enqueue(keyless).error().code, "wallet.invalid_message");
    EXPECT_EQ(StateOf(*sender, a), MessageState::kQueued);
    EXPECT_FALSE(sender->Status(999).has_value());
}

TEST_F(WalletSenderTest, SendsOneExternalAndConfirmsFromTheChain) {
    auto sender = NewSender();
    const auto a = Enqueue(*sender, "a", 1, 1000);
    const auto b = Enqueue(*sender, "b", 2, 2000);
    auto tally = sender->Pump();
    ASSERT_TRUE(tally.ok()) << tally.error().message;
    EXPECT_EQ(tally->sent, 2);
    EXPECT_EQ(tally->confirmed, 2);
    EXPECT_EQ(chain_.executed_externals(), 1);
    EXPECT_EQ(chain_.seqno(), 1u);
    const auto sent = chain_.SentMessages();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].destination.ToRaw(), Destination(1));
    EXPECT_EQ(sent[0].value.value, 1000u);
    EXPECT_EQ(sent[1].value.value, 2000u);
    const auto status = sender->Status(a);
    EXPECT_EQ(status->state, MessageState::kConfirmed);
    EXPECT_EQ(status->seqno, 0u);
    EXPECT_FALSE(status->tx_hash.empty());
    EXPECT_EQ(StateOf(*sender, b), MessageState::kConfirmed);
    // Nothing left: another pump sends nothing.
    EXPECT_EQ(sender->Pump()->sent, 0);
    EXPECT_EQ(chain_.executed_externals(), 1);
}

TEST_F(WalletSenderTest, BatchesUpToTheWalletsLimitOneSeqnoAtATime) {
    auto sender = NewSender({.max_batch = 10});  // clamped to v4r2's 4
    for (int i = 0; i < 6; ++i) Enqueue(*sender, "m" + std::to_string(i), static_cast<std::uint8_t>(i + 1));
    EXPECT_EQ(sender->Pump()->sent, 4);
    EXPECT_EQ(sender->Pump()->sent, 2);
    EXPECT_EQ(chain_.executed_externals(), 2);
    EXPECT_EQ(chain_.SentMessages().size(), 6u);
}

TEST_F(WalletSenderTest, LostReplyIsConfirmedNotResent) {
    auto sender = NewSender();
    const auto id = Enqueue(*sender, "lost");
    chain_.QueueSendFault(FakeChain::SendFault::kLoseReply);
    auto tally = sender->Pump();
    ASSERT_TRUE(tally.ok());
    EXPECT_EQ(StateOf(*sender, id), MessageState::kConfirmed);
    EXPECT_EQ(chain_.SentMessages().size(), 1u);
}

TEST_F(WalletSenderTest, CrashBetweenSendAndObservationLeavesOneEffect) {
    const auto id = [&] {
        auto sender = NewSender();
        const auto row = Enqueue(*sender, "crash");
        chain_.QueueSendFault(FakeChain::SendFault::kLoseReply);
        chain_.FailReadsAfterNextSend(1);  // the process "dies" before it sees its external
        EXPECT_FALSE(sender->Pump().ok());
        EXPECT_EQ(StateOf(*sender, row), MessageState::kSent);
        return row;
    }();
    auto restarted = NewSender();
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(restarted->Pump().ok());
        clock_.Advance(100);
    }
    EXPECT_EQ(StateOf(*restarted, id), MessageState::kConfirmed);
    EXPECT_EQ(chain_.executed_externals(), 1);
    EXPECT_EQ(chain_.SentMessages().size(), 1u);
}

TEST_F(WalletSenderTest, AnExternalThatNeverLandsIsSignedAgainOnlyAfterItExpires) {
    SenderSettings settings;
    auto sender = NewSender(settings);
    const auto id = Enqueue(*sender, "dropped");
    chain_.QueueSendFault(FakeChain::SendFault::kDrop);
    EXPECT_EQ(sender->Pump()->sent, 1);
    EXPECT_EQ(StateOf(*sender, id), MessageState::kSent);
    clock_.Advance(settings.valid_for_seconds);  // valid_until, but not the grace after it
    EXPECT_EQ(sender->Pump()->sent, 0);
    EXPECT_EQ(StateOf(*sender, id), MessageState::kSent);
    clock_.Advance(settings.grace_seconds + 1);
    auto tally = sender->Pump();
    EXPECT_EQ(tally->retried, 1);
    EXPECT_EQ(StateOf(*sender, id), MessageState::kQueued);
    clock_.Advance(settings.initial_backoff_seconds);
    EXPECT_EQ(sender->Pump()->confirmed, 1);
    EXPECT_EQ(StateOf(*sender, id), MessageState::kConfirmed);
    EXPECT_EQ(sender->Status(id)->attempts, 2);
    EXPECT_EQ(chain_.SentMessages().size(), 1u);
}

TEST_F(WalletSenderTest, RefusedExternalsAreRetriedWithBackoffThenFail) {
    SenderSettings settings;
    settings.max_attempts = 3;
    auto sender = NewSender(settings);
    const auto id = Enqueue(*sender, "refused");
    for (int i = 0; i < 3; ++i) chain_.QueueSendFault(FakeChain::SendFault::kRefuse);
    EXPECT_EQ(sender->Pump()->retried, 1);
    EXPECT_EQ(StateOf(*sender, id), MessageState::kQueued);
    EXPECT_EQ(sender->Pump()->sent, 0);  // backing off
    clock_.Advance(settings.initial_backoff_seconds);
    EXPECT_EQ(sender->Pump()->retried, 1);
    clock_.Advance(2 * settings.initial_backoff_seconds);
    EXPECT_EQ(sender->Pump()->failed, 1);
    const auto status = sender->Status(id);
    EXPECT_EQ(status->state, MessageState::kFailed);
    EXPECT_EQ(status->attempts, 3);
    EXPECT_NE(status->last_error.find("refused"), std::string::npos);
    EXPECT_TRUE(chain_.SentMessages().empty());
}

TEST_F(WalletSenderTest, SeqnoTakenByAnotherSignerIsSignedAgain) {
    auto sender = NewSender();
    const auto id = Enqueue(*sender, "foreign");
    chain_.QueueSendFault(FakeChain::SendFault::kDrop);
    EXPECT_EQ(sender->Pump()->sent, 1);
    chain_.ForeignExternal();
    EXPECT_EQ(sender->Pump()->retried, 1);
    clock_.Advance(SenderSettings{}.initial_backoff_seconds);
    EXPECT_EQ(sender->Pump()->confirmed, 1);
    EXPECT_EQ(sender->Status(id)->seqno, 1u);
    EXPECT_EQ(chain_.SentMessages().size(), 1u);
}

/// The fake chain, except that the next GetWalletInfo first runs `stall` (what happens elsewhere while this
/// process is stalled in its chain call).
class StallingChain final : public ports::Chain {
   public:
    explicit StallingChain(FakeChain& chain) : chain_(chain) {}
    std::function<void()> stall;

    Result<ports::SentMessage> SendMessage(std::string_view boc) override { return chain_.SendMessage(boc); }
    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery& q) override {
        return chain_.GetTransactions(q);
    }
    Result<ports::GetMethodResult> RunGetMethod(std::string_view address,
                                                std::string_view method,
                                                const std::vector<ports::StackEntry>& stack) override {
        return chain_.RunGetMethod(address, method, stack);
    }
    Result<ports::AccountState> GetAccountState(std::string_view address) override {
        return chain_.GetAccountState(address);
    }
    Result<ports::WalletInfo> GetWalletInfo(std::string_view address) override {
        if (stall) std::exchange(stall, nullptr)();
        return chain_.GetWalletInfo(address);
    }

   private:
    FakeChain& chain_;
};

// A step that stalls past the wallet's lease while reconciling keeps a stale snapshot of its row: meanwhile
// the next holder has put the expired row back, signed it again with a new external (landed) and died before
// confirming it. The stale step then finds the seqno moved without its own external; it must not put the row
// back in the queue (the new external carried it), or the row would be signed a third time and sent twice.
TEST_F(WalletSenderTest, AStaleStepNeverRequeuesARowSignedAgainByTheNextHolder) {
    SenderSettings settings;
    StallingChain stalling(chain_);
    WalletSender stale(*store_, stalling, clock_, wallet_, settings);
    const auto id = Enqueue(stale, "stale");
    chain_.QueueSendFault(FakeChain::SendFault::kDrop);  // the first external never lands
    EXPECT_EQ(stale.Pump()->sent, 1);
    clock_.Advance(settings.valid_for_seconds + settings.grace_seconds + 1);
    stalling.stall = [&] {
        auto next = NewSender(settings);
        EXPECT_EQ(next->Pump()->retried, 1);  // expired unseen
        clock_.Advance(settings.initial_backoff_seconds);
        chain_.FailReadsAfterNextSend(1);  // signed again, landed, not yet confirmed
        EXPECT_FALSE(next->Pump().ok());
        EXPECT_EQ(StateOf(*next, id), MessageState::kSent);
    };
    ASSERT_TRUE(stale.Pump().ok());
    EXPECT_EQ(StateOf(stale, id), MessageState::kSent) << "the stale step put the re-signed row back";
    for (int i = 0; i < 3; ++i) {
        clock_.Advance(settings.max_backoff_seconds);
        ASSERT_TRUE(NewSender(settings)->Pump().ok());
    }
    EXPECT_EQ(StateOf(stale, id), MessageState::kConfirmed);
    EXPECT_EQ(chain_.SentMessages().size(), 1u) << "the row left the wallet twice";
}

}  // namespace
}  // namespace onton::wallet
