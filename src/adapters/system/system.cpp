#include "adapters/system/system.hpp"

#include "common/encoding.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>

namespace onton::system {

std::int64_t SystemClock::NowUnix() const {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

SystemRandom::SystemRandom() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string SystemRandom::Bytes(std::size_t n) {
    std::string out(n, '\0');
    randombytes_buf(out.data(), n);
    return out;
}

std::string SystemRandom::Uuid() { return FormatUuidV4(Bytes(16)); }

}  // namespace onton::system
