#pragma once
/// Identity: Telegram sign-in (Mini App initData and Login Widget), sessions, roles. Sessions are bearer tokens:
/// random, returned once, stored only as their SHA-256, expiring and revocable.

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"
#include "ports/store.hpp"

namespace onton::identity {

enum class Role { kUser, kOrganizer, kAdmin };

std::string_view RoleName(Role role) noexcept;
std::optional<Role> ParseRole(std::string_view name) noexcept;

struct User {
    std::int64_t user_id = 0;  ///< the Telegram user id
    std::string username;
    std::string first_name;
    std::string last_name;
    std::string language_code;
    std::string photo_url;
    std::string wallet_address;
    Role role = Role::kUser;
    bool is_premium = false;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/// The JSON representation of the API (`user_id`, names, `role`, ...); empty strings become null.
nlohmann::json ToJson(const User& user);

/// Who is calling: resolved from a bearer token on every authenticated request.
struct Principal {
    std::int64_t user_id = 0;
    Role role = Role::kUser;
    std::int64_t session_expires_at = 0;
    [[nodiscard]] bool IsAdmin() const noexcept { return role == Role::kAdmin; }
};

struct SignedIn {
    std::string token;  ///< shown to the client once; only its hash is stored
    std::int64_t expires_at = 0;
    User user;
};

struct IdentitySettings {
    std::string bot_token;                      ///< configured, or the local one (see ResolveBotToken)
    std::int64_t init_data_max_age_seconds = 86400;
    std::int64_t session_ttl_seconds = 30LL * 24 * 3600;
    /// How long a resolved session is remembered in this process, sparing a database read per request. A sign-out
    /// or role change made here applies at once; one made by another process applies within this time. 0: off.
    std::int64_t session_cache_seconds = 10;
    /// Telegram's Ed25519 key for the third-party `signature`; nullopt ignores that field.
    std::optional<std::array<std::uint8_t, 32>> telegram_public_key;
};

class IdentityService {
public:
    IdentityService(ports::Store& store, const ports::Clock& clock, ports::Random& random, IdentitySettings settings);

    /// Validates Mini App initData, upserts the user and opens a session. Errors: auth.invalid, auth.expired,
    /// request.validation_failed (initData without a user).
    [[nodiscard]] Result<SignedIn> SignInWithInitData(std::string_view init_data);

    /// Validates Login Widget fields (id, first_name, ..., auth_date, hash), upserts the user, opens a session.
    [[nodiscard]] Result<SignedIn> SignInWithLoginWidget(const std::vector<std::pair<std::string, std::string>>& fields);

    /// Resolves a bearer token. Errors: auth.invalid (unknown or revoked), auth.expired. Blocks while the
    /// session is read (see AuthenticateAsync); a failing store throws.
    [[nodiscard]] Result<Principal> Authenticate(std::string_view token);

    /// The answer of AuthenticateAsync: `error` when the store failed (the caller answers 503/500), else
    /// `result`.
    struct AuthOutcome {
        std::exception_ptr error;
        std::optional<Result<Principal>> result;
    };
    using AuthDone = std::function<void(AuthOutcome)>;
    using Offload = std::function<void(std::function<void()>)>;
    /// Resolves a bearer token without holding a thread while its session is read. The cache answers at once;
    /// otherwise the token waits for the next session read, one query for every token waiting (up to 256),
    /// run in turn by the first caller that finds no read running: on `offload` when given (this call then
    /// returns at once; an I/O thread may call it), else on the calling thread, which then also reads for
    /// whoever arrives meanwhile. `done` is called exactly once, on the thread that read (or on this one),
    /// never under a lock.
    void AuthenticateAsync(std::string_view token, AuthDone done, const Offload& offload);
    /// Authenticate without touching the store: the answer when the session cache (or the token's shape) decides
    /// it, nullopt when the store must be asked. Never blocks on I/O, so an I/O thread may call it.
    [[nodiscard]] std::optional<Result<Principal>> AuthenticateCached(std::string_view token);

    /// Revokes the session of this token; idempotent.
    [[nodiscard]] Result<void> SignOut(std::string_view token);

    [[nodiscard]] Result<User> GetUser(std::int64_t user_id);

    /// Makes a user an admin. Error not_found when the user never signed in.
    [[nodiscard]] Result<User> GrantAdmin(std::int64_t user_id);

    [[nodiscard]] const IdentitySettings& settings() const noexcept { return settings_; }

private:
    Result<SignedIn> OpenSession(const User& incoming, bool from_mini_app);
    void ForgetUser(std::int64_t user_id);

    struct CachedSession {
        Principal principal;
        std::int64_t cached_at = 0;
    };
    /// A token waiting for the next session read.
    struct PendingRead {
        std::string hash;
        AuthDone done;
    };
    /// The cached principal of this token hash, when the cache holds a fresh, unexpired one.
    std::optional<Principal> CachedPrincipal(const std::string& hash, std::int64_t now);
    /// The principal of a session row read for `hash` (nullopt: no such session), remembered in the cache.
    Result<Principal> PrincipalOf(const std::optional<std::vector<ports::SqlValue>>& row,
                                  const std::string& hash,
                                  std::int64_t now);
    /// Reads the sessions of every waiting token, a query at a time, until none waits; answers each batch as
    /// soon as its query returns. Run by one caller at a time (read_running_).
    void LeadReads();

    ports::Store& store_;
    const ports::Clock& clock_;
    ports::Random& random_;
    IdentitySettings settings_;
    std::mutex cache_mutex_;
    std::unordered_map<std::string, CachedSession> cache_;  ///< by token hash

    std::mutex read_mutex_;
    std::vector<PendingRead> reads_waiting_;  ///< in arrival order; guarded by read_mutex_
    bool read_running_ = false;               ///< a caller is in LeadReads; guarded by read_mutex_
};

/// The bot token to validate against: the configured one, or else the platform's local token, generated once
/// and kept in app_settings so that `onton admin init-data` in another process signs with the same token.
[[nodiscard]] std::string ResolveBotToken(ports::Store& store,
                                          ports::Random& random,
                                          const ports::Clock& clock,
                                          const std::string& configured);

/// The user with this id, read within `tx`; nullopt when they never signed in.
[[nodiscard]] std::optional<User> FindUser(ports::Transaction& tx, std::int64_t user_id);

/// The value kept in app_settings under `key`: the first `candidate` ever stored there wins, so every process
/// (and every restart) agrees on it. Called outside any transaction.
[[nodiscard]] std::string KeepFirstSetting(ports::Store& store,
                                           const ports::Clock& clock,
                                           std::string_view key,
                                           const std::string& candidate);

/// The bearer token from an `Authorization: Bearer <token>` header value; empty when absent or malformed.
std::string_view BearerToken(std::string_view authorization) noexcept;

}  // namespace onton::identity
