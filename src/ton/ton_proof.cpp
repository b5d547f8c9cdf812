#include "ton/ton_proof.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ton/boc.hpp"
#include "ton/codec.hpp"

namespace onton::ton {
namespace {

using Json = nlohmann::json;

Error Invalid(const std::string& field, const std::string& why) {
    return Error{"ton_proof.invalid", "invalid ton_proof: " + field + ": " + why, {{"field", field}}};
}

Error Fail(const std::string& code, const std::string& message) { return Error{code, message}; }

CellHash Sha256(ByteView bytes) {
    CellHash out{};
    SHA256(bytes.data(), bytes.size(), out.data());
    return out;
}

// Wallet codes whose data we know, by code representation hash, with the bit offset of the public key.
struct KnownWallet {
    std::string_view code_hash;
    std::size_t key_offset;
};
constexpr KnownWallet kKnownWallets[] = {
    {"84dafa449f98a6987789ba232358072bc0f76dc4524002a5d0918b9a75d2d599", 64},  // v3r2: seqno, wallet_id, key
    {"feb5ff6820e2ff0d9483e7e0d62c817d846789fb4ae580c878866d959dabd5c0", 64},  // v4r2: seqno, wallet_id, key
    {"20834b7b72b112147e1b2fb457b84e74d1a30f04f737d4f62a668e9552d2b72f", 65},  // v5r1: flag, seqno, id, key
};

const Json* Member(const Json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

Result<std::string> StringField(const Json& object, const char* name) {
    const Json* v = Member(object, name);
    if (v == nullptr || !v->is_string()) return Invalid(name, "missing or not a string");
    return v->get<std::string>();
}

bool AllowedDomain(const TonProofPolicy& policy, std::string_view domain) {
    auto lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
        return out;
    };
    const std::string d = lower(domain);
    return std::any_of(policy.allowed_domains.begin(),
                       policy.allowed_domains.end(),
                       [&](const std::string& allowed) { return lower(allowed) == d; });
}

// Everything except the key and the signature.
Result<void> CheckContext(const TonProof& proof, const TonProofPolicy& policy, std::uint64_t now) {
    if (policy.network && proof.network != static_cast<std::int32_t>(*policy.network)) {
        return Fail("ton_proof.wrong_network", "the proof is for another network");
    }
    if (proof.domain.empty() || proof.domain_length != proof.domain.size() ||
        !AllowedDomain(policy, proof.domain)) {
        return Fail("ton_proof.domain_not_allowed", "the proof's domain is not ours");
    }
    const auto max_age = static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.max_age.count()));
    const auto skew = static_cast<std::uint64_t>(std::max<std::int64_t>(0, policy.max_future_skew.count()));
    if (proof.timestamp > now && proof.timestamp - now > skew) {
        return Fail("ton_proof.from_future", "the proof's timestamp is in the future");
    }
    if (proof.timestamp < now && now - proof.timestamp > max_age) {
        return Fail("ton_proof.expired", "the proof is too old");
    }
    return Ok();
}

Result<std::optional<PublicKey>> KeyFromStateInit(const TonProof& proof) {
    if (!proof.state_init) return std::optional<PublicKey>{};
    if (ContractAddress(proof.address.workchain, proof.state_init) != proof.address) {
        return Fail("ton_proof.address_mismatch", "the state init does not belong to the address");
    }
    auto key = PublicKeyFromStateInit(proof.state_init);
    if (!key) return key.error();
    return std::optional<PublicKey>{*key};
}

Result<TonProofVerdict> Finish(const TonProof& proof, const PublicKey& key) {
    if (proof.public_key && *proof.public_key != key) {
        return Fail("ton_proof.public_key_mismatch", "the public key does not match the wallet's");
    }
    const CellHash signed_hash =
        TonProofSignedHash(proof.address, proof.domain, proof.timestamp, proof.payload);
    if (!Verify(signed_hash, proof.signature, key)) {
        return Fail("ton_proof.bad_signature", "the proof's signature is not valid");
    }
    return TonProofVerdict{TonProofStatus::kVerified, proof.address, key, proof.payload};
}

constexpr std::string_view kNonceDomain = "onton-ton-proof";
constexpr std::size_t kNonceMacBytes = 16;
constexpr std::size_t kNonceBytes = 8 + 16 + kNonceMacBytes;

std::array<std::uint8_t, 32> NonceMac(ByteView secret, std::string_view context, ByteView body) {
    Bytes input(kNonceDomain.begin(), kNonceDomain.end());
    // The context's length first, so that ("ab", body) and ("a", "b" ‖ body) differ.
    const auto len = static_cast<std::uint32_t>(context.size());
    for (int shift = 24; shift >= 0; shift -= 8) input.push_back(static_cast<std::uint8_t>(len >> shift));
    input.insert(input.end(), context.begin(), context.end());
    input.insert(input.end(), body.begin(), body.end());
    std::array<std::uint8_t, 32> mac{};
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(),
             secret.data(),
             static_cast<int>(secret.size()),
             input.data(),
             input.size(),
             mac.data(),
             &mac_len) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return mac;
}

