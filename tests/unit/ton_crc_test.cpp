#include <gtest/gtest.h>

#include "ton/codec.hpp"
#include "ton/crc.hpp"

namespace onton::ton {
namespace {

TEST(TonCrc, CheckValues) {
    const Bytes check = ToBytes("123456789");
    EXPECT_EQ(Crc16(check), 0x31C3);
    EXPECT_EQ(Crc32c(check), 0xE3069283U);
    EXPECT_EQ(Crc16({}), 0);
    EXPECT_EQ(Crc32c({}), 0U);
}

TEST(TonCodec, HexRoundTripAndErrors) {
    EXPECT_EQ(ToHex(ToBytes(std::string_view("\x00\xab\xff", 3))), "00abff");
    EXPECT_EQ(*FromHex("00ABff"), (Bytes{0x00, 0xab, 0xff}));
    EXPECT_EQ(FromHex("abc").error().code, "ton.invalid_hex");
    EXPECT_EQ(FromHex("zz").error().code, "ton.invalid_hex");
}

TEST(TonCodec, Base64BothAlphabets) {
    const Bytes bytes = {0xfb, 0xff, 0xbf, 0x01};
    EXPECT_EQ(ToBase64(bytes), "+/+/AQ==");
    EXPECT_EQ(ToBase64(bytes, true), "-_-_AQ==");
    EXPECT_EQ(*FromBase64("+/+/AQ=="), bytes);
    EXPECT_EQ(*FromBase64("-_-_AQ"), bytes);
    EXPECT_EQ(*FromBase64(""), Bytes{});
    for (const char* bad : {"A", "AQ=", "AQ===", "A*==", "AR==", "====", "AQ==AQ=="}) {
        EXPECT_FALSE(FromBase64(bad).ok()) << bad;
    }
}

}  // namespace
}  // namespace onton::ton
