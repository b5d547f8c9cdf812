#include "domain/identity/identity.hpp"

#include <bit>
#include <future>
#include <iterator>

#include "common/encoding.hpp"
#include "telegram/init_data.hpp"
#include "telegram/login_widget.hpp"

namespace onton::identity {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using ports::TextOrNull;

// The Mini App carries language and premium; the Login Widget does not, so it leaves them as they were.
constexpr std::string_view kUpsertFromMiniAppSql = R"(
INSERT INTO users (user_id, username, first_name, last_name, language_code, photo_url, is_premium, created_at,
                   updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
ON CONFLICT (user_id) DO UPDATE SET
    username = excluded.username, first_name = excluded.first_name, last_name = excluded.last_name,
    language_code = excluded.language_code, photo_url = COALESCE(excluded.photo_url, users.photo_url),
    is_premium = excluded.is_premium, updated_at = excluded.updated_at)";

constexpr std::string_view kUpsertFromWidgetSql = R"(
INSERT INTO users (user_id, username, first_name, last_name, photo_url, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (user_id) DO UPDATE SET
    username = excluded.username, first_name = excluded.first_name, last_name = excluded.last_name,
    photo_url = COALESCE(excluded.photo_url, users.photo_url), updated_at = excluded.updated_at)";

constexpr std::string_view kSelectUserSql = R"(
SELECT user_id, username, first_name, last_name, language_code, photo_url, wallet_address, role, is_premium,
       created_at, updated_at
FROM users WHERE user_id = $1)";

constexpr std::string_view kInsertSessionSql =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";

constexpr std::string_view kRevokeSessionSql =
    "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL";

constexpr std::string_view kGrantAdminSql = "UPDATE users SET role = 'admin', updated_at = $2 WHERE user_id = $1";

constexpr std::string_view kInsertSettingSql =
    "INSERT INTO app_settings (key, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING";
constexpr std::string_view kSelectSettingSql = "SELECT value FROM app_settings WHERE key = $1";

constexpr std::string_view kLocalBotTokenKey = "local_bot_token";
constexpr std::size_t kTokenBytes = 32;

User UserFromRow(const ports::ResultSet& rs, std::size_t row) {
    const auto& r = rs.rows[row];
    User u;
    u.user_id = AsInt(r[0]);
    u.username = AsOptionalText(r[1]).value_or("");
    u.first_name = AsOptionalText(r[2]).value_or("");
    u.last_name = AsOptionalText(r[3]).value_or("");
    u.language_code = AsOptionalText(r[4]).value_or("");
    u.photo_url = AsOptionalText(r[5]).value_or("");
    u.wallet_address = AsOptionalText(r[6]).value_or("");
    u.role = ParseRole(AsText(r[7])).value_or(Role::kUser);
    u.is_premium = AsInt(r[8]) != 0;
    u.created_at = AsInt(r[9]);
    u.updated_at = AsInt(r[10]);
    return u;
}

Error Invalid(std::string message) { return Error{"auth.invalid", std::move(message)}; }

}  // namespace

std::optional<User> FindUser(ports::Transaction& tx, std::int64_t user_id) {
    const auto rs = tx.Execute(kSelectUserSql, {user_id});
    if (rs.empty()) return std::nullopt;
    return UserFromRow(rs, 0);
}

std::string KeepFirstSetting(ports::Store& store,
                             const ports::Clock& clock,
                             std::string_view key,
                             const std::string& candidate) {
    return store.Transact([&](ports::Transaction& tx) {
        tx.Execute(kInsertSettingSql, {std::string(key), candidate, clock.NowUnix()});
        return AsText(tx.Execute(kSelectSettingSql, {std::string(key)}).rows.at(0).at(0));
    });
}

std::string_view RoleName(Role role) noexcept {
    switch (role) {
        case Role::kUser:
            return "user";
        case Role::kOrganizer:
            return "organizer";
        case Role::kAdmin:
            return "admin";
    }
    return "user";
}

