#include "common/secret_hash.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace onton {
namespace {

// OWASP Password Storage Cheat Sheet, Argon2id: m = 19 MiB, t = 2, p = 1 (libsodium uses one lane). A phrase
// said aloud has little entropy: the cost is what protects it if the database leaks, and it is paid once per
// attempt, which the caller rate-limits.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19U * 1024U * 1024U;
constexpr std::string_view kPrefix = "$argon2id$";

void InitSodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

}  // namespace

std::string HashSecret(std::string_view secret) {
    InitSodium();
    std::vector<char> out(crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str_alg(
            out.data(), secret.data(), secret.size(), kOpsLimit, kMemLimit, crypto_pwhash_ALG_ARGON2ID13) !=
        0) {
        throw std::runtime_error("Argon2id hashing failed (out of memory)");
    }
    return std::string(out.data());
}

bool VerifySecret(std::string_view encoded, std::string_view secret) {
    if (!IsSecretHash(encoded) || encoded.size() >= crypto_pwhash_STRBYTES) return false;
    InitSodium();
    const std::string terminated(encoded);  // libsodium reads a NUL-terminated string
    return crypto_pwhash_str_verify(terminated.c_str(), secret.data(), secret.size()) == 0;
}

bool IsSecretHash(std::string_view encoded) noexcept { return encoded.substr(0, kPrefix.size()) == kPrefix; }

bool ConstantTimeEquals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace onton
