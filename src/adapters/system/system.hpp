#pragma once
/// The production Clock and Random adapters.

#include "ports/clock.hpp"
#include "ports/ids.hpp"

namespace onton::system {

class SystemClock final : public ports::Clock {
public:
    [[nodiscard]] std::int64_t NowUnix() const override;
};

/// libsodium's randombytes (getrandom(2)); thread-safe.
class SystemRandom final : public ports::Random {
public:
    SystemRandom();
    [[nodiscard]] std::string Bytes(std::size_t n) override;
    [[nodiscard]] std::string Uuid() override;
};

}  // namespace onton::system
