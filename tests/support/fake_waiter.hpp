#pragma once
/// A Waiter (adapters/telegram/paced_messenger.hpp) on simulated time: SleepUntil jumps the clock instead of
/// sleeping and records how long it would have waited. Single-threaded use only.

#include <algorithm>
#include <vector>

#include "adapters/telegram/paced_messenger.hpp"

namespace onton::test {

class FakeWaiter final : public telegram_bot::Waiter {
public:
    [[nodiscard]] telegram::SteadyTime Now() override { return now_; }
    void SleepUntil(telegram::SteadyTime deadline) override {
        sleeps_.push_back(deadline - now_);
        now_ = std::max(now_, deadline);
    }
    /// Every requested wait, in order (negative or zero when the deadline had already passed).
    [[nodiscard]] const std::vector<telegram::SteadyTime>& sleeps() const { return sleeps_; }

private:
    telegram::SteadyTime now_ = std::chrono::seconds(1'000);
    std::vector<telegram::SteadyTime> sleeps_;
};

}  // namespace onton::test
