// WalletLinkService over the real stores (SQLite file and the fixture's PostgreSQL), with a fake clock and a fake
// chain: every refusal of a TON Connect proof, single use of payloads across service instances, one wallet per
// user, unlinking and the audit rows.
#include "domain/identity/wallet_link.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/ton_proof_request.hpp"
#include "support/principal.hpp"

namespace onton::identity {
namespace {

using nlohmann::json;
using test::As;
using ton::WalletVersion;

/// A chain whose only wallet answers get_public_key with `key` (or fails as told).
class FakeChain final : public ports::Chain {
public:
    ton::PublicKey key{};
    std::int32_t exit_code = 0;
    std::optional<Error> error;
    int calls = 0;

    Result<ports::SentMessage> SendMessage(std::string_view) override { return Error{"chain.rejected", "unused"}; }
    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery&) override {
        return Error{"chain.rejected", "unused"};
    }
    Result<ports::GetMethodResult> RunGetMethod(std::string_view,
                                                std::string_view method,
                                                const std::vector<ports::StackEntry>&) override {
        ++calls;
        if (error) return *error;
        if (method != "get_public_key") return Error{"chain.rejected", "no such method"};
        ports::GetMethodResult result;
        result.exit_code = exit_code;
        result.stack.push_back(ports::StackEntry::Num("0x" + ton::ToHex(key)));
        return result;
    }
    Result<ports::AccountState> GetAccountState(std::string_view) override { return Error{"chain.rejected", "unused"}; }
    Result<ports::WalletInfo> GetWalletInfo(std::string_view) override { return Error{"chain.rejected", "unused"}; }
};

class WalletLink : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        for (const std::int64_t id : {kAlice, kBob}) {
            store_->Transact([&](ports::Transaction& tx) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            });
        }
        settings_.policy.allowed_domains = TonProofDomains("https://app.onton.example", {"localhost"});
        settings_.secret = ResolveTonProofSecret(*store_, random_, clock_);
        service_ = std::make_unique<WalletLinkService>(*store_, clock_, random_, &chain_, settings_);
    }

    std::uint64_t Now() const { return static_cast<std::uint64_t>(clock_.NowUnix()); }

    /// An honest proof of test wallet `n` for `user`, on a fresh payload.
    test::ProofParts Honest(std::uint8_t n, WalletVersion version, std::int64_t user = kAlice) {
        return test::HonestProof(test::TestKeys(n), version, service_->IssuePayload(As(user)).payload, Now());
    }

    Result<LinkedWallet> Link(const test::ProofParts& parts, std::uint8_t signer, std::int64_t user = kAlice) {
        return service_->Link(As(user), test::ProofRequest(parts, test::TestKeys(signer)).dump());
    }

    static std::string Code(const Result<LinkedWallet>& r) { return r ? "ok" : r.error().code; }

    std::int64_t Count(const std::string& sql) {
        return store_->Transact([&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql).rows.at(0).at(0)); });
    }

    static constexpr std::int64_t kAlice = 7001;
    static constexpr std::int64_t kBob = 7002;
    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    FakeChain chain_;
    WalletLinkSettings settings_;
    std::unique_ptr<WalletLinkService> service_;
};

TEST_P(WalletLink, LinksV4R2AndV5R1WalletsByTheirStateInit) {
    for (const auto version : {WalletVersion::kV4R2, WalletVersion::kV5R1}) {
        const auto parts = Honest(1, version);
        const auto linked = Link(parts, 1);
        ASSERT_TRUE(linked) << linked.error().code << ": " << linked.error().message;
        EXPECT_EQ(linked->address, parts.address.ToRaw());
        EXPECT_EQ(linked->user.wallet_address, parts.address.ToRaw());
        EXPECT_EQ(linked->friendly_address, parts.address.ToString(false, false, true));
        EXPECT_EQ(linked->friendly_address.substr(0, 2), "UQ");  // non-bounceable, mainnet
        EXPECT_EQ(linked->network, -239);
    }
    EXPECT_EQ(chain_.calls, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'wallet.link' AND entity_id = '7001'"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM ton_proof_payloads"), 2);
}