std::optional<Role> ParseRole(std::string_view name) noexcept {
    if (name == "user") return Role::kUser;
    if (name == "organizer") return Role::kOrganizer;
    if (name == "admin") return Role::kAdmin;
    return std::nullopt;
}

nlohmann::json ToJson(const User& user) {
    auto text = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
    return {
        {"user_id", user.user_id},
        {"username", text(user.username)},
        {"first_name", user.first_name},
        {"last_name", text(user.last_name)},
        {"language_code", text(user.language_code)},
        {"photo_url", text(user.photo_url)},
        {"wallet_address", text(user.wallet_address)},
        {"role", RoleName(user.role)},
        {"is_premium", user.is_premium},
        {"created_at", user.created_at},
        {"updated_at", user.updated_at},
    };
}

std::string_view BearerToken(std::string_view authorization) noexcept {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() <= kScheme.size()) return {};
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        const auto a = static_cast<unsigned char>(authorization[i]);
        const auto b = static_cast<unsigned char>(kScheme[i]);
        if (std::tolower(a) != std::tolower(b)) return {};
    }
    auto token = authorization.substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

IdentityService::IdentityService(ports::Store& store,
                                 const ports::Clock& clock,
                                 ports::Random& random,
                                 IdentitySettings settings)
    : store_(store), clock_(clock), random_(random), settings_(std::move(settings)) {}

Result<SignedIn> IdentityService::SignInWithInitData(std::string_view init_data) {
    telegram::InitDataOptions options;
    options.now = clock_.NowUnix();
    options.max_age_seconds = settings_.init_data_max_age_seconds;
    options.telegram_public_key = settings_.telegram_public_key;
    auto validated = telegram::ValidateInitData(init_data, settings_.bot_token, options);
    if (!validated) return validated.error();
    if (!validated->user) {
        return Error{"request.validation_failed", "initData carries no user: open the app from a private chat"};
    }
    const auto& tg = *validated->user;
    User incoming;
    incoming.user_id = tg.id;
    incoming.username = tg.username;
    incoming.first_name = tg.first_name;
    incoming.last_name = tg.last_name;
    incoming.language_code = tg.language_code;
    incoming.photo_url = tg.photo_url;
    incoming.is_premium = tg.is_premium;
    return OpenSession(incoming, true);
}

Result<SignedIn> IdentityService::SignInWithLoginWidget(
    const std::vector<std::pair<std::string, std::string>>& fields) {
    auto validated =
        telegram::ValidateLoginWidget(fields, settings_.bot_token, clock_.NowUnix(), settings_.init_data_max_age_seconds);
    if (!validated) return validated.error();
    User incoming;
    incoming.user_id = validated->id;
    incoming.username = validated->username;
    incoming.first_name = validated->first_name;
    incoming.last_name = validated->last_name;
    incoming.photo_url = validated->photo_url;
    return OpenSession(incoming, false);
}

Result<SignedIn> IdentityService::OpenSession(const User& incoming, bool from_mini_app) {
    const auto now = clock_.NowUnix();
    const std::string token = "ont_" + Base64Url(random_.Bytes(kTokenBytes));
    const auto expires_at = now + settings_.session_ttl_seconds;
    const auto hash = Sha256Hex(token);
    User stored = store_.Transact([&](ports::Transaction& tx) {
        if (from_mini_app) {
            tx.Execute(kUpsertFromMiniAppSql,
                       {incoming.user_id, TextOrNull(incoming.username), incoming.first_name,
                        TextOrNull(incoming.last_name), TextOrNull(incoming.language_code),
                        TextOrNull(incoming.photo_url), std::int64_t{incoming.is_premium ? 1 : 0}, now});
        } else {
            tx.Execute(kUpsertFromWidgetSql,
                       {incoming.user_id, TextOrNull(incoming.username), incoming.first_name,
                        TextOrNull(incoming.last_name), TextOrNull(incoming.photo_url), now});
        }
        tx.Execute(kInsertSessionSql, {hash, incoming.user_id, now, expires_at});
        return *FindUser(tx, incoming.user_id);
    });
    return SignedIn{token, expires_at, std::move(stored)};
}

