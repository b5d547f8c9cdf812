// FoldCase (common/fold_case): the lower-casing search shares between the stores and its patterns.
#include "common/fold_case.hpp"

#include <gtest/gtest.h>

namespace onton {
namespace {

TEST(FoldCase, LowersEveryScriptWithCaseAndKeepsTheRest) {
    EXPECT_EQ(FoldCase("TON Meetup 2026"), "ton meetup 2026");
    EXPECT_EQ(FoldCase("НОВОГОДНЯЯ ЁЛКА"), "новогодняя ёлка");
    EXPECT_EQ(FoldCase("ÅSA ÄRLIG ÖL ÉTÉ ÇA"), "åsa ärlig öl été ça");
    EXPECT_EQ(FoldCase("ΩMEGA ΣΙΓΜΑ"), "ωmega σιγμα");
    EXPECT_EQ(FoldCase("ĞÜŞ ĄĘŁ"), "ğüş ąęł");
    EXPECT_EQ(FoldCase("日本語 🎟 100%_\\"), "日本語 🎟 100%_\\") << "no case: unchanged";
    EXPECT_EQ(FoldCase(""), "");
}

TEST(FoldCase, KeepsBytesThatAreNotUtf8) {
    const std::string broken =
        std::string("A\xC3") + "B\xFF" + "\xE0\x80\x80" + "\xED\xA0\x80";  // truncated,
    // invalid, overlong, surrogate
    EXPECT_EQ(FoldCase(broken), std::string("a\xC3") + "b\xFF" + "\xE0\x80\x80" + "\xED\xA0\x80");
}

}  // namespace
}  // namespace onton
