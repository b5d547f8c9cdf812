#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "telegram/crypto.hpp"
#include "telegram/init_data.hpp"
#include "telegram/login_widget.hpp"

namespace onton::telegram {
namespace {

// Vectors T1–T5 from docs (ton-telegram.md §1.1–1.2); T3 from docs.telegram-mini-apps.com, T4 and T5 from
// telegram-apps `init-data-node/src/entries/{node,shared}.test.ts`.
constexpr std::string_view kToken = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
constexpr std::int64_t kBotId = 5768337691;

constexpr std::string_view kT3 =
    "query_id=AAHdF6IQAAAAAN0XohDhrOrc&user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%22%2C%22"
    "last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22"
    "is_premium%22%3Atrue%7D&auth_date=1662771648&hash="
    "c501b71e775f74ce10e377dea85a7ea24ecd640b223ea86dfe453e0eaed2e2b2";

constexpr std::string_view kT4 =
    "auth_date=1&can_send_after=10000&chat=%7B%22id%22%3A1%2C%22type%22%3A%22group%22%2C%22title%22%3A%22chat-"
    "title%22%2C%22photo_url%22%3A%22group%22%2C%22username%22%3A%22my-chat%22%7D&chat_instance=888&chat_type="
    "sender&hash=47cfa22e72b887cba90c9cb833c5ea0f599975b6ce7193741844b5c4a4228b40&query_id=QUERY&receiver=%7B%22"
    "added_to_attachment_menu%22%3Afalse%2C%22allows_write_to_pm%22%3Atrue%2C%22first_name%22%3A%22receiver-"
    "first-name%22%2C%22id%22%3A991%2C%22is_bot%22%3Afalse%2C%22is_premium%22%3Atrue%2C%22language_code%22%3A%22"
    "ru%22%2C%22last_name%22%3A%22receiver-last-name%22%2C%22photo_url%22%3A%22receiver-photo%22%2C%22username%22"
    "%3A%22receiver-username%22%7D&start_param=debug&user=%7B%22added_to_attachment_menu%22%3Afalse%2C%22allows_"
    "write_to_pm%22%3Afalse%2C%22first_name%22%3A%22user-first-name%22%2C%22id%22%3A222%2C%22is_bot%22%3Atrue%2C"
    "%22is_premium%22%3Afalse%2C%22language_code%22%3A%22en%22%2C%22last_name%22%3A%22user-last-name%22%2C%22"
    "photo_url%22%3A%22user-photo%22%2C%22username%22%3A%22user-username%22%7D";

constexpr std::int64_t kT5BotId = 7342037359;
constexpr std::string_view kT5 =
    "user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22"
    "%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3A"
    "true%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic"
    "%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_"
    "type=private&auth_date=1733584787&signature=zL-ucjNyREiHDE8aihFwpfR9aggP2xiAo3NSpfe-p7IbCisNlDKlo7Kb6G4D0Ao2"
    "mBrSgEk4maLSdv6MLIlADQ&hash=2174df5b000556d044f3f020384e879c8efcab55ddea2ced4eb752e93e7080d6";

// A fixed "current time" (2025-11-24); the tests never read the clock.
constexpr std::int64_t kNow = 1764000000;

template <typename T>
std::string CodeOf(const Result<T>& result) {
    return result.ok() ? "ok" : result.error().code;
}

InitDataOptions NoExpiry() {
    InitDataOptions options;
    options.max_age_seconds = 0;
    return options;
}

InitDataOptions At(std::int64_t now) {
    InitDataOptions options;
    options.now = now;
    return options;
}

std::string Hex(std::span<const std::uint8_t> bytes) { return crypto::HexEncode(bytes); }

const char* kUserJson =
    R"({"id":42,"first_name":"Ann & Bob","last_name":"O'Neil = +","username":"ann","language_code":"en",)"
    R"("photo_url":"https:\/\/t.me\/i\/userpic\/320\/x.svg","is_premium":true,"allows_write_to_pm":true})";

Fields SampleFields() {
    return {
        {"query_id", "AAH-query"},
        {"user", kUserJson},
        {"auth_date", std::to_string(kNow - 10)},
        {"start_param", "e_123"},
        {"chat_type", "private"},
        {"chat_instance", "-8134722200314281151"},
    };
}

// Signs fields whose one value was replaced; for hostile-but-authentic inputs (the HMAC passes, the content not).
std::string SignWith(std::string key, std::string value, std::int64_t auth_date = kNow) {
    Fields fields = {{"auth_date", std::to_string(auth_date)}};
    bool replaced = false;
    for (auto& field : fields) {
        if (field.first == key) {
            field.second = value;
            replaced = true;
        }
    }
    if (!replaced) fields.emplace_back(std::move(key), std::move(value));
    return SignInitData(fields, kToken);
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
    }
    return text;
}

// ---------- Vectors ----------

TEST(TelegramVectors, T1SignData) {
    const auto secret = crypto::HmacSha256("WebAppData", "my-secret-token");
    EXPECT_EQ(Hex(crypto::HmacSha256(secret, "abc")),
              "6ecc2e9b51f30dde6877ce374ede54eb626c84e78a5d9a9dcac54d2d248f6bde");
}

TEST(TelegramVectors, T2HashedToken) {
    EXPECT_EQ(Hex(crypto::HmacSha256("WebAppData", kToken)),
              "a5c609aa52f63cb5e6d8ceb6e4138726ea82bbc36bb786d64482d445ea38ee5f");
}

TEST(TelegramVectors, T3ValidWithoutExpiry) {
    const auto result = ValidateInitData(kT3, kToken, NoExpiry());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->auth_date, 1662771648);
    EXPECT_EQ(result->query_id, "AAHdF6IQAAAAAN0XohDhrOrc");
    ASSERT_TRUE(result->user.has_value());
    EXPECT_EQ(result->user->id, 279058397);
    EXPECT_EQ(result->user->first_name, "Vladislav");
    EXPECT_EQ(result->user->last_name, "Kibenko");
    EXPECT_EQ(result->user->username, "vdkfrost");
    EXPECT_EQ(result->user->language_code, "ru");
    EXPECT_TRUE(result->user->is_premium);
    EXPECT_FALSE(result->has_signature);
    ASSERT_EQ(result->fields.size(), 3U);
    EXPECT_EQ(result->fields[0].first, "query_id");
    EXPECT_EQ(result->fields[2].first, "auth_date");
    EXPECT_EQ(DataCheckString(result->fields, {}),
              "auth_date=1662771648\nquery_id=AAHdF6IQAAAAAN0XohDhrOrc\nuser={\"id\":279058397,\"first_name\":"
              "\"Vladislav\",\"last_name\":\"Kibenko\",\"username\":\"vdkfrost\",\"language_code\":\"ru\","
              "\"is_premium\":true}");
}

