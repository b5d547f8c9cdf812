#include "ports/chain.hpp"

#include <charconv>
#include <limits>
#include <utility>

namespace onton::ports {

StackEntry StackEntry::Num(std::string number_text) {
    StackEntry e;
    e.kind = Kind::kNum;
    e.number = std::move(number_text);
    return e;
}

StackEntry StackEntry::Cell(std::string boc_base64) {
    StackEntry e;
    e.kind = Kind::kCell;
    e.boc = std::move(boc_base64);
    return e;
}

StackEntry StackEntry::Slice(std::string boc_base64) {
    StackEntry e;
    e.kind = Kind::kSlice;
    e.boc = std::move(boc_base64);
    return e;
}

std::optional<std::int64_t> StackEntry::AsInt64() const {
    if (kind != Kind::kNum) return std::nullopt;
    std::string_view text = number;
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) text.remove_prefix(1);
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty()) return std::nullopt;
    std::uint64_t magnitude = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, magnitude, base);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!negative) {
        if (magnitude > kMax) return std::nullopt;
        return static_cast<std::int64_t>(magnitude);
    }
    if (magnitude > kMax + 1) return std::nullopt;
    if (magnitude == kMax + 1) return std::numeric_limits<std::int64_t>::min();
    return -static_cast<std::int64_t>(magnitude);
}

}  // namespace onton::ports
