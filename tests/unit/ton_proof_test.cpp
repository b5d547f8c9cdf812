#include "ton/ton_proof.hpp"

#include <gtest/gtest.h>

#include "ton/boc.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using nlohmann::json;
using test::LoadVectors;
using test::Unhex;

constexpr std::uint64_t kDocTimestamp = 1700000000;

TonProofPolicy Policy() {
    TonProofPolicy policy;
    policy.allowed_domains = {"example.com", "onton.example", "tickets.onton.local", "пример.рф"};
    return policy;
}

json DocRequest() { return LoadVectors("ton_proof.json").at(0).at("request"); }

Result<TonProofVerdict> ParseAndVerify(const json& request,
                                       std::uint64_t now,
                                       const TonProofPolicy& policy = Policy()) {
    auto proof = ParseTonProof(request.dump());
    if (!proof) return proof.error();
    return VerifyTonProof(*proof, policy, now);
}

std::string ErrorCode(const Result<TonProofVerdict>& r) { return r.ok() ? "ok" : r.error().code; }

TEST(TonProof, DocumentedVector) {
    const json request = DocRequest();
    EXPECT_EQ(request.at("address"), "0:1867eadc85b6872b8214902bdcca5dd5f2ca5c0273bc20144236f4b76ab7be09");
    const auto proof = ParseTonProof(request.dump());
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    const Bytes message = TonProofMessage(proof->address, proof->domain, proof->timestamp, proof->payload);
    EXPECT_EQ(ToHex(message).substr(0, 36 + 8), "746f6e2d70726f6f662d6974656d2d76322f00000000");
    EXPECT_EQ(ToHex(TonProofSignedHash(proof->address, proof->domain, proof->timestamp, proof->payload)),
              "3945835cb13f2add6894f82a260216d35626cb7dd3f27640e32a2f31909ab910");
    EXPECT_EQ(request.at("proof").at("signature"),
              "s6njVcbMTAMMMFpQRI2peCozHIVO/dB49MUUr4QuNFrj9SyeUeFBpV4keXeCQN6xf34qB0PvWRsPYlU/fQVrCA==");
    const auto verdict = VerifyTonProof(*proof, Policy(), kDocTimestamp + 60);
    ASSERT_TRUE(verdict.ok()) << verdict.error().message;
    EXPECT_EQ(verdict->status, TonProofStatus::kVerified);
    EXPECT_EQ(ToHex(verdict->public_key), "f6c450a16bb1c514e22f1977e390a3025599aa1e7b00068a6aacf2119484c1bd");
    EXPECT_EQ(verdict->payload, "E5B4ARS6CdOI2b5e1jz0jnS-x-a3DgfNXprrg_3pec0=");
}

TEST(TonProof, MatchesVectors) {
    const auto cases = LoadVectors("ton_proof.json");
    ASSERT_GE(cases.size(), 40U);
    for (const auto& c : cases) {
        const json& request = c.at("request");
        const auto proof = ParseTonProof(request.dump());
        ASSERT_TRUE(proof.ok()) << proof.error().message;
        EXPECT_EQ(ToHex(TonProofMessage(proof->address, proof->domain, proof->timestamp, proof->payload)),
                  c.at("message").get<std::string>());
        EXPECT_EQ(ToHex(TonProofSignedHash(proof->address, proof->domain, proof->timestamp, proof->payload)),
                  c.at("signed").get<std::string>());
        const auto verdict = VerifyTonProof(*proof, Policy(), proof->timestamp + 10);
        ASSERT_TRUE(verdict.ok()) << c.at("wallet") << ": " << verdict.error().message;
        EXPECT_EQ(verdict->status, TonProofStatus::kVerified);
        EXPECT_EQ(ToHex(verdict->public_key), request.at("public_key").get<std::string>());
        EXPECT_EQ(ToHex(*PublicKeyFromStateInit(proof->state_init)),
                  request.at("public_key").get<std::string>());
    }
}

TEST(TonProof, SignTonProofMatchesWallet) {
    const auto keys =
        MnemonicToKeyPair(SplitMnemonic("hospital stove relief fringe tongue always charge angry urge "
                                        "sentence again match nerve inquiry senior "
                                        "coconut label tumble carry category beauty bean road solution"));
    ASSERT_TRUE(keys.ok());
    const auto proof = *ParseTonProof(DocRequest().dump());
    const Signature sig = SignTonProof(*keys, proof.address, proof.domain, proof.timestamp, proof.payload);
    EXPECT_EQ(sig, proof.signature);
}