TEST(TelegramVectors, T3ExpiredWithShortMaxAge) {
    InitDataOptions options = At(kNow);
    options.max_age_seconds = 1;
    EXPECT_EQ(CodeOf(ValidateInitData(kT3, kToken, options)), "auth.expired");
    EXPECT_EQ(CodeOf(ValidateInitData(kT3, kToken, At(kNow))), "auth.expired");  // the default day
}

TEST(TelegramVectors, T3AnyChangedByteOfDataIsInvalid) {
    // XOR 1 never maps a byte to an equivalent encoding ('+' becomes '*', a hex digit another digit or a non-hex
    // character, '%' becomes '$'), so every mutation changes the decoded data, the hash or the structure.
    for (std::size_t i = 0; i < kT3.size(); ++i) {
        std::string mutated(kT3);
        mutated[i] = static_cast<char>(mutated[i] ^ 0x01);
        EXPECT_EQ(CodeOf(ValidateInitData(mutated, kToken, NoExpiry())), "auth.invalid") << "byte " << i;
    }
}

TEST(TelegramVectors, T3AnyChangedByteOfTokenIsInvalid) {
    for (std::size_t i = 0; i < kToken.size(); ++i) {
        std::string token(kToken);
        token[i] = static_cast<char>(token[i] ^ 0x01);
        EXPECT_EQ(CodeOf(ValidateInitData(kT3, token, NoExpiry())), "auth.invalid") << "byte " << i;
    }
    EXPECT_EQ(CodeOf(ValidateInitData(kT3, std::string(kToken) + "A", NoExpiry())), "auth.invalid");
}

TEST(TelegramVectors, T4AllFieldsSorted) {
    const auto result = ValidateInitData(kT4, kToken, NoExpiry());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->auth_date, 1);
    EXPECT_EQ(result->start_param, "debug");
    EXPECT_EQ(result->chat_type, "sender");
    EXPECT_EQ(result->chat_instance, "888");
    EXPECT_EQ(result->query_id, "QUERY");
    ASSERT_TRUE(result->user.has_value());
    EXPECT_EQ(result->user->id, 222);
    EXPECT_EQ(result->user->first_name, "user-first-name");
    EXPECT_EQ(result->user->photo_url, "user-photo");
    EXPECT_FALSE(result->user->is_premium);
    EXPECT_FALSE(result->user->allows_write_to_pm);
    EXPECT_EQ(result->fields.size(), 9U);  // ten pairs received, hash excluded

    EXPECT_EQ(CodeOf(ValidateInitData(kT4, std::string(kToken) + "A", NoExpiry())), "auth.invalid");
    InitDataOptions options = At(kNow);
    options.max_age_seconds = 1;
    EXPECT_EQ(CodeOf(ValidateInitData(kT4, kToken, options)), "auth.expired");
}

TEST(TelegramVectors, T4SignReproducesTheReferenceHash) {
    auto parsed = ValidateInitData(kT4, kToken, NoExpiry());
    ASSERT_TRUE(parsed.ok());
    const std::string signed_again = SignInitData(parsed->fields, kToken);
    EXPECT_NE(signed_again.find("&hash=47cfa22e72b887cba90c9cb833c5ea0f599975b6ce7193741844b5c4a4228b40"),
              std::string::npos);
}

