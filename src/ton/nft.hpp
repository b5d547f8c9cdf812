#pragma once
/// TEP-62 NFT collections and items, TEP-85 soulbound items, TEP-64 off-chain content and TEP-66 royalty, in
/// the layouts of the reference token-contract `nft-collection.fc` and of @ton-community/assets-sdk 0.0.5:
/// the collection's state init and deploy message, mint (op 1) and batch mint (op 2) bodies, item addresses,
/// and the parsing of `get_collection_data` / `get_nft_data` results from a toncenter stack. NftCode() embeds
/// the compiled contracts of @ton-community/assets-sdk 0.0.5 (src/ton/generated/nft_codes.cpp, written by
/// tools/ton-vectors/embed.js; the unit tests check it equals tests/vectors/ton/nft.json).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/cell.hpp"
#include "ton/wallet.hpp"

namespace onton::ton {

namespace nft_op {
inline constexpr std::uint32_t kMint = 1;
inline constexpr std::uint32_t kBatchMint = 2;
inline constexpr std::uint32_t kChangeOwner = 3;
}  // namespace nft_op

/// The embedded contracts: the editable NFT collection, the NFT item and the TEP-85 SBT item of
/// @ton-community/assets-sdk 0.0.5.
enum class NftContract { kCollection, kItem, kSbtItem };
const CellPtr& NftCode(NftContract contract);

/// Largest batch the reference collection accepts (it refuses 250 and more).
inline constexpr std::size_t kMaxBatchMint = 249;

/// Text in snake form as @ton/core `storeStringTail`: whole bytes filling the cell, the rest in its first
/// ref.
Result<CellPtr> SnakeText(std::string_view text);
/// TEP-64 off-chain content: `0x01` then the URI in snake form.
Result<CellPtr> OffchainContent(std::string_view uri);
/// The URI of an off-chain content cell (`0x01` ‖ snake text). Errors: `ton.invalid_content`.
Result<std::string> ParseOffchainContent(const CellPtr& content);

/// TEP-66 royalty: numerator/denominator of each sale paid to `destination`.
struct RoyaltyParams {
    std::uint16_t numerator = 0;
    std::uint16_t denominator = 1;
    Address destination;
};

struct NftCollectionConfig {
    Address owner;
    std::uint64_t next_item_index = 0;
    std::string
        collection_content_url;         ///< e.g. https://host/nft/<event>/collection.json (off-chain, TEP-64)
    std::string common_content_prefix;  ///< e.g. https://host/nft/<event>/ ; items add `<ticket>.json`
    CellPtr item_code;                  ///< NFT item or SBT item code
    RoyaltyParams royalty;
};

/// `owner ‖ next_item_index:u64 ‖ ^[^collection_content ^common_content] ‖ ^item_code ‖ ^royalty`.
Result<CellPtr> NftCollectionData(const NftCollectionConfig& config);
Result<StateInit> NftCollectionStateInit(const CellPtr& collection_code, const NftCollectionConfig& config);
Result<Address> NftCollectionAddress(const CellPtr& collection_code,
                                     const NftCollectionConfig& config,
                                     std::int8_t workchain = 0);
/// The owner wallet's deploy message: bounce false, the state init, an empty body.
Result<InternalMessage> NftCollectionDeployMessage(const CellPtr& collection_code,
                                                   const NftCollectionConfig& config,
                                                   Nanotons value,
                                                   std::int8_t workchain = 0);

/// One item to mint: its index, the TON forwarded to it, its owner and the individual content suffix
/// (appended to the collection's common content). With `authority` it is an SBT (TEP-85) item.
struct NftMintItem {
    std::uint64_t index = 0;
    Nanotons amount;
    Address owner;
    std::string content;
    std::optional<Address> authority;  ///< SBT only; nullopt: a transferable NFT item
};

/// The item's init content: `owner ‖ ^snake(content)`, plus `‖ authority` for an SBT.
Result<CellPtr> NftItemInitContent(const NftMintItem& item);
/// op 1: `op:u32 ‖ query_id:u64 ‖ index:u64 ‖ amount:Coins ‖ ^init_content`.
Result<CellPtr> NftMintBody(std::uint64_t query_id, const NftMintItem& item);
/// op 2: `op:u32 ‖ query_id:u64 ‖ ^dict(u64 index → amount:Coins ‖ ^init_content)`; 1..249 items, distinct
/// indexes. Error `ton.invalid_batch`.
Result<CellPtr> NftBatchMintBody(std::uint64_t query_id, const std::vector<NftMintItem>& items);

/// HashmapE serialization (the root of a non-empty dictionary, stored "direct"), with @ton/core's label
/// choice (shortest of hml_short, hml_long, hml_same; ties to the earlier). Keys are `key_bits`-bit unsigned
/// integers (1..64); each value's bits and refs are written inline at its leaf. Error `ton.invalid_dict`
/// (empty, a key too wide, a null value) or a cell overflow.
Result<CellPtr> SerializeDict(const std::map<std::uint64_t, CellPtr>& values, std::size_t key_bits);

/// The address of item `index`: hash of StateInit(item_code, index:u64 ‖ collection).
Result<Address> NftItemAddress(const CellPtr& item_code,
                               const Address& collection,
                               std::uint64_t index,
                               std::int8_t workchain = 0);

/// One entry of a get-method result stack.
struct StackEntry {
    enum class Kind { kNum, kCell, kNull };
    Kind kind = Kind::kNull;
    Bytes num;  ///< kNum: the magnitude, big-endian, no leading zeros
    bool negative = false;
    CellPtr cell;  ///< kCell (cells and slices alike)
};

/// Parses a toncenter stack: v2 `[["num","0x1a"],["cell",{"bytes":"<b64 BOC>"}],["slice",{...}],["null"]]`
/// (also `["tvm.Cell","<b64>"]`, `["tvm.Slice",…]`) or v3 `[{"type":"num","value":"0x1a"},{"type":"cell",
/// "value":"<b64>"}]`. Numbers in hex (`0x`, `-0x`) or decimal. Error `ton.invalid_stack`.
Result<std::vector<StackEntry>> ParseStack(const nlohmann::json& stack);

struct CollectionData {
    std::uint64_t next_item_index = 0;
    CellPtr content;               ///< the collection content cell (TEP-64)
    std::optional<Address> owner;  ///< nullopt for addr_none
};

struct NftData {
    bool initialized = false;
    std::uint64_t index = 0;
    std::optional<Address> collection;
    std::optional<Address> owner;
    CellPtr individual_content;  ///< nullptr when the item is not initialized
};

/// The address in a get-method's slice result (`get_nft_address_by_index`): an `addr_std` at the slice's start.
/// Error `ton.invalid_stack` (not a cell, or addr_none).
Result<Address> ParseAddressEntry(const StackEntry& entry);

/// `get_collection_data() → (next_item_index, collection_content, owner)`. Error `ton.invalid_stack`.
Result<CollectionData> ParseCollectionData(const nlohmann::json& stack);
/// `get_nft_data() → (init?, index, collection, owner, individual_content)`. Error `ton.invalid_stack`.
Result<NftData> ParseNftData(const nlohmann::json& stack);

}  // namespace onton::ton
