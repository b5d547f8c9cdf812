#pragma once
/// Byte strings of the ton library and their text forms (hex, base64 in both alphabets). Pure functions.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace onton::ton {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

/// The bytes of a string, unchanged.
Bytes ToBytes(std::string_view text);
/// Lower-case hex.
std::string ToHex(ByteView bytes);
/// Hex of either case, even length. Error `ton.invalid_hex` otherwise.
Result<Bytes> FromHex(std::string_view hex);
/// Base64 with padding; `url_safe` selects `-` and `_` (RFC 4648 §5) instead of `+` and `/`.
std::string ToBase64(ByteView bytes, bool url_safe = false);
/// Base64 in either alphabet (even mixed), padding optional but, when present, correct; non-zero leftover
/// bits are refused so that every byte string has exactly one accepted text form per alphabet. Error
/// `ton.invalid_base64`.
Result<Bytes> FromBase64(std::string_view text);

}  // namespace onton::ton
