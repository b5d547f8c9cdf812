#pragma once
/// TON Connect `ton_proof` verification (ton-connect requests-responses.md; reference backends
/// demo-dapp-with-react-ui and sdk/packages/ton-proof), and the stateless nonces we hand out as its payload.
/// Signed bytes:
///   message = "ton-proof-item-v2/" ‖ wc:i32 BE ‖ hash:32 ‖ domain_len:u32 LE ‖ domain ‖ timestamp:u64 LE ‖
///   payload signed  = sha256(0xffff ‖ "ton-connect" ‖ sha256(message)), Ed25519 by the wallet key
/// The key comes from the proof's `state_init` (wallets v3r2, v4r2, v5r1, recognised by code hash), whose
/// hash must be the claimed address; without a state init the caller must read it with the `get_public_key`
/// get-method and call VerifyTonProofWithKey. Every malformed input gives an Error, never a crash. Pure: the
/// caller passes the time, and consumes each nonce once (CheckNonce returns its id for that).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/cell.hpp"
#include "ton/mnemonic.hpp"
#include "ton/wallet.hpp"

namespace onton::ton {

/// Largest proof JSON accepted (a real one is under 2 KiB).
inline constexpr std::size_t kMaxTonProofJson = 16 * 1024;

/// What the front end sends (TON Connect `ton_addr` + `ton_proof` items).
struct TonProof {
    Address address;
    std::int32_t network = 0;             ///< -239 mainnet, -3 testnet
    std::optional<PublicKey> public_key;  ///< as the wallet claimed it; never trusted on its own
    std::uint64_t timestamp = 0;          ///< unix seconds
    std::uint32_t domain_length = 0;      ///< `domain.lengthBytes` as sent
    std::string domain;                   ///< `domain.value`
    Signature signature{};
    std::string payload;
    CellPtr state_init;  ///< nullptr when absent
};

/// Parses `{address, network, public_key?, proof{timestamp, domain{lengthBytes, value}, signature, payload,
/// state_init?}}` (network as a string or a number; signature and state_init in either base64 alphabet).
/// Error `ton_proof.invalid` with the offending field in details.
Result<TonProof> ParseTonProof(std::string_view json);

/// The message bytes of §2.2 (before hashing).
Bytes TonProofMessage(const Address& address,
                      std::string_view domain,
                      std::uint64_t timestamp,
                      std::string_view payload);
/// The 32 bytes that are signed: sha256(0xffff ‖ "ton-connect" ‖ sha256(message)).
CellHash TonProofSignedHash(const Address& address,
                            std::string_view domain,
                            std::uint64_t timestamp,
                            std::string_view payload);
/// Signs a proof as a wallet would (tests, the emulator).
Signature SignTonProof(const KeyPair& keys,
                       const Address& address,
                       std::string_view domain,
                       std::uint64_t timestamp,
                       std::string_view payload);

/// The wallet public key in a state init whose code is wallet v3r2, v4r2 or v5r1. Errors:
/// `ton_proof.unknown_wallet` (other code), `ton_proof.invalid` (data too short, not a state init).
Result<PublicKey> PublicKeyFromStateInit(const CellPtr& state_init);

struct TonProofPolicy {
    std::vector<std::string> allowed_domains;  ///< exact host names, compared case-insensitively
    std::chrono::seconds max_age{std::chrono::minutes(15)};  ///< TonProofService's default
    std::chrono::seconds max_future_skew{std::chrono::seconds(60)};
    std::optional<Network> network;  ///< when set, proofs for another network are refused
};

enum class TonProofStatus {
    kVerified,      ///< signature valid for `public_key`, all checks passed
    kNeedPublicKey  ///< checks up to the key passed; no state init: read get_public_key, then
                    ///< VerifyTonProofWithKey
};

struct TonProofVerdict {
    TonProofStatus status = TonProofStatus::kNeedPublicKey;
    Address address;
    PublicKey public_key{};  ///< valid when kVerified
    std::string payload;     ///< the caller checks it is a nonce it issued (CheckNonce) and consumes it
};

/// Checks network, domain (length matches, in the allow-list), timestamp (`now - timestamp <= max_age` and
/// `timestamp <= now + max_future_skew`), then the key from the state init (address match, known wallet code,
/// equal to `public_key` when that was sent) and the signature. Errors: `ton_proof.wrong_network`,
/// `ton_proof.domain_not_allowed`, `ton_proof.expired`, `ton_proof.from_future`,
/// `ton_proof.address_mismatch`, `ton_proof.unknown_wallet`, `ton_proof.public_key_mismatch`,
/// `ton_proof.bad_signature`, `ton_proof.invalid`.
Result<TonProofVerdict> VerifyTonProof(const TonProof& proof,
                                       const TonProofPolicy& policy,
                                       std::uint64_t now_unix);
/// The same checks with the key read from the deployed wallet (get_public_key); the state init, if any, must
/// still match the address.
Result<TonProofVerdict> VerifyTonProofWithKey(const TonProof& proof,
                                              const PublicKey& key,
                                              const TonProofPolicy& policy,
                                              std::uint64_t now_unix);

/// A stateless nonce: base64url(expires_at:u64 BE ‖ random:16 ‖ HMAC-SHA256(secret, "onton-ton-proof" ‖
/// context ‖ expires_at ‖ random)[0..16]), 54 characters. `context` binds it (e.g. the session or user id).
std::string IssueNonce(ByteView secret,
                       std::string_view context,
                       std::uint64_t now_unix,
                       std::chrono::seconds ttl,
                       const std::array<std::uint8_t, 16>& random);
/// IssueNonce with 16 bytes from the system CSPRNG.
std::string IssueNonce(ByteView secret,
                       std::string_view context,
                       std::uint64_t now_unix,
                       std::chrono::seconds ttl);

struct NonceInfo {
    std::uint64_t expires_at = 0;
    std::string id;  ///< hex of the random part: store it until expires_at to refuse a second use
};

/// Checks the MAC (constant time), the context and the expiry. Errors `ton_proof.invalid_payload`,
/// `ton_proof.payload_expired`.
Result<NonceInfo> CheckNonce(ByteView secret,
                             std::string_view nonce,
                             std::string_view context,
                             std::uint64_t now_unix);

}  // namespace onton::ton
