#pragma once
/// The retry loop both adapters wrap around a transaction attempt.

#include <functional>

#include "ports/store.hpp"

namespace onton::storage {

/// Runs `attempt` until it returns, retrying (after a jittered exponential backoff of a few milliseconds)
/// while it throws StoreError::Kind::kSerialization and fewer than `max_attempts` attempts were made; any
/// other exception, or the last serialization failure, propagates.
void RunWithRetry(int max_attempts, const std::function<void()>& attempt);

}  // namespace onton::storage