TEST(TelegramVectors, T5ThirdPartySignatureWithProductionKey) {
    const auto result = ValidateInitDataSignature(kT5, kT5BotId, kTelegramProductionKey, NoExpiry());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(result->has_signature);
    EXPECT_EQ(result->auth_date, 1733584787);
    EXPECT_EQ(result->chat_type, "private");
    ASSERT_TRUE(result->user.has_value());
    EXPECT_EQ(result->user->first_name, "Vladislav + - ? /");
    EXPECT_EQ(result->user->photo_url, "https://t.me/i/userpic/320/4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg");
    EXPECT_TRUE(result->user->allows_write_to_pm);

    EXPECT_EQ(CodeOf(ValidateInitDataSignature(kT5, kT5BotId, kTelegramTestKey, NoExpiry())), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(kT5, kT5BotId + 1, kTelegramProductionKey, NoExpiry())),
              "auth.invalid");
    InitDataOptions options = At(kNow);
    options.max_age_seconds = 1;
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(kT5, kT5BotId, kTelegramProductionKey, options)), "auth.expired");
}

TEST(TelegramVectors, ProductionAndTestKeysMatchTheDocument) {
    EXPECT_EQ(Hex(kTelegramProductionKey), "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d");
    EXPECT_EQ(Hex(kTelegramTestKey), "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec");
}

// ---------- Self-signed round trips ----------

TEST(InitDataRoundTrip, SignThenValidateParsesEveryField) {
    const std::string raw = SignInitData(SampleFields(), kToken);
    const auto result = ValidateInitData(raw, kToken, At(kNow));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->fields, SampleFields());
    EXPECT_EQ(result->auth_date, kNow - 10);
    EXPECT_EQ(result->query_id, "AAH-query");
    EXPECT_EQ(result->start_param, "e_123");
    EXPECT_EQ(result->chat_type, "private");
    EXPECT_EQ(result->chat_instance, "-8134722200314281151");
    EXPECT_FALSE(result->has_signature);
    ASSERT_TRUE(result->user.has_value());
    const WebAppUser& user = *result->user;
    EXPECT_EQ(user.id, 42);
    EXPECT_EQ(user.first_name, "Ann & Bob");
    EXPECT_EQ(user.last_name, "O'Neil = +");
    EXPECT_EQ(user.username, "ann");
    EXPECT_EQ(user.language_code, "en");
    EXPECT_EQ(user.photo_url, "https://t.me/i/userpic/320/x.svg");
    EXPECT_TRUE(user.is_premium);
    EXPECT_TRUE(user.allows_write_to_pm);
}

TEST(InitDataRoundTrip, EncodesLikeUrlSearchParams) {
    const std::string raw = SignInitData({{"auth_date", "1"}, {"x", "a b+c&d=e%f*-._~/\xC3\xA9"}}, kToken);
    EXPECT_EQ(raw.substr(0, raw.find("&hash=")), "auth_date=1&x=a+b%2Bc%26d%3De%25f*-._%7E%2F%C3%A9");
    const auto result = ValidateInitData(raw, kToken, NoExpiry());
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->fields[1].second, "a b+c&d=e%f*-._~/\xC3\xA9");
    // The hash covers decoded values, so another valid encoding of the same bytes still validates.
    EXPECT_EQ(CodeOf(ValidateInitData(ReplaceAll(raw, "a+b", "a%20b"), kToken, NoExpiry())), "ok");
}

TEST(InitDataRoundTrip, HashFieldInInputIsDropped) {
    Fields fields = SampleFields();
    fields.emplace_back("hash", "deadbeef");
    const std::string raw = SignInitData(fields, kToken);
    EXPECT_EQ(raw, SignInitData(SampleFields(), kToken));
}

TEST(InitDataRoundTrip, TamperingIsInvalid) {
    const std::string raw = SignInitData(SampleFields(), kToken);
    EXPECT_EQ(CodeOf(ValidateInitData(ReplaceAll(raw, "e_123", "e_124"), kToken, At(kNow))), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData(ReplaceAll(raw, "%22id%22%3A42", "%22id%22%3A43"), kToken, At(kNow))),
              "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData("chat_type=group&" + raw, kToken, At(kNow))), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData(ReplaceAll(raw, "start_param=e_123&", ""), kToken, At(kNow))),
              "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData(raw, "5768337691:other-token", At(kNow))), "auth.invalid");
}

TEST(InitDataRoundTrip, FieldOrderDoesNotMatter) {
    Fields fields = SampleFields();
    std::reverse(fields.begin(), fields.end());
    const auto result = ValidateInitData(SignInitData(fields, kToken), kToken, At(kNow));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->fields, fields);  // received order is kept
}

TEST(InitDataRoundTrip, UserIsOptional) {
    const auto result = ValidateInitData(SignWith("query_id", "q"), kToken, At(kNow));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_FALSE(result->user.has_value());
}

TEST(InitDataFreshness, BoundariesAndFutureSkew) {
    const auto at_age = [](std::int64_t age) {
        return CodeOf(ValidateInitData(SignWith("query_id", "q", kNow - age), kToken, At(kNow)));
    };
    EXPECT_EQ(at_age(86400), "ok");
    EXPECT_EQ(at_age(86401), "auth.expired");
    EXPECT_EQ(at_age(-kMaxClockSkewSeconds), "ok");
    EXPECT_EQ(at_age(-kMaxClockSkewSeconds - 1), "auth.expired");
    // max_age 0 turns off both directions.
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("query_id", "q", kNow + 100000), kToken, NoExpiry())), "ok");
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("query_id", "q", 0), kToken, NoExpiry())), "ok");
}

