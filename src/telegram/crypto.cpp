#include "telegram/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <climits>
#include <stdexcept>

namespace onton::telegram::crypto {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kBase64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const unsigned char* Bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

// A function-local static gives a thread-safe, exactly-once sodium_init() without a global constructor, so that
// merely linking the library has no side effect.
void EnsureSodium() {
    static const bool kReady = sodium_init() >= 0;
    if (!kReady) throw std::runtime_error("libsodium initialisation failed");
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int Base64UrlValue(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

Sha256Digest Sha256(std::string_view data) {
    Sha256Digest digest{};
    if (SHA256(Bytes(data), data.size(), digest.data()) == nullptr) throw std::runtime_error("SHA-256 failed");
    return digest;
}

Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view message) {
    // HMAC() takes an int key length. A longer key would be replaced by its hash inside HMAC anyway (RFC 2104),
    // so hashing it here gives the same MAC without a narrowing cast.
    if (key.size() > static_cast<std::size_t>(INT_MAX)) {
        const auto hashed = Sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
        return HmacSha256(std::span<const std::uint8_t>(hashed), message);
    }
    Sha256Digest digest{};
    unsigned int length = 0;
    const unsigned char* result = HMAC(EVP_sha256(),
                                       key.data(),
                                       static_cast<int>(key.size()),
                                       Bytes(message),
                                       message.size(),
                                       digest.data(),
                                       &length);
    if (result == nullptr || length != digest.size()) throw std::runtime_error("HMAC-SHA-256 failed");
    return digest;
}

Sha256Digest HmacSha256(std::string_view key, std::string_view message) {
    return HmacSha256(std::span<const std::uint8_t>(Bytes(key), key.size()), message);
}

std::string HexEncode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(kHexDigits[b >> 4U]);
        out.push_back(kHexDigits[b & 0x0FU]);
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = HexValue(hex[i]);
        const int low = HexValue(hex[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return out;
}

bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t group = (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U) |
                                    std::uint32_t{bytes[i + 2]};
        out.push_back(kBase64UrlAlphabet[(group >> 18U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[(group >> 12U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[(group >> 6U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[group & 0x3FU]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t group = std::uint32_t{bytes[i]} << 16U;
        out.push_back(kBase64UrlAlphabet[(group >> 18U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[(group >> 12U) & 0x3FU]);
    } else if (rest == 2) {
        const std::uint32_t group = (std::uint32_t{bytes[i]} << 16U) | (std::uint32_t{bytes[i + 1]} << 8U);
        out.push_back(kBase64UrlAlphabet[(group >> 18U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[(group >> 12U) & 0x3FU]);
        out.push_back(kBase64UrlAlphabet[(group >> 6U) & 0x3FU]);
    }
    return out;
}

std::optional<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::vector<std::uint8_t> out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    unsigned bits = 0;
    for (const char c : text) {
        const int value = Base64UrlValue(c);
        if (value < 0) return std::nullopt;
        buffer = (buffer << 6U) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFFU));
        }
    }
    // Leftover bits are padding of the last character; an encoder always leaves them zero.
    if ((buffer & ((1U << bits) - 1U)) != 0) return std::nullopt;
    return out;
}

bool Ed25519Verify(std::span<const std::uint8_t> signature,
                   std::string_view message,
                   const Ed25519PublicKey& public_key) {
    if (signature.size() != crypto_sign_BYTES) return false;
    EnsureSodium();
    return crypto_sign_verify_detached(signature.data(), Bytes(message), message.size(), public_key.data()) == 0;
}

Ed25519Signature Ed25519Sign(std::string_view message, const Ed25519SecretKey& secret_key) {
    static_assert(crypto_sign_SECRETKEYBYTES == std::tuple_size_v<Ed25519SecretKey>);
    static_assert(crypto_sign_BYTES == std::tuple_size_v<Ed25519Signature>);
    EnsureSodium();
    Ed25519Signature signature{};
    if (crypto_sign_detached(signature.data(), nullptr, Bytes(message), message.size(), secret_key.data()) != 0) {
        throw std::runtime_error("Ed25519 signing failed");
    }
    return signature;
}

Ed25519KeyPair GenerateEd25519KeyPair() {
    EnsureSodium();
    Ed25519KeyPair pair;
    if (crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data()) != 0) {
        throw std::runtime_error("Ed25519 key generation failed");
    }
    return pair;
}

Ed25519KeyPair Ed25519KeyPairFromSeed(const std::array<std::uint8_t, 32>& seed) {
    static_assert(crypto_sign_SEEDBYTES == 32 && crypto_sign_PUBLICKEYBYTES == 32);
    EnsureSodium();
    Ed25519KeyPair pair;
    if (crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data()) != 0) {
        throw std::runtime_error("Ed25519 key derivation failed");
    }
    return pair;
}

}  // namespace onton::telegram::crypto
