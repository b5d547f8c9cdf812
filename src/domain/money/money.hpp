#pragma once
/// Money: the currencies a ticket may be priced in and amounts as integer counts of a currency's smallest
/// unit, never floating point. TON counts nanotons (9 decimals), USDT on TON counts micro-USDT (the jetton's
/// 6 decimals), Telegram Stars (`XTR`) count whole Stars. The API writes amounts as decimal strings of those
/// units.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onton::money {

enum class Currency {
    kTon,    ///< Toncoin, paid to the platform wallet
    kUsdt,   ///< Tether USD, a TEP-74 jetton on TON, paid to the platform wallet's jetton wallet
    kStars,  ///< Telegram Stars, paid through a Bot API invoice
};

/// Every currency, in the order the API lists them.
inline constexpr Currency kCurrencies[] = {Currency::kTon, Currency::kUsdt, Currency::kStars};

/// The API's code: `TON`, `USDT`, `XTR` (Telegram's ISO-4217-like code for Stars).
[[nodiscard]] std::string_view Code(Currency currency) noexcept;
/// Digits after the decimal point of one unit of the currency: 9, 6, 0.
[[nodiscard]] int Decimals(Currency currency) noexcept;
/// The currency of an API code (exact, upper case); nullopt for anything else.
[[nodiscard]] std::optional<Currency> ParseCurrency(std::string_view code) noexcept;

/// An amount of one currency, in its smallest unit.
struct Money {
    std::int64_t units = 0;
    Currency currency = Currency::kTon;
    friend bool operator==(const Money&, const Money&) = default;
};

/// A non-negative integer of smallest units written as the API writes it: decimal digits, no sign, no leading
/// zero (but "0"), at most int64's range. nullopt for anything else.
[[nodiscard]] std::optional<std::int64_t> ParseUnits(std::string_view text) noexcept;

/// The amount for people: "1.5 TON", "12.345 USDT", "250 XTR" (trailing zeros of the fraction dropped).
[[nodiscard]] std::string Format(const Money& amount);

}  // namespace onton::money
