#include <gtest/gtest.h>

#include <set>

#include "ton/mnemonic.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::Unhex;

constexpr const char* kDocMnemonic =
    "hospital stove relief fringe tongue always charge angry urge sentence again match nerve inquiry senior "
    "coconut label tumble carry category beauty bean road solution";

TEST(TonMnemonic, DocumentedVector) {
    const auto keys = MnemonicToKeyPair(SplitMnemonic(kDocMnemonic));
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(ToHex(keys->secret_key),
              "9d659a6c2234db7f6e4f977e6e8653b9f5946d557163f31034011375d8f3f97d"
              "f6c450a16bb1c514e22f1977e390a3025599aa1e7b00068a6aacf2119484c1bd");
    EXPECT_EQ(ToHex(keys->public_key), "f6c450a16bb1c514e22f1977e390a3025599aa1e7b00068a6aacf2119484c1bd");
}

TEST(TonMnemonic, MatchesTonCryptoVectors) {
    const auto cases = LoadVectors("mnemonics.json");
    ASSERT_GE(cases.size(), 60U);
    std::size_t valid = 0;
    std::size_t with_password = 0;
    for (const auto& c : cases) {
        const std::string text = c.at("words");
        const std::string password = c.value("password", "");
        const auto words = SplitMnemonic(text);
        EXPECT_EQ(IsValidMnemonic(words, password), c.at("valid").get<bool>()) << text << " / " << password;
        const auto keys = MnemonicToKeyPair(words, password);
        EXPECT_EQ(keys.ok(), c.at("valid").get<bool>() && words.size() == 24) << text;
        if (!c.at("valid").get<bool>()) {
            if (!keys.ok()) {
                EXPECT_EQ(keys.error().code, "ton.invalid_mnemonic");
            }
            continue;
        }
        ++valid;
        if (!password.empty()) ++with_password;
        ASSERT_TRUE(keys.ok()) << text;
        EXPECT_EQ(ToHex(keys->secret_key), c.at("secret_key").get<std::string>()) << text;
        EXPECT_EQ(ToHex(keys->public_key), c.at("public_key").get<std::string>()) << text;
    }
    EXPECT_GE(valid, 43U);
    EXPECT_EQ(with_password, 3U);
}

TEST(TonMnemonic, Wordlist) {
    const auto& list = MnemonicWordlist();
    EXPECT_EQ(list.front(), "abandon");
    EXPECT_EQ(list.back(), "zoo");
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
    EXPECT_EQ(std::set<std::string_view>(list.begin(), list.end()).size(), kMnemonicWordlistSize);
}

TEST(TonMnemonic, SplitNormalises) {
    EXPECT_EQ(SplitMnemonic("  Abandon\tZOO\n  ability "),
              (std::vector<std::string>{"abandon", "zoo", "ability"}));
    EXPECT_TRUE(SplitMnemonic(" \n\t").empty());
}

TEST(TonMnemonic, Refusals) {
    EXPECT_EQ(MnemonicToKeyPair({}).error().code, "ton.invalid_mnemonic");
    auto words = SplitMnemonic(kDocMnemonic);
    words.pop_back();
    EXPECT_EQ(MnemonicToKeyPair(words).error().code, "ton.invalid_mnemonic");
    words.push_back("notaword");
    EXPECT_EQ(MnemonicToKeyPair(words).error().code, "ton.invalid_mnemonic");
    words.back() = "road";  // a list word, but the seed check fails
    EXPECT_FALSE(IsValidMnemonic(words));
    // A password on a mnemonic that was not made for one is refused, as @ton/crypto does.
    EXPECT_FALSE(IsValidMnemonic(SplitMnemonic(kDocMnemonic), "secret"));
}

TEST(TonMnemonic, GeneratedMnemonicsAreValidAndDistinct) {
    const auto a = GenerateMnemonic();
    const auto b = GenerateMnemonic();
    EXPECT_EQ(a.size(), kMnemonicWords);
    EXPECT_TRUE(IsValidMnemonic(a));
    EXPECT_TRUE(IsValidMnemonic(b));
    EXPECT_NE(a, b);
    EXPECT_TRUE(MnemonicToKeyPair(a).ok());
}

TEST(TonKeys, SignAndVerify) {
    std::array<std::uint8_t, 32> seed{};
    seed[0] = 7;
    const KeyPair keys = KeyPairFromSeed(seed);
    EXPECT_EQ(KeyPairFromSeed(seed).public_key, keys.public_key);
    const Bytes message = ToBytes("ticket 42");
    Signature sig = Sign(message, keys);
    EXPECT_TRUE(Verify(message, sig, keys.public_key));
    EXPECT_FALSE(Verify(ToBytes("ticket 43"), sig, keys.public_key));
    sig[10] ^= 1;
    EXPECT_FALSE(Verify(message, sig, keys.public_key));
    EXPECT_FALSE(Verify(message, Signature{}, PublicKey{}));
}

}  // namespace
}  // namespace onton::ton
