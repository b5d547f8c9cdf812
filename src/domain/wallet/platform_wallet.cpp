#include "domain/wallet/platform_wallet.hpp"

namespace onton::wallet {

Result<ton::WalletVersion> ParseWalletVersion(std::string_view text) {
    if (text == "v4r2") return ton::WalletVersion::kV4R2;
    if (text == "v5r1") return ton::WalletVersion::kV5R1;
    return Error{"config.invalid", "expected a wallet version v4r2 or v5r1, got '" + std::string(text) + "'"};
}

std::string WalletVersionName(ton::WalletVersion version) {
    return version == ton::WalletVersion::kV4R2 ? "v4r2" : "v5r1";
}

Result<PlatformWallet> DerivePlatformWallet(std::string_view mnemonic, ton::WalletVersion version) {
    auto keys = ton::MnemonicToKeyPair(ton::SplitMnemonic(mnemonic));
    // The library's message names no words, but say what failed without relaying anything else.
    if (!keys) return Error{"ton.invalid_mnemonic", "the platform wallet mnemonic is not a valid TON mnemonic"};
    PlatformWallet wallet;
    wallet.keys = *keys;
    wallet.spec = version == ton::WalletVersion::kV4R2 ? ton::WalletV4R2(keys->public_key)
                                                       : ton::WalletV5R1(keys->public_key);
    auto address = ton::WalletAddress(wallet.spec);
    if (!address) return address.error();
    wallet.address = *address;
    return wallet;
}

std::optional<Error> CheckConfiguredAddress(const PlatformWallet& wallet, std::string_view configured) {
    auto parsed = ton::ParseAddress(configured);
    if (parsed && parsed->address == wallet.address) return std::nullopt;
    return Error{"config.invalid",
                 "ONTON_PLATFORM_WALLET_ADDRESS " + std::string(configured) + " is not the wallet of the mnemonic (" +
                     WalletVersionName(wallet.spec.version) + " " + wallet.address.ToString() +
                     "); unset it or fix ONTON_PLATFORM_WALLET_VERSION"};
}

}  // namespace onton::wallet