TEST(TonProof, ForgedSignature) {
    json request = DocRequest();
    auto sig = *FromBase64(request["proof"]["signature"].get<std::string>());
    sig[3] ^= 0x20;
    request["proof"]["signature"] = ToBase64(sig);
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.bad_signature");
    // Same signature, another payload (a replayed proof for a different nonce).
    request = DocRequest();
    request["proof"]["payload"] = "another-nonce";
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.bad_signature");
    // Signed by another key whose wallet is claimed: the state init still says whose wallet it is.
    request = DocRequest();
    std::array<std::uint8_t, 32> seed{};
    seed[0] = 9;
    const auto proof = *ParseTonProof(request.dump());
    request["proof"]["signature"] = ToBase64(
        SignTonProof(KeyPairFromSeed(seed), proof.address, proof.domain, proof.timestamp, proof.payload));
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.bad_signature");
}

TEST(TonProof, WrongDomain) {
    json request = DocRequest();
    TonProofPolicy policy = Policy();
    policy.allowed_domains = {"onton.example"};
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp, policy)), "ton_proof.domain_not_allowed");
    request["proof"]["domain"]["lengthBytes"] = 12;  // length does not match the value
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.domain_not_allowed");
    policy.allowed_domains = {"EXAMPLE.com"};  // case-insensitive
    EXPECT_EQ(ErrorCode(ParseAndVerify(DocRequest(), kDocTimestamp, policy)), "ok");
}

TEST(TonProof, Timestamps) {
    const json request = DocRequest();
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp + 15 * 60)), "ok");
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp + 15 * 60 + 1)), "ton_proof.expired");
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp - 60)), "ok");
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp - 61)), "ton_proof.from_future");
    TonProofPolicy strict = Policy();
    strict.max_age = std::chrono::seconds(60);
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp + 61, strict)), "ton_proof.expired");
}

TEST(TonProof, Network) {
    TonProofPolicy policy = Policy();
    policy.network = Network::kTestnet;
    EXPECT_EQ(ErrorCode(ParseAndVerify(DocRequest(), kDocTimestamp, policy)), "ton_proof.wrong_network");
    policy.network = Network::kMainnet;
    EXPECT_EQ(ErrorCode(ParseAndVerify(DocRequest(), kDocTimestamp, policy)), "ok");
}

TEST(TonProof, StateInitMustMatchAddress) {
    const auto cases = LoadVectors("ton_proof.json");
    json request = DocRequest();
    // Another wallet's (valid) state init for this address.
    request["proof"]["state_init"] = cases.at(1).at("request").at("proof").at("state_init");
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.address_mismatch");
    // The right state init but a public_key field that is not its key.
    request = DocRequest();
    request["public_key"] = std::string(64, 'a');
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.public_key_mismatch");
    // A contract that is not a known wallet, at the address of its own state init.
    Builder data;
    ASSERT_TRUE(data.StoreUint(0, 64).ok());
    const CellPtr init = *BuildStateInit(StateInit{test::Uint32Cell(1), *data.Build()});
    request = DocRequest();
    request["address"] = ContractAddress(0, init).ToRaw();
    request["proof"]["state_init"] = ToBase64(SerializeBoc(init));
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.unknown_wallet");
}

TEST(TonProof, WithoutStateInitTheCallerFetchesTheKey) {
    json request = DocRequest();
    request["proof"].erase("state_init");
    const auto proof = *ParseTonProof(request.dump());
    const auto verdict = VerifyTonProof(proof, Policy(), kDocTimestamp);
    ASSERT_TRUE(verdict.ok());
    EXPECT_EQ(verdict->status, TonProofStatus::kNeedPublicKey);
    const PublicKey key = proof.public_key.value();
    const auto with_key = VerifyTonProofWithKey(proof, key, Policy(), kDocTimestamp);
    ASSERT_TRUE(with_key.ok());
    EXPECT_EQ(with_key->status, TonProofStatus::kVerified);
    PublicKey other = key;
    other[0] ^= 1;
    EXPECT_EQ(VerifyTonProofWithKey(proof, other, Policy(), kDocTimestamp).error().code,
              "ton_proof.public_key_mismatch");  // the request's public_key differs from the chain's
    auto no_claim = proof;
    no_claim.public_key.reset();
    EXPECT_EQ(VerifyTonProofWithKey(no_claim, other, Policy(), kDocTimestamp).error().code,
              "ton_proof.bad_signature");
    // Empty state_init text counts as absent.
    request["proof"]["state_init"] = "";
    EXPECT_EQ(ParseAndVerify(request, kDocTimestamp)->status, TonProofStatus::kNeedPublicKey);
}

