#pragma once
/// Byte encodings and digests used across layers (pure functions, no I/O).

#include <string>
#include <string_view>

namespace onton {

/// Lower-case hex of bytes.
std::string Hex(std::string_view bytes);
/// base64url without padding (RFC 4648 §5).
std::string Base64Url(std::string_view bytes);
/// Lower-case hex SHA-256 of the input.
std::string Sha256Hex(std::string_view input);
/// Formats 16 bytes as a version 4 UUID (sets the version and variant bits). Throws std::invalid_argument otherwise.
std::string FormatUuidV4(std::string bytes);

}  // namespace onton
