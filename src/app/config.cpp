#include "app/config.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <set>

#include "app/worker_set.hpp"
#include "domain/moderation/rules.hpp"
#include "ton/address.hpp"
#include "ton/codec.hpp"

namespace onton::app {
namespace {

/// Parses `raw` into the config; returns an explanation when the value is unacceptable.
using Apply = std::function<std::optional<std::string>(Config&, const std::string& raw)>;

struct Setting {
    std::string_view env;
    std::string_view toml;  ///< `section.key`
    Apply apply;
};

std::optional<std::int64_t> ToInt(std::string_view raw) {
    std::int64_t v = 0;
    const auto* end = raw.data() + raw.size();
    const auto [ptr, ec] = std::from_chars(raw.data(), end, v);
    if (ec != std::errc{} || ptr != end || raw.empty()) return std::nullopt;
    return v;
}

Apply IntSetting(std::function<void(Config&, std::int64_t)> set, std::int64_t min, std::int64_t max) {
    return [set = std::move(set), min, max](Config& c, const std::string& raw) -> std::optional<std::string> {
        const auto v = ToInt(raw);
        if (!v || *v < min || *v > max) {
            return fmt::format("expected an integer from {} to {}, got '{}'", min, max, raw);
        }
        set(c, *v);
        return std::nullopt;
    };
}

Apply MillisSetting(std::chrono::milliseconds http::ServerSettings::*member) {
    return IntSetting([member](Config& c, std::int64_t v) { c.http.*member = std::chrono::milliseconds(v); },
                      1,
                      24LL * 3600 * 1000);
}

std::optional<bool> ToBool(std::string raw) {
    std::transform(raw.begin(), raw.end(), raw.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (raw == "true" || raw == "1" || raw == "yes" || raw == "on") return true;
    if (raw == "false" || raw == "0" || raw == "no" || raw == "off") return false;
    return std::nullopt;
}

Apply BoolSetting(std::function<void(Config&, bool)> set) {
    return [set = std::move(set)](Config& c, const std::string& raw) -> std::optional<std::string> {
        const auto v = ToBool(raw);
        if (!v) return fmt::format("expected true or false, got '{}'", raw);
        set(c, *v);
        return std::nullopt;
    };
}

bool HasScheme(std::string_view url, std::initializer_list<std::string_view> schemes) {
    return std::any_of(schemes.begin(), schemes.end(), [&](std::string_view s) {
        return url.size() > s.size() && url.substr(0, s.size()) == s;
    });
}

/// A URL whose scheme is one of `schemes`; the empty string is accepted when `optional`.
Apply UrlSetting(std::function<std::string&(Config&)> field,
                 std::initializer_list<std::string_view> schemes,
                 bool optional) {
    std::vector<std::string_view> allowed(schemes);
    return [field = std::move(field), allowed, optional](Config& c, const std::string& raw) -> std::optional<std::string> {
        if (raw.empty() && optional) {
            field(c).clear();
            return std::nullopt;
        }
        const bool ok = std::any_of(allowed.begin(), allowed.end(), [&](std::string_view s) {
            return raw.size() > s.size() && std::string_view(raw).substr(0, s.size()) == s;
        });
        if (!ok || raw.find_first_of(" \t\r\n") != std::string::npos) {
            std::string list;
            for (auto s : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", s);
            return fmt::format("expected a URL starting with {}, got '{}'", list, raw);
        }
        field(c) = raw;
        return std::nullopt;
    };
}

/// A URL the web pages load: absolute http(s), or a path on this server ("/..."); empty restores the default.
Apply PageUrlSetting(std::function<std::string&(Config&)> field) {
    return [field = std::move(field)](Config& c, const std::string& raw) -> std::optional<std::string> {
        const std::string_view v(raw);
        const bool absolute = v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
        const bool path = v.size() > 1 && v[0] == '/' && v[1] != '/';
        if (!raw.empty() && ((!absolute && !path) || raw.find_first_of(" \t\r\n\"<>") != std::string::npos)) {
            return fmt::format("expected an http(s) URL or a path starting with /, got '{}'", raw);
        }
        field(c) = raw;
        return std::nullopt;
    };
}

Apply SecretSetting(Secret Config::*member) {
    return [member](Config& c, const std::string& raw) -> std::optional<std::string> {
        (c.*member).value = raw;
        return std::nullopt;
    };
}

bool IsMnemonicWord(const std::string& w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

const std::vector<Setting>& Settings() {
    static const std::vector<Setting> kSettings = {
        {"ONTON_HTTP_HOST",
         "http.host",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             unsigned char buf[sizeof(in6_addr)];
             if (inet_pton(AF_INET, raw.c_str(), buf) != 1 && inet_pton(AF_INET6, raw.c_str(), buf) != 1) {
                 return fmt::format("expected an IPv4 or IPv6 address to listen on, got '{}'", raw);
             }
             c.http.host = raw;
             return std::nullopt;
         }},
        {"ONTON_HTTP_PORT",
         "http.port",
         IntSetting(
             [](Config& c, std::int64_t v) { c.http.port = static_cast<std::uint16_t>(v); }, 0, 65535)},
        {"ONTON_HTTP_IO_THREADS",
         "http.io_threads",
         IntSetting([](Config& c, std::int64_t v) { c.http.io_threads = static_cast<int>(v); }, 1, 256)},
        {"ONTON_HTTP_WORKER_THREADS",
         "http.worker_threads",
         IntSetting([](Config& c, std::int64_t v) { c.http.worker_threads = static_cast<int>(v); }, 1, 1024)},
        {"ONTON_HTTP_MAX_BODY_BYTES",
         "http.max_body_bytes",
         IntSetting([](Config& c, std::int64_t v) { c.http.max_body_bytes = static_cast<std::uint64_t>(v); },
                    1024,
                    1LL << 30)},
        {"ONTON_HTTP_MAX_HEADER_BYTES",
         "http.max_header_bytes",
         IntSetting(
             [](Config& c, std::int64_t v) { c.http.max_header_bytes = static_cast<std::uint32_t>(v); },
             1024,
             1LL << 20)},
        {"ONTON_HTTP_HEADER_TIMEOUT_MS",
         "http.header_timeout_ms",
         MillisSetting(&http::ServerSettings::header_timeout)},
        {"ONTON_HTTP_BODY_TIMEOUT_MS",
         "http.body_timeout_ms",
         MillisSetting(&http::ServerSettings::body_timeout)},
        {"ONTON_HTTP_IDLE_TIMEOUT_MS",
         "http.idle_timeout_ms",
         MillisSetting(&http::ServerSettings::idle_timeout)},
        {"ONTON_HTTP_WRITE_TIMEOUT_MS",
         "http.write_timeout_ms",
         MillisSetting(&http::ServerSettings::write_timeout)},
        {"ONTON_HTTP_DRAIN_TIMEOUT_MS",
         "http.drain_timeout_ms",
         MillisSetting(&http::ServerSettings::drain_timeout)},
        {"ONTON_HTTP_ACCESS_LOG", "http.access_log", BoolSetting([](Config& c, bool v) {
             c.http.access_log = v;
         })},
        {"ONTON_CORS_ORIGINS",
         "http.cors_origins",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             auto origins = SplitList(raw);
             for (const auto& o : origins) {
                 const bool ok = o == "*" || ((HasScheme(o, {"http://", "https://"})) &&
                                              o.find('/', o.find("//") + 2) == std::string::npos);
                 if (!ok) return fmt::format("expected '*' or origins like https://example.org, got '{}'", o);
             }
             c.http.cors_origins = std::move(origins);
             return std::nullopt;
         }},
        {"ONTON_DATABASE_URL",
         "database.url",
         UrlSetting([](Config& c) -> std::string& { return c.database.url; },
                    {"sqlite://", "sqlite::memory:", "postgres://", "postgresql://"},
                    false)},
        {"ONTON_DATABASE_POOL_SIZE",
         "database.pool_size",
         IntSetting([](Config& c, std::int64_t v) { c.database.pool_size = static_cast<int>(v); }, 1, 1000)},
        {"ONTON_DATABASE_ACQUIRE_TIMEOUT_MS",
         "database.acquire_timeout_ms",
         IntSetting(
             [](Config& c, std::int64_t v) { c.database.acquire_timeout = std::chrono::milliseconds(v); },
             1,
             600000)},
        {"ONTON_DATABASE_AUTO_MIGRATE", "database.auto_migrate", BoolSetting([](Config& c, bool v) {
             c.auto_migrate = v;
         })},
        {"ONTON_REDIS_URL",
         "redis.url",
         UrlSetting([](Config& c) -> std::string& { return c.redis_url; },
                    {"redis://", "rediss://", "unix://"},
                    true)},
        {"ONTON_AMQP_URL",
         "amqp.url",
         UrlSetting([](Config& c) -> std::string& { return c.amqp_url; }, {"amqp://"}, true)},
        {"ONTON_AMQP_PREFIX",
         "amqp.prefix",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             const bool ok =
                 !raw.empty() && raw.size() <= 64 && std::all_of(raw.begin(), raw.end(), [](char ch) {
                     return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '.' || ch == '-' ||
                            ch == '_';
                 });
             if (!ok) return fmt::format("expected 1-64 of [A-Za-z0-9._-], got '{}'", raw);
             c.amqp_prefix = raw;
             return std::nullopt;
         }},
        {"ONTON_SERVE_WORKERS",
         "serve.workers",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             if (auto parsed = WorkerSet::Parse(raw); !parsed) return parsed.error().message;
             c.serve_workers = raw;
             return std::nullopt;
         }},
        {"ONTON_WALLET_LEASE_SECONDS",
         "workers.lease_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.lease_seconds = v; }, 2, 3600)},
        {"ONTON_BUS_MAX_ATTEMPTS",
         "bus.max_attempts",
         IntSetting([](Config& c, std::int64_t v) { c.bus_max_attempts = v; }, 1, 100)},
        {"ONTON_BUS_RETRY_BASE_SECONDS",
         "bus.retry_base_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.bus_retry_base_seconds = v; }, 1, 3600)},
        {"ONTON_BUS_LEASE_SECONDS",
         "bus.lease_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.bus_lease_seconds = v; }, 1, 3600)},
        {"ONTON_TON_API_URL",
         "ton.api_url",
         UrlSetting([](Config& c) -> std::string& { return c.ton_api_url; }, {"http://", "https://"}, true)},
        {"ONTON_TON_API_KEY", "ton.api_key", SecretSetting(&Config::ton_api_key)},
        {"ONTON_TELEGRAM_WEBHOOK_SECRET",
         "telegram.webhook_secret",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             const bool ok = !raw.empty() && raw.size() <= 256 &&
                             std::all_of(raw.begin(), raw.end(), [](char ch) {
                                 return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '-';
                             });
             if (!ok)
                 return std::string("expected 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)");
             c.telegram_webhook_secret.value = raw;
             return std::nullopt;
         }},
        {"ONTON_BOT_USERNAME",
         "telegram.bot_username",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             std::string name = !raw.empty() && raw.front() == '@' ? raw.substr(1) : raw;
             const bool ok = name.size() >= 5 && name.size() <= 32 &&
                             std::all_of(name.begin(), name.end(), [](char ch) {
                                 return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_';
                             });
             if (!ok) return std::string("expected a bot username: 5-32 of A-Z, a-z, 0-9 and _");
             c.bot_username = name;
             return std::nullopt;
         }},
        {"ONTON_PLATFORM_WALLET_MNEMONIC",
         "ton.platform_wallet_mnemonic",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             std::vector<std::string> words;
             std::string word;
             for (const char ch : raw + " ") {
                 if (ch == ' ' || ch == '\t' || ch == '\n') {
                     if (!word.empty()) words.push_back(std::move(word));
                     word.clear();
                 } else {
                     word.push_back(ch);
                 }
             }
             // Never echo the value: it is a key.
             if (words.size() != 24 || !std::all_of(words.begin(), words.end(), IsMnemonicWord)) {
                 return fmt::format("expected 24 lowercase words separated by spaces (got {} words)", words.size());
             }
             std::string joined;
             for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
             c.platform_wallet_mnemonic.value = joined;
             return std::nullopt;
         }},
        {"ONTON_PLATFORM_WALLET_KEY_FILE",
         "ton.platform_wallet_key_file",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             c.platform_wallet_key_file = raw;
             return std::nullopt;
         }},
        {"ONTON_PLATFORM_WALLET_VERSION",
         "ton.platform_wallet_version",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             if (raw != "v4r2" && raw != "v5r1") return fmt::format("expected v4r2 or v5r1, got '{}'", raw);
             c.platform_wallet_version = raw;
             return std::nullopt;
         }},
        {"ONTON_NFT_SWEEP_SECONDS",
         "nft.sweep_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.nft_sweep_seconds = v; }, 1, 3600)},
        {"ONTON_REFUNDS_SWEEP_SECONDS",
         "refunds.sweep_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.refunds_sweep_seconds = v; }, 1, 3600)},
        {"ONTON_WALLET_MESSAGE_TTL_SECONDS",
         "ton.wallet_message_ttl_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.wallet_message_ttl_seconds = v; }, 5, 3600)},
        {"ONTON_BOT_TOKEN",
         "telegram.bot_token",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             // Bot API tokens look like 123456:ABC-DEF...; say so without echoing the secret.
             const auto colon = raw.find(':');
             if (!raw.empty() && (colon == std::string::npos || colon == 0 || !ToInt(raw.substr(0, colon)) ||
                                  colon + 1 >= raw.size())) {
                 return std::string("expected a Bot API token of the form <bot id>:<secret>");
             }
             c.bot_token.value = raw;
             return std::nullopt;
         }},
        {"ONTON_BOT_API_URL",
         "telegram.bot_api_url",
         UrlSetting([](Config& c) -> std::string& { return c.bot_api_url; }, {"http://", "https://"}, false)},
        {"ONTON_TELEGRAM_PUBLIC_KEY",
         "telegram.public_key",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             // Set means checked: an empty or malformed key would silently stop the signature check.
             const bool hex = raw.size() == 64 && std::all_of(raw.begin(), raw.end(), [](char ch) {
                                  return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
                              });
             if (!hex) {
                 return fmt::format(
                     "expected an Ed25519 public key as 64 hex digits (32 bytes), got '{}' ({} "
                     "characters)",
                     raw,
                     raw.size());
             }
             c.telegram_public_key = raw;
             std::transform(c.telegram_public_key.begin(),
                            c.telegram_public_key.end(),
                            c.telegram_public_key.begin(),
                            [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
             return std::nullopt;
         }},
        {"ONTON_ORDER_TTL_SECONDS",
         "orders.ttl_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.order_ttl_seconds = v; }, 1, 7 * 24 * 3600)},
        {"ONTON_WAITLIST_OFFER_SECONDS",
         "orders.waitlist_offer_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.waitlist_offer_seconds = v; }, 1, 7 * 24 * 3600)},
        {"ONTON_ORDER_MAX_BATCH",
         "orders.max_batch",
         IntSetting([](Config& c, std::int64_t v) { c.order_max_batch = v; }, 1, 10000)},
        {"ONTON_ORDER_SOLD_OUT_HINT_MS",
         "orders.sold_out_hint_ms",
         IntSetting([](Config& c, std::int64_t v) { c.order_sold_out_hint_ms = v; }, 0, 60000)},
        {"ONTON_TICKET_SIGNING_KEY",
         "orders.ticket_signing_key",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             const auto seed = ton::FromBase64(raw);
             if (!seed || seed->size() != 32) return std::string("expected base64 of a 32-byte Ed25519 seed");
             c.ticket_signing_key.value = raw;
             return std::nullopt;
         }},
        {"ONTON_ORDER_EXPIRY_SWEEP_SECONDS",
         "orders.expiry_sweep_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.expiry_sweep_seconds = v; }, 1, 3600)},
        {"ONTON_MODERATION_BANNED_WORDS",
         "moderation.banned_words",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             c.moderation_banned_words = raw;
             return std::nullopt;
         }},
        {"ONTON_MODERATION_BLOCKED_DOMAINS",
         "moderation.blocked_domains",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             c.moderation_blocked_domains = raw;
             return std::nullopt;
         }},
        {"ONTON_MODERATION_MAX_LINKS",
         "moderation.max_links",
         IntSetting([](Config& c, std::int64_t v) { c.moderation_max_links = v; }, 0, 1000)},
        {"ONTON_MODERATION_CHAT_ID",
         "moderation.chat_id",
         IntSetting([](Config& c, std::int64_t v) { c.moderation_chat_id = v; },
                    std::numeric_limits<std::int64_t>::min(),
                    std::numeric_limits<std::int64_t>::max())},
        {"ONTON_WS_POLL_MS",
         "http.ws_poll_ms",
         IntSetting([](Config& c, std::int64_t v) { c.ws_poll_ms = v; }, 50, 60000)},
        {"ONTON_PLATFORM_WALLET_ADDRESS",
         "ton.platform_wallet_address",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             const bool ok = raw.empty() || (raw.size() == 48 && std::all_of(raw.begin(), raw.end(), [](char ch) {
                                                 return std::isalnum(static_cast<unsigned char>(ch)) != 0 ||
                                                        ch == '-' || ch == '_' || ch == '+' || ch == '/';
                                             }));
             if (!ok) return fmt::format("expected a 48-character user-friendly TON address, got '{}'", raw);
             c.platform_wallet_address = raw;
             return std::nullopt;
         }},
        {"ONTON_USDT_JETTON_MASTER",
         "ton.usdt_jetton_master",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             if (!raw.empty() && !ton::ParseAddress(raw)) {
                 return fmt::format(
                     "expected the address of the USDT jetton master (raw or user-friendly), got '{}'", raw);
             }
             c.usdt_jetton_master = raw;
             return std::nullopt;
         }},
        {"ONTON_TON_PROOF_DOMAINS",
         "ton.proof_domains",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             auto domains = SplitList(raw);
             for (const auto& d : domains) {
                 const bool ok = d.size() <= 253 && std::all_of(d.begin(), d.end(), [](char ch) {
                                     return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '-' ||
                                            ch == '.' || ch == ':';
                                 });
                 if (!ok) return fmt::format("expected host names like app.example.org, got '{}'", d);
             }
             c.ton_proof_domains = std::move(domains);
             return std::nullopt;
         }},
        {"ONTON_TON_PROOF_MAX_AGE_SECONDS",
         "ton.proof_max_age_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.ton_proof_max_age_seconds = v; }, 10, 24 * 3600)},
        {"ONTON_TON_PROOF_PAYLOAD_TTL_SECONDS",
         "ton.proof_payload_ttl_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.ton_proof_payload_ttl_seconds = v; }, 1, 24 * 3600)},
        {"ONTON_TON_NETWORK",
         "ton.network",
         [](Config& c, const std::string& raw) -> std::optional<std::string> {
             if (raw.empty()) {
                 c.ton_network.reset();
             } else if (raw == "mainnet") {
                 c.ton_network = ton::Network::kMainnet;
             } else if (raw == "testnet") {
                 c.ton_network = ton::Network::kTestnet;
             } else {
                 return fmt::format("expected mainnet, testnet or nothing (either), got '{}'", raw);
             }
             return std::nullopt;
         }},
        {"ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS",
         "auth.init_data_max_age_seconds",
         // At least a second: 0 would turn the freshness check off, and initData would never expire.
         IntSetting(
             [](Config& c, std::int64_t v) { c.init_data_max_age_seconds = v; }, 1, 365LL * 24 * 3600)},
        {"ONTON_AUTH_SESSION_CACHE_SECONDS",
         "auth.session_cache_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.session_cache_seconds = v; }, 0, 300)},
        {"ONTON_AUTH_SESSION_TTL_SECONDS",
         "auth.session_ttl_seconds",
         IntSetting([](Config& c, std::int64_t v) { c.session_ttl_seconds = v; }, 60, 365LL * 24 * 3600)},
        {"ONTON_PUBLIC_URL",
         "http.public_url",
         UrlSetting([](Config& c) -> std::string& { return c.public_url; }, {"http://", "https://"}, false)},
        {"ONTON_MEDIA_DIR",
         "media.dir",
         [](Config& c, const std::string& raw) -> std::
                                                   optional<std::string> {
                                                       if (raw.empty())
                                                           return std::string("expected a directory path");
                                                       c.media_dir = raw;
                                                       return std::nullopt;
                                                   }},
        {"ONTON_WEB_DIR",
         "web.dir",
         [](Config& c, const std::string& raw) -> std::
                                                   optional<std::string> {
                                                       if (raw.empty())
                                                           return std::string("expected a directory path");
                                                       c.web_dir = raw;
                                                       return std::nullopt;
                                                   }},
        {"ONTON_TONCONNECT_MANIFEST_URL",
         "web.tonconnect_manifest_url",
         PageUrlSetting([](Config& c) -> std::string& { return c.tonconnect_manifest_url; })},
        {"ONTON_TONCONNECT_WALLETS_URL",
         "web.tonconnect_wallets_url",
         PageUrlSetting([](Config& c) -> std::string& { return c.tonconnect_wallets_url; })},
        {"ONTON_MEDIA_MAX_BYTES",
         "media.max_bytes",
         IntSetting([](Config& c, std::int64_t v) { c.media_max_bytes = v; }, 1024, 64LL * 1024 * 1024)},
        {"ONTON_LOG_LEVEL",
         "log.level",
         [](Config& c, const std::string& raw)
             -> std::
                 optional<std::string> {
                     static const std::set<std::string> kLevels = {
                         "trace", "debug", "info", "warn", "error", "critical", "off"};
                     if (kLevels.count(raw) == 0) {
                         return fmt::format(
                             "expected one of trace, debug, info, warn, error, critical, off; got '{}'", raw);
                     }
                     c.log_level = raw;
                     return std::nullopt;
                 }},
    };
    return kSettings;
}

/// A TOML scalar (or array of scalars) as the string an environment variable would carry.
std::optional<std::string> TomlToRaw(const toml::node& node) {
    if (const auto* s = node.as_string()) return s->get();
    if (const auto* i = node.as_integer()) return std::to_string(i->get());
    if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
    if (const auto* a = node.as_array()) {
        std::string out;
        for (const auto& item : *a) {
            const auto* s = item.as_string();
            if (s == nullptr) return std::nullopt;
            out += (out.empty() ? "" : ",") + s->get();
        }
        return out;
    }
    return std::nullopt;
}

Error Invalid(std::string message) { return Error{"config.invalid", std::move(message)}; }

}  // namespace

EnvLookup ProcessEnv() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read once at start
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    };
}

