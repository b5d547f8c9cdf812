#pragma once
/// The platform wallet: the keys and address derived from its 24-word mnemonic (design.md §7,
/// ONTON_PLATFORM_WALLET_MNEMONIC or a key file holding the words) and its version. Pure: no I/O; the caller reads
/// the key file. The secret key lives only in this struct; nothing here logs or prints it.

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/mnemonic.hpp"
#include "ton/wallet.hpp"

namespace onton::wallet {

struct PlatformWallet {
    ton::WalletSpec spec;
    ton::KeyPair keys;
    ton::Address address;
};

/// `v4r2` or `v5r1`. Error `config.invalid`.
Result<ton::WalletVersion> ParseWalletVersion(std::string_view text);
/// `v4r2` / `v5r1`.
std::string WalletVersionName(ton::WalletVersion version);

/// Keys and address of the wallet with these words: workchain 0, the mainnet wallet ids of @ton/ton (v4r2
/// subwallet 698983191, v5r1 0x7FFFFF11), as tools/ton-emulator and TON Connect wallets create them. Errors:
/// `ton.invalid_mnemonic` (the message never contains the words).
Result<PlatformWallet> DerivePlatformWallet(std::string_view mnemonic, ton::WalletVersion version);

/// Checks a configured address against the derived wallet: nullopt when they name the same account, otherwise
/// an error `config.invalid` naming both addresses.
std::optional<Error> CheckConfiguredAddress(const PlatformWallet& wallet, std::string_view configured);

}  // namespace onton::wallet
