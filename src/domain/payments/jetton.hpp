#pragma once
/// USDT on TON (a TEP-74 jetton, issue #5): the platform's account in it, the transfer a payer's wallet
/// sends, and the transfer the platform wallet sends to refund.
///
/// A jetton payment reaches the platform wallet as a `transfer_notification` from the platform's own jetton
/// wallet (the one the master derives for the platform wallet). Anyone can send a message with that body, so
/// only its source proves it: the watcher credits a notification only when it comes from
/// `JettonAccount::wallet`, which is derived once at start from the configured master with
/// `get_wallet_address` (never from a message).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "domain/wallet/sender.hpp"
#include "ports/chain.hpp"
#include "ton/address.hpp"
#include "ton/wallet.hpp"

namespace onton::payments {

/// The platform's place in one jetton: the master, the owner (the platform wallet) and the owner's jetton
/// wallet.
struct JettonAccount {
    ton::Address master;
    ton::Address owner;
    ton::Address wallet;  ///< the platform's jetton wallet: the only source of notifications that pay
};

/// Reads the jetton master at start: `get_jetton_data` (it must answer as a jetton master) and
/// `get_wallet_address(owner)`. Errors: `config.invalid` naming `setting` (the master is not an address, not
/// deployed, or not a jetton master), or the chain's errors (unreachable: the caller may retry).
Result<JettonAccount> ResolveJettonAccount(ports::Chain& chain,
                                           std::string_view master,
                                           const ton::Address& owner,
                                           std::string_view setting = "ONTON_USDT_JETTON_MASTER");

struct JettonSettings {
    /// TON a payer attaches to its transfer: its jetton wallet's and the platform jetton wallet's gas, the
    /// forward and the excess (which comes back to the payer). TEP-74 wallets need a few hundredths of a TON.
    ton::Nanotons transfer_ton{100'000'000};
    /// TON forwarded to the platform wallet with the `transfer_notification` (must be > 0, or none is sent).
    ton::Nanotons forward_ton{10'000'000};
    /// TON the platform wallet attaches to a refund's transfer to its jetton wallet (the excess comes back).
    ton::Nanotons refund_ton{100'000'000};
    /// TON forwarded to the payer with the refund, so that its wallet gets the comment in a notification.
    ton::Nanotons refund_forward_ton{1};
    /// Owners whose jetton wallets are remembered (get_wallet_address is a pure function of master and
    /// owner).
    std::size_t wallet_cache_size = 4096;
};

/// What a payer's wallet sends to pay a jetton order: one internal message to the payer's own jetton wallet.
struct PayerTransfer {
    ton::Address jetton_wallet;  ///< the payer's jetton wallet (the message's destination)
    ton::Nanotons amount;        ///< TON to attach
    std::string payload_boc;     ///< base64 BOC of the TEP-74 `transfer` body
    std::uint64_t units = 0;     ///< jetton units it moves to the platform wallet
    ton::Nanotons forward_ton;   ///< TON the platform wallet gets with the notification
    std::string comment;         ///< the forward payload's text comment
};

class JettonPayments {
   public:
    JettonPayments(ports::Chain& chain, JettonAccount account, JettonSettings settings = {});

    [[nodiscard]] const JettonAccount& account() const noexcept { return account_; }
    [[nodiscard]] const JettonSettings& settings() const noexcept { return settings_; }

    /// The jetton wallet of `owner` (get_wallet_address on the master; remembered). Errors: chain errors,
    /// `chain.bad_response` for a result that is not an address.
    Result<ton::Address> WalletOf(const ton::Address& owner);

    /// The transfer that moves `units` from `owner`'s jetton wallet to the platform wallet with `comment` as
    /// the forward payload; the excess TON returns to `owner`. Errors: as WalletOf, `ton.invalid_comment`.
    Result<PayerTransfer> PayerTransferFor(const ton::Address& owner,
                                           std::uint64_t units,
                                           const std::string& comment);

    /// The platform wallet's message that sends `units` back to `destination` (an owner) with `comment`: a
    /// TEP-74 `transfer` to the platform's jetton wallet (bounceable, `refund_ton` attached, the excess back
    /// to the platform wallet). `query_id` names the refund in the chain's messages. Errors:
    /// `ton.invalid_address`, `ton.invalid_comment`.
    Result<wallet::Outgoing> RefundMessage(std::uint64_t query_id,
                                           std::string_view destination,
                                           std::uint64_t units,
                                           const std::string& comment,
                                           std::string idempotency_key) const;

   private:
    ports::Chain& chain_;
    JettonAccount account_;
    JettonSettings settings_;
    std::mutex mutex_;
    std::map<std::string, ton::Address> wallets_;  ///< owner raw → its jetton wallet
};

}  // namespace onton::payments
