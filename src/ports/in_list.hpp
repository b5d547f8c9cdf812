#pragma once
/// Chunked `IN (...)` lists: a statement per run of up to 256 values, each list padded to a power of two
/// (ports::PadToPowerOfTwo) so that prepared statements come in few distinct sizes.

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ports/store.hpp"

namespace onton::ports {

/// Calls `run(list, count)` for each run of up to 256 of `values`; `list` holds the run padded for
/// PaddedInList(count, first).
template <typename Run>
void ForEachInListChunk(const std::vector<std::string>& values, Run run) {
    constexpr std::size_t kChunk = 256;
    for (std::size_t at = 0; at < values.size(); at += kChunk) {
        const auto count = std::min(kChunk, values.size() - at);
        SqlParams list(values.begin() + static_cast<std::ptrdiff_t>(at),
                       values.begin() + static_cast<std::ptrdiff_t>(at + count));
        PadToPowerOfTwo(list);
        run(std::move(list), count);
    }
}

}  // namespace onton::ports
