#include "adapters/storage/retry.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace onton::storage {
namespace {

constexpr double kBaseBackoffMs = 1.0;
constexpr double kMaxBackoffMs = 50.0;

void Backoff(int failed_attempts) {
    // Full jitter: contenders that failed together must not wake together, or they collide again.
    thread_local std::mt19937 generator{std::random_device{}()};
    const double ceiling =
        std::min(kMaxBackoffMs, kBaseBackoffMs * static_cast<double>(1 << std::min(failed_attempts, 8)));
    std::uniform_real_distribution<double> delay(0.0, ceiling);
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay(generator)));
}

}  // namespace

void RunWithRetry(int max_attempts, const std::function<void()>& attempt) {
    const int attempts = std::max(1, max_attempts);
    for (int i = 1;; ++i) {
        try {
            attempt();
            return;
        } catch (const ports::StoreError& error) {
            if (error.kind() != ports::StoreError::Kind::kSerialization || i >= attempts) throw;
        }
        Backoff(i);
    }
}

}  // namespace onton::storage
