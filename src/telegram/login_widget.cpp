#include "telegram/login_widget.hpp"

#include <algorithm>

#include "telegram/crypto.hpp"

namespace onton::telegram {
namespace {

Error Invalid(std::string message) { return Error{"auth.invalid", std::move(message)}; }

const std::string* Find(const Fields& fields, std::string_view key) {
    for (const auto& [k, v] : fields) {
        if (k == key) return &v;
    }
    return nullptr;
}

// Same reasoning as for initData: a key with '=' or a control character could blur the '\n'-joined string.
bool IsAcceptableKey(std::string_view key) {
    if (key.empty()) return false;
    return std::none_of(key.begin(), key.end(), [](char c) {
        return c == '=' || static_cast<unsigned char>(c) < 0x20 || c == '\x7f';
    });
}

Result<void> CheckShape(const Fields& fields) {
    if (fields.size() > kMaxLoginWidgetFields) {
        return Invalid("login data has more than " + std::to_string(kMaxLoginWidgetFields) + " fields");
    }
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const auto& [key, value] = fields[i];
        bytes += key.size() + value.size();
        if (bytes > kMaxLoginWidgetBytes) {
            return Invalid("login data is larger than " + std::to_string(kMaxLoginWidgetBytes) + " bytes");
        }
        if (!IsAcceptableKey(key)) return Invalid("login data has an empty or ill-formed key");
        for (std::size_t j = 0; j < i; ++j) {
            if (fields[j].first == key) return Invalid("login data has a duplicate key");
        }
    }
    return Ok();
}

crypto::Sha256Digest WidgetHash(const Fields& fields, std::string_view bot_token) {
    const auto secret = crypto::Sha256(bot_token);
    return crypto::HmacSha256(secret, DataCheckString(fields, {"hash"}));
}

}  // namespace

Result<LoginWidgetUser> ValidateLoginWidget(const Fields& fields,
                                            std::string_view bot_token,
                                            std::int64_t now,
                                            std::int64_t max_age_seconds) {
    if (bot_token.empty()) return Invalid("no bot token is configured");
    if (auto shape = CheckShape(fields); !shape) return shape.error();

    const std::string* hash_hex = Find(fields, "hash");
    if (hash_hex == nullptr || hash_hex->empty()) return Invalid("login data hash is missing");
    const auto hash = hash_hex->size() == 64 ? crypto::HexDecode(*hash_hex) : std::nullopt;
    if (!hash) return Invalid("login data hash is not 64 hex characters");
    if (!crypto::ConstantTimeEqual(WidgetHash(fields, bot_token), *hash)) {
        return Invalid("login data hash does not match");
    }

    LoginWidgetUser user;
    const std::string* id = Find(fields, "id");
    const auto parsed_id = id != nullptr ? ParseNonNegativeInt64(*id) : std::nullopt;
    if (!parsed_id || *parsed_id == 0) return Invalid("login data id is not a positive 64-bit integer");
    user.id = *parsed_id;

    const std::string* auth_date = Find(fields, "auth_date");
    if (auth_date == nullptr) return Invalid("login data has no auth_date");
    const auto seconds = ParseNonNegativeInt64(*auth_date);
    if (!seconds) return Invalid("login data auth_date is not a non-negative integer");
    user.auth_date = *seconds;
    if (auto fresh = CheckFreshness(user.auth_date, now, max_age_seconds, "login data"); !fresh) {
        return fresh.error();
    }

    const auto copy_if_present = [&fields](std::string_view key, std::string& out) {
        if (const std::string* value = Find(fields, key); value != nullptr) out = *value;
    };
    copy_if_present("first_name", user.first_name);
    copy_if_present("last_name", user.last_name);
    copy_if_present("username", user.username);
    copy_if_present("photo_url", user.photo_url);
    return user;
}

std::string SignLoginWidget(const Fields& fields, std::string_view bot_token) {
    return crypto::HexEncode(WidgetHash(fields, bot_token));
}

}  // namespace onton::telegram
