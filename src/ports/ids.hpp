#pragma once
/// Randomness port: secrets (session tokens, check-in codes) and identifiers. The system adapter uses the OS
/// CSPRNG; tests inject a deterministic fake.

#include <cstddef>
#include <string>

namespace onton::ports {

class Random {
public:
    virtual ~Random() = default;
    /// `n` bytes from a cryptographically secure source.
    [[nodiscard]] virtual std::string Bytes(std::size_t n) = 0;
    /// A random (version 4) UUID in its canonical lower-case text form.
    [[nodiscard]] virtual std::string Uuid() = 0;
};

}  // namespace onton::ports
