// Leases (domain/lease) and the wallet sender behind one, over a real SQLite store with a fake clock and
// chain: one holder at a time, take-over after expiry, a stalled holder's late commit refused, and two
// senders of one wallet (two processes) never signing with the same seqno.
#include "domain/lease/lease.hpp"

#include <gtest/gtest.h>

#include <set>

#include "domain/wallet/sender.hpp"
#include "support/fake_chain.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
#include "support/test_store.hpp"

namespace onton::lease {
namespace {

using std::chrono::seconds;

class LeaseTest : public ::testing::Test {
   protected:
    void SetUp() override { db_ = test::OpenTestStore("sqlite", dir_.path()); }
    Lease Make(const std::string& holder, const std::string& name = "wallet:test") {
        return Lease(*db_.store, clock_, name, holder, seconds(10));
    }
    bool RenewIn(Lease& lease) {
        return db_.store->Transact([&](ports::Transaction& tx) { return lease.Renew(tx); });
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
};

TEST_F(LeaseTest, OneHolderUntilItExpiresThenTheNextTakesOver) {
    auto a = Make("a");
    auto b = Make("b");
    EXPECT_FALSE(a.Current().has_value());
    EXPECT_TRUE(a.Acquire());
    EXPECT_FALSE(b.Acquire());
    EXPECT_EQ(a.Current()->holder, "a");
    EXPECT_EQ(a.Current()->generation, 1);
    EXPECT_EQ(a.Current()->expires_at, clock_.NowUnix() + 10);

    clock_.Advance(9);
    EXPECT_TRUE(a.Acquire()) << "the holder renews";
    EXPECT_EQ(a.Current()->generation, 1);
    clock_.Advance(9);
    EXPECT_FALSE(b.Acquire()) << "renewed 9 s ago: still a's";

    clock_.Advance(1);  // a stops renewing (killed): held through its last second...
    EXPECT_FALSE(b.Acquire());
    clock_.Advance(1);  // ...and free after it
    EXPECT_TRUE(b.Acquire());
    EXPECT_EQ(b.Current()->holder, "b");
    EXPECT_EQ(b.Current()->generation, 2);
    EXPECT_FALSE(a.Acquire()) << "the old holder does not get it back while b renews";
}

TEST_F(LeaseTest, RenewInATransactionFailsOnceTheLeaseWasTaken) {
    auto a = Make("a");
    auto b = Make("b");
    ASSERT_TRUE(a.Acquire());
    EXPECT_TRUE(RenewIn(a));
    EXPECT_FALSE(RenewIn(b)) << "b never held it";
    clock_.Advance(11);  // a stalls past its expiry...
    EXPECT_FALSE(RenewIn(a)) << "an expired lease is not renewed in passing, even before anyone took it";
    ASSERT_TRUE(b.Acquire());  // ...and b takes it
    EXPECT_FALSE(RenewIn(a));
    EXPECT_TRUE(RenewIn(b));
}

TEST_F(LeaseTest, ReleaseFreesItAtOnceAndOnlyForItsHolder) {
    auto a = Make("a");
    auto b = Make("b");
    ASSERT_TRUE(a.Acquire());
    b.Release();  // not b's: changes nothing
    EXPECT_FALSE(b.Acquire());
    a.Release();
    EXPECT_TRUE(b.Acquire());
}

TEST_F(LeaseTest, NamesAreIndependent) {
    auto a = Make("a", "worker:payments");
    auto b = Make("b", "worker:expiry");
    EXPECT_TRUE(a.Acquire());
    EXPECT_TRUE(b.Acquire());
}

std::string Destination(std::uint8_t n) {
    ton::Address a;
    a.hash.fill(n);
    return a.ToRaw();
}

// Two processes with a sender each for the same platform wallet: only the lease holder signs; when it dies
// with a batch in flight, the next holder confirms that batch from the chain and goes on with the next seqno,
// so every message goes out once and no external is ever refused for a reused seqno.
TEST_F(LeaseTest, TwoSendersOfOneWalletTakeTurnsWithoutReusingASeqno) {
    const auto wallet = test::SeededWallet(9);
    test::FakeChain chain(clock_, wallet.address);
    Lease lease_a(*db_.store, clock_, "wallet:" + wallet.address.ToRaw(), "a", seconds(10));
    Lease lease_b(*db_.store, clock_, "wallet:" + wallet.address.ToRaw(), "b", seconds(10));
    wallet::SenderSettings settings;
    settings.max_batch = 1;  // one message per external: several seqnos
    wallet::WalletSender a(*db_.store, chain, clock_, wallet, settings, &lease_a);
    wallet::WalletSender b(*db_.store, chain, clock_, wallet, settings, &lease_b);
    std::vector<std::int64_t> ids;
    for (std::uint8_t i = 1; i <= 4; ++i) {
        wallet::Outgoing m;
        m.destination = Destination(i);
        m.amount = ton::Nanotons{1000U + i};
        m.bounce = false;
        m.idempotency_key = "m" + std::to_string(i);
        auto id = a.Enqueue(m);
        ASSERT_TRUE(id.ok());
        ids.push_back(*id);
    }
    chain.QueueSendFault(test::FakeChain::SendFault::kLoseReply);  // a "dies" right after broadcasting
    auto first = a.Pump();
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->sent, 1);
    const auto b_waits = b.Pump();
    ASSERT_TRUE(b_waits.ok());
    EXPECT_EQ(b_waits->sent + b_waits->confirmed + b_waits->retried, 0) << "b does not touch a's wallet";

    clock_.Advance(11);  // a is gone: its lease runs out
    for (int step = 0; step < 10; ++step) {
        auto tally = b.Pump();
        ASSERT_TRUE(tally.ok()) << tally.error().message;
        EXPECT_EQ(tally->retried, 0) << "nothing is refused or signed twice";
    }
    const auto again = a.Pump();  // a comes back: b holds the wallet now
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->sent, 0);
    for (const auto id : ids) EXPECT_EQ(b.Status(id)->state, wallet::MessageState::kConfirmed);
    std::set<std::uint32_t> seqnos;
    for (const auto id : ids) seqnos.insert(*b.Status(id)->seqno);
    EXPECT_EQ(seqnos.size(), ids.size()) << "one seqno per external";
    EXPECT_EQ(chain.SentMessages().size(), ids.size()) << "each message sent once";
}

}  // namespace
}  // namespace onton::lease