namespace {

Error SignInFirst() { return Error{"auth.required", "sign in first: Authorization: Bearer <token>"}; }

}  // namespace

std::optional<Principal> IdentityService::CachedPrincipal(const std::string& hash, std::int64_t now) {
    if (settings_.session_cache_seconds <= 0) return std::nullopt;
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.cached_at < settings_.session_cache_seconds &&
        it->second.principal.session_expires_at > now) {
        return it->second.principal;
    }
    return std::nullopt;
}

std::optional<Result<Principal>> IdentityService::AuthenticateCached(std::string_view token) {
    if (token.empty()) return Result<Principal>(SignInFirst());
    if (settings_.session_cache_seconds <= 0) return std::nullopt;
    if (auto principal = CachedPrincipal(Sha256Hex(token), clock_.NowUnix())) return Result<Principal>(*principal);
    return std::nullopt;
}

Result<Principal> IdentityService::Authenticate(std::string_view token) {
    std::promise<AuthOutcome> answer;
    auto future = answer.get_future();
    AuthenticateAsync(token, [&answer](AuthOutcome outcome) { answer.set_value(std::move(outcome)); }, {});
    auto outcome = future.get();
    if (outcome.error) std::rethrow_exception(outcome.error);
    return std::move(*outcome.result);
}

void IdentityService::AuthenticateAsync(std::string_view token, AuthDone done, const Offload& offload) {
    if (token.empty()) {
        done({nullptr, Result<Principal>(SignInFirst())});
        return;
    }
    auto hash = Sha256Hex(token);  // once, for the cache and the store
    if (auto principal = CachedPrincipal(hash, clock_.NowUnix())) {
        done({nullptr, Result<Principal>(*principal)});
        return;
    }
    {
        std::lock_guard lock(read_mutex_);
        reads_waiting_.push_back({std::move(hash), std::move(done)});
        if (read_running_) return;  // the running reader takes it with its next query
        read_running_ = true;
    }
    if (offload) {
        offload([this] { LeadReads(); });
    } else {
        LeadReads();
    }
}

Result<Principal> IdentityService::PrincipalOf(const std::optional<std::vector<ports::SqlValue>>& row,
                                               const std::string& hash,
                                               std::int64_t now) {
    if (!row) return Invalid("unknown session token");
    const auto& r = *row;
    if (AsOptionalInt(r[2])) return Invalid("the session was signed out");
    const auto expires_at = AsInt(r[1]);
    if (expires_at <= now) return Error{"auth.expired", "the session expired: sign in again"};
    const Principal principal{AsInt(r[0]), ParseRole(AsText(r[3])).value_or(Role::kUser), expires_at};
    if (settings_.session_cache_seconds > 0) {
        constexpr std::size_t kMaxCached = 100'000;
        std::lock_guard lock(cache_mutex_);
        if (cache_.size() >= kMaxCached) cache_.clear();  // a crude bound; entries are cheap to read back
        cache_[hash] = CachedSession{principal, now};
    }
    return principal;
}

namespace {

constexpr std::size_t kMaxSessionsPerRead = 256;

/// `SELECT ... WHERE s.token_hash IN ($1, ..., $n)`, n a power of two (the list is padded by repeating its first
/// hash), so that PostgreSQL prepares at most nine distinct statements.
const std::string& SessionsSql(std::size_t n) {
    static const auto kSql = [] {
        std::vector<std::string> sql;
        for (std::size_t size = 1; size <= kMaxSessionsPerRead; size *= 2) {
            sql.push_back("SELECT s.token_hash, s.user_id, s.expires_at, s.revoked_at, u.role FROM sessions s "
                          "JOIN users u ON u.user_id = s.user_id WHERE s.token_hash IN (" +
                          ports::PaddedInList(size) + ")");
        }
        return sql;
    }();
    return kSql[static_cast<std::size_t>(std::countr_zero(std::bit_ceil(n)))];
}

}  // namespace