TEST_P(WalletLink, TestnetProofGetsATestnetFriendlyAddress) {
    auto parts = Honest(2, WalletVersion::kV4R2);
    parts.network = "-3";
    const auto linked = Link(parts, 2);
    ASSERT_TRUE(linked) << linked.error().code;
    EXPECT_EQ(linked->friendly_address.substr(0, 2), "0Q");  // non-bounceable, testnet
    EXPECT_EQ(linked->network, -3);
}

TEST_P(WalletLink, RefusesForgedAndForeignProofs) {
    EXPECT_EQ(Code(Link(Honest(1, WalletVersion::kV4R2), 9)), "ton_proof.bad_signature");
    EXPECT_EQ(Code(Link(Honest(1, WalletVersion::kV5R1), 9)), "ton_proof.bad_signature");

    auto foreign_init = Honest(1, WalletVersion::kV4R2);
    foreign_init.state_init = test::StateInitBase64(test::TestWallet(test::TestKeys(9), WalletVersion::kV4R2));
    EXPECT_EQ(Code(Link(foreign_init, 9)), "ton_proof.address_mismatch");

    auto claimed_key = Honest(1, WalletVersion::kV4R2);
    claimed_key.public_key = ton::ToHex(test::TestKeys(9).public_key);
    EXPECT_EQ(Code(Link(claimed_key, 9)), "ton_proof.public_key_mismatch");

    auto domain = Honest(1, WalletVersion::kV4R2);
    domain.domain = "evil.example";
    EXPECT_EQ(Code(Link(domain, 1)), "ton_proof.domain_not_allowed");
    domain.domain = "app.onton.example";  // ONTON_PUBLIC_URL's host
    EXPECT_TRUE(Link(domain, 1));

    auto stale = Honest(1, WalletVersion::kV4R2);
    stale.timestamp = Now() - 15 * 60 - 1;
    EXPECT_EQ(Code(Link(stale, 1)), "ton_proof.expired");
    auto future = Honest(1, WalletVersion::kV4R2);
    future.timestamp = Now() + 61;
    EXPECT_EQ(Code(Link(future, 1)), "ton_proof.from_future");
    auto skewed = Honest(1, WalletVersion::kV4R2);
    skewed.timestamp = Now() + 30;  // within the allowed skew
    EXPECT_TRUE(Link(skewed, 1));

    EXPECT_EQ(Code(service_->Link(As(kAlice), R"({"address":"0:zz"})")), "ton_proof.invalid");
    EXPECT_EQ(Code(service_->Link(As(kAlice), "[]")), "ton_proof.invalid");
    // Only the domain case's success changed the wallet; the skewed one proved the same wallet again.
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'wallet.link'"), 1);
}

TEST_P(WalletLink, WrongNetworkIsRefusedWhenOneIsConfigured) {
    settings_.policy.network = ton::Network::kMainnet;
    WalletLinkService mainnet(*store_, clock_, random_, &chain_, settings_);
    auto parts = test::HonestProof(test::TestKeys(1), WalletVersion::kV4R2, mainnet.IssuePayload(As(kAlice)).payload, Now());
    parts.network = "-3";
    const auto r = mainnet.Link(As(kAlice), test::ProofRequest(parts, test::TestKeys(1)).dump());
    EXPECT_EQ(Code(r), "ton_proof.wrong_network");
}

