#include "telegram/init_data.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>

#include "telegram/crypto.hpp"

namespace onton::telegram {
namespace {

constexpr std::string_view kInvalid = "auth.invalid";
constexpr std::string_view kExpired = "auth.expired";
constexpr std::string_view kWebAppDataKey = "WebAppData";

Error Invalid(std::string message) { return Error{std::string(kInvalid), std::move(message)}; }

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding, except that a malformed escape is an error: URLSearchParams keeps it
// literally, but Telegram never sends one, so it can only be tampering or a broken client.
std::optional<std::string> FormDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = HexDigit(text[i + 1]);
            const int low = HexDigit(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out.push_back(static_cast<char>(high * 16 + low));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// The URL standard's application/x-www-form-urlencoded serializer, which URLSearchParams.toString() uses.
std::string FormEncode(std::string_view text) {
    constexpr std::string_view kUpperHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '*' || c == '-' || c == '.' || c == '_';
        if (unreserved) {
            out.push_back(c);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(kUpperHex[byte >> 4U]);
            out.push_back(kUpperHex[byte & 0x0FU]);
        }
    }
    return out;
}

// Keys end up in the newline-joined data-check string, so a key holding '\n' or '=' could make two different
// field sets hash alike; Telegram's keys are plain identifiers, so such a key is rejected outright.
bool IsAcceptableKey(std::string_view key) {
    if (key.empty()) return false;
    return std::none_of(key.begin(), key.end(), [](char c) {
        return c == '=' || static_cast<unsigned char>(c) < 0x20 || c == '\x7f';
    });
}

Result<Fields> ParseQuery(std::string_view raw) {
    if (raw.empty()) return Invalid("initData is empty");
    if (raw.size() > kMaxInitDataBytes) {
        return Invalid("initData is larger than " + std::to_string(kMaxInitDataBytes) + " bytes");
    }
    Fields fields;
    std::size_t pos = 0;
    while (true) {
        const std::size_t amp = raw.find('&', pos);
        const std::string_view segment = raw.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
        if (segment.empty()) return Invalid("initData has an empty field (stray '&')");
        if (fields.size() == kMaxInitDataFields) {
            return Invalid("initData has more than " + std::to_string(kMaxInitDataFields) + " fields");
        }
        const std::size_t eq = segment.find('=');
        if (eq == std::string_view::npos) return Invalid("initData has a field without '='");
        auto key = FormDecode(segment.substr(0, eq));
        auto value = FormDecode(segment.substr(eq + 1));
        if (!key || !value) return Invalid("initData has an invalid percent escape");
        if (!IsAcceptableKey(*key)) return Invalid("initData has an empty or ill-formed key");
        const bool duplicate =
            std::any_of(fields.begin(), fields.end(), [&](const auto& field) { return field.first == *key; });
        if (duplicate) return Invalid("initData has a duplicate key");
        fields.emplace_back(std::move(*key), std::move(*value));
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
    return fields;
}

const std::string* Find(const Fields& fields, std::string_view key) {
    for (const auto& [k, v] : fields) {
        if (k == key) return &v;
    }
    return nullptr;
}

// Removes `hash` from the fields (keeping the order of the rest) and returns its value, if any.
std::optional<std::string> TakeHash(Fields& fields) {
    const auto it = std::find_if(fields.begin(), fields.end(), [](const auto& f) { return f.first == "hash"; });
    if (it == fields.end()) return std::nullopt;
    std::string hash = std::move(it->second);
    fields.erase(it);
    return hash;
}

crypto::Sha256Digest WebAppSecret(std::string_view bot_token) {
    return crypto::HmacSha256(kWebAppDataKey, bot_token);
}

std::string Ed25519Message(const Fields& fields, std::int64_t bot_id) {
    return std::to_string(bot_id) + ":WebAppData\n" + DataCheckString(fields, {"hash", "signature"});
}

Result<void> VerifySignature(const Fields& fields,
                             std::int64_t bot_id,
                             const std::array<std::uint8_t, 32>& public_key) {
    const std::string* text = Find(fields, "signature");
    if (text == nullptr) return Invalid("initData has no signature");
    const auto signature = crypto::Base64UrlDecode(*text);
    if (!signature || signature->size() != 64) {
        return Invalid("initData signature is not 64 bytes of unpadded base64url");
    }
    if (!crypto::Ed25519Verify(*signature, Ed25519Message(fields, bot_id), public_key)) {
        return Invalid("initData signature does not verify");
    }
    return Ok();
}

bool ReadString(const nlohmann::json& object, const char* key, std::string& out) {
    const auto it = object.find(key);
    if (it == object.end()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

bool ReadBool(const nlohmann::json& object, const char* key, bool& out) {
    const auto it = object.find(key);
    if (it == object.end()) return true;
    if (!it->is_boolean()) return false;
    out = it->get<bool>();
    return true;
}

std::optional<std::int64_t> PositiveId(const nlohmann::json& id) {
    // nlohmann stores non-negative literals as unsigned and negative ones as signed; floats (1.0, 1e3) and
    // integers beyond 64 bits are neither, so both are rejected here.
    if (id.is_number_unsigned()) {
        const auto value = id.get<std::uint64_t>();
        if (value == 0 || value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(value);
    }
    if (id.is_number_integer()) {
        const auto value = id.get<std::int64_t>();
        if (value <= 0) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

Result<WebAppUser> ParseUser(std::string_view text) {
    try {
        const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        if (json.is_discarded() || !json.is_object()) return Invalid("initData user is not a JSON object");
        const auto id = json.find("id");
        if (id == json.end()) return Invalid("initData user has no id");
        const auto user_id = PositiveId(*id);
        if (!user_id) return Invalid("initData user id is not a positive 64-bit integer");
        WebAppUser user;
        user.id = *user_id;
        const bool types_ok =
            ReadString(json, "first_name", user.first_name) && ReadString(json, "last_name", user.last_name) &&
            ReadString(json, "username", user.username) &&
            ReadString(json, "language_code", user.language_code) &&
            ReadString(json, "photo_url", user.photo_url) && ReadBool(json, "is_premium", user.is_premium) &&
            ReadBool(json, "allows_write_to_pm", user.allows_write_to_pm);
        if (!types_ok) return Invalid("initData user has a field of the wrong type");
        return user;
    } catch (const nlohmann::json::exception&) {
        // Not expected after the type checks above; kept so that no input can turn into an exception.
        return Invalid("initData user is not valid JSON");
    }
}

// Everything after the signatures: auth_date, freshness and the typed fields.
Result<InitData> Interpret(Fields fields, const InitDataOptions& options, bool has_signature) {
    InitData data;
    const std::string* auth_date = Find(fields, "auth_date");
    if (auth_date == nullptr) return Invalid("initData has no auth_date");
    const auto seconds = ParseNonNegativeInt64(*auth_date);
    if (!seconds) return Invalid("initData auth_date is not a non-negative integer");
    data.auth_date = *seconds;
    if (auto fresh = CheckFreshness(data.auth_date, options.now, options.max_age_seconds, "initData"); !fresh) {
        return fresh.error();
    }
    if (const std::string* user = Find(fields, "user"); user != nullptr) {
        auto parsed = ParseUser(*user);
        if (!parsed) return parsed.error();
        data.user = std::move(parsed).value();
    }
    const auto copy_if_present = [&fields](std::string_view key, std::string& out) {
        if (const std::string* value = Find(fields, key); value != nullptr) out = *value;
    };
    copy_if_present("query_id", data.query_id);
    copy_if_present("start_param", data.start_param);
    copy_if_present("chat_type", data.chat_type);
    copy_if_present("chat_instance", data.chat_instance);
    data.has_signature = has_signature;
    data.fields = std::move(fields);
    return data;
}

}  // namespace

Result<InitData> ValidateInitData(std::string_view raw,
                                  std::string_view bot_token,
                                  const InitDataOptions& options) {
    // An empty token is a configuration mistake, and accepting it would let anyone sign.
    if (bot_token.empty()) return Invalid("no bot token is configured");
    auto parsed = ParseQuery(raw);
    if (!parsed) return parsed.error();
    Fields fields = std::move(parsed).value();

    const auto hash_hex = TakeHash(fields);
    if (!hash_hex || hash_hex->empty()) return Invalid("initData hash is missing");
    const auto hash = hash_hex->size() == 64 ? crypto::HexDecode(*hash_hex) : std::nullopt;
    if (!hash) return Invalid("initData hash is not 64 hex characters");

    const auto secret = WebAppSecret(bot_token);
    const auto expected = crypto::HmacSha256(secret, DataCheckString(fields, {}));
    if (!crypto::ConstantTimeEqual(expected, *hash)) return Invalid("initData hash does not match");

    bool has_signature = false;
    if (options.telegram_public_key && Find(fields, "signature") != nullptr) {
        const auto bot_id = BotIdFromToken(bot_token);
        if (!bot_id) return Invalid("bot token has no numeric bot id, so the signature cannot be checked");
        if (auto verified = VerifySignature(fields, *bot_id, *options.telegram_public_key); !verified) {
            return verified.error();
        }
        has_signature = true;
    }
    return Interpret(std::move(fields), options, has_signature);
}

Result<InitData> ValidateInitDataSignature(std::string_view raw,
                                           std::int64_t bot_id,
                                           const std::array<std::uint8_t, 32>& public_key,
                                           const InitDataOptions& options) {
    if (bot_id <= 0) return Invalid("bot id must be positive");
    auto parsed = ParseQuery(raw);
    if (!parsed) return parsed.error();
    Fields fields = std::move(parsed).value();
    // The hash is the first-party MAC; this check cannot verify it, only leave it out of the message.
    static_cast<void>(TakeHash(fields));
    if (auto verified = VerifySignature(fields, bot_id, public_key); !verified) return verified.error();
    return Interpret(std::move(fields), options, true);
}

std::string SignInitData(const Fields& fields, std::string_view bot_token) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (key == "hash") continue;
        if (!out.empty()) out.push_back('&');
        out += FormEncode(key);
        out.push_back('=');
        out += FormEncode(value);
    }
    const auto hash = crypto::HmacSha256(WebAppSecret(bot_token), DataCheckString(fields, {"hash"}));
    if (!out.empty()) out.push_back('&');
    out += "hash=";
    out += crypto::HexEncode(hash);
    return out;
}

std::string SignInitDataEd25519(const Fields& fields,
                                std::int64_t bot_id,
                                const std::array<std::uint8_t, 64>& secret_key) {
    const auto signature = crypto::Ed25519Sign(Ed25519Message(fields, bot_id), secret_key);
    return crypto::Base64UrlEncode(signature);
}

std::optional<std::int64_t> BotIdFromToken(std::string_view bot_token) {
    const std::size_t colon = bot_token.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    const auto id = ParseNonNegativeInt64(bot_token.substr(0, colon));
    if (!id || *id == 0) return std::nullopt;
    return id;
}

std::string DataCheckString(const Fields& fields, std::initializer_list<std::string_view> excluded) {
    std::vector<const std::pair<std::string, std::string>*> kept;
    kept.reserve(fields.size());
    for (const auto& field : fields) {
        if (std::find(excluded.begin(), excluded.end(), field.first) == excluded.end()) kept.push_back(&field);
    }
    // std::string compares through char_traits<char>, which orders like memcmp (unsigned bytes), as Telegram does.
    std::sort(kept.begin(), kept.end(), [](const auto* a, const auto* b) { return *a < *b; });
    std::string out;
    for (const auto* field : kept) {
        if (!out.empty()) out.push_back('\n');
        out += field->first;
        out.push_back('=');
        out += field->second;
    }
    return out;
}

std::optional<std::int64_t> ParseNonNegativeInt64(std::string_view text) {
    if (text.empty()) return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

Result<void> CheckFreshness(std::int64_t auth_date,
                            std::int64_t now,
                            std::int64_t max_age_seconds,
                            std::string_view subject) {
    if (max_age_seconds <= 0) return Ok();
    if (auth_date < 0) return Invalid(std::string(subject) + " auth_date is negative");
    // With auth_date >= 0 neither expression below can overflow: auth_date - skew stays above INT64_MIN, and
    // now - auth_date is only computed when both are non-negative.
    if (now < auth_date - kMaxClockSkewSeconds) {
        return Error{std::string(kExpired), std::string(subject) + " auth_date is in the future"};
    }
    if (now >= 0 && now - auth_date > max_age_seconds) {
        return Error{std::string(kExpired), std::string(subject) + " is older than " +
                                                std::to_string(max_age_seconds) + " seconds"};
    }
    return Ok();
}

}  // namespace onton::telegram
