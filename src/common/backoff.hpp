#pragma once
/// Exponential backoff in whole seconds for retries counted by attempts: `initial` after the first attempt,
/// doubling per attempt, never more than `max`.

#include <algorithm>
#include <cstdint>

namespace onton {

[[nodiscard]] inline std::int64_t BackoffSeconds(std::int64_t attempts, std::int64_t initial, std::int64_t max) {
    std::int64_t backoff = initial;
    for (std::int64_t i = 1; i < attempts && backoff < max; ++i) backoff *= 2;
    return std::min(backoff, max);
}

}  // namespace onton
