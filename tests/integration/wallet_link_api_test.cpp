// Linking a TON wallet over HTTP against the real binary, on SQLite and on the fixture's PostgreSQL: payloads,
// proofs signed with test keys for v4r2 and v5r1 state inits, every refusal with its code, single use across a
// restart, one wallet per user, unlinking. Then against the real TON emulator: a deployed wallet proving without a
// state init (its key read with get_public_key), and a proof by a key that is not the deployed wallet's.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "support/emulator_control.hpp"
#include "support/http_client.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"
#include "support/ton_proof_request.hpp"

namespace onton::test {
namespace {

using nlohmann::json;
using ton::WalletVersion;

/// One `onton serve` and its signed-in users.
class LinkServer {
public:
    LinkServer(std::map<std::string, std::string> env, const std::filesystem::path& dir)
        : env_(std::move(env)), dir_(dir), server_(std::make_unique<ServeProcess>(env_, dir_)) {}

    std::string SignIn(std::int64_t id) {
        auto r = RunOnton({"admin", "init-data", "--user-id", std::to_string(id)}, env_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        const auto res = Request(port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump());
        EXPECT_EQ(res.result_int(), 200U) << res.body();
        return json::parse(res.body())["token"].get<std::string>();
    }

    HttpResponse Call(const std::string& method, const std::string& target, const std::string& token, const json& body = nullptr) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        return Request(port(), method, target, body.is_null() ? "" : body.dump(), "application/json", headers);
    }

    std::string Payload(const std::string& token) {
        const auto res = Call("POST", "/api/v1/auth/ton-proof/payload", token);
        EXPECT_EQ(res.result_int(), 200U) << res.body();
        return json::parse(res.body())["payload"].get<std::string>();
    }

    HttpResponse Link(const std::string& token, const ProofParts& parts, const ton::KeyPair& signer) {
        return Call("POST", "/api/v1/auth/ton-proof", token, ProofRequest(parts, signer));
    }

    void Restart() {
        EXPECT_EQ(server_->Terminate(), 0);
        server_ = std::make_unique<ServeProcess>(env_, dir_);
    }

    std::uint16_t port() const { return server_->port(); }

private:
    std::map<std::string, std::string> env_;
    std::filesystem::path dir_;
    std::unique_ptr<ServeProcess> server_;
};

std::uint64_t Now() { return static_cast<std::uint64_t>(std::time(nullptr)); }

class WalletLinkApi : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgres") {
            pg_ = std::make_unique<PgDatabase>();
            base_env_ = {{"ONTON_DATABASE_URL", pg_->url()}, {"ONTON_DATABASE_AUTO_MIGRATE", "true"}};
        } else {
            base_env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()}};
        }
        auto env = base_env_;
        env["ONTON_PUBLIC_URL"] = "https://tickets.onton.example";
        env["ONTON_TON_PROOF_DOMAINS"] = "localhost";
        server_ = std::make_unique<LinkServer>(env, dir_.path());
        alice_ = server_->SignIn(8101);
        bob_ = server_->SignIn(8102);
    }

    ProofParts Honest(std::uint8_t n, WalletVersion version, const std::string& token) {
        return HonestProof(TestKeys(n), version, server_->Payload(token), Now());
    }

    std::unique_ptr<PgDatabase> pg_;
    TempDir dir_;
    std::map<std::string, std::string> base_env_;
    std::unique_ptr<LinkServer> server_;
    std::string alice_, bob_;
};

TEST_P(WalletLinkApi, LinksAV4R2AndAV5R1Wallet) {
    const auto issued = server_->Call("POST", "/api/v1/auth/ton-proof/payload", alice_);
    ASSERT_EQ(issued.result_int(), 200U) << issued.body();
    const auto body = json::parse(issued.body());
    EXPECT_EQ(body["payload"].get<std::string>().size(), 54U);
    EXPECT_GE(body["expires_at"].get<std::int64_t>(), static_cast<std::int64_t>(Now()) + 15 * 60 - 5);

    for (const auto version : {WalletVersion::kV4R2, WalletVersion::kV5R1}) {
        const auto parts = Honest(11, version, alice_);
        const auto res = server_->Link(alice_, parts, TestKeys(11));
        ASSERT_EQ(res.result_int(), 200U) << res.body();
        const auto linked = json::parse(res.body());
        EXPECT_EQ(linked["wallet"]["address"], parts.address.ToRaw());
        EXPECT_EQ(linked["wallet"]["friendly_address"], parts.address.ToString(false, false, true));
        EXPECT_EQ(linked["wallet"]["network"], "-239");
        EXPECT_EQ(linked["user"]["wallet_address"], parts.address.ToRaw());
        const auto me = server_->Call("GET", "/api/v1/me", alice_);
        EXPECT_EQ(json::parse(me.body())["wallet_address"], parts.address.ToRaw());
    }
    // The host of ONTON_PUBLIC_URL is allowed as well as the extra domain.
    auto public_host = Honest(12, WalletVersion::kV4R2, alice_);
    public_host.domain = "tickets.onton.example";
    EXPECT_EQ(server_->Link(alice_, public_host, TestKeys(12)).result_int(), 200U);
}

