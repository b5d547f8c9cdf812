#pragma once
/// A platform wallet with keys from a fixed Ed25519 seed, for tests that sign without a mnemonic (the fake chain's
/// wallet is v4r2).

#include <array>
#include <cstdint>

#include "domain/wallet/platform_wallet.hpp"

namespace onton::test {

inline wallet::PlatformWallet SeededWallet(std::uint8_t seed_byte) {
    std::array<std::uint8_t, 32> seed{};
    seed[0] = seed_byte;
    wallet::PlatformWallet w;
    w.keys = ton::KeyPairFromSeed(seed);
    w.spec = ton::WalletV4R2(w.keys.public_key);
    w.address = *ton::WalletAddress(w.spec);
    return w;
}

}  // namespace onton::test
