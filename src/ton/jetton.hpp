#pragma once
/// TEP-74 jettons (fungible tokens, e.g. USDT on TON) as the reference token-contract and
/// @ton-community/assets-sdk 0.0.5 lay them out: the `transfer` body an owner sends to its own jetton wallet,
/// the `transfer_notification` a jetton wallet sends to the new owner, `excesses`, and the get-methods of a
/// jetton master
/// (`get_wallet_address`, `get_jetton_data`) and wallet (`get_wallet_data`). Amounts of jetton units are
/// `VarUInteger 16` on chain (up to 2^120 - 1); here they are 64-bit, and a message carrying more is refused
/// with `ton.value_out_of_range` (no jetton the platform takes comes near it).
///
/// The parsers read untrusted cells: any cell gives a value or an error, never undefined behaviour (fuzzed in
/// fuzz/message_fuzz.cpp).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/cell.hpp"
#include "ton/wallet.hpp"

namespace onton::ton {

namespace jetton_op {
inline constexpr std::uint32_t kTransfer = 0x0f8a7ea5;
inline constexpr std::uint32_t kTransferNotification = 0x7362d09c;
inline constexpr std::uint32_t kInternalTransfer = 0x178d4519;
inline constexpr std::uint32_t kExcesses = 0xd53276db;
}  // namespace jetton_op

/// The op of a bounced message's body (`0xffffffff` followed by the first bits of the message that bounced).
inline constexpr std::uint32_t kBouncedOp = 0xffffffff;

/// `transfer#0f8a7ea5 query_id:uint64 amount:(VarUInteger 16) destination:MsgAddress
/// response_destination:MsgAddress custom_payload:(Maybe ^Cell) forward_ton_amount:(VarUInteger 16)
/// forward_payload:(Either Cell ^Cell)`: what an owner sends to its own jetton wallet to move `amount` to
/// `destination` (an owner address; the wallet finds the destination's jetton wallet itself).
struct JettonTransfer {
    std::uint64_t query_id = 0;
    std::uint64_t amount = 0;  ///< jetton units (USDT: millionths)
    Address destination;
    std::optional<Address> response_destination;  ///< where the excess TON goes; nullopt: addr_none
    CellPtr custom_payload;                       ///< nullptr: none
    /// TON the destination's owner receives with the `transfer_notification`; 0 sends no notification.
    Nanotons forward_ton_amount;
    /// nullptr: an empty payload inline (Either bit 0). Otherwise a ref (bit 1), or inline when
    /// `forward_payload_inline` (bit 0 then the payload's bits and refs, which must fit).
    CellPtr forward_payload;
    bool forward_payload_inline = false;
};

/// The body cell. Errors: a cell overflow (an inline payload that does not fit).
Result<CellPtr> BuildJettonTransfer(const JettonTransfer& transfer);
/// Reads a `transfer` body; `forward_payload` is the ref or the inline remainder as a cell (nullptr when the
/// inline remainder is empty). Bits after a payload ref are ignored, as @ton/core's readers do. Errors:
/// `ton.invalid_jetton_message` (another op, truncated), `ton.value_out_of_range`, `ton.unsupported_address`.
Result<JettonTransfer> ParseJettonTransfer(const CellPtr& body);

/// `transfer_notification#7362d09c query_id:uint64 amount:(VarUInteger 16) sender:MsgAddress
/// forward_payload:(Either Cell ^Cell)`: sent by a jetton wallet to its owner when jettons arrived.
struct TransferNotification {
    std::uint64_t query_id = 0;
    std::uint64_t amount = 0;       ///< jetton units
    std::optional<Address> sender;  ///< the previous owner (who paid); nullopt: addr_none
    CellPtr forward_payload;        ///< the ref, or the inline remainder as a cell; nullptr when empty
    /// The text comment in the forward payload (op 0 + UTF-8 snake text, as ParseComment reads it); nullopt
    /// when the payload is empty or not a valid comment.
    std::optional<std::string> comment;
};

/// The body cell, with the forward payload as a ref (`forward_payload_inline` false) or inline.
Result<CellPtr> BuildTransferNotification(const TransferNotification& notification,
                                          bool forward_payload_inline = false);
/// Reads a `transfer_notification` body. Errors as ParseJettonTransfer.
Result<TransferNotification> ParseTransferNotification(const CellPtr& body);

/// `excesses#d53276db query_id:uint64`: the TON left over from a transfer, sent to its response destination.
Result<CellPtr> BuildExcesses(std::uint64_t query_id);
/// The query id of an `excesses` body. Error `ton.invalid_jetton_message`.
Result<std::uint64_t> ParseExcesses(const CellPtr& body);

/// The op (first 32 bits) of a message body; nullopt for a body shorter than that.
std::optional<std::uint32_t> BodyOp(const CellPtr& body);

/// The argument of `get_wallet_address(slice owner_address)`: a cell holding the owner's `addr_std`, passed
/// as a slice (`ports::StackEntry::Slice` of its BOC).
Result<CellPtr> WalletAddressArgument(const Address& owner);
/// The jetton wallet address `get_wallet_address` returns (an address slice). Error `ton.invalid_stack`.
Result<Address> ParseWalletAddress(const nlohmann::json& stack);

/// `get_jetton_data() → (total_supply, mintable, admin_address, jetton_content, jetton_wallet_code)`.
struct JettonData {
    Bytes total_supply;  ///< big-endian magnitude, no leading zeros (empty: 0)
    bool mintable = false;
    std::optional<Address> admin;  ///< nullopt: addr_none (no admin)
    CellPtr content;               ///< TEP-64 content
    CellPtr wallet_code;
};
/// Error `ton.invalid_stack`.
Result<JettonData> ParseJettonData(const nlohmann::json& stack);

/// `get_wallet_data() → (balance, owner, jetton_master, jetton_wallet_code)`.
struct JettonWalletData {
    std::uint64_t balance = 0;
    Address owner;
    Address master;
    CellPtr wallet_code;
};
/// Error `ton.invalid_stack` (also for a balance above 2^64 - 1).
Result<JettonWalletData> ParseJettonWalletData(const nlohmann::json& stack);

}  // namespace onton::ton