TEST_P(WalletLinkApi, RefusesBadProofsWithTheirCodes) {
    EXPECT_EQ(ErrorCode(server_->Link(alice_, Honest(11, WalletVersion::kV4R2, alice_), TestKeys(99))),
              "ton_proof.bad_signature");
    EXPECT_EQ(ErrorCode(server_->Link(alice_, Honest(11, WalletVersion::kV5R1, alice_), TestKeys(99))),
              "ton_proof.bad_signature");

    auto foreign = Honest(11, WalletVersion::kV4R2, alice_);
    foreign.state_init = StateInitBase64(TestWallet(TestKeys(99), WalletVersion::kV4R2));
    const auto foreign_res = server_->Link(alice_, foreign, TestKeys(99));
    EXPECT_EQ(foreign_res.result_int(), 422U);
    EXPECT_EQ(ErrorCode(foreign_res), "ton_proof.address_mismatch");

    auto domain = Honest(11, WalletVersion::kV4R2, alice_);
    domain.domain = "evil.example";
    EXPECT_EQ(ErrorCode(server_->Link(alice_, domain, TestKeys(11))), "ton_proof.domain_not_allowed");

    auto stale = Honest(11, WalletVersion::kV4R2, alice_);
    stale.timestamp = Now() - 16 * 60;
    EXPECT_EQ(ErrorCode(server_->Link(alice_, stale, TestKeys(11))), "ton_proof.expired");
    auto future = Honest(11, WalletVersion::kV4R2, alice_);
    future.timestamp = Now() + 10 * 60;
    EXPECT_EQ(ErrorCode(server_->Link(alice_, future, TestKeys(11))), "ton_proof.from_future");

    // Bob's payload in Alice's request.
    const auto bobs = server_->Link(alice_, Honest(11, WalletVersion::kV4R2, bob_), TestKeys(11));
    EXPECT_EQ(bobs.result_int(), 422U);
    EXPECT_EQ(ErrorCode(bobs), "ton_proof.invalid_payload");

    // No state init and no TON API configured.
    auto bare = Honest(11, WalletVersion::kV4R2, alice_);
    bare.state_init.clear();
    EXPECT_EQ(ErrorCode(server_->Link(alice_, bare, TestKeys(11))), "ton_proof.state_init_required");

    const auto malformed = server_->Call("POST", "/api/v1/auth/ton-proof", alice_, json{{"address", 5}});
    EXPECT_EQ(malformed.result_int(), 422U);
    EXPECT_EQ(ErrorCode(malformed), "ton_proof.invalid");
    EXPECT_EQ(json::parse(malformed.body())["error"]["details"]["field"], "address");

    const auto anonymous = server_->Link("", Honest(11, WalletVersion::kV4R2, alice_), TestKeys(11));
    EXPECT_EQ(anonymous.result_int(), 401U);
    EXPECT_EQ(server_->Call("POST", "/api/v1/auth/ton-proof/payload", "").result_int(), 401U);
    EXPECT_EQ(server_->Call("DELETE", "/api/v1/me/wallet", "").result_int(), 401U);

    // Nothing was linked by any of these.
    EXPECT_TRUE(json::parse(server_->Call("GET", "/api/v1/me", alice_).body())["wallet_address"].is_null());
}

TEST_P(WalletLinkApi, APayloadIsUsedOnceEvenAfterARestart) {
    const auto parts = Honest(11, WalletVersion::kV4R2, alice_);
    ASSERT_EQ(server_->Link(alice_, parts, TestKeys(11)).result_int(), 200U);
    const auto replay = server_->Link(alice_, parts, TestKeys(11));
    EXPECT_EQ(replay.result_int(), 409U);
    EXPECT_EQ(ErrorCode(replay), "ton_proof.payload_used");

    // An unused payload outlives a restart (the key is in the database); the used one stays used.
    const auto unused = Honest(11, WalletVersion::kV5R1, alice_);
    server_->Restart();
    EXPECT_EQ(ErrorCode(server_->Link(alice_, parts, TestKeys(11))), "ton_proof.payload_used");
    EXPECT_EQ(server_->Link(alice_, unused, TestKeys(11)).result_int(), 200U);
}

