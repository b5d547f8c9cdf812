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

/// Counter-based bytes: distinct on every call, the same sequence in every run.
class FakeRandom final : public ports::Random {
public:
    [[nodiscard]] std::string Bytes(std::size_t n) override {
        std::string out(n, '\0');
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = counter_.fetch_add(1);
            out[i] = static_cast<char>((v * 131U + 7U) & 0xFFU);
        }
        return out;
    }
    [[nodiscard]] std::string Uuid() override { return FormatUuidV4(Bytes(16)); }

private:
    std::atomic<std::uint64_t> counter_{1};
};

}  // namespace onton::test