TEST(InitDataFreshness, ExtremeValuesDoNotOverflow) {
    EXPECT_EQ(CodeOf(CheckFreshness(0, INT64_MAX, INT64_MAX, "x")), "ok");
    EXPECT_EQ(CodeOf(CheckFreshness(0, INT64_MAX, 1, "x")), "auth.expired");
    EXPECT_EQ(CodeOf(CheckFreshness(INT64_MAX, INT64_MIN, 1, "x")), "auth.expired");
    EXPECT_EQ(CodeOf(CheckFreshness(INT64_MAX, 0, 1, "x")), "auth.expired");
    EXPECT_EQ(CodeOf(CheckFreshness(-1, 0, 1, "x")), "auth.invalid");
    const auto big = SignWith("query_id", "q", INT64_MAX);
    EXPECT_EQ(CodeOf(ValidateInitData(big, kToken, At(kNow))), "auth.expired");
}

// ---------- Ed25519 third-party signature ----------

class InitDataEd25519 : public ::testing::Test {
protected:
    InitDataEd25519() : key_(crypto::GenerateEd25519KeyPair()), other_key_(crypto::GenerateEd25519KeyPair()) {
        fields_ = SampleFields();
        signature_ = SignInitDataEd25519(fields_, kBotId, key_.secret_key);
        fields_.emplace_back("signature", signature_);
        raw_ = SignInitData(fields_, kToken);
    }

    InitDataOptions WithKey(const crypto::Ed25519PublicKey& key) const {
        InitDataOptions options = At(kNow);
        options.telegram_public_key = key;
        return options;
    }

    crypto::Ed25519KeyPair key_;
    crypto::Ed25519KeyPair other_key_;
    Fields fields_;
    std::string signature_;
    std::string raw_;
};

TEST_F(InitDataEd25519, SignatureIsUnpaddedBase64UrlOf64Bytes) {
    EXPECT_EQ(signature_.size(), 86U);
    EXPECT_EQ(signature_.find_first_of("+/="), std::string::npos);
    const auto bytes = crypto::Base64UrlDecode(signature_);
    ASSERT_TRUE(bytes.has_value());
    EXPECT_EQ(bytes->size(), 64U);
}

TEST_F(InitDataEd25519, ValidWithTheSigningKey) {
    const auto result = ValidateInitData(raw_, kToken, WithKey(key_.public_key));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_TRUE(result->has_signature);
    EXPECT_EQ(result->fields, fields_);  // signature kept, hash excluded

    const auto third_party = ValidateInitDataSignature(raw_, kBotId, key_.public_key, At(kNow));
    ASSERT_TRUE(third_party.ok()) << third_party.error().message;
    EXPECT_TRUE(third_party->has_signature);
    EXPECT_EQ(third_party->user->id, 42);
}

TEST_F(InitDataEd25519, WrongKeyIsInvalid) {
    EXPECT_EQ(CodeOf(ValidateInitData(raw_, kToken, WithKey(other_key_.public_key))), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData(raw_, kToken, At(kNow))), "auth.invalid");  // default: production key
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw_, kBotId, other_key_.public_key, At(kNow))), "auth.invalid");
}

TEST_F(InitDataEd25519, WrongBotIdIsInvalid) {
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw_, kBotId + 1, key_.public_key, At(kNow))), "auth.invalid");
    // A token of another bot: its HMAC passes, but the signature names bot kBotId.
    const std::string other_token = "5768337692:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8";
    const std::string raw = SignInitData(fields_, other_token);
    EXPECT_EQ(CodeOf(ValidateInitData(raw, other_token, InitDataOptions{kNow, 86400, std::nullopt})), "ok");
    EXPECT_EQ(CodeOf(ValidateInitData(raw, other_token, WithKey(key_.public_key))), "auth.invalid");
    // A token without a numeric bot id cannot be checked against a signature.
    const std::string no_id_token = "not-a-token";
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData(fields_, no_id_token), no_id_token, WithKey(key_.public_key))),
              "auth.invalid");
}

TEST_F(InitDataEd25519, IgnoredWithoutAKeyButHmacStillChecked) {
    InitDataOptions options = At(kNow);
    options.telegram_public_key = std::nullopt;
    const auto result = ValidateInitData(raw_, kToken, options);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_FALSE(result->has_signature);
    EXPECT_EQ(CodeOf(ValidateInitData(ReplaceAll(raw_, "e_123", "e_999"), kToken, options)), "auth.invalid");
    // A garbage signature is not looked at, but it is covered by the HMAC like any other field.
    Fields garbage = SampleFields();
    garbage.emplace_back("signature", "not base64!");
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData(garbage, kToken), kToken, options)), "ok");
}