Result<Config> LoadConfig(const EnvLookup& env, const std::string& file) {
    Config config;
    bool auto_migrate_set = false;
    bool cors_set = false;

    std::string path = file;
    if (path.empty()) path = env("ONTON_CONFIG").value_or("");
    if (!path.empty()) {
        toml::table table;
        try {
            table = toml::parse_file(path);
        } catch (const toml::parse_error& e) {
            const auto& where = e.source().begin;
            return Invalid(fmt::format("config file {}: line {}, column {}: {}",
                                       path, where.line, where.column, e.description()));
        }
        for (const auto& [section_key, section] : table) {
            const auto* section_table = section.as_table();
            if (section_table == nullptr) {
                return Invalid(fmt::format("config file {}: '{}' must be a [section]", path, section_key.str()));
            }
            for (const auto& [key, node] : *section_table) {
                const auto name = fmt::format("{}.{}", section_key.str(), key.str());
                const auto& settings = Settings();
                const auto it = std::find_if(settings.begin(), settings.end(), [&](const Setting& s) {
                    return s.toml == name;
                });
                if (it == settings.end()) return Invalid(fmt::format("config file {}: unknown setting {}", path, name));
                const auto raw = TomlToRaw(node);
                if (!raw) return Invalid(fmt::format("config file {}: {}: unsupported value type", path, name));
                if (auto problem = it->apply(config, *raw)) {
                    return Invalid(fmt::format("config file {}: {}: {}", path, name, *problem));
                }
                auto_migrate_set |= name == "database.auto_migrate";
                cors_set |= name == "http.cors_origins";
            }
        }
    }

    for (const auto& setting : Settings()) {
        const auto raw = env(std::string(setting.env));
        if (!raw) continue;
        if (auto problem = setting.apply(config, *raw)) {
            return Invalid(fmt::format("{}: {}", setting.env, *problem));
        }
        auto_migrate_set |= setting.env == "ONTON_DATABASE_AUTO_MIGRATE";
        cors_set |= setting.env == "ONTON_CORS_ORIGINS";
    }

    const bool is_sqlite = config.database.url.rfind("sqlite:", 0) == 0;
    if (!auto_migrate_set) config.auto_migrate = is_sqlite;
    if (!cors_set) config.http.cors_origins = {config.public_url};
    if (config.platform_wallet_mnemonic.set() && !config.platform_wallet_key_file.empty()) {
        return Invalid("ONTON_PLATFORM_WALLET_MNEMONIC and ONTON_PLATFORM_WALLET_KEY_FILE are exclusive: set one");
    }
    return config;
}