TEST_P(WalletLinkApi, AWalletLinkedElsewhereIsRefusedUntilUnlinked) {
    ASSERT_EQ(server_->Link(alice_, Honest(11, WalletVersion::kV5R1, alice_), TestKeys(11)).result_int(), 200U);
    const auto taken = server_->Link(bob_, Honest(11, WalletVersion::kV5R1, bob_), TestKeys(11));
    EXPECT_EQ(taken.result_int(), 409U);
    EXPECT_EQ(ErrorCode(taken), "wallet.already_linked");

    const auto unlinked = server_->Call("DELETE", "/api/v1/me/wallet", alice_);
    ASSERT_EQ(unlinked.result_int(), 200U) << unlinked.body();
    EXPECT_TRUE(json::parse(unlinked.body())["wallet_address"].is_null());
    EXPECT_EQ(server_->Call("DELETE", "/api/v1/me/wallet", alice_).result_int(), 200U);  // idempotent

    const auto bobs = server_->Link(bob_, Honest(11, WalletVersion::kV5R1, bob_), TestKeys(11));
    ASSERT_EQ(bobs.result_int(), 200U) << bobs.body();
    EXPECT_EQ(json::parse(bobs.body())["user"]["user_id"], 8102);
}

TEST_P(WalletLinkApi, AnExpiredPayloadIsRefused) {
    auto env = base_env_;
    env["ONTON_TON_PROOF_PAYLOAD_TTL_SECONDS"] = "1";
    server_ = std::make_unique<LinkServer>(env, dir_.path());
    const auto token = server_->SignIn(8103);
    const auto payload = server_->Payload(token);
    // The payload's second has to pass; the proof itself is made afterwards, so only the payload is old.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    const auto res = server_->Link(token, HonestProof(TestKeys(13), WalletVersion::kV4R2, payload, Now()), TestKeys(13));
    EXPECT_EQ(res.result_int(), 422U);
    EXPECT_EQ(ErrorCode(res), "ton_proof.payload_expired");
}

INSTANTIATE_TEST_SUITE_P(Stores, WalletLinkApi, ::testing::Values("sqlite", "postgres"));

TEST(WalletLinkEmulator, ADeployedWalletProvesWithoutStateInit) {
    ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest (fixture ton_emulator)";
    const auto wallet = Control("POST", "/wallets", json{{"version", "v4r2"}, {"balance_nano", "1000000000"}});
    const auto keys = ton::MnemonicToKeyPair(ton::SplitMnemonic(wallet["mnemonic"].get<std::string>()));
    ASSERT_TRUE(keys);
    ASSERT_EQ(ton::ToHex(keys->public_key), wallet["public_key"]);

    TempDir dir;
    LinkServer server({{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
                       {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")}},
                      dir.path());
    const auto token = server.SignIn(8201);
    const auto address = ton::ParseAddress(wallet["address"].get<std::string>())->address;
    const auto proof = [&] {
        ProofParts parts;
        parts.address = address;
        parts.timestamp = Now();
        parts.payload = server.Payload(token);
        return parts;
    };

    // Signed by another key: the deployed wallet's key refuses it, whether or not the proof names that key.
    const auto impostor = TestKeys(77);
    const auto forged = server.Link(token, proof(), impostor);
    EXPECT_EQ(forged.result_int(), 422U) << forged.body();
    EXPECT_EQ(ErrorCode(forged), "ton_proof.bad_signature");
    auto claimed = proof();
    claimed.public_key = ton::ToHex(impostor.public_key);
    EXPECT_EQ(ErrorCode(server.Link(token, claimed, impostor)), "ton_proof.public_key_mismatch");

    // A wallet that was never deployed has no get_public_key to ask.
    ProofParts undeployed = HonestProof(impostor, WalletVersion::kV4R2, server.Payload(token), Now());
    undeployed.state_init.clear();
    EXPECT_EQ(ErrorCode(server.Link(token, undeployed, impostor)), "ton_proof.wallet_not_deployed");

    // The owner's proof without a state init.
    const auto res = server.Link(token, proof(), *keys);
    ASSERT_EQ(res.result_int(), 200U) << res.body();
    const auto linked = json::parse(res.body());
    EXPECT_EQ(linked["wallet"]["address"], address.ToRaw());
    EXPECT_EQ(linked["wallet"]["friendly_address"], address.ToString(false, false, true));
}

}  // namespace
}  // namespace onton::test