TEST_F(InitDataEd25519, HmacCoversTheSignatureField) {
    // Doc §1.1 step 4: the first-party data_check_string includes `signature`.
    const std::string hash = raw_.substr(raw_.rfind("&hash=") + 6);
    const auto secret = crypto::HmacSha256("WebAppData", kToken);
    EXPECT_EQ(hash, Hex(crypto::HmacSha256(secret, DataCheckString(fields_, {}))));
    EXPECT_NE(hash, Hex(crypto::HmacSha256(secret, DataCheckString(fields_, {"signature"}))));

    // Swapping in another valid signature (same data, other key) breaks the HMAC, even with the check off.
    const std::string other_signature = SignInitDataEd25519(SampleFields(), kBotId, other_key_.secret_key);
    const std::string swapped = ReplaceAll(raw_, signature_, other_signature);
    ASSERT_NE(swapped, raw_);
    InitDataOptions options = At(kNow);
    options.telegram_public_key = std::nullopt;
    EXPECT_EQ(CodeOf(ValidateInitData(swapped, kToken, options)), "auth.invalid");
    // ...while the third-party check, which ignores the hash, accepts it under the other key.
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(swapped, kBotId, other_key_.public_key, At(kNow))), "ok");
}

TEST_F(InitDataEd25519, SignedMessageLeavesOutHashAndSignature) {
    // Doc §1.2: "<bot_id>:WebAppData\n" + sorted pairs without hash and signature.
    const std::string message = "5768337691:WebAppData\n" + DataCheckString(SampleFields(), {});
    const auto signature = crypto::Base64UrlDecode(signature_);
    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(crypto::Ed25519Verify(*signature, message, key_.public_key));
    EXPECT_FALSE(crypto::Ed25519Verify(*signature, message + "\n", key_.public_key));

    // So the third-party check does not care what the hash says.
    const std::string hash = raw_.substr(raw_.rfind("&hash=") + 6);
    const std::string zero_hash = ReplaceAll(raw_, hash, std::string(64, '0'));
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(zero_hash, kBotId, key_.public_key, At(kNow))), "ok");
    EXPECT_EQ(CodeOf(ValidateInitData(zero_hash, kToken, WithKey(key_.public_key))), "auth.invalid");
}

TEST_F(InitDataEd25519, MissingOrMalformedSignature) {
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(SignInitData(SampleFields(), kToken), kBotId, key_.public_key,
                                               At(kNow))),
              "auth.invalid");
    for (const std::string& bad : std::vector<std::string>{signature_ + "==", signature_.substr(0, 85), signature_ + "AA",
                                  "+" + signature_.substr(1), std::string(), std::string(86, '*')}) {
        Fields fields = SampleFields();
        fields.emplace_back("signature", bad);
        const std::string raw = SignInitData(fields, kToken);
        EXPECT_EQ(CodeOf(ValidateInitData(raw, kToken, WithKey(key_.public_key))), "auth.invalid") << bad;
        EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw, kBotId, key_.public_key, At(kNow))), "auth.invalid")
            << bad;
    }
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw_, 0, key_.public_key, At(kNow))), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw_, -kBotId, key_.public_key, At(kNow))), "auth.invalid");
}

TEST_F(InitDataEd25519, ExpiredEvenWhenSigned) {
    Fields fields = {{"auth_date", std::to_string(kNow - 90000)}};
    fields.emplace_back("signature", SignInitDataEd25519(fields, kBotId, key_.secret_key));
    const std::string raw = SignInitData(fields, kToken);
    EXPECT_EQ(CodeOf(ValidateInitData(raw, kToken, WithKey(key_.public_key))), "auth.expired");
    EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw, kBotId, key_.public_key, At(kNow))), "auth.expired");
}

TEST(Ed25519, DeterministicKeyFromSeed) {
    std::array<std::uint8_t, 32> seed{};
    seed[0] = 1;
    const auto a = crypto::Ed25519KeyPairFromSeed(seed);
    const auto b = crypto::Ed25519KeyPairFromSeed(seed);
    EXPECT_EQ(a.public_key, b.public_key);
    EXPECT_EQ(SignInitDataEd25519(SampleFields(), kBotId, a.secret_key),
              SignInitDataEd25519(SampleFields(), kBotId, b.secret_key));
}

// ---------- Hostile initData ----------

TEST(InitDataHostile, MalformedQueryStrings) {
    const std::string valid_hash = "&hash=" + std::string(64, 'a');
    for (const std::string& raw : std::vector<std::string>{std::string(), std::string("&&&"), std::string("hash"), std::string("=x"),
                                  std::string("%zz=1"), std::string("a=%4") + valid_hash, std::string("a=%"),
                                  std::string("a=%g0") + valid_hash, std::string("auth_date=1&") + valid_hash,
                                  "auth_date=1" + valid_hash + "&", "&auth_date=1" + valid_hash,
                                  "auth_date=1&=2" + valid_hash, "auth_date=1&a%0Ab=2" + valid_hash,
                                  "auth%3Ddate=1" + valid_hash, std::string("\0=\0", 3), "auth_date=1",
                                  "auth_date=1&hash=", "auth_date=1&hash=abc",
                                  "auth_date=1&hash=" + std::string(64, 'g'),
                                  "auth_date=1&hash=" + std::string(66, 'a'),
                                  "auth_date=1&hash=" + std::string(63, 'a')}) {
        EXPECT_EQ(CodeOf(ValidateInitData(raw, kToken, NoExpiry())), "auth.invalid") << raw;
        EXPECT_EQ(CodeOf(ValidateInitDataSignature(raw, kBotId, kTelegramProductionKey, NoExpiry())),
                  "auth.invalid")
            << raw;
    }
}

