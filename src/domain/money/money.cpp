#include "domain/money/money.hpp"

#include <algorithm>
#include <charconv>

namespace onton::money {

std::string_view Code(Currency currency) noexcept {
    switch (currency) {
        case Currency::kTon:
            return "TON";
        case Currency::kUsdt:
            return "USDT";
        case Currency::kStars:
            return "XTR";
    }
    return "TON";
}

int Decimals(Currency currency) noexcept {
    switch (currency) {
        case Currency::kTon:
            return 9;
        case Currency::kUsdt:
            return 6;
        case Currency::kStars:
            return 0;
    }
    return 9;
}

std::optional<Currency> ParseCurrency(std::string_view code) noexcept {
    for (const auto currency : kCurrencies) {
        if (Code(currency) == code) return currency;
    }
    return std::nullopt;
}

std::optional<std::int64_t> ParseUnits(std::string_view text) noexcept {
    if (text.empty() || text.size() > 19) return std::nullopt;
    if (text.size() > 1 && text.front() == '0') return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::int64_t v = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    return v;
}

std::string Format(const Money& amount) {
    const auto decimals = static_cast<std::size_t>(Decimals(amount.currency));
    // Work on the magnitude's digits so that INT64_MIN cannot overflow a negation.
    std::string digits = std::to_string(amount.units);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.erase(digits.begin());
    if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
    std::string whole = digits.substr(0, digits.size() - decimals);
    std::string fraction = digits.substr(digits.size() - decimals);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    std::string out = negative ? "-" : "";
    out += whole;
    if (!fraction.empty()) out += "." + fraction;
    out += " ";
    out += Code(amount.currency);
    return out;
}

}  // namespace onton::money
