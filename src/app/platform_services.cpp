#include "app/platform_services.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <array>

#include "app/workers.hpp"
#include "common/encoding.hpp"

namespace onton::app {

std::string ProcessHolderId(ports::Random& random) {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) != 0) host = {};
    return std::string(host.data()) + ":" + std::to_string(getpid()) + ":" + Hex(random.Bytes(4));
}

PlatformServices::PlatformServices(const Config& config,
                                   ports::Store& store,
                                   const ports::Clock& clock,
                                   const std::optional<wallet::PlatformWallet>& platform_wallet,
                                   const std::optional<payments::JettonAccount>& usdt,
                                   const std::string& holder)
    : chain_(config.ton_api_url.empty() ? nullptr : MakeChain(config)), rewards_(store, clock) {
    if (chain_ && platform_wallet) {
        // One sender at a time across every serve and worker process on this database: the seqno is the
        // wallet's.
        wallet_lease_ = std::make_unique<lease::Lease>(store,
                                                       clock,
                                                       "wallet:" + platform_wallet->address.ToRaw(),
                                                       holder,
                                                       std::chrono::seconds(config.lease_seconds));
        wallet::SenderSettings sender_settings;
        sender_settings.valid_for_seconds = static_cast<std::uint32_t>(config.wallet_message_ttl_seconds);
        wallet_sender_ = std::make_unique<wallet::WalletSender>(
            store, *chain_, clock, *platform_wallet, sender_settings, wallet_lease_.get());
        nft::NftSettings nft_settings;
        nft_settings.public_url = config.public_url;
        nft_ = std::make_unique<nft::NftManager>(store, *chain_, clock, *wallet_sender_, nft_settings);
    } else {
        spdlog::info(
            "NFTs are not minted: set ONTON_TON_API_URL and ONTON_PLATFORM_WALLET_MNEMONIC (or _KEY_FILE)");
    }
    if (chain_ && usdt) usdt_ = std::make_unique<payments::JettonPayments>(*chain_, *usdt);
    // Refunds are recorded without a wallet, and sent by it once one is configured.
    refunds_ = std::make_unique<payments::Refunds>(store, clock, wallet_sender_.get(), usdt_.get());
}

}  // namespace onton::app