TEST_P(WalletLink, PayloadsAreBoundUsedOnceAndExpire) {
    const auto parts = Honest(1, WalletVersion::kV4R2);
    ASSERT_TRUE(Link(parts, 1));
    EXPECT_EQ(Code(Link(parts, 1)), "ton_proof.payload_used");
    // Another process (another service on the same database) refuses it as well.
    WalletLinkService other(*store_, clock_, random_, &chain_, settings_);
    EXPECT_EQ(Code(other.Link(As(kAlice), test::ProofRequest(parts, test::TestKeys(1)).dump())), "ton_proof.payload_used");

    // Bob's payload in Alice's proof.
    EXPECT_EQ(Code(Link(Honest(3, WalletVersion::kV4R2, kBob), 3, kAlice)), "ton_proof.invalid_payload");
    // A payload made with another key (another deployment).
    WalletLinkSettings foreign = settings_;
    foreign.secret = "another deployment's key";
    const auto foreign_payload = WalletLinkService(*store_, clock_, random_, &chain_, foreign).IssuePayload(As(kAlice)).payload;
    EXPECT_EQ(Code(Link(test::HonestProof(test::TestKeys(3), WalletVersion::kV4R2, foreign_payload, Now()), 3)),
              "ton_proof.invalid_payload");

    // Issued 15 minutes and a second ago: expired, even with a fresh proof.
    const auto old_payload = service_->IssuePayload(As(kAlice));
    EXPECT_EQ(old_payload.expires_at, clock_.NowUnix() + 15 * 60);
    clock_.Advance(15 * 60 + 1);
    EXPECT_EQ(Code(Link(test::HonestProof(test::TestKeys(3), WalletVersion::kV4R2, old_payload.payload, Now()), 3)),
              "ton_proof.payload_expired");
    // The used payload's id is forgotten once it has expired, at the next link.
    ASSERT_TRUE(Link(Honest(3, WalletVersion::kV4R2), 3));
    EXPECT_EQ(Count("SELECT count(*) FROM ton_proof_payloads"), 1);
}

TEST_P(WalletLink, WithoutAConfiguredKeyEveryServiceSharesTheStoredOne) {
    WalletLinkSettings unset = settings_;
    unset.secret.clear();
    WalletLinkService first(*store_, clock_, random_, &chain_, unset);
    WalletLinkService second(*store_, clock_, random_, &chain_, unset);
    const auto parts = test::HonestProof(test::TestKeys(1), WalletVersion::kV4R2, first.IssuePayload(As(kAlice)).payload, Now());
    const auto linked = second.Link(As(kAlice), test::ProofRequest(parts, test::TestKeys(1)).dump());
    EXPECT_TRUE(linked) << linked.error().code;
    // And it is the key SetUp resolved for service_.
    EXPECT_EQ(Code(Link(parts, 1)), "ton_proof.payload_used");
}

TEST_P(WalletLink, OneWalletBelongsToOneUser) {
    ASSERT_TRUE(Link(Honest(1, WalletVersion::kV5R1), 1));
    EXPECT_EQ(Code(Link(Honest(1, WalletVersion::kV5R1, kBob), 1, kBob)), "wallet.already_linked");
    // Alice may prove it again (nothing changes) or move to another wallet.
    EXPECT_TRUE(Link(Honest(1, WalletVersion::kV5R1), 1));
    ASSERT_TRUE(Link(Honest(2, WalletVersion::kV5R1), 2));
    // Now the first one is free for Bob.
    const auto bob = Link(Honest(1, WalletVersion::kV5R1, kBob), 1, kBob);
    ASSERT_TRUE(bob) << bob.error().code;
    EXPECT_EQ(bob->user.user_id, kBob);
}

TEST_P(WalletLink, UnlinkClearsTheWalletAndIsIdempotent) {
    const auto parts = Honest(1, WalletVersion::kV4R2);
    ASSERT_TRUE(Link(parts, 1));
    const auto unlinked = service_->Unlink(As(kAlice));
    ASSERT_TRUE(unlinked);
    EXPECT_EQ(unlinked->wallet_address, "");
    ASSERT_TRUE(service_->Unlink(As(kAlice)));
    EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'wallet.unlink'"), 1);
    EXPECT_EQ(Count("SELECT count(*) FROM users WHERE wallet_address IS NOT NULL"), 0);
    // Bob may link it now.
    EXPECT_TRUE(Link(Honest(1, WalletVersion::kV4R2, kBob), 1, kBob));
}

