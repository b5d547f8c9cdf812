#pragma once
/// Bag of cells (`serialized_boc#b5ee9c72`): the byte form of cell trees on the wire (toncenter, TON
/// Connect). The serializer writes the same bytes as @ton/core `Cell.toBoc` (deduplicated DAG, same
/// topological order). The parser takes untrusted input: every malformed or hostile BOC gives
/// `ton.boc_invalid` (or `ton.exotic_cell`, `ton.depth_exceeded`), never a crash; work and memory stay
/// proportional to the input length.

#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ton/cell.hpp"
#include "ton/codec.hpp"

namespace onton::ton {

struct BocOptions {
    bool with_index = false;  ///< an offset index after the root list (each cell's end offset)
    bool with_crc32c = true;  ///< a CRC-32C trailer (little-endian); @ton/core's default
};

/// Serializes one tree; identical subtrees (same hash) are written once. A null root is a programming error
/// and throws std::invalid_argument.
Bytes SerializeBoc(const CellPtr& root, BocOptions options = {});
/// Serializes several roots in one BOC (root list in the given order). No roots, or a null one, throws
/// std::invalid_argument.
Bytes SerializeBoc(const std::vector<CellPtr>& roots, BocOptions options = {});

/// Parses a BOC with any number of roots: magic b5ee9c72 and the legacy 68ff65f3 (index) and acc3a728 (index
/// and CRC-32C). Checks the CRC, the field widths, that every ref points forward and in range, the index when
/// present, that no byte is left over, and the depth limit. Refuses exotic cells and absent cells.
Result<std::vector<CellPtr>> ParseBoc(ByteView bytes);
/// Parses a BOC that must have exactly one root.
Result<CellPtr> ParseBocRoot(ByteView bytes);
/// Decodes BOC text, hex (`b5ee9c72…`) or base64 in either alphabet (`te6cc…`), surrounding whitespace
/// ignored, and parses it. Error `ton.boc_invalid` when it is neither.
Result<std::vector<CellPtr>> ParseBocText(std::string_view text);

}  // namespace onton::ton
