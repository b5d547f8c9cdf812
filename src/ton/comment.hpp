#pragma once
/// Text comments: the message body `op:uint32 = 0` followed by UTF-8 text in snake form (each cell filled
/// with whole bytes, the rest continued in its first ref), as wallets and @ton/core `comment()` write it.

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ton/cell.hpp"

namespace onton::ton {

/// Largest comment accepted by BuildComment/ParseComment, in bytes (wallets cut far shorter; this bounds
/// work).
inline constexpr std::size_t kMaxCommentBytes = 64 * 1024;

/// The body cell of a text comment. Errors: `ton.invalid_comment` (not UTF-8, or above kMaxCommentBytes).
Result<CellPtr> BuildComment(std::string_view text);
/// The text of a comment body: op 0, whole bytes in every cell, at most one ref per cell, valid UTF-8.
/// Errors: `ton.not_a_comment` (another op, or too short for one), `ton.invalid_comment` otherwise.
Result<std::string> ParseComment(const CellPtr& body);
/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace onton::ton