TEST_P(WalletLink, WithoutStateInitTheKeyComesFromTheDeployedWallet) {
    auto parts = Honest(4, WalletVersion::kV4R2);
    parts.state_init.clear();
    chain_.key = test::TestKeys(4).public_key;
    const auto linked = Link(parts, 4);
    ASSERT_TRUE(linked) << linked.error().code;
    EXPECT_EQ(chain_.calls, 1);

    // The deployed wallet's key is not the signer's.
    auto other = Honest(5, WalletVersion::kV4R2);
    other.state_init.clear();
    other.public_key.clear();
    EXPECT_EQ(Code(Link(other, 5)), "ton_proof.bad_signature");

    auto undeployed = Honest(5, WalletVersion::kV4R2);
    undeployed.state_init.clear();
    chain_.exit_code = -13;
    EXPECT_EQ(Code(Link(undeployed, 5)), "ton_proof.wallet_not_deployed");
    chain_.error = Error{"chain.unavailable", "down"};
    EXPECT_EQ(Code(Link(Honest(5, WalletVersion::kV4R2), 5)), "ok");  // a state init needs no chain
    auto needs_chain = Honest(6, WalletVersion::kV4R2);
    needs_chain.state_init.clear();
    EXPECT_EQ(Code(Link(needs_chain, 6)), "chain.unavailable");

    WalletLinkService chainless(*store_, clock_, random_, nullptr, settings_);
    auto no_chain = test::HonestProof(test::TestKeys(6), WalletVersion::kV4R2, chainless.IssuePayload(As(kAlice)).payload, Now());
    no_chain.state_init.clear();
    EXPECT_EQ(Code(chainless.Link(As(kAlice), test::ProofRequest(no_chain, test::TestKeys(6)).dump())),
              "ton_proof.state_init_required");
}

INSTANTIATE_TEST_SUITE_P(Stores, WalletLink, ::testing::Values("sqlite", "postgres"));

TEST(WalletLinkRules, DomainsComeFromThePublicUrl) {
    EXPECT_EQ(TonProofDomains("https://App.Onton.example/app", {}), std::vector<std::string>{"app.onton.example"});
    EXPECT_EQ(TonProofDomains("http://localhost:8080", {"tma.example", "LOCALHOST"}),
              (std::vector<std::string>{"localhost", "localhost:8080", "tma.example"}));
    EXPECT_EQ(TonProofDomains("", {}), std::vector<std::string>{"localhost"});
}

TEST(WalletLinkRules, PublicKeyFromGetMethodStack) {
    const auto key = test::TestKeys(1).public_key;
    ports::GetMethodResult result;
    result.stack.push_back(ports::StackEntry::Num("0x" + ton::ToHex(key)));
    ASSERT_TRUE(PublicKeyFromStack(result));
    EXPECT_EQ(*PublicKeyFromStack(result), key);

    result.stack[0] = ports::StackEntry::Num("0x1f");  // leading zeros dropped by toncenter
    ton::PublicKey small{};
    small[31] = 0x1f;
    EXPECT_EQ(*PublicKeyFromStack(result), small);
    result.stack[0] = ports::StackEntry::Num("256");
    ton::PublicKey decimal{};
    decimal[30] = 1;
    EXPECT_EQ(*PublicKeyFromStack(result), decimal);

    for (const char* bad : {"0x", "-0x1", "0xzz", "12a",
                            "0x1000000000000000000000000000000000000000000000000000000000000000000",
                            "115792089237316195423570985008687907853269984665640564039457584007913129639936"}) {
        result.stack[0] = ports::StackEntry::Num(bad);
        EXPECT_FALSE(PublicKeyFromStack(result)) << bad;
    }
    result.stack[0] = ports::StackEntry::Cell("te6cc");
    EXPECT_FALSE(PublicKeyFromStack(result));
    result.stack.clear();
    EXPECT_FALSE(PublicKeyFromStack(result));
}

}  // namespace
}  // namespace onton::identity
