#pragma once
/// Slow, salted hashes for short secrets people type (an online event's check-in phrase): Argon2id through
/// libsodium's crypto_pwhash_str. Pure functions over bytes: no I/O.

#include <string>
#include <string_view>

namespace onton {

/// Argon2id with OWASP's minimum for it (19 MiB, 2 passes): the self-describing `$argon2id$v=19$m=...` string
/// with its own random salt, so two hashes of one secret differ. Throws std::runtime_error when libsodium
/// fails (out of memory).
[[nodiscard]] std::string HashSecret(std::string_view secret);

/// Whether `secret` is the one `encoded` (from HashSecret) was made from. libsodium recomputes the hash with
/// the encoded salt and limits and compares in constant time. False for anything that is not an Argon2id
/// encoding.
[[nodiscard]] bool VerifySecret(std::string_view encoded, std::string_view secret);

/// Whether `encoded` is an Argon2id encoding (as opposed to an older plain digest).
[[nodiscard]] bool IsSecretHash(std::string_view encoded) noexcept;

/// Equality of two byte strings in time that depends only on their lengths.
[[nodiscard]] bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept;

}  // namespace onton
