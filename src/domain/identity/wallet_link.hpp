#pragma once
/// Linking a TON wallet to the signed-in user with TON Connect `ton_proof` (issue #4; docs/identity.md).
/// The user asks for a payload (a stateless nonce bound to their user id, ton/ton_proof.hpp), has the wallet sign
/// it, and sends the wallet's `ton_addr` + `ton_proof` reply. The proof is checked (network, domain, age, the key
/// from the state init or, without one, from the deployed wallet's `get_public_key`, the signature), the payload
/// is consumed in the database (used once across processes and restarts), and users.wallet_address becomes the
/// wallet's canonical raw address. One wallet belongs to one user at most.

#include <chrono>
#include <mutex>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "ports/chain.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"
#include "ports/store.hpp"
#include "ton/ton_proof.hpp"

namespace onton::identity {

struct WalletLinkSettings {
    /// Allowed domains, proof age and future skew, and the network (nullopt accepts either).
    ton::TonProofPolicy policy;
    std::chrono::seconds payload_ttl{std::chrono::minutes(15)};
    /// The payload MAC key, the same in every process or payloads die on a restart. Empty: the one kept in
    /// app_settings (ResolveTonProofSecret), read on first use so that `serve` starts while the store is down.
    std::string secret;
};

struct ProofPayload {
    std::string payload;     ///< what the front end passes to TON Connect as `tonProof`
    std::int64_t expires_at = 0;
};

struct LinkedWallet {
    std::string address;           ///< canonical raw `wc:hex`, as stored
    std::string friendly_address;  ///< non-bounceable, url-safe, testnet flag from the proof's network
    std::int32_t network = 0;      ///< -239 mainnet, -3 testnet
    User user;
};

class WalletLinkService {
public:
    /// `chain` may be null: proofs without a state init are then refused with `ton_proof.state_init_required`.
    WalletLinkService(ports::Store& store,
                      const ports::Clock& clock,
                      ports::Random& random,
                      ports::Chain* chain,
                      WalletLinkSettings settings);

    /// A fresh payload for this user, valid for settings.payload_ttl. Reads the key from the store on first use
    /// only (StoreError when it cannot).
    [[nodiscard]] ProofPayload IssuePayload(const Principal& caller);

    /// Verifies the TON Connect reply `{address, network, public_key?, proof{...}}` and links the wallet. Errors:
    /// those of ParseTonProof / VerifyTonProof / CheckNonce (`ton_proof.*`), `ton_proof.payload_used`,
    /// `ton_proof.state_init_required` (no state init and no chain), `ton_proof.wallet_not_deployed` (no state
    /// init and get_public_key failed), `chain.*` (the chain could not be asked), `wallet.already_linked`.
    /// The payload is consumed once the proof verifies, whatever the outcome of the link itself.
    [[nodiscard]] Result<LinkedWallet> Link(const Principal& caller, std::string_view proof_json);

    /// Removes the caller's wallet (idempotent) and returns the user.
    [[nodiscard]] Result<User> Unlink(const Principal& caller);

private:
    /// The wallet's key from its `get_public_key` get-method.
    Result<ton::PublicKey> DeployedWalletKey(const ton::Address& address);
    /// settings_.secret, resolved from the store the first time.
    std::string Secret();

    ports::Store& store_;
    const ports::Clock& clock_;
    ports::Random& random_;
    ports::Chain* chain_;
    WalletLinkSettings settings_;  ///< secret guarded by secret_mutex_
    std::mutex secret_mutex_;
};

/// The domains a proof may name: the host of `public_url` (and host:port when the URL has a port, as some wallets
/// send `URL.host`), then `extra`, lower-cased, without duplicates; `localhost` when nothing else is left.
[[nodiscard]] std::vector<std::string> TonProofDomains(std::string_view public_url,
                                                       const std::vector<std::string>& extra);

/// The payload MAC key, generated once and kept in app_settings so that every process agrees on it.
[[nodiscard]] std::string ResolveTonProofSecret(ports::Store& store, ports::Random& random, const ports::Clock& clock);

/// The key out of a get_public_key result: a non-negative integer below 2^256 written `0x…` or in decimal.
[[nodiscard]] Result<ton::PublicKey> PublicKeyFromStack(const ports::GetMethodResult& result);

}  // namespace onton::identity