TEST(InitDataHostile, SizeLimits) {
    const std::string huge(100 * 1024, 'a');
    EXPECT_EQ(CodeOf(ValidateInitData(huge, kToken, NoExpiry())), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData("x=" + huge, kToken, NoExpiry())), "auth.invalid");

    // Exactly at the byte limit is fine; one more byte is not.
    const std::string base = SignWith("p", "");
    const std::string padded = SignWith("p", std::string(kMaxInitDataBytes - base.size(), 'x'));
    ASSERT_EQ(padded.size(), kMaxInitDataBytes);
    EXPECT_EQ(CodeOf(ValidateInitData(padded, kToken, NoExpiry())), "ok");
    const std::string over = SignWith("p", std::string(kMaxInitDataBytes - base.size() + 1, 'x'));
    EXPECT_EQ(CodeOf(ValidateInitData(over, kToken, NoExpiry())), "auth.invalid");

    // 64 fields (63 + hash) pass; 65 do not, even correctly signed.
    Fields fields = {{"auth_date", "1"}};
    while (fields.size() < kMaxInitDataFields - 1) fields.emplace_back("f" + std::to_string(fields.size()), "v");
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData(fields, kToken), kToken, NoExpiry())), "ok");
    fields.emplace_back("one_more", "v");
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData(fields, kToken), kToken, NoExpiry())), "auth.invalid");
}

TEST(InitDataHostile, DuplicateKeys) {
    Fields fields = {{"auth_date", "1"}, {"a", "1"}, {"a", "2"}};
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData(fields, kToken), kToken, NoExpiry())), "auth.invalid");
    const std::string raw = SignWith("a", "1");
    EXPECT_EQ(CodeOf(ValidateInitData(raw + "&hash=" + std::string(64, '0'), kToken, NoExpiry())),
              "auth.invalid");
    // The same key spelled with an escape is still the same key.
    EXPECT_EQ(CodeOf(ValidateInitData("%61=2&" + raw, kToken, NoExpiry())), "auth.invalid");
}

TEST(InitDataHostile, UserJsonIsTypeChecked) {
    const auto with_user = [](const std::string& user) {
        return CodeOf(ValidateInitData(SignWith("user", user), kToken, At(kNow)));
    };
    EXPECT_EQ(with_user(R"({"id":1})"), "ok");
    EXPECT_EQ(with_user(R"({"id":9223372036854775807})"), "ok");
    EXPECT_EQ(with_user(R"({"id":-9,"first_name":"x"})"), "auth.invalid");
    EXPECT_EQ(with_user(R"([1,2])"), "auth.invalid");
    EXPECT_EQ(with_user(R"("string")"), "auth.invalid");
    EXPECT_EQ(with_user("null"), "auth.invalid");
    EXPECT_EQ(with_user("not json"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1)"), "auth.invalid");
    EXPECT_EQ(with_user(""), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":"1"})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"first_name":"no id"})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":0})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1.5})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1e3})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":9223372036854775808})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":99999999999999999999999})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":null})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1,"first_name":7})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1,"username":null})"), "auth.invalid");
    EXPECT_EQ(with_user(R"({"id":1,"is_premium":"yes"})"), "auth.invalid");
    EXPECT_EQ(with_user("{\"id\":1,\"first_name\":\"\xFF\"}"), "auth.invalid");  // not UTF-8
    EXPECT_EQ(with_user(R"({"id":1,"unknown":{"nested":[1,2,3]}})"), "ok");
}

TEST(InitDataHostile, DeeplyNestedUserJson) {
    const std::string deep = R"({"id":1,"x":)" + std::string(2000, '[') + std::string(2000, ']') + "}";
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("user", deep), kToken, At(kNow))), "ok");
    const std::string unbalanced = R"({"id":1,"x":)" + std::string(5000, '[') + "}";
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("user", unbalanced), kToken, At(kNow))), "auth.invalid");
}

