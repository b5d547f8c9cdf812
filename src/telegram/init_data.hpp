#pragma once
/// Telegram Mini App `initData` validation (core.telegram.org/bots/webapps, "Validating data received via the
/// Mini App" and "Validating data for third-party use"), and signing for tests and local development.
///
/// Everything here is a pure function of its arguments: no I/O and no clock (the caller passes `now`). Hostile
/// input never throws: every expected failure is an Error with code `auth.invalid` or `auth.expired` and a
/// message that says which rule failed. Exceptions are left for a failing crypto library.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace onton::telegram {

/// Decoded `key=value` pairs in the order they were received (or are to be sent).
using Fields = std::vector<std::pair<std::string, std::string>>;

/// Telegram's Ed25519 public keys for the third-party `signature` (Bot API 8.0+).
inline constexpr std::array<std::uint8_t, 32> kTelegramProductionKey = {
    0xe7, 0xbf, 0x03, 0xa2, 0xfa, 0x46, 0x02, 0xaf, 0x45, 0x80, 0x70, 0x3d, 0x88, 0xdd, 0xa5, 0xbb,
    0x59, 0xf3, 0x2e, 0xd8, 0xb0, 0x2a, 0x56, 0xc1, 0x87, 0xfe, 0x7d, 0x34, 0xca, 0xed, 0x24, 0x2d};
inline constexpr std::array<std::uint8_t, 32> kTelegramTestKey = {
    0x40, 0x05, 0x50, 0x58, 0xa4, 0xee, 0x38, 0x15, 0x6a, 0x06, 0x56, 0x2e, 0x52, 0xee, 0xce, 0x92,
    0xa7, 0x71, 0xbc, 0xd8, 0x34, 0x6a, 0x8c, 0x46, 0x15, 0xcb, 0x73, 0x76, 0xed, 0xdf, 0x72, 0xec};

/// Input bounds: larger initData is rejected before any parsing.
inline constexpr std::size_t kMaxInitDataBytes = 16 * 1024;
inline constexpr std::size_t kMaxInitDataFields = 64;
/// How far `auth_date` may lie in the future (client and server clocks disagree a little).
inline constexpr std::int64_t kMaxClockSkewSeconds = 60;

/// The `user` object of initData (core.telegram.org/bots/webapps#webappuser). Absent strings are empty.
struct WebAppUser {
    std::int64_t id = 0;  ///< always > 0 after validation
    std::string first_name;
    std::string last_name;
    std::string username;
    std::string language_code;
    std::string photo_url;
    bool is_premium = false;
    bool allows_write_to_pm = false;
};

/// Validated initData.
struct InitData {
    Fields fields;               ///< decoded, in received order, `hash` excluded (`signature` kept)
    std::int64_t auth_date = 0;  ///< unix seconds
    std::optional<WebAppUser> user;  ///< parsed from the `user` JSON field when present
    std::string query_id;
    std::string start_param;  ///< as signed; Telegram limits it to [A-Za-z0-9_-]{0,512} but it is not re-checked
    std::string chat_type;
    std::string chat_instance;
    bool has_signature = false;  ///< an Ed25519 `signature` field was present AND verified
};

struct InitDataOptions {
    std::int64_t now = 0;                  ///< unix seconds, injected: the library has no clock
    std::int64_t max_age_seconds = 86400;  ///< 0 (or less) disables the freshness check entirely
    /// Key for the Ed25519 `signature` field; std::nullopt ignores the field (it still counts for the HMAC).
    std::optional<std::array<std::uint8_t, 32>> telegram_public_key = kTelegramProductionKey;
};

/// First-party validation with the bot token: data_check_string = every decoded pair except `hash` (`signature`
/// included), `key=value`, sorted by key in byte order, joined by '\n'; secret = HMAC-SHA-256(key "WebAppData",
/// message bot_token); `hash` must equal hex(HMAC-SHA-256(secret, data_check_string)), compared in constant time.
/// When a `signature` field is present and options.telegram_public_key is set, the Ed25519 third-party check must
/// pass too (bot id = the digits before ':' in the token) and has_signature is set.
/// Errors: `auth.invalid` (empty token, oversized or malformed query string, bad percent escape, duplicate key,
/// missing or ill-formed hash, hash mismatch, bad signature, bad auth_date, bad `user` JSON, user without a
/// positive id) or `auth.expired` (auth_date older than max_age_seconds, or more than kMaxClockSkewSeconds ahead).
/// The HMAC is checked before auth_date and `user` are interpreted, so forged data never reaches the JSON parser.
[[nodiscard]] Result<InitData> ValidateInitData(std::string_view raw,
                                                std::string_view bot_token,
                                                const InitDataOptions& options);

/// Third-party validation without the token: `signature` (base64url without padding, 64 bytes) must be an Ed25519
/// signature by `public_key` over "<bot_id>:WebAppData\n" + the sorted pairs without `hash` and `signature`.
/// options.telegram_public_key is not used. Same errors and freshness rule as ValidateInitData; a missing
/// `signature` is `auth.invalid`. On success has_signature is true.
[[nodiscard]] Result<InitData> ValidateInitDataSignature(std::string_view raw,
                                                         std::int64_t bot_id,
                                                         const std::array<std::uint8_t, 32>& public_key,
                                                         const InitDataOptions& options);

/// Builds initData for `fields` the way Telegram does: the pairs in the given order, percent-encoded as
/// URLSearchParams does (space as '+'), then `&hash=<hex>`. A `hash` pair in `fields` is dropped. Keys must be
/// unique and non-empty for the result to validate. Used by `onton admin init-data` and by tests.
[[nodiscard]] std::string SignInitData(const Fields& fields, std::string_view bot_token);

/// Telegram's third-party signature over `fields` (`hash` and `signature` pairs are left out of the message), as
/// base64url without padding, ready to be added as the `signature` field before SignInitData. For tests with a
/// throwaway key; secret_key is libsodium's 64-byte secret key.
[[nodiscard]] std::string SignInitDataEd25519(const Fields& fields,
                                              std::int64_t bot_id,
                                              const std::array<std::uint8_t, 64>& secret_key);

/// The bot id of a token "<digits>:<secret>": std::nullopt when there is no ':' or the prefix is not a positive
/// int64.
[[nodiscard]] std::optional<std::int64_t> BotIdFromToken(std::string_view bot_token);

// Building blocks shared with the Login Widget check.

/// `key=value` for every pair whose key is not in `excluded`, sorted by key (byte order), joined by '\n', with no
/// trailing newline.
[[nodiscard]] std::string DataCheckString(const Fields& fields, std::initializer_list<std::string_view> excluded);

/// Parses a plain decimal integer: ASCII digits only (no sign, no spaces), at most int64 max. std::nullopt
/// otherwise.
[[nodiscard]] std::optional<std::int64_t> ParseNonNegativeInt64(std::string_view text);

/// `auth.expired` when max_age_seconds > 0 and auth_date is older than now - max_age_seconds or later than
/// now + kMaxClockSkewSeconds; Ok otherwise (always Ok when max_age_seconds <= 0). `subject` names the data
/// in the message ("initData", "login data").
[[nodiscard]] Result<void> CheckFreshness(std::int64_t auth_date,
                                          std::int64_t now,
                                          std::int64_t max_age_seconds,
                                          std::string_view subject);

}  // namespace onton::telegram
