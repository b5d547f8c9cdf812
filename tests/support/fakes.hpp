#pragma once
/// Deterministic Clock and Random for tests.

#include <atomic>
#include <cstdint>
#include <string>

#include "common/encoding.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"

namespace onton::test {

class FakeClock final : public ports::Clock {
public:
    explicit FakeClock(std::int64_t now = 1'800'000'000) : now_(now) {}
    [[nodiscard]] std::int64_t NowUnix() const override { return now_.load(); }
    void Advance(std::int64_t seconds) { now_ += seconds; }
    void Set(std::int64_t now) { now_ = now; }

private:
    std::atomic<std::int64_t> now_;
};

/// Deterministic bytes from splitmix64 over a counter: distinct on every call (no short cycle, so bulk uuids and
/// payment comments never repeat), the same sequence in every run. Thread-safe.
class FakeRandom final : public ports::Random {
public:
    [[nodiscard]] std::string Bytes(std::size_t n) override {
        std::string out(n, '\0');
        for (std::size_t i = 0; i < n; i += 8) {
            std::uint64_t z = counter_.fetch_add(0x9E3779B97F4A7C15ULL) + 0x9E3779B97F4A7C15ULL;
            z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
            z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
            z ^= z >> 31U;
            for (std::size_t k = 0; k < 8 && i + k < n; ++k) out[i + k] = static_cast<char>((z >> (8U * k)) & 0xFFU);
        }
        return out;
    }
    [[nodiscard]] std::string Uuid() override { return FormatUuidV4(Bytes(16)); }

private:
    std::atomic<std::uint64_t> counter_{1};
};

}  // namespace onton::test