void IdentityService::LeadReads() {
    std::unique_lock lock(read_mutex_);
    while (!reads_waiting_.empty()) {
        // The oldest waiters whose distinct tokens fit one query; a token asked twice is read once.
        std::vector<PendingRead> batch;
        std::unordered_map<std::string, std::optional<std::vector<ports::SqlValue>>> rows;
        std::size_t taken = 0;
        while (taken < reads_waiting_.size() &&
               (rows.size() < kMaxSessionsPerRead || rows.contains(reads_waiting_[taken].hash))) {
            rows.try_emplace(reads_waiting_[taken].hash);
            ++taken;
        }
        batch.assign(std::make_move_iterator(reads_waiting_.begin()),
                     std::make_move_iterator(reads_waiting_.begin() + static_cast<std::ptrdiff_t>(taken)));
        reads_waiting_.erase(reads_waiting_.begin(),
                             reads_waiting_.begin() + static_cast<std::ptrdiff_t>(taken));
        lock.unlock();
        std::exception_ptr error;
        try {
            ports::SqlParams params;
            for (const auto& [h, row] : rows) params.emplace_back(h);
            ports::PadToPowerOfTwo(params);
            const auto rs = store_.ReadOnce(SessionsSql(rows.size()), params);
            for (const auto& row : rs.rows) {
                if (const auto it = rows.find(AsText(row[0])); it != rows.end()) {
                    it->second.emplace(row.begin() + 1, row.end());  // without the hash
                }
            }
        } catch (...) {
            error = std::current_exception();
        }
        const auto now = clock_.NowUnix();
        for (auto& pending : batch) {
            AuthOutcome outcome;
            if (error) {
                outcome.error = error;
            } else {
                outcome.result.emplace(PrincipalOf(rows[pending.hash], pending.hash, now));
            }
            try {
                pending.done(std::move(outcome));
            } catch (...) {
                // one caller's failing continuation must not keep the others from their answers
            }
        }
        lock.lock();
    }
    read_running_ = false;
}

Result<void> IdentityService::SignOut(std::string_view token) {
    const auto hash = Sha256Hex(token);
    store_.Transact([&](ports::Transaction& tx) { tx.Execute(kRevokeSessionSql, {hash, clock_.NowUnix()}); });
    std::lock_guard lock(cache_mutex_);
    cache_.erase(hash);
    return Ok();
}

void IdentityService::ForgetUser(std::int64_t user_id) {
    std::lock_guard lock(cache_mutex_);
    std::erase_if(cache_, [user_id](const auto& entry) { return entry.second.principal.user_id == user_id; });
}

Result<User> IdentityService::GetUser(std::int64_t user_id) {
    auto user = store_.Transact([&](ports::Transaction& tx) { return FindUser(tx, user_id); }, {.read_only = true});
    if (!user) return Error{"not_found", "no such user"};
    return *user;
}

Result<User> IdentityService::GrantAdmin(std::int64_t user_id) {
    auto user = store_.Transact([&](ports::Transaction& tx) -> std::optional<User> {
        const auto rs = tx.Execute(kGrantAdminSql, {user_id, clock_.NowUnix()});
        if (rs.rows_affected == 0) return std::nullopt;
        return FindUser(tx, user_id);
    });
    if (!user) return Error{"not_found", "user " + std::to_string(user_id) + " has never signed in"};
    ForgetUser(user_id);  // the new role applies to this process's cached sessions at once
    return *user;
}

std::string ResolveBotToken(ports::Store& store,
                            ports::Random& random,
                            const ports::Clock& clock,
                            const std::string& configured) {
    if (!configured.empty()) return configured;
    // Shaped like a real token (<bot id>:<35 characters>) so that every code path treats it the same.
    const auto id_bytes = random.Bytes(4);
    std::uint32_t id = 0;
    for (const char c : id_bytes) id = (id << 8U) | static_cast<unsigned char>(c);
    const std::string candidate =
        std::to_string(1000000000ULL + id % 1000000000U) + ":" + Base64Url(random.Bytes(27)).substr(0, 35);
    return KeepFirstSetting(store, clock, kLocalBotTokenKey, candidate);
}

}  // namespace onton::identity
