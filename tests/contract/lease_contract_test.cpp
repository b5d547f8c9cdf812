// The lease rules (domain/lease) on every store: SQLite and PostgreSQL must agree on who holds a lease, on
// take-over after expiry, and on one winner when many processes race for a free or expired lease at once.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "domain/lease/lease.hpp"
#include "domain/wallet/sender.hpp"
#include "support/fake_chain.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
#include "support/test_store.hpp"

namespace onton::lease {
namespace {

using std::chrono::seconds;

class LeaseContract : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        const char* pg = std::getenv("ONTON_TEST_PG_URL");
        if (GetParam() == "postgres" && (pg == nullptr || *pg == '\0')) {
            GTEST_SKIP() << "no ONTON_TEST_PG_URL";
        }
        db_ = test::OpenTestStore(GetParam(), dir_.path(), 12);
    }
    bool RenewIn(Lease& lease) {
        return db_.store->Transact([&](ports::Transaction& tx) { return lease.Renew(tx); });
    }
    /// `n` holders race for `name` at once; the number that won.
    int Race(const std::string& name, int n) {
        std::vector<std::unique_ptr<Lease>> leases;
        for (int i = 0; i < n; ++i) {
            leases.push_back(
                std::make_unique<Lease>(*db_.store, clock_, name, "h" + std::to_string(i), seconds(30)));
        }
        std::atomic<int> won{0};
        std::atomic<int> ready{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < n; ++i) {
            threads.emplace_back([&, i] {
                ++ready;
                while (ready.load() < n) std::this_thread::yield();
                if (leases[static_cast<std::size_t>(i)]->Acquire()) ++won;
            });
        }
        for (auto& t : threads) t.join();
        return won.load();
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
};

TEST_P(LeaseContract, HolderRenewsOthersWaitForTheExpiry) {
    Lease a(*db_.store, clock_, "wallet:x", "a", seconds(5));
    Lease b(*db_.store, clock_, "wallet:x", "b", seconds(5));
    ASSERT_TRUE(a.Acquire());
    EXPECT_FALSE(b.Acquire());
    clock_.Advance(4);
    EXPECT_TRUE(RenewIn(a));
    clock_.Advance(4);
    EXPECT_FALSE(b.Acquire()) << "renewed 4 s ago with a 5 s lease";
    clock_.Advance(1);
    EXPECT_FALSE(b.Acquire()) << "held through its expiry second";
    clock_.Advance(1);
    EXPECT_TRUE(b.Acquire());
    const auto state = b.Current();
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->holder, "b");
    EXPECT_EQ(state->generation, 2);
    EXPECT_EQ(state->expires_at, clock_.NowUnix() + 5);
    EXPECT_FALSE(RenewIn(a)) << "the old holder's late commit is refused";
    EXPECT_FALSE(a.Acquire());
    b.Release();
    EXPECT_TRUE(a.Acquire());
    EXPECT_EQ(a.Current()->generation, 3);
}

TEST_P(LeaseContract, OneWinnerWhenManyRaceForAFreeLease) { EXPECT_EQ(Race("worker:payments", 8), 1); }

TEST_P(LeaseContract, OneWinnerWhenManyRaceForAnExpiredLease) {
    Lease old(*db_.store, clock_, "worker:expiry", "old", seconds(5));
    ASSERT_TRUE(old.Acquire());
    clock_.Advance(6);
    EXPECT_EQ(Race("worker:expiry", 8), 1);
    EXPECT_EQ(old.Current()->generation, 2);
    EXPECT_NE(old.Current()->holder, "old");
}

// Two processes' senders of one platform wallet, each behind its own handle on the wallet's lease, pumping at
// once from two threads: only the holder signs, so every external carries a fresh seqno (the fake chain
// refuses a reused one, which would show as a retry) and every message leaves once.
TEST_P(LeaseContract, TwoSendersOfOneWalletNeverSignTheSameSeqno) {
    const auto wallet = test::SeededWallet(11);
    test::FakeChain chain(clock_, wallet.address);
    const auto name = "wallet:" + wallet.address.ToRaw();
    Lease lease_a(*db_.store, clock_, name, "a", seconds(30));
    Lease lease_b(*db_.store, clock_, name, "b", seconds(30));
    wallet::SenderSettings settings;
    settings.max_batch = 1;
    wallet::WalletSender a(*db_.store, chain, clock_, wallet, settings, &lease_a);
    wallet::WalletSender b(*db_.store, chain, clock_, wallet, settings, &lease_b);
    constexpr int kMessages = 6;
    for (int i = 1; i <= kMessages; ++i) {
        wallet::Outgoing m;
        ton::Address to;
        to.hash.fill(static_cast<std::uint8_t>(i));
        m.destination = to.ToRaw();
        m.amount = ton::Nanotons{static_cast<std::uint64_t>(1000 + i)};
        m.bounce = false;
        m.idempotency_key = "m" + std::to_string(i);
        ASSERT_TRUE(a.Enqueue(m).ok());
    }
    std::atomic<std::int64_t> retried{0};
    std::atomic<std::int64_t> sent_by_a{0};
    std::atomic<std::int64_t> sent_by_b{0};
    const auto pump = [&](wallet::WalletSender& sender, std::atomic<std::int64_t>& sent) {
        for (int step = 0; step < 2 * kMessages; ++step) {
            const auto tally = sender.Pump();
            ASSERT_TRUE(tally.ok()) << tally.error().message;
            retried += tally->retried;
            sent += tally->sent;
        }
    };
    std::thread ta([&] { pump(a, sent_by_a); });
    std::thread tb([&] { pump(b, sent_by_b); });
    ta.join();
    tb.join();
    EXPECT_EQ(retried.load(), 0) << "no external was refused for a seqno already used";
    EXPECT_TRUE(sent_by_a.load() == 0 || sent_by_b.load() == 0) << "whoever took the lease first kept it";
    EXPECT_EQ(sent_by_a.load() + sent_by_b.load(), kMessages);
    EXPECT_EQ(chain.SentMessages().size(), static_cast<std::size_t>(kMessages)) << "each message sent once";
    EXPECT_EQ(chain.seqno(), static_cast<std::uint32_t>(kMessages)) << "one seqno per external";
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         LeaseContract,
                         ::testing::Values(std::string("sqlite"), std::string("postgres")));

}  // namespace
}  // namespace onton::lease