std::string Base64UrlNoPad(ByteView bytes) {
    std::string text = ToBase64(bytes, true);
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

}  // namespace

Result<TonProof> ParseTonProof(std::string_view text) {
    if (text.size() > kMaxTonProofJson) return Invalid("json", "too large");
    const Json root = Json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded() || !root.is_object()) return Invalid("json", "not a JSON object");
    TonProof proof;

    auto address_text = StringField(root, "address");
    if (!address_text) return address_text.error();
    auto address = ParseAddress(*address_text);
    if (!address) return Invalid("address", "not a TON address");
    proof.address = address->address;

    const Json* network = Member(root, "network");
    if (network == nullptr) return Invalid("network", "missing");
    if (network->is_string()) {
        const auto& n = network->get_ref<const std::string&>();
        if (n == "-239") {
            proof.network = -239;
        } else if (n == "-3") {
            proof.network = -3;
        } else {
            return Invalid("network", "not -239 or -3");
        }
    } else if (network->is_number_integer() &&
               (network->get<std::int64_t>() == -239 || network->get<std::int64_t>() == -3)) {
        proof.network = static_cast<std::int32_t>(network->get<std::int64_t>());
    } else {
        return Invalid("network", "not -239 or -3");
    }

    if (const Json* key = Member(root, "public_key"); key != nullptr && !key->is_null()) {
        if (!key->is_string()) return Invalid("public_key", "not a string");
        auto bytes = FromHex(key->get_ref<const std::string&>());
        if (!bytes || bytes->size() != 32) return Invalid("public_key", "not 32 bytes of hex");
        PublicKey pk{};
        std::copy(bytes->begin(), bytes->end(), pk.begin());
        proof.public_key = pk;
    }

    const Json* p = Member(root, "proof");
    if (p == nullptr || !p->is_object()) return Invalid("proof", "missing or not an object");

    const Json* timestamp = Member(*p, "timestamp");
    if (timestamp == nullptr || !timestamp->is_number_unsigned())
        return Invalid("proof.timestamp", "not a number");
    proof.timestamp = timestamp->get<std::uint64_t>();

    const Json* domain = Member(*p, "domain");
    if (domain == nullptr || !domain->is_object()) return Invalid("proof.domain", "missing or not an object");
    const Json* length = Member(*domain, "lengthBytes");
    if (length == nullptr || !length->is_number_unsigned() || length->get<std::uint64_t>() > 0xffffffffULL) {
        return Invalid("proof.domain.lengthBytes", "not a u32");
    }
    proof.domain_length = static_cast<std::uint32_t>(length->get<std::uint64_t>());
    auto domain_value = StringField(*domain, "value");
    if (!domain_value) return Invalid("proof.domain.value", "missing or not a string");
    proof.domain = *domain_value;

    auto signature = StringField(*p, "signature");
    if (!signature) return Invalid("proof.signature", "missing or not a string");
    auto sig_bytes = FromBase64(*signature);
    if (!sig_bytes || sig_bytes->size() != proof.signature.size())
        return Invalid("proof.signature", "not 64 bytes of base64");
    std::copy(sig_bytes->begin(), sig_bytes->end(), proof.signature.begin());

    auto payload = StringField(*p, "payload");
    if (!payload) return Invalid("proof.payload", "missing or not a string");
    proof.payload = *payload;

    if (const Json* init = Member(*p, "state_init"); init != nullptr && !init->is_null()) {
        if (!init->is_string()) return Invalid("proof.state_init", "not a string");
        const auto& init_text = init->get_ref<const std::string&>();
        if (!init_text.empty()) {
            auto bytes = FromBase64(init_text);
            if (!bytes) return Invalid("proof.state_init", "not base64");
            auto cell = ParseBocRoot(*bytes);
            if (!cell) return Invalid("proof.state_init", "not a one-root BOC");
            proof.state_init = *cell;
        }
    }
    return proof;
}

Bytes TonProofMessage(const Address& address,
                      std::string_view domain,
                      std::uint64_t timestamp,
                      std::string_view payload) {
    constexpr std::string_view kPrefix = "ton-proof-item-v2/";
    Bytes m(kPrefix.begin(), kPrefix.end());
    const auto wc = static_cast<std::uint32_t>(static_cast<std::int32_t>(address.workchain));
    for (int shift = 24; shift >= 0; shift -= 8) m.push_back(static_cast<std::uint8_t>(wc >> shift));
    m.insert(m.end(), address.hash.begin(), address.hash.end());
    const auto len = static_cast<std::uint32_t>(domain.size());
    for (int shift = 0; shift < 32; shift += 8) m.push_back(static_cast<std::uint8_t>(len >> shift));
    m.insert(m.end(), domain.begin(), domain.end());
    for (int shift = 0; shift < 64; shift += 8) m.push_back(static_cast<std::uint8_t>(timestamp >> shift));
    m.insert(m.end(), payload.begin(), payload.end());
    return m;
}