TEST(InitDataHostile, AuthDateMustBeAPlainNonNegativeInteger) {
    for (const std::string bad : {"12a", "-1", "99999999999999999999", "", " 1", "1 ", "+1", "0x10", "1.0", "1e9"}) {
        EXPECT_EQ(CodeOf(ValidateInitData(SignWith("auth_date", bad), kToken, NoExpiry())), "auth.invalid") << bad;
    }
    EXPECT_EQ(CodeOf(ValidateInitData(SignInitData({{"query_id", "q"}}, kToken), kToken, NoExpiry())),
              "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("auth_date", "0"), kToken, NoExpiry())), "ok");
    EXPECT_EQ(CodeOf(ValidateInitData(SignWith("auth_date", "9223372036854775807"), kToken, NoExpiry())), "ok");
}

TEST(InitDataHostile, EmptyTokenIsRejected) {
    const std::string raw = SignInitData({{"auth_date", "1"}}, "");
    EXPECT_EQ(CodeOf(ValidateInitData(raw, "", NoExpiry())), "auth.invalid");
}

TEST(InitDataHostile, RandomInputNeverValidatesOrThrows) {
    std::mt19937 rng(12345);  // fixed seed: reproducible
    constexpr std::string_view kAlphabet = "ab=&%2F+_hash0123456789{}\":,auth_date user signature\xFF";
    std::uniform_int_distribution<std::size_t> length(0, 200);
    std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
    for (int i = 0; i < 3000; ++i) {
        std::string raw(length(rng), ' ');
        for (char& c : raw) c = kAlphabet[pick(rng)];
        EXPECT_NO_THROW({
            EXPECT_FALSE(ValidateInitData(raw, kToken, NoExpiry()).ok()) << raw;
            EXPECT_FALSE(ValidateInitDataSignature(raw, kBotId, kTelegramProductionKey, NoExpiry()).ok()) << raw;
        });
    }
}

// ---------- Helpers ----------

TEST(TelegramHelpers, BotIdFromToken) {
    EXPECT_EQ(BotIdFromToken(kToken), kBotId);
    EXPECT_EQ(BotIdFromToken("1:x"), 1);
    EXPECT_EQ(BotIdFromToken("no-colon"), std::nullopt);
    EXPECT_EQ(BotIdFromToken(":x"), std::nullopt);
    EXPECT_EQ(BotIdFromToken("0:x"), std::nullopt);
    EXPECT_EQ(BotIdFromToken("-1:x"), std::nullopt);
    EXPECT_EQ(BotIdFromToken("12a:x"), std::nullopt);
    EXPECT_EQ(BotIdFromToken("99999999999999999999:x"), std::nullopt);
}

TEST(TelegramHelpers, HexAndConstantTimeCompare) {
    EXPECT_EQ(crypto::HexDecode("00ffAb"), (std::vector<std::uint8_t>{0x00, 0xff, 0xab}));
    EXPECT_EQ(crypto::HexDecode("0"), std::nullopt);
    EXPECT_EQ(crypto::HexDecode("0g"), std::nullopt);
    EXPECT_EQ(crypto::HexDecode(""), std::vector<std::uint8_t>{});
    const std::vector<std::uint8_t> a = {1, 2, 3};
    const std::vector<std::uint8_t> b = {1, 2, 4};
    EXPECT_TRUE(crypto::ConstantTimeEqual(a, a));
    EXPECT_FALSE(crypto::ConstantTimeEqual(a, b));
    EXPECT_FALSE(crypto::ConstantTimeEqual(a, std::vector<std::uint8_t>{1, 2}));
    EXPECT_TRUE(crypto::ConstantTimeEqual(std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{}));
}

TEST(TelegramHelpers, Sha256KnownAnswer) {
    EXPECT_EQ(Hex(crypto::Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(Hex(crypto::Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(TelegramHelpers, Base64UrlRoundTripAndStrictness) {
    std::vector<std::uint8_t> bytes;
    for (std::uint8_t i = 0; i < 20; ++i) {
        const std::string text = crypto::Base64UrlEncode(bytes);
        EXPECT_EQ(text.find('='), std::string::npos);
        EXPECT_EQ(crypto::Base64UrlDecode(text), bytes) << text;
        bytes.push_back(static_cast<std::uint8_t>(i * 37 + 250));
    }
    EXPECT_EQ(crypto::Base64UrlEncode(std::vector<std::uint8_t>{0xfb, 0xff}), "-_8");
    EXPECT_EQ(crypto::Base64UrlDecode("-_8"), (std::vector<std::uint8_t>{0xfb, 0xff}));
    EXPECT_EQ(crypto::Base64UrlDecode("-_9"), std::nullopt);  // non-zero trailing bits
    EXPECT_EQ(crypto::Base64UrlDecode("+/8"), std::nullopt);  // standard alphabet
    EXPECT_EQ(crypto::Base64UrlDecode("-_8="), std::nullopt);
    EXPECT_EQ(crypto::Base64UrlDecode("A"), std::nullopt);
    EXPECT_EQ(crypto::Base64UrlDecode("AAAAA"), std::nullopt);
}

// ---------- Login Widget ----------

Fields WidgetFields() {
    return {
        {"id", "279058397"},
        {"first_name", "Vladislav"},
        {"last_name", "Kibenko"},
        {"username", "vdkfrost"},
        {"photo_url", "https://t.me/i/userpic/320/x.jpg"},
        {"auth_date", std::to_string(kNow - 30)},
    };
}

Fields SignedWidget(Fields fields) {
    fields.emplace_back("hash", SignLoginWidget(fields, kToken));
    return fields;
}

TEST(LoginWidget, RoundTrip) {
    const auto result = ValidateLoginWidget(SignedWidget(WidgetFields()), kToken, kNow);
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->id, 279058397);
    EXPECT_EQ(result->first_name, "Vladislav");
    EXPECT_EQ(result->last_name, "Kibenko");
    EXPECT_EQ(result->username, "vdkfrost");
    EXPECT_EQ(result->photo_url, "https://t.me/i/userpic/320/x.jpg");
    EXPECT_EQ(result->auth_date, kNow - 30);

    Fields minimal = SignedWidget({{"auth_date", std::to_string(kNow)}, {"id", "5"}});
    std::reverse(minimal.begin(), minimal.end());
    EXPECT_EQ(CodeOf(ValidateLoginWidget(minimal, kToken, kNow)), "ok");
}

TEST(LoginWidget, HashIsHmacKeyedWithSha256OfToken) {
    const Fields fields = WidgetFields();
    const auto secret = crypto::Sha256(kToken);
    EXPECT_EQ(SignLoginWidget(fields, kToken), Hex(crypto::HmacSha256(secret, DataCheckString(fields, {}))));
    // Not the Mini App key derivation.
    EXPECT_NE(SignLoginWidget(fields, kToken),
              Hex(crypto::HmacSha256(crypto::HmacSha256("WebAppData", kToken), DataCheckString(fields, {}))));
    EXPECT_EQ(DataCheckString(fields, {}),
              "auth_date=" + std::to_string(kNow - 30) +
                  "\nfirst_name=Vladislav\nid=279058397\nlast_name=Kibenko\nphoto_url=https://t.me/i/userpic/320/"
                  "x.jpg\nusername=vdkfrost");
}

TEST(LoginWidget, TamperingIsInvalid) {
    Fields fields = SignedWidget(WidgetFields());
    fields[1].second = "Mallory";
    EXPECT_EQ(CodeOf(ValidateLoginWidget(fields, kToken, kNow)), "auth.invalid");
    fields = SignedWidget(WidgetFields());
    fields.emplace_back("extra", "1");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(fields, kToken, kNow)), "auth.invalid");
    fields = SignedWidget(WidgetFields());
    fields.erase(fields.begin() + 3);
    EXPECT_EQ(CodeOf(ValidateLoginWidget(fields, kToken, kNow)), "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(WidgetFields()), std::string(kToken) + "A", kNow)),
              "auth.invalid");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(WidgetFields()), "", kNow)), "auth.invalid");
}

