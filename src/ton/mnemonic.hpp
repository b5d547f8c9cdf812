#pragma once
/// Keys: TON 24-word mnemonics to Ed25519 key pairs exactly as @ton/crypto `mnemonicToPrivateKey` and tonlib
/// `Mnemonic.cpp` derive them, random valid mnemonics, and Ed25519 signing and verification (libsodium).
///   entropy = HMAC-SHA512(key = words joined by " ", message = password)
///   seed    = PBKDF2-HMAC-SHA512(entropy, "TON default seed", 100000 iterations)[0..32]
///   valid   ⇔ every word in the BIP-39 English list and
///             PBKDF2-HMAC-SHA512(entropy, "TON seed version", 390 iterations)[0] == 0 (the "basic seed"
///             check)
/// Pure apart from GenerateMnemonic, which reads the system's random source. Secret keys live in plain
/// arrays: the caller owns them and decides how long they stay in memory.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ton/codec.hpp"

namespace onton::ton {

inline constexpr std::size_t kMnemonicWordlistSize = 2048;
inline constexpr std::size_t kMnemonicWords = 24;

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

/// An Ed25519 key pair; `secret_key` is libsodium's and tweetnacl's 64-byte form, seed ‖ public key.
struct KeyPair {
    PublicKey public_key{};
    std::array<std::uint8_t, 64> secret_key{};
};

/// The BIP-39 English wordlist (sorted), as @ton/crypto ships it.
const std::array<std::string_view, kMnemonicWordlistSize>& MnemonicWordlist();

/// Splits mnemonic text on whitespace and normalises each word as @ton/crypto does (ASCII lower case).
std::vector<std::string> SplitMnemonic(std::string_view text);

/// @ton/crypto `mnemonicValidate`: every word in the list and the basic-seed check (with a non-empty
/// password, also that the passwordless mnemonic is a password seed). Words are normalised first. Any word
/// count is checked as given; TON wallets use 24.
bool IsValidMnemonic(const std::vector<std::string>& words, std::string_view password = "");

/// The key pair of a mnemonic, exactly as @ton/crypto `mnemonicToPrivateKey`. Refuses a mnemonic that is not
/// 24 words or fails IsValidMnemonic: `ton.invalid_mnemonic`.
Result<KeyPair> MnemonicToKeyPair(const std::vector<std::string>& words, std::string_view password = "");

/// A new random valid 24-word mnemonic (no password), as @ton/crypto `mnemonicNew`: random words from the
/// system CSPRNG until the basic-seed check passes (about 256 tries, each a 390-iteration PBKDF2).
std::vector<std::string> GenerateMnemonic();

/// The key pair of a 32-byte Ed25519 seed (libsodium `crypto_sign_seed_keypair`).
KeyPair KeyPairFromSeed(const std::array<std::uint8_t, 32>& seed);

/// Ed25519 detached signature of `message`.
Signature Sign(ByteView message, const KeyPair& keys);

/// Whether `signature` is a valid Ed25519 signature of `message` by `public_key` (libsodium's strict checks:
/// canonical encodings, no small-order keys).
bool Verify(ByteView message, const Signature& signature, const PublicKey& public_key);

}  // namespace onton::ton
