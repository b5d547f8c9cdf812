#pragma once
/// Telegram Login Widget validation (core.telegram.org/widgets/login, "Checking authorization"), and signing for
/// tests and local development. Pure functions: no I/O, no clock. Hostile input never throws; expected failures
/// are `auth.invalid` or `auth.expired` with a message that says which rule failed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "telegram/init_data.hpp"

namespace onton::telegram {

/// Bounds on what the HTTP layer may hand over: more fields, or more bytes of keys plus values, is rejected.
inline constexpr std::size_t kMaxLoginWidgetFields = 64;
inline constexpr std::size_t kMaxLoginWidgetBytes = 16 * 1024;

/// A validated widget login. Absent strings are empty.
struct LoginWidgetUser {
    std::int64_t id = 0;  ///< always > 0 after validation
    std::string first_name;
    std::string last_name;
    std::string username;
    std::string photo_url;
    std::int64_t auth_date = 0;  ///< unix seconds
};

/// Checks the widget's fields (id, first_name, last_name, username, photo_url, auth_date, hash and any others
/// Telegram adds) as string pairs; the HTTP layer turns the widget's JSON object into pairs, numbers as their
/// decimal text. data_check_string = every pair except `hash`, `key=value`, sorted by key, joined by '\n';
/// `hash` must equal hex(HMAC-SHA-256(key = SHA-256(bot_token), data_check_string)), compared in constant time.
/// Then `id` must be a positive int64 and `auth_date` a non-negative integer, and the freshness rule of
/// CheckFreshness applies (max_age_seconds <= 0 disables it).
/// Errors: `auth.invalid` (empty token, too many or too large fields, empty, ill-formed or duplicate key, missing
/// or ill-formed hash, hash mismatch, bad id or auth_date) or `auth.expired`.
[[nodiscard]] Result<LoginWidgetUser> ValidateLoginWidget(const Fields& fields,
                                                          std::string_view bot_token,
                                                          std::int64_t now,
                                                          std::int64_t max_age_seconds = 86400);

/// The hex `hash` Telegram would attach to `fields` (a `hash` pair in `fields` is ignored). For tests and dev.
[[nodiscard]] std::string SignLoginWidget(const Fields& fields, std::string_view bot_token);

}  // namespace onton::telegram
