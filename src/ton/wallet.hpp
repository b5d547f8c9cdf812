#pragma once
/// Wallets v4r2 and v5r1 (W5) as @ton/ton 16.3 builds them: code, data, state init and address; internal
/// messages (`MessageRelaxed`); signed external-in transfers with seqno and valid_until, serialised byte for
/// byte as @ton/core does; the TEP-467 normalized hash that tracks a sent external; `ton://transfer` links.
/// Pure: the caller supplies the seqno (read from the chain), the time, the keys.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/cell.hpp"
#include "ton/mnemonic.hpp"

namespace onton::ton {

/// An amount of TON in nanotons (1 TON = 10^9).
struct Nanotons {
    std::uint64_t value = 0;
    friend bool operator==(Nanotons, Nanotons) = default;
};

enum class WalletVersion { kV4R2, kV5R1 };

/// The network a v5r1 wallet id is bound to (its global id).
enum class Network : std::int32_t { kMainnet = -239, kTestnet = -3 };

/// Send modes of `action_send_msg`.
namespace send_mode {
inline constexpr std::uint8_t kPayFeesSeparately = 1;
inline constexpr std::uint8_t kIgnoreErrors = 2;
inline constexpr std::uint8_t kBounceOnActionFail = 16;
inline constexpr std::uint8_t kCarryRemainingValue = 64;
inline constexpr std::uint8_t kCarryAllBalance = 128;
}  // namespace send_mode

/// `StateInit` with code and data only (no split depth, no special, no libraries).
struct StateInit {
    CellPtr code;
    CellPtr data;
};

/// `split_depth:0 special:0 code:(Maybe ^Cell) data:(Maybe ^Cell) library:0` (5 bits plus refs).
Result<CellPtr> BuildStateInit(const StateInit& init);
/// `wc : repr_hash(state init cell)`.
Address ContractAddress(std::int8_t workchain, const CellPtr& state_init_cell);
/// Reads a `StateInit` cell written as above. Error `ton.invalid_state_init` (split depth, special, libraries
/// present, or code/data missing).
Result<StateInit> ParseStateInit(const CellPtr& cell);

/// A wallet identity: which code, which key, where, with which wallet id.
struct WalletSpec {
    WalletVersion version = WalletVersion::kV4R2;
    PublicKey public_key{};
    std::int8_t workchain = 0;
    std::uint32_t wallet_id = 0;  ///< v4r2 subwallet_id; v5r1 the int32 wallet_id's bits
};

/// v4r2 with @ton/ton's default subwallet `698983191 + workchain`, or the given one.
WalletSpec WalletV4R2(const PublicKey& key,
                      std::int8_t workchain = 0,
                      std::optional<std::uint32_t> subwallet_id = std::nullopt);
/// v5r1 with wallet_id = network_global_id XOR context(1 ‖ workchain:i8 ‖ version 0:u8 ‖ subwallet:u15), as
/// @ton/ton; wc 0 subwallet 0 gives 0x7FFFFF11 (mainnet) and 0x7FFFFFFD (testnet). `subwallet` < 2^15.
WalletSpec WalletV5R1(const PublicKey& key,
                      Network network = Network::kMainnet,
                      std::int8_t workchain = 0,
                      std::uint16_t subwallet = 0);

/// The embedded wallet code (from @ton/ton 16.3.0; see src/ton/generated/wallet_codes.cpp for the hashes).
const CellPtr& WalletCode(WalletVersion version);
/// The initial data (seqno 0, no plugins/extensions) of a wallet.
Result<CellPtr> WalletData(const WalletSpec& wallet);
/// The state init (code, data) of a wallet.
Result<StateInit> WalletStateInit(const WalletSpec& wallet);
/// The wallet's address: workchain and the hash of its state init cell.
Result<Address> WalletAddress(const WalletSpec& wallet);

/// An internal message as wallets send it (`MessageRelaxed`: src addr_none, ihr_disabled, no fees, lt/at 0).
struct InternalMessage {
    Address destination;
    Nanotons value;
    bool bounce = true;             ///< bounceable: true for contracts, false for plain wallets (TON Connect)
    std::optional<StateInit> init;  ///< deploys the destination
    CellPtr body;                   ///< nullptr: the empty cell
};

/// The `MessageRelaxed` cell, with @ton/core's choice of inline or ref for the init and the body.
Result<CellPtr> BuildInternalMessage(const InternalMessage& message);

/// One outgoing message of a transfer and its send mode (3 = pay fees separately + ignore errors, as TON
/// Connect wallets send).
struct OutMessage {
    InternalMessage message;
    std::uint8_t mode = send_mode::kPayFeesSeparately | send_mode::kIgnoreErrors;
};

struct TransferRequest {
    std::uint32_t seqno = 0;        ///< the wallet's current seqno; 0 also attaches the state init (deploy)
    std::uint32_t valid_until = 0;  ///< unix seconds; the wallet refuses the message after it
    std::vector<OutMessage> messages;
};

/// A signed external-in message ready for toncenter `sendBoc`.
struct SignedExternal {
    CellPtr message;             ///< the ext-in `Message` cell
    CellPtr body;                ///< the signed body
    Bytes boc;                   ///< BOC of `message` (CRC-32C, no index), as @ton/core `toBoc()`
    std::string boc_base64;      ///< standard base64 of `boc`, the `sendBoc` argument
    CellHash hash{};             ///< representation hash of `message`
    CellHash normalized_hash{};  ///< TEP-467 normalized hash (NormalizedExternalHash)
};

/// Signs a transfer. v4r2 takes 1..4 messages (op 0, simple send); v5r1 1..255 actions in the out list (each
/// mode gets +2 IGNORE_ERRORS added, as @ton/ton does, since W5 refuses external sends without it). The state
/// init is attached when seqno is 0. Errors: `ton.invalid_transfer`, cell errors. `keys` must be the
/// wallet's.
Result<SignedExternal> BuildTransfer(const WalletSpec& wallet,
                                     const KeyPair& keys,
                                     const TransferRequest& request);

/// The signed-body cell only (what BuildTransfer wraps), for tests and for TON Connect-style relays.
Result<CellPtr> BuildTransferBody(const WalletSpec& wallet,
                                  const KeyPair& keys,
                                  const TransferRequest& request);

/// The ext-in `Message` cell around a body: `ext_in_msg_info$10 src:addr_none dest import_fee:0`, the
/// optional init and the body placed inline or in a ref as @ton/core `storeMessage` does.
Result<CellPtr> BuildExternalMessage(const Address& destination,
                                     const std::optional<StateInit>& init,
                                     const CellPtr& body);

/// TEP-467: the hash of the ext-in message with src addr_none, import_fee 0, no init and the body as a ref.
/// Error `ton.invalid_message` when `message` is not an ext-in message.
Result<CellHash> NormalizedExternalHash(const CellPtr& message);

/// `ton://transfer/<address>?amount=<nanotons>&text=<url-encoded comment>`; `text` is left out when empty.
/// The address is written user-friendly, url-safe, with the given flags.
std::string TransferLink(const Address& destination,
                         Nanotons amount,
                         std::string_view text = "",
                         bool bounceable = false,
                         bool testnet = false);
/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Za-z0-9-._~`), as
/// `encodeURIComponent` does minus its `!'()*`.
std::string UrlEncode(std::string_view text);

}  // namespace onton::ton