CellHash TonProofSignedHash(const Address& address,
                            std::string_view domain,
                            std::uint64_t timestamp,
                            std::string_view payload) {
    const CellHash inner = Sha256(TonProofMessage(address, domain, timestamp, payload));
    Bytes outer{0xff, 0xff};
    constexpr std::string_view kConnect = "ton-connect";
    outer.insert(outer.end(), kConnect.begin(), kConnect.end());
    outer.insert(outer.end(), inner.begin(), inner.end());
    return Sha256(outer);
}

Signature SignTonProof(const KeyPair& keys,
                       const Address& address,
                       std::string_view domain,
                       std::uint64_t timestamp,
                       std::string_view payload) {
    return Sign(TonProofSignedHash(address, domain, timestamp, payload), keys);
}

Result<PublicKey> PublicKeyFromStateInit(const CellPtr& state_init) {
    auto init = ParseStateInit(state_init);
    if (!init) return Invalid("proof.state_init", init.error().message);
    const std::string code_hash = ToHex(init->code->hash());
    for (const auto& known : kKnownWallets) {
        if (known.code_hash != code_hash) continue;
        Slice s(init->data);
        if (auto ok = s.SkipBits(known.key_offset); !ok)
            return Invalid("proof.state_init", "wallet data too short");
        auto key = s.LoadBytes(32);
        if (!key) return Invalid("proof.state_init", "wallet data too short");
        PublicKey pk{};
        std::copy(key->begin(), key->end(), pk.begin());
        return pk;
    }
    return Fail("ton_proof.unknown_wallet",
                "the state init's code is not a wallet we know (v3r2, v4r2, v5r1)");
}

Result<TonProofVerdict> VerifyTonProof(const TonProof& proof,
                                       const TonProofPolicy& policy,
                                       std::uint64_t now_unix) {
    if (auto ok = CheckContext(proof, policy, now_unix); !ok) return ok.error();
    auto key = KeyFromStateInit(proof);
    if (!key) return key.error();
    if (!*key)
        return TonProofVerdict{TonProofStatus::kNeedPublicKey, proof.address, PublicKey{}, proof.payload};
    return Finish(proof, **key);
}

Result<TonProofVerdict> VerifyTonProofWithKey(const TonProof& proof,
                                              const PublicKey& key,
                                              const TonProofPolicy& policy,
                                              std::uint64_t now_unix) {
    if (auto ok = CheckContext(proof, policy, now_unix); !ok) return ok.error();
    auto from_init = KeyFromStateInit(proof);
    if (!from_init) return from_init.error();
    if (*from_init && **from_init != key) {
        return Fail("ton_proof.public_key_mismatch", "the state init's key is not the deployed wallet's");
    }
    return Finish(proof, key);
}

std::string IssueNonce(ByteView secret,
                       std::string_view context,
                       std::uint64_t now_unix,
                       std::chrono::seconds ttl,
                       const std::array<std::uint8_t, 16>& random) {
    const std::uint64_t expires =
        now_unix + static_cast<std::uint64_t>(std::max<std::int64_t>(0, ttl.count()));
    Bytes body;
    for (int shift = 56; shift >= 0; shift -= 8) body.push_back(static_cast<std::uint8_t>(expires >> shift));
    body.insert(body.end(), random.begin(), random.end());
    const auto mac = NonceMac(secret, context, body);
    body.insert(body.end(), mac.begin(), mac.begin() + kNonceMacBytes);
    return Base64UrlNoPad(body);
}

std::string IssueNonce(ByteView secret,
                       std::string_view context,
                       std::uint64_t now_unix,
                       std::chrono::seconds ttl) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
    std::array<std::uint8_t, 16> random{};
    randombytes_buf(random.data(), random.size());
    return IssueNonce(secret, context, now_unix, ttl, random);
}

Result<NonceInfo> CheckNonce(ByteView secret,
                             std::string_view nonce,
                             std::string_view context,
                             std::uint64_t now_unix) {
    const Error invalid{"ton_proof.invalid_payload", "the proof's payload is not a nonce we issued"};
    if (nonce.size() != 54) return invalid;
    auto bytes = FromBase64(nonce);
    if (!bytes || bytes->size() != kNonceBytes) return invalid;
    const ByteView body(bytes->data(), 24);
    const auto mac = NonceMac(secret, context, body);
    if (CRYPTO_memcmp(mac.data(), bytes->data() + 24, kNonceMacBytes) != 0) return invalid;
    std::uint64_t expires = 0;
    for (std::size_t i = 0; i < 8; ++i) expires = (expires << 8) | (*bytes)[i];
    if (now_unix > expires) return Error{"ton_proof.payload_expired", "the proof's payload has expired"};
    return NonceInfo{expires, ToHex(ByteView(bytes->data() + 8, 16))};
}

}  // namespace onton::ton
