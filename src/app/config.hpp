#pragma once
/// Typed configuration (design.md §7): `ONTON_*` environment variables over an optional TOML file over the embedded
/// defaults. Load() validates everything and names the bad setting; Describe() prints it with secrets redacted.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/storage/store_factory.hpp"
#include "common/result.hpp"
#include "http/server.hpp"
#include "ton/wallet.hpp"

namespace onton::app {

/// A secret value: never printed; `Describe()` shows only whether it is set.
struct Secret {
    std::string value;
    [[nodiscard]] bool set() const noexcept { return !value.empty(); }
};

struct Config {
    http::ServerSettings http;
    storage::StoreSettings database;
    bool auto_migrate = true;  ///< apply migrations at `serve` start; default on for SQLite, off for PostgreSQL

    std::string redis_url;  ///< empty: in-process cache
    std::string amqp_url;   ///< empty: in-process bus
    std::string amqp_prefix = "onton";  ///< RabbitMQ exchange and queue name prefix (tests isolate by it)
    /// Leases of the platform wallet's sender and of the singleton workers (docs/bus.md): a holder that stops
    /// renewing (killed) is replaced after this long.
    std::int64_t lease_seconds = 20;
    /// Workers `onton serve` runs in-process (docs/bus.md): names as for `onton worker --only`, `all` or `none`;
    /// empty: `all` on the embedded bus, `none` with ONTON_AMQP_URL (run `onton worker` beside it).
    std::string serve_workers;
    std::int64_t bus_max_attempts = 5;        ///< deliveries of a message before it is dead-lettered
    std::int64_t bus_retry_base_seconds = 5;  ///< the first retry's delay; doubles with each attempt (at most 10 min)
    std::int64_t bus_lease_seconds = 60;      ///< embedded bus: a delivery unsettled this long is delivered again

    std::string ton_api_url;  ///< empty: the local emulator
    Secret ton_api_key;
    Secret platform_wallet_mnemonic;
    std::string platform_wallet_key_file;  ///< a file holding the 24 words (exclusive with the mnemonic)
    std::string platform_wallet_version = "v5r1";  ///< v4r2 | v5r1, as tools/ton-emulator's platform wallet
    std::int64_t nft_sweep_seconds = 2;            ///< how often `serve` moves collections, items and sends on
    std::int64_t refunds_sweep_seconds = 5;        ///< how often the `refunds` worker queues and settles refunds
    /// valid_until = now + this for the platform wallet's externals; an external not seen on chain is signed
    /// again only this long (plus 15 s) after it was sent.
    std::int64_t wallet_message_ttl_seconds = 60;

    Secret bot_token;
    std::string bot_api_url = "https://api.telegram.org";
    /// The X-Telegram-Bot-Api-Secret-Token of the webhook (1-256 of [A-Za-z0-9_-]); unset: the webhook is closed.
    Secret telegram_webhook_secret;
    std::string bot_username;  ///< without '@'; commands addressed to another bot are ignored
    /// Telegram's Ed25519 key for initData's third-party `signature` (64 hex digits, stored lower-case); a
    /// `signature` field present in initData must verify under it.
    std::string telegram_public_key = "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d";

    std::int64_t order_ttl_seconds = 15 * 60;  ///< how long an unpaid order holds its seats
    std::int64_t expiry_sweep_seconds = 5;     ///< how often the `expiry` worker expires unpaid orders
    std::int64_t ws_poll_ms = 1000;            ///< how often the live feed (/api/v1/ws) looks for order changes
    /// Moderation rules for event texts (comma-separated lists; see docs/moderation.md).
    std::string moderation_banned_words;
    std::string moderation_blocked_domains;
    std::int64_t moderation_max_links = 5;
    /// The admins' Telegram chat where events held for moderation are announced with Approve/Reject buttons
    /// (a group's negative id, or a user id); 0: not announced.
    std::int64_t moderation_chat_id = 0;
    std::int64_t order_max_batch = 256;  ///< concurrent orders of one ticket type per transaction; 1: off
    std::int64_t order_sold_out_hint_ms = 500;
    /// The Ed25519 seed that signs ticket QR codes, base64 of 32 bytes; unset: one made at first start and
    /// kept in the database (app_settings), so every process on it signs alike.
    Secret ticket_signing_key;
    std::int64_t waitlist_offer_seconds = 30 * 60;  ///< how long a freed seat is held for the next in line
    /// Optional with a mnemonic or key file (then it must be the derived wallet's address); without them, where
    /// participants pay (payments watched, nothing sent). Empty and no mnemonic: payments are not shown.
    std::string platform_wallet_address;
    /// The USDT jetton master (TEP-74; mainnet's is EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs). Unset: USDT
    /// is not taken (orders priced in it are refused). Set: the platform's jetton wallet is derived from it at start.
    std::string usdt_jetton_master;

    std::int64_t init_data_max_age_seconds = 86400;       ///< oldest accepted auth_date, in seconds (>= 1)
    std::int64_t session_ttl_seconds = 30LL * 24 * 3600;  ///< bearer session lifetime
    std::int64_t session_cache_seconds = 10;               ///< in-process memory of resolved sessions; 0: off

    /// TON Connect wallet linking: domains a proof may name besides ONTON_PUBLIC_URL's host, how old a proof and
    /// how long-lived a payload may be, and the network proofs must be for (nullopt: either).
    std::vector<std::string> ton_proof_domains;
    std::int64_t ton_proof_max_age_seconds = 15 * 60;
    std::int64_t ton_proof_payload_ttl_seconds = 15 * 60;
    std::optional<ton::Network> ton_network;

    std::string public_url = "http://localhost:8080";
    std::string media_dir = "./var/media";                    ///< uploaded images
    std::string web_dir = "web/dist";                         ///< the built web apps (web/: npm run build)
    /// TON Connect's manifest and wallets list as the apps load them (absolute URLs or paths on this server); empty:
    /// the server's own /tonconnect-manifest.json and /tonconnect-wallets.json (docs/web.md).
    std::string tonconnect_manifest_url;
    std::string tonconnect_wallets_url;
    std::int64_t media_max_bytes = 5 * 1024 * 1024;           ///< largest image upload
    std::string log_level = "info";

    /// One `name = value` line per setting, secrets as `(set)` / `(unset)`, URL passwords as `***`.
    [[nodiscard]] std::vector<std::string> Describe() const;
};

/// The items of a comma-separated list, trimmed, empty ones dropped.
std::vector<std::string> SplitList(const std::string& raw);

/// Looks up an environment variable; nullopt when unset. Injected so tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The process environment.
EnvLookup ProcessEnv();

/// Builds the configuration. `file` is a TOML path (or empty: ONTON_CONFIG, else none). Errors have code
/// `config.invalid` and name the setting (`ONTON_HTTP_PORT` or `http.port` in the file) in the message.
[[nodiscard]] Result<Config> LoadConfig(const EnvLookup& env, const std::string& file = {});

}  // namespace onton::app