TEST(TonProof, GarbageIsRefused) {
    const std::string doc = DocRequest().dump();
    for (const std::string& bad : {std::string(""),
                                   std::string("null"),
                                   std::string("[]"),
                                   std::string("{"),
                                   std::string(R"({"address":"0:12"})"),
                                   doc.substr(0, doc.size() / 2),
                                   std::string(kMaxTonProofJson + 1, ' ')}) {
        const auto r = ParseTonProof(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "ton_proof.invalid");
    }
    const std::vector<std::pair<json::json_pointer, json>> mutations = {
        {json::json_pointer("/address"), 5},
        {json::json_pointer("/address"), "0:zz"},
        {json::json_pointer("/network"), "mainnet"},
        {json::json_pointer("/network"), 1},
        {json::json_pointer("/public_key"), "abcd"},
        {json::json_pointer("/public_key"), 7},
        {json::json_pointer("/proof"), "x"},
        {json::json_pointer("/proof/timestamp"), "1700000000"},
        {json::json_pointer("/proof/timestamp"), -1},
        {json::json_pointer("/proof/timestamp"), 1.5},
        {json::json_pointer("/proof/domain"), "example.com"},
        {json::json_pointer("/proof/domain/lengthBytes"), 5000000000ULL},
        {json::json_pointer("/proof/domain/value"), nullptr},
        {json::json_pointer("/proof/signature"), "AAAA"},
        {json::json_pointer("/proof/signature"), "not base64!"},
        {json::json_pointer("/proof/payload"), 12},
        {json::json_pointer("/proof/state_init"), "te6cc"},
        {json::json_pointer("/proof/state_init"), "AAAA"},
        {json::json_pointer("/proof/state_init"), 3},
    };
    for (const auto& [pointer, value] : mutations) {
        json request = DocRequest();
        request[pointer] = value;
        const auto r = ParseTonProof(request.dump());
        ASSERT_FALSE(r.ok()) << pointer.to_string() << " = " << value.dump();
        EXPECT_EQ(r.error().code, "ton_proof.invalid");
    }
    // A state init BOC that is not a state init parses but verifies to an error.
    json request = DocRequest();
    request["proof"]["state_init"] = ToBase64(SerializeBoc(test::Uint32Cell(5)));
    EXPECT_EQ(ErrorCode(ParseAndVerify(request, kDocTimestamp)), "ton_proof.address_mismatch");
}

TEST(TonProofNonce, IssueAndCheck) {
    const Bytes secret = ToBytes("server secret, 32 bytes or more!");
    std::array<std::uint8_t, 16> random{};
    random[0] = 0xab;
    const std::string nonce = IssueNonce(secret, "user-1", 1000, std::chrono::minutes(15), random);
    EXPECT_EQ(nonce.size(), 54U);
    const auto info = CheckNonce(secret, nonce, "user-1", 1000 + 900);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->expires_at, 1900U);
    EXPECT_EQ(info->id, "ab000000000000000000000000000000");
    EXPECT_EQ(CheckNonce(secret, nonce, "user-1", 1901).error().code, "ton_proof.payload_expired");
    EXPECT_EQ(CheckNonce(secret, nonce, "user-2", 1000).error().code, "ton_proof.invalid_payload");
    EXPECT_EQ(CheckNonce(ToBytes("other secret"), nonce, "user-1", 1000).error().code,
              "ton_proof.invalid_payload");
    std::string tampered = nonce;
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(CheckNonce(secret, tampered, "user-1", 1000).error().code, "ton_proof.invalid_payload");
    EXPECT_EQ(CheckNonce(secret, "", "user-1", 1000).error().code, "ton_proof.invalid_payload");
    EXPECT_EQ(CheckNonce(secret, std::string(54, '!'), "user-1", 1000).error().code,
              "ton_proof.invalid_payload");
    const std::string a = IssueNonce(secret, "user-1", 1000, std::chrono::minutes(15));
    const std::string b = IssueNonce(secret, "user-1", 1000, std::chrono::minutes(15));
    EXPECT_NE(a, b);
    EXPECT_TRUE(CheckNonce(secret, a, "user-1", 1000).ok());
}

}  // namespace
}  // namespace onton::ton
