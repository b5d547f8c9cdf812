#include "common/secret_hash.hpp"

#include <gtest/gtest.h>

#include "common/encoding.hpp"

namespace onton {
namespace {

TEST(SecretHash, Argon2idWithItsOwnSaltAndLimits) {
    const auto hash = HashSecret("blue whale");
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0U) << hash;
    EXPECT_TRUE(IsSecretHash(hash));
    EXPECT_EQ(hash.find("blue whale"), std::string::npos);
    EXPECT_NE(HashSecret("blue whale"), hash) << "a random salt per hash";
}

TEST(SecretHash, VerifiesOnlyTheSameSecret) {
    const auto hash = HashSecret("blue whale");
    EXPECT_TRUE(VerifySecret(hash, "blue whale"));
    EXPECT_FALSE(VerifySecret(hash, "blue whale "));
    EXPECT_FALSE(VerifySecret(hash, "Blue whale"));
    EXPECT_FALSE(VerifySecret(hash, ""));
    EXPECT_TRUE(VerifySecret(HashSecret(""), ""));
    // Another encoding, a damaged one, or an old plain digest never verifies.
    auto damaged = hash;
    damaged.back() = damaged.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifySecret(damaged, "blue whale"));
    EXPECT_FALSE(VerifySecret(hash.substr(0, hash.size() / 2), "blue whale"));
    const auto digest = Sha256Hex("blue whale");
    EXPECT_FALSE(IsSecretHash(digest));
    EXPECT_FALSE(VerifySecret(digest, "blue whale"));
    EXPECT_FALSE(VerifySecret("$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA", "blue whale"));
}

TEST(SecretHash, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace onton