TEST(LoginWidget, Expiry) {
    Fields old = WidgetFields();
    old.back().second = std::to_string(kNow - 86401);
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(old), kToken, kNow)), "auth.expired");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(old), kToken, kNow, 0)), "ok");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(old), kToken, kNow, 90000)), "ok");
    Fields future = WidgetFields();
    future.back().second = std::to_string(kNow + 61);
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(future), kToken, kNow)), "auth.expired");
}

TEST(LoginWidget, MissingOrIllFormedHash) {
    EXPECT_EQ(CodeOf(ValidateLoginWidget(WidgetFields(), kToken, kNow)), "auth.invalid");
    const std::string good = SignLoginWidget(WidgetFields(), kToken);
    for (const std::string& bad : std::vector<std::string>{std::string(), good.substr(0, 63), good + "0", good + "00", std::string(64, 'z'),
                                  good.substr(0, 32)}) {
        Fields fields = WidgetFields();
        fields.emplace_back("hash", bad);
        EXPECT_EQ(CodeOf(ValidateLoginWidget(fields, kToken, kNow)), "auth.invalid") << bad;
    }
}

TEST(LoginWidget, HostileFields) {
    const auto with = [](const std::string& key, const std::string& value) {
        Fields fields = WidgetFields();
        bool replaced = false;
        for (auto& field : fields) {
            if (field.first == key) {
                field.second = value;
                replaced = true;
            }
        }
        if (!replaced) fields.emplace_back(key, value);
        return CodeOf(ValidateLoginWidget(SignedWidget(fields), kToken, kNow));
    };
    EXPECT_EQ(with("id", "abc"), "auth.invalid");
    EXPECT_EQ(with("id", "0"), "auth.invalid");
    EXPECT_EQ(with("id", "-5"), "auth.invalid");
    EXPECT_EQ(with("id", "99999999999999999999"), "auth.invalid");
    EXPECT_EQ(with("id", "1.0"), "auth.invalid");
    EXPECT_EQ(with("auth_date", "12a"), "auth.invalid");
    EXPECT_EQ(with("auth_date", "-1"), "auth.invalid");
    EXPECT_EQ(with("auth_date", "99999999999999999999"), "auth.invalid");
    EXPECT_EQ(with("", "x"), "auth.invalid");
    EXPECT_EQ(with("a\nb", "x"), "auth.invalid");
    EXPECT_EQ(with("a=b", "x"), "auth.invalid");
    EXPECT_EQ(with("x", std::string(kMaxLoginWidgetBytes, 'x')), "auth.invalid");

    Fields missing_id = WidgetFields();
    missing_id.erase(missing_id.begin());
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(missing_id), kToken, kNow)), "auth.invalid");
    Fields missing_date = WidgetFields();
    missing_date.pop_back();
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(missing_date), kToken, kNow)), "auth.invalid");

    Fields duplicate = WidgetFields();
    duplicate.emplace_back("id", "1");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(duplicate), kToken, kNow)), "auth.invalid");

    Fields many = WidgetFields();
    while (many.size() < kMaxLoginWidgetFields) many.emplace_back("f" + std::to_string(many.size()), "v");
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(many), kToken, kNow)), "auth.invalid");  // 65 with hash
    many.pop_back();
    EXPECT_EQ(CodeOf(ValidateLoginWidget(SignedWidget(many), kToken, kNow)), "ok");
    EXPECT_EQ(CodeOf(ValidateLoginWidget({}, kToken, kNow)), "auth.invalid");
}

}  // namespace
}  // namespace onton::telegram
