#pragma once
/// TON Connect `ton_addr` + `ton_proof` request bodies as a wallet would send them, signed with test keys through
/// SignTonProof, for the wallet-linking tests. Link onton_ton.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ton/boc.hpp"
#include "ton/codec.hpp"
#include "ton/ton_proof.hpp"
#include "ton/wallet.hpp"

namespace onton::test {

/// A key pair from a one-byte seed: distinct test wallets by number.
inline ton::KeyPair TestKeys(std::uint8_t n) {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(n);
    return ton::KeyPairFromSeed(seed);
}

inline ton::WalletSpec TestWallet(const ton::KeyPair& keys, ton::WalletVersion version) {
    return version == ton::WalletVersion::kV4R2 ? ton::WalletV4R2(keys.public_key) : ton::WalletV5R1(keys.public_key);
}

inline std::string StateInitBase64(const ton::WalletSpec& wallet) {
    return ton::ToBase64(ton::SerializeBoc(*ton::BuildStateInit(*ton::WalletStateInit(wallet))));
}

/// What a proof request is made of; every field can be spoiled by a test.
struct ProofParts {
    ton::Address address;
    std::string state_init;  ///< base64 BOC, "" for none
    std::string public_key;  ///< hex, "" for none
    std::string domain = "localhost";
    std::uint64_t timestamp = 0;
    std::string payload;
    std::string network = "-239";
};

/// The parts of an honest proof by `wallet`'s owner (with its state init and public key).
inline ProofParts HonestProof(const ton::KeyPair& keys,
                              ton::WalletVersion version,
                              std::string payload,
                              std::uint64_t timestamp) {
    const auto wallet = TestWallet(keys, version);
    ProofParts parts;
    parts.address = *ton::WalletAddress(wallet);
    parts.state_init = StateInitBase64(wallet);
    parts.public_key = ton::ToHex(keys.public_key);
    parts.timestamp = timestamp;
    parts.payload = std::move(payload);
    return parts;
}

/// The request body with `signer`'s signature over the parts.
inline nlohmann::json ProofRequest(const ProofParts& parts, const ton::KeyPair& signer) {
    const auto signature = ton::SignTonProof(signer, parts.address, parts.domain, parts.timestamp, parts.payload);
    nlohmann::json proof = {
        {"timestamp", parts.timestamp},
        {"domain", {{"lengthBytes", parts.domain.size()}, {"value", parts.domain}}},
        {"signature", ton::ToBase64(signature)},
        {"payload", parts.payload},
    };
    if (!parts.state_init.empty()) proof["state_init"] = parts.state_init;
    nlohmann::json request = {{"address", parts.address.ToRaw()}, {"network", parts.network}, {"proof", proof}};
    if (!parts.public_key.empty()) request["public_key"] = parts.public_key;
    return request;
}

}  // namespace onton::test
