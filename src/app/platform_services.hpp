#pragma once
/// The services that act for the platform wallet and after events, which both `onton serve` (its API reads
/// and enqueues through them) and `onton worker` (its workers step them) build alike: the toncenter client,
/// the platform wallet's sender behind its lease, the NFT manager, USDT payments, refunds and rewards.

#include <memory>
#include <optional>
#include <string>

#include "adapters/chain/toncenter.hpp"
#include "app/config.hpp"
#include "domain/lease/lease.hpp"
#include "domain/nft/manager.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/rewards/rewards.hpp"
#include "domain/wallet/platform_wallet.hpp"
#include "domain/wallet/sender.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"
#include "ports/store.hpp"

namespace onton::app {

/// `<host>:<pid>:<random hex>`: who holds a lease, unique per process.
std::string ProcessHolderId(ports::Random& random);

class PlatformServices {
   public:
    /// `holder`: this process's lease holder id (ProcessHolderId). Without ONTON_TON_API_URL there is no
    /// chain; without a platform wallet (mnemonic or key file) nothing is sent: NFTs are not minted and
    /// refunds wait, recorded.
    PlatformServices(const Config& config,
                     ports::Store& store,
                     const ports::Clock& clock,
                     const std::optional<wallet::PlatformWallet>& platform_wallet,
                     const std::optional<payments::JettonAccount>& usdt,
                     const std::string& holder);
    PlatformServices(const PlatformServices&) = delete;
    PlatformServices& operator=(const PlatformServices&) = delete;

    /// Null without ONTON_TON_API_URL.
    [[nodiscard]] chain::ToncenterChain* chain() const noexcept { return chain_.get(); }
    /// Null without a chain and a platform wallet.
    [[nodiscard]] wallet::WalletSender* wallet_sender() const noexcept { return wallet_sender_.get(); }
    [[nodiscard]] nft::NftManager* nft() const noexcept { return nft_.get(); }
    [[nodiscard]] payments::JettonPayments* usdt() const noexcept { return usdt_.get(); }
    [[nodiscard]] payments::Refunds& refunds() noexcept { return *refunds_; }
    [[nodiscard]] rewards::RewardService& rewards() noexcept { return rewards_; }

   private:
    std::unique_ptr<chain::ToncenterChain> chain_;
    std::unique_ptr<lease::Lease> wallet_lease_;
    std::unique_ptr<wallet::WalletSender> wallet_sender_;
    std::unique_ptr<nft::NftManager> nft_;
    std::unique_ptr<payments::JettonPayments> usdt_;
    std::unique_ptr<payments::Refunds> refunds_;
    rewards::RewardService rewards_;
};

}  // namespace onton::app
