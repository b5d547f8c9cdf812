#include "ton/mnemonic.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace onton::ton {
namespace {

// tonlib's PBKDF_ITERATIONS; the version check uses 1/256 of it.
constexpr int kPbkdfIterations = 100000;

using Hash512 = std::array<std::uint8_t, 64>;

Hash512 HmacSha512(std::string_view key, std::string_view message) {
    Hash512 out{};
    unsigned int length = 0;
    if (HMAC(EVP_sha512(),
             key.data(),
             static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()),
             message.size(),
             out.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA512 failed");
    }
    return out;
}

Hash512 Pbkdf2Sha512(const Hash512& password, std::string_view salt, int iterations) {
    Hash512 out{};
    if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(password.data()),
                          static_cast<int>(password.size()),
                          reinterpret_cast<const unsigned char*>(salt.data()),
                          static_cast<int>(salt.size()),
                          iterations,
                          EVP_sha512(),
                          static_cast<int>(out.size()),
                          out.data()) != 1) {
        throw std::runtime_error("PBKDF2-SHA512 failed");
    }
    return out;
}

std::string Join(const std::vector<std::string>& words) {
    std::string joined;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) joined += ' ';
        joined += words[i];
    }
    return joined;
}

std::string Normalize(std::string_view word) {
    // @ton/crypto: toLowerCase().trim(). Wordlist words are ASCII, so ASCII folding decides membership alike.
    std::string out;
    for (const char c : word) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::vector<std::string> NormalizeAll(const std::vector<std::string>& words) {
    std::vector<std::string> out;
    out.reserve(words.size());
    for (const auto& w : words) out.push_back(Normalize(w));
    return out;
}

bool InWordlist(std::string_view word) {
    const auto& list = MnemonicWordlist();
    return std::binary_search(list.begin(), list.end(), word);
}

Hash512 Entropy(const std::vector<std::string>& words, std::string_view password) {
    return HmacSha512(Join(words), password);
}

bool IsBasicSeed(const Hash512& entropy) {
    return Pbkdf2Sha512(entropy, "TON seed version", std::max(1, kPbkdfIterations / 256))[0] == 0;
}

bool IsPasswordSeed(const Hash512& entropy) {
    return Pbkdf2Sha512(entropy, "TON fast seed version", 1)[0] == 1;
}

void InitSodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

}  // namespace

std::vector<std::string> SplitMnemonic(std::string_view text) {
    std::vector<std::string> words;
    std::string current;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            if (!current.empty()) words.push_back(Normalize(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty()) words.push_back(Normalize(current));
    return words;
}

bool IsValidMnemonic(const std::vector<std::string>& words, std::string_view password) {
    const auto normalized = NormalizeAll(words);
    for (const auto& w : normalized) {
        if (!InWordlist(w)) return false;
    }
    if (!password.empty()) {
        const Hash512 passless = Entropy(normalized, "");
        if (!(IsPasswordSeed(passless) && !IsBasicSeed(passless))) return false;
    }
    return IsBasicSeed(Entropy(normalized, password));
}

Result<KeyPair> MnemonicToKeyPair(const std::vector<std::string>& words, std::string_view password) {
    if (words.size() != kMnemonicWords) {
        return Error{"ton.invalid_mnemonic", "a TON mnemonic has 24 words", {{"words", words.size()}}};
    }
    if (!IsValidMnemonic(words, password)) {
        return Error{"ton.invalid_mnemonic", "not a valid TON mnemonic (unknown word or failed seed check)"};
    }
    const Hash512 seed =
        Pbkdf2Sha512(Entropy(NormalizeAll(words), password), "TON default seed", kPbkdfIterations);
    std::array<std::uint8_t, 32> ed_seed{};
    std::copy_n(seed.begin(), ed_seed.size(), ed_seed.begin());
    return KeyPairFromSeed(ed_seed);
}

std::vector<std::string> GenerateMnemonic() {
    InitSodium();
    const auto& list = MnemonicWordlist();
    for (;;) {
        std::vector<std::string> words;
        words.reserve(kMnemonicWords);
        for (std::size_t i = 0; i < kMnemonicWords; ++i) {
            words.emplace_back(list[randombytes_uniform(static_cast<std::uint32_t>(list.size()))]);
        }
        if (IsBasicSeed(Entropy(words, ""))) return words;
    }
}

KeyPair KeyPairFromSeed(const std::array<std::uint8_t, 32>& seed) {
    InitSodium();
    KeyPair keys;
    crypto_sign_seed_keypair(keys.public_key.data(), keys.secret_key.data(), seed.data());
    return keys;
}

Signature Sign(ByteView message, const KeyPair& keys) {
    InitSodium();
    Signature signature{};
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), keys.secret_key.data());
    return signature;
}

bool Verify(ByteView message, const Signature& signature, const PublicKey& public_key) {
    InitSodium();
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), public_key.data()) ==
           0;
}

}  // namespace onton::ton
