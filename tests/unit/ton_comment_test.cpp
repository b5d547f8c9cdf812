#include <gtest/gtest.h>

#include "ton/boc.hpp"
#include "ton/comment.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::Unhex;

TEST(TonComment, DocumentedVector) {
    const CellPtr cell = *BuildComment("order-42");
    EXPECT_EQ(cell->BitsHex(), "000000006F726465722D3432");
    EXPECT_EQ(ToHex(SerializeBoc(cell, BocOptions{false, false})),
              "b5ee9c7201010101000e000018000000006f726465722d3432");
    EXPECT_EQ(ToHex(cell->hash()), "01b2aee5009febd589b09870366aac68680802e3af3a0497f6548166e74f7a33");
    EXPECT_EQ(*ParseComment(cell), "order-42");
}

TEST(TonComment, MatchesTonCoreVectors) {
    const auto cases = LoadVectors("comments.json");
    ASSERT_GE(cases.size(), 100U);
    for (const auto& c : cases) {
        const std::string text = c.at("text");
        auto cell = BuildComment(text);
        ASSERT_TRUE(cell.ok()) << text;
        EXPECT_EQ(ToHex((*cell)->hash()), c.at("hash").get<std::string>()) << text;
        EXPECT_EQ(ToHex(SerializeBoc(*cell, BocOptions{false, false})), c.at("boc").get<std::string>());
        auto parsed = ParseBocRoot(Unhex(c.at("boc")));
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ(*ParseComment(*parsed), text);
    }
}

TEST(TonComment, Errors) {
    EXPECT_EQ(BuildComment("\xff").error().code, "ton.invalid_comment");
    EXPECT_EQ(BuildComment(std::string(kMaxCommentBytes + 1, 'a')).error().code, "ton.invalid_comment");
    EXPECT_TRUE(BuildComment(std::string(kMaxCommentBytes, 'a')).ok());
    EXPECT_EQ(ParseComment(nullptr).error().code, "ton.not_a_comment");
    EXPECT_EQ(ParseComment(Cell::Empty()).error().code, "ton.not_a_comment");
    Builder op;
    ASSERT_TRUE(op.StoreUint(0x0f8a7ea5, 32).ok());
    EXPECT_EQ(ParseComment(*op.Build()).error().code, "ton.not_a_comment");
    Builder partial;
    ASSERT_TRUE(partial.StoreUint(0, 36).ok());
    EXPECT_EQ(ParseComment(*partial.Build()).error().code, "ton.invalid_comment");
    Builder two_refs;
    ASSERT_TRUE(two_refs.StoreUint(0, 32).ok());
    ASSERT_TRUE(two_refs.StoreRef(Cell::Empty()).ok());
    ASSERT_TRUE(two_refs.StoreRef(Cell::Empty()).ok());
    EXPECT_EQ(ParseComment(*two_refs.Build()).error().code, "ton.invalid_comment");
    Builder bad_utf8;
    ASSERT_TRUE(bad_utf8.StoreUint(0, 32).ok());
    ASSERT_TRUE(bad_utf8.StoreUint(0xc0af, 16).ok());  // an overlong '/'
    EXPECT_EQ(ParseComment(*bad_utf8.Build()).error().code, "ton.invalid_comment");
}

TEST(TonComment, Utf8Validation) {
    EXPECT_TRUE(IsValidUtf8(""));
    EXPECT_TRUE(IsValidUtf8("привет 日本 🎟️"));
    for (const char* bad :
         {"\x80", "\xc3", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80"}) {
        EXPECT_FALSE(IsValidUtf8(bad)) << ToHex(ToBytes(bad));
    }
}

}  // namespace
}  // namespace onton::ton
