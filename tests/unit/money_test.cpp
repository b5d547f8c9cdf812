// Currencies and amounts (domain/money): codes, decimals, the API's decimal strings and amounts for people.
#include "domain/money/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace onton::money {
namespace {

TEST(Money, CodesAndDecimalsOfEveryCurrency) {
    EXPECT_EQ(Code(Currency::kTon), "TON");
    EXPECT_EQ(Code(Currency::kUsdt), "USDT");
    EXPECT_EQ(Code(Currency::kStars), "XTR");
    EXPECT_EQ(Decimals(Currency::kTon), 9);
    EXPECT_EQ(Decimals(Currency::kUsdt), 6) << "USDT on TON is a jetton with 6 decimals";
    EXPECT_EQ(Decimals(Currency::kStars), 0) << "Stars are whole";
    for (const auto currency : kCurrencies) EXPECT_EQ(ParseCurrency(Code(currency)), currency);
    for (const auto* bad : {"", "ton", "usdt", "xtr", "STARS", "EUR", "TON ", " TON"}) {
        EXPECT_FALSE(ParseCurrency(bad)) << bad;
    }
}

TEST(Money, ParsesOnlyCanonicalDecimalIntegers) {
    EXPECT_EQ(ParseUnits("0"), 0);
    EXPECT_EQ(ParseUnits("1500000000"), 1500000000);
    EXPECT_EQ(ParseUnits("9223372036854775807"), INT64_MAX);
    for (const auto* bad : {"",
                            "-1",
                            "+1",
                            "1.0",
                            "1e9",
                            "00",
                            "01",
                            " 1",
                            "1 ",
                            "9223372036854775808",
                            "99999999999999999999",
                            "0x10"}) {
        EXPECT_FALSE(ParseUnits(bad)) << bad;
    }
}

TEST(Money, FormatsForPeopleWithoutTrailingZeros) {
    EXPECT_EQ(Format({1500000000, Currency::kTon}), "1.5 TON");
    EXPECT_EQ(Format({1, Currency::kTon}), "0.000000001 TON");
    EXPECT_EQ(Format({0, Currency::kTon}), "0 TON");
    EXPECT_EQ(Format({2000000000, Currency::kTon}), "2 TON");
    EXPECT_EQ(Format({12345000, Currency::kUsdt}), "12.345 USDT");
    EXPECT_EQ(Format({999999, Currency::kUsdt}), "0.999999 USDT");
    EXPECT_EQ(Format({250, Currency::kStars}), "250 XTR");
    EXPECT_EQ(Format({INT64_MAX, Currency::kTon}), "9223372036.854775807 TON");
    EXPECT_EQ(Format({INT64_MIN, Currency::kUsdt}), "-9223372036854.775808 USDT");
}

}  // namespace
}  // namespace onton::money