std::vector<std::string> SplitList(const std::string& raw) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= raw.size()) {
        auto end = raw.find(',', start);
        if (end == std::string::npos) end = raw.size();
        auto item = raw.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

std::vector<std::string> Config::Describe() const {
    auto secret = [](const Secret& s) { return std::string(s.set() ? "(set)" : "(unset)"); };
    auto or_default = [](const std::string& v, const char* fallback) { return v.empty() ? std::string(fallback) : v; };
    std::string cors;
    for (const auto& o : http.cors_origins) cors += (cors.empty() ? "" : ",") + o;
    std::string proof_domains;
    for (const auto& d : ton_proof_domains) proof_domains += (proof_domains.empty() ? "" : ",") + d;
    return {
        fmt::format("http.listen = {}:{}", http.host, http.port),
        fmt::format("http.io_threads = {}, worker_threads = {}", http.io_threads, http.worker_threads),
        fmt::format(
            "http.max_body_bytes = {}, max_header_bytes = {}", http.max_body_bytes, http.max_header_bytes),
        fmt::format("http.timeouts_ms = header {}, body {}, idle {}, write {}, drain {}",
                    http.header_timeout.count(),
                    http.body_timeout.count(),
                    http.idle_timeout.count(),
                    http.write_timeout.count(),
                    http.drain_timeout.count()),
        fmt::format("http.cors_origins = {}", cors),
        fmt::format("http.access_log = {}", http.access_log),
        fmt::format("http.public_url = {}", public_url),
        fmt::format("database.url = {}", storage::RedactUrl(database.url)),
        fmt::format("database.pool_size = {}, auto_migrate = {}", database.pool_size, auto_migrate),
        fmt::format("redis.url = {}", or_default(storage::RedactUrl(redis_url), "(in-process)")),
        fmt::format("amqp.url = {}, prefix = {}",
                    or_default(storage::RedactUrl(amqp_url), "(in-process)"),
                    amqp_prefix),
        fmt::format("workers.lease_seconds = {}", lease_seconds),
        fmt::format(
            "serve.workers = {}, bus.max_attempts = {}, bus.retry_base_seconds = {}, bus.lease_seconds = {}",
            or_default(serve_workers, amqp_url.empty() ? "(all)" : "(none)"),
            bus_max_attempts,
            bus_retry_base_seconds,
            bus_lease_seconds),
        fmt::format("ton.api_url = {}", or_default(ton_api_url, "(local emulator)")),
        fmt::format("ton.api_key = {}", secret(ton_api_key)),
        fmt::format("ton.platform_wallet_mnemonic = {}", secret(platform_wallet_mnemonic)),
        fmt::format("ton.platform_wallet_key_file = {}", or_default(platform_wallet_key_file, "(unset)")),
        fmt::format("ton.platform_wallet_version = {}", platform_wallet_version),
        fmt::format("nft.sweep_seconds = {}, refunds.sweep_seconds = {}, ton.wallet_message_ttl_seconds = {}",
                    nft_sweep_seconds,
                    refunds_sweep_seconds,
                    wallet_message_ttl_seconds),
        fmt::format("telegram.bot_token = {}", secret(bot_token)),
        fmt::format("telegram.webhook_secret = {}, bot_username = {}",
                    secret(telegram_webhook_secret),
                    or_default(bot_username, "(any)")),
        fmt::format("telegram.bot_api_url = {}", bot_api_url),
        fmt::format("telegram.public_key = {}", telegram_public_key),
        fmt::format(
            "orders.ttl_seconds = {}, expiry_sweep_seconds = {}, max_batch = {}, sold_out_hint_ms = {}, "
            "waitlist_offer_seconds = {}",
            order_ttl_seconds,
            expiry_sweep_seconds,
            order_max_batch,
            order_sold_out_hint_ms,
            waitlist_offer_seconds),
        fmt::format("orders.ticket_signing_key = {}",
                    ticket_signing_key.set() ? "(set)" : "(unset: kept in the database)"),
        fmt::format("ton.platform_wallet_address = {}", or_default(platform_wallet_address, "(unset)")),
        fmt::format("ton.usdt_jetton_master = {}", or_default(usdt_jetton_master, "(unset: USDT not taken)")),
        fmt::format("http.ws_poll_ms = {}", ws_poll_ms),
        fmt::format(
            "moderation.banned_words = {} entries, blocked_domains = {}, max_links = {}, chat_id = {}",
            moderation::ParseList(moderation_banned_words).size(),
            or_default(moderation_blocked_domains, "(none)"),
            moderation_max_links,
            moderation_chat_id == 0 ? std::string("(unset: not announced)")
                                    : std::to_string(moderation_chat_id)),
        fmt::format(
            "ton.network = {}, proof_domains = {}, proof_max_age_seconds = {}, proof_payload_ttl_seconds = "
            "{}",
            !ton_network ? "(either)" : (*ton_network == ton::Network::kTestnet ? "testnet" : "mainnet"),
            or_default(proof_domains, "(public_url's host)"),
            ton_proof_max_age_seconds,
            ton_proof_payload_ttl_seconds),
        fmt::format(
            "auth.init_data_max_age_seconds = {}, session_ttl_seconds = {}, session_cache_seconds = {}",
            init_data_max_age_seconds,
            session_ttl_seconds,
            session_cache_seconds),
        fmt::format("media.dir = {}, max_bytes = {}", media_dir, media_max_bytes),
        fmt::format("web.dir = {}, tonconnect_manifest_url = {}, tonconnect_wallets_url = {}",
                    web_dir,
                    or_default(tonconnect_manifest_url, "(/tonconnect-manifest.json)"),
                    or_default(tonconnect_wallets_url, "(/tonconnect-wallets.json)")),
        fmt::format("log.level = {}", log_level),
    };
}

}  // namespace onton::app
