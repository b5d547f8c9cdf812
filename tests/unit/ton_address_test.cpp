#include <gtest/gtest.h>

#include "ton/address.hpp"
#include "ton/cell.hpp"
#include "ton/crc.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;

constexpr const char* kRaw = "0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3";

TEST(TonAddress, OfficialVectors) {
    const Address a = *ParseRawAddress(kRaw);
    EXPECT_EQ(a.ToString(), "EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJB");
    EXPECT_EQ(a.ToString(true, false, false), "EQAs9VlT6S776tq3unJcP5Ogsj+ELLunLXuOb1EKcOQi4wJB");
    EXPECT_EQ(a.ToString(false), "UQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi41-E");
    EXPECT_EQ(a.ToString(true, true), "kQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi47nL");
    EXPECT_EQ(a.ToString(false, true), "0QAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4-QO");
    const auto parsed = *ParseAddress("0QAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4-QO");
    EXPECT_EQ(parsed.address, a);
    EXPECT_TRUE(parsed.user_friendly);
    EXPECT_FALSE(parsed.bounceable);
    EXPECT_TRUE(parsed.testnet);
    EXPECT_TRUE(parsed.url_safe);
    const auto master = *ParseRawAddress("-1:" + std::string(64, '3'));
    EXPECT_EQ(master.workchain, -1);
    EXPECT_EQ(*NormalizeAddress(master.ToString()), "-1:" + std::string(64, '3'));
}

TEST(TonAddress, MatchesTonCoreVectors) {
    const auto cases = LoadVectors("addresses.json");
    ASSERT_GE(cases.size(), 400U);
    const std::vector<std::tuple<std::string, bool, bool, bool>> forms = {
        {"bounceable", true, false, true},
        {"bounceable_std", true, false, false},
        {"non_bounceable", false, false, true},
        {"non_bounceable_std", false, false, false},
        {"testnet_bounceable", true, true, true},
        {"testnet_bounceable_std", true, true, false},
        {"testnet_non_bounceable", false, true, true},
        {"testnet_non_bounceable_std", false, true, false},
    };
    for (const auto& c : cases) {
        const std::string raw = c.at("raw");
        auto address = ParseRawAddress(raw);
        ASSERT_TRUE(address.ok()) << raw;
        EXPECT_EQ(address->ToRaw(), raw);
        EXPECT_EQ(address->workchain, c.at("workchain").get<int>());
        EXPECT_EQ(ToHex(address->hash), c.at("hash").get<std::string>());
        for (const auto& [key, bounceable, testnet, url_safe] : forms) {
            const std::string text = c.at(key);
            EXPECT_EQ(address->ToString(bounceable, testnet, url_safe), text) << key;
            auto parsed = ParseAddress(text);
            ASSERT_TRUE(parsed.ok()) << text;
            EXPECT_EQ(parsed->address, *address);
            EXPECT_EQ(parsed->bounceable, bounceable);
            EXPECT_EQ(parsed->testnet, testnet);
            EXPECT_EQ(*NormalizeAddress(text), raw);
        }
    }
}

TEST(TonAddress, ContractAddressFromStateInit) {
    // ton-core contractAddress.spec.ts (ton-telegram.md §3.3): StateInit with code = uint8 1 and data = uint8
    // 2 is `0 0 1 1 0` (no split_depth, no special, code, data, no library) plus the two refs.
    Builder code;
    Builder data;
    ASSERT_TRUE(code.StoreUint(1, 8).ok());
    ASSERT_TRUE(data.StoreUint(2, 8).ok());
    Builder init;
    ASSERT_TRUE(init.StoreUint(0b00110, 5).ok());
    ASSERT_TRUE(init.StoreRef(*code.Build()).ok());
    ASSERT_TRUE(init.StoreRef(*data.Build()).ok());
    Address a;
    a.hash = (*init.Build())->hash();
    EXPECT_EQ(a.ToString(), "EQCSY_vTjwGrlvTvkfwhinJ60T2oiwgGn3U7Tpw24kupIhHz");
}

TEST(TonAddress, RawFormIsCaseInsensitiveAndCanonicalIsLowerCase) {
    std::string upper = kRaw;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(*NormalizeAddress(upper), kRaw);
}

TEST(TonAddress, InvalidRawForms) {
    const std::string hash(64, 'a');
    for (const std::string& bad : {std::string(""),
                                   ":" + hash,
                                   "0" + hash,
                                   "0:" + hash.substr(1),
                                   "0:" + hash + "a",
                                   "0:" + hash.substr(1) + "g",
                                   "128:" + hash,
                                   "-129:" + hash,
                                   "+1:" + hash,
                                   "00:" + hash,
                                   "-0:" + hash,
                                   "1.0:" + hash,
                                   "0x0:" + hash,
                                   " 0:" + hash,
                                   "0:" + hash + " ",
                                   "0::" + hash,
                                   "1000:" + hash}) {
        auto parsed = ParseAddress(bad);
        EXPECT_FALSE(parsed.ok()) << bad;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().code, "ton.invalid_address");
        }
    }
    EXPECT_EQ((*ParseRawAddress("127:" + hash)).workchain, 127);
    EXPECT_EQ((*ParseRawAddress("-128:" + hash)).workchain, -128);
}

TEST(TonAddress, InvalidFriendlyForms) {
    const std::string good = "EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJB";
    ASSERT_TRUE(ParseAddress(good).ok());
    EXPECT_FALSE(ParseAddress(good.substr(1)).ok());
    EXPECT_FALSE(ParseAddress(good + "A").ok());
    EXPECT_FALSE(ParseAddress("EQAs9VlT6S776tq3unJcP5Ogsj+ELLunLXuOb1EKcOQi4wJ_").ok());  // mixed alphabets
    // Every single-character change breaks the CRC (or the base64, or the flags).
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const char ch : {'A', 'z', '-', '9'}) {
            if (good[i] == ch) continue;
            std::string bad = good;
            bad[i] = ch;
            EXPECT_FALSE(ParseAddress(bad).ok()) << bad;
        }
    }
    // A valid CRC over unknown flags.
    Address a = *ParseRawAddress(std::string("0:") + std::string(64, '0'));
    std::string text = a.ToString();
    auto raw = *FromBase64(text);
    raw[0] = 0x12;
    const std::uint16_t crc = Crc16(ByteView(raw).first(34));
    raw[34] = static_cast<std::uint8_t>(crc >> 8);
    raw[35] = static_cast<std::uint8_t>(crc & 0xFF);
    EXPECT_EQ(ParseAddress(ToBase64(raw, true)).error().code, "ton.invalid_address");
    raw[0] = 0x11;
    EXPECT_TRUE(ParseAddress(ToBase64(raw, true)).ok() == false);  // the CRC now covers 0x12
}

}  // namespace
}  // namespace onton::ton
