#pragma once
/// Cryptographic and encoding primitives used by Telegram's signature schemes: SHA-256, HMAC-SHA-256 (OpenSSL),
/// Ed25519 (libsodium), hex and base64url. Every function is thread-safe and keeps no state besides libsodium's
/// one-time initialisation. Decoders return std::nullopt for malformed input instead of throwing; the remaining
/// functions throw std::runtime_error only when the underlying library itself fails.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace onton::telegram::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;
using Ed25519PublicKey = std::array<std::uint8_t, 32>;
/// libsodium's secret key layout: 32-byte seed followed by the 32-byte public key.
using Ed25519SecretKey = std::array<std::uint8_t, 64>;
using Ed25519Signature = std::array<std::uint8_t, 64>;

struct Ed25519KeyPair {
    Ed25519PublicKey public_key{};
    Ed25519SecretKey secret_key{};
};

/// SHA-256 of `data` (any bytes).
[[nodiscard]] Sha256Digest Sha256(std::string_view data);

/// HMAC-SHA-256 with a key of any length (keys longer than the block size are hashed first, per RFC 2104).
[[nodiscard]] Sha256Digest HmacSha256(std::span<const std::uint8_t> key, std::string_view message);
[[nodiscard]] Sha256Digest HmacSha256(std::string_view key, std::string_view message);

/// Lower-case hex.
[[nodiscard]] std::string HexEncode(std::span<const std::uint8_t> bytes);

/// Decodes hex (either case). std::nullopt for an odd length or a non-hex character.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view hex);

/// Compares in time that depends only on the lengths (which are not secret). Different lengths compare unequal.
[[nodiscard]] bool ConstantTimeEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

/// RFC 4648 §5 base64url without padding.
[[nodiscard]] std::string Base64UrlEncode(std::span<const std::uint8_t> bytes);

/// Decodes base64url without padding. std::nullopt for '=' or any character outside the URL-safe alphabet, an
/// impossible length (4n+1), or non-zero unused trailing bits (so that each byte string has one accepted encoding).
[[nodiscard]] std::optional<std::vector<std::uint8_t>> Base64UrlDecode(std::string_view text);

/// Ed25519 verification (libsodium crypto_sign_verify_detached, which also rejects small-order and non-canonical
/// points). False for a signature that is not exactly 64 bytes.
[[nodiscard]] bool Ed25519Verify(std::span<const std::uint8_t> signature,
                                 std::string_view message,
                                 const Ed25519PublicKey& public_key);

/// Ed25519 detached signature with libsodium's 64-byte secret key.
[[nodiscard]] Ed25519Signature Ed25519Sign(std::string_view message, const Ed25519SecretKey& secret_key);

/// A fresh random key pair (for tests and local development: Telegram's own private keys are never ours).
[[nodiscard]] Ed25519KeyPair GenerateEd25519KeyPair();

/// The key pair derived from a 32-byte seed, for deterministic tests.
[[nodiscard]] Ed25519KeyPair Ed25519KeyPairFromSeed(const std::array<std::uint8_t, 32>& seed);

}  // namespace onton::telegram::crypto
