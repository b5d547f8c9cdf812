#include "app/commands.hpp"

#include <pthread.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "adapters/chain/toncenter.hpp"
#include "adapters/media/filesystem_media.hpp"
#include "adapters/storage/store_factory.hpp"
#include "adapters/system/system.hpp"
#include "adapters/telegram/bot_api.hpp"
#include "app/config.hpp"
#include "app/periodic.hpp"
#include "app/platform_services.hpp"
#include "app/routes.hpp"
#include "app/version.hpp"
#include "app/workers.hpp"
#include "common/embedded.hpp"
#include "common/encoding.hpp"
#include "domain/events/events.hpp"
#include "domain/identity/identity.hpp"
#include "domain/nft/manager.hpp"
#include "domain/notifications/queue.hpp"
#include "domain/outbox/outbox.hpp"
#include "domain/payments/jetton.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/registrations/registrations.hpp"
#include "domain/rewards/rewards.hpp"
#include "domain/wallet/platform_wallet.hpp"
#include "domain/wallet/sender.hpp"
#include "http/handlers/system.hpp"
#include "http/server.hpp"
#include "telegram/crypto.hpp"
#include "telegram/init_data.hpp"
#include "telegram/login_widget.hpp"
#include "ton/address.hpp"
#include "ton/codec.hpp"

namespace onton::app {
namespace {

constexpr const char* kUsage = R"(Usage: onton <command> [options]

Event management and ticketing on TON and Telegram.

Commands:
  serve     run the HTTP API (and, on the embedded default, everything else) until SIGTERM/SIGINT
  worker    run the background workers (expiry, payments, relay, fulfilment, notifications, reminders, nft,
            refunds, rewards) until SIGTERM/SIGINT
  migrate   apply pending database migrations and exit
  admin     operator tasks: init-data (sign in locally), grant-admin
  ton       TON tools: address (print every form of an address), boc (print a bag of cells as a cell tree)
  version   print the version

Run 'onton <command> --help' for a command's options. Configuration comes from ONTON_* environment variables
and an optional TOML file (--config FILE or ONTON_CONFIG); see docs/configuration.md.
)";

constexpr const char* kServeUsage = R"(Usage: onton serve [--config FILE] [--port-file FILE]

Runs the HTTP API on ONTON_HTTP_HOST:ONTON_HTTP_PORT (default 0.0.0.0:8080). On the embedded default (SQLite)
pending migrations are applied at start; on PostgreSQL run 'onton migrate' first (or set
ONTON_DATABASE_AUTO_MIGRATE=true). SIGTERM or SIGINT drains in-flight requests and exits.
The background workers run in-process on the embedded bus; with ONTON_AMQP_URL set they do not (run
'onton worker' beside it) unless ONTON_SERVE_WORKERS names them.

Options:
  --config FILE     TOML configuration file (environment variables override it)
  --port-file FILE  write the bound port to FILE once listening (useful with ONTON_HTTP_PORT=0)
  -h, --help        show this help
)";

constexpr const char* kWorkerUsage = R"(Usage: onton worker [--only LIST] [--config FILE]

Runs background workers until SIGTERM or SIGINT, each finishing its current step:
  expiry         (S) expires unpaid orders and offers their seats to waiting lists
  payments       (S) the payment watcher (needs ONTON_TON_API_URL and the platform wallet's mnemonic, key file or
                 address)
  relay          publishes the transactional outbox to the bus (ONTON_AMQP_URL: RabbitMQ; else the embedded bus)
  fulfilment     consumes order.paid: queues the buyer's notification, requests the NFT mint
  notifications  delivers queued Telegram notifications
  reminders      (S) queues the reminders 24 h and 1 h before events
  nft            (S) the NFT manager: deploys collections, mints, sends from the platform wallet
  refunds        (S) refunds owed, of refunded orders and of canceled events, sent from the platform wallet
  rewards        (S) points and reward SBTs after events
  stars-refunds  (S) Telegram Stars owed back, returned through refundStarPayment (needs ONTON_BOT_TOKEN)
  moderation     announces events held for moderation to the admins' chat (needs ONTON_BOT_TOKEN and
                 ONTON_MODERATION_CHAT_ID)
Any number of worker processes may run at once. (S): a singleton, run by one process at a time (a lease in the
database; a killed holder is replaced after ONTON_WALLET_LEASE_SECONDS). See docs/bus.md.

Options:
  --only LIST    comma-separated subset of the workers above (default: all)
  --config FILE  TOML configuration file (environment variables override it)
  -h, --help     show this help
)";

constexpr const char* kMigrateUsage = R"(Usage: onton migrate [--config FILE]

Applies the pending migrations of the core and nft databases at ONTON_DATABASE_URL, each once and in its own
transaction, and prints what it applied. Safe to run from several processes at once.

Options:
  --config FILE  TOML configuration file (environment variables override it)
  -h, --help     show this help
)";

constexpr const char* kAdminUsage = R"(Usage: onton admin <task> [options]

Tasks:
  init-data --user-id N [--username U] [--first-name F] [--last-name L] [--language CODE] [--premium]
            [--start-param P] [--signature-seed HEX]
      Print Mini App initData for user N signed with the platform's bot token (ONTON_BOT_TOKEN, or the local
      token the embedded default generates), valid for ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS. Use it to sign in
      outside Telegram: POST /api/v1/auth/telegram {"init_data": "<output>"}. --signature-seed adds the
      `signature` field Telegram clients send, by the Ed25519 key of this 32-byte seed (a test key: the server
      must have its public key as ONTON_TELEGRAM_PUBLIC_KEY).
  login-widget --user-id N [--username U] [--first-name F] [--last-name L]
      Print a Telegram Login Widget object (JSON) for user N signed with the same bot token, for signing in to the
      organizer panel locally: POST /api/v1/auth/telegram-login with it, or paste it into the panel's dev sign-in.
  grant-admin ID
      Give user ID (who must have signed in once) the admin role.
  dead-letters list [--topic T] [--limit N]
      Print the bus's dead letters (messages whose consumer failed ONTON_BUS_MAX_ATTEMPTS times), one per line:
      topic, message id, attempts, dead since (unix seconds), last error.
  dead-letters retry ID|--all [--topic T]
      Put dead letter ID (or all of them) back on its topic as a fresh first attempt.
  nft-refusals [--limit N]
      Print the paid NFT tickets whose item request the NFT manager refused (nft_mint_refusals), most recently
      tried first, one per line: ticket id, order, refused by (fulfilment or sweep), attempts, last tried (unix
      seconds), error code, message. The nft worker's Sweep asks again on each pass; a row goes once it succeeds.
  telegram-setup
      Point the bot (ONTON_BOT_TOKEN) at this platform: setWebhook to <ONTON_PUBLIC_URL>/telegram/webhook with
      ONTON_TELEGRAM_WEBHOOK_SECRET, and a menu button that opens the Mini App at <ONTON_PUBLIC_URL>/app.

Options for every task:
  --config FILE  TOML configuration file (environment variables override it)
  -h, --help     show this help
)";

constexpr const char* kVersionUsage = R"(Usage: onton version

Prints the version and the git revision the binary was built from.
)";

struct CommonArgs {
    std::string config_file;
    std::string port_file;
    bool help = false;
    std::optional<std::string> error;
};

CommonArgs ParseArgs(const std::vector<std::string>& args, bool allow_port_file) {
    CommonArgs out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= args.size()) {
                out.error = a + " needs a value";
                return;
            }
            into = args[++i];
        };
        if (a == "-h" || a == "--help") {
            out.help = true;
        } else if (a == "--config") {
            value(out.config_file);
        } else if (a == "--port-file" && allow_port_file) {
            value(out.port_file);
        } else {
            out.error = "unknown option '" + a + "'";
        }
        if (out.error) break;
    }
    return out;
}

void SetUpLogging(const std::string& level) {
    auto logger = spdlog::stderr_color_mt("onton");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
    spdlog::set_level(spdlog::level::from_str(level));
    spdlog::flush_on(spdlog::level::info);
}

std::optional<Config> LoadOrReport(const std::string& file) {
    auto config = LoadConfig(ProcessEnv(), file);
    if (!config) {
        std::cerr << "onton: configuration error: " << config.error().message << "\n";
        return std::nullopt;
    }
    return std::move(config).value();
}

/// Hex text to a 32-byte key; the config already checked the shape.
std::optional<std::array<std::uint8_t, 32>> ParseKey(const std::string& hex) {
    if (hex.size() != 64) return std::nullopt;
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) {
        key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
    return key;
}

identity::IdentitySettings MakeIdentitySettings(const Config& config, std::string bot_token) {
    identity::IdentitySettings settings;
    settings.bot_token = std::move(bot_token);
    settings.init_data_max_age_seconds = config.init_data_max_age_seconds;
    settings.session_ttl_seconds = config.session_ttl_seconds;
    settings.session_cache_seconds = config.session_cache_seconds;
    settings.telegram_public_key = ParseKey(config.telegram_public_key);
    return settings;
}

/// The platform wallet of the configured mnemonic or key file (a file holding the 24 words); nullopt when neither
/// is set. The words never reach a log line or an error message.
Result<std::optional<wallet::PlatformWallet>> LoadPlatformWallet(const Config& config) {
    std::string words = config.platform_wallet_mnemonic.value;
    if (words.empty() && !config.platform_wallet_key_file.empty()) {
        std::ifstream file(config.platform_wallet_key_file);
        if (!file) {
            return Error{"config.invalid", "cannot read ONTON_PLATFORM_WALLET_KEY_FILE " + config.platform_wallet_key_file};
        }
        words.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    if (words.empty()) return std::optional<wallet::PlatformWallet>{};
    auto version = wallet::ParseWalletVersion(config.platform_wallet_version);
    if (!version) return version.error();
    auto derived = wallet::DerivePlatformWallet(words, *version);
    if (!derived) return derived.error();
    if (!config.platform_wallet_address.empty()) {
        if (auto mismatch = wallet::CheckConfiguredAddress(*derived, config.platform_wallet_address)) return *mismatch;
    }
    return std::optional<wallet::PlatformWallet>(*derived);
}

/// Loads the platform wallet (when a mnemonic or key file is configured) and makes its address the one
/// participants pay to and the payment watcher follows. Exit code 2 (logged) when it cannot be used.
std::optional<int> ResolvePlatformWallet(Config& config, std::optional<wallet::PlatformWallet>& out) {
    auto loaded = LoadPlatformWallet(config);
    if (!loaded) {
        spdlog::critical("platform wallet: {}", loaded.error().message);
        return 2;
    }
    out = std::move(*loaded);
    if (out) {
        if (config.platform_wallet_address.empty()) config.platform_wallet_address = out->address.ToString();
        spdlog::info("platform wallet {} {}", wallet::WalletVersionName(out->spec.version), out->address.ToString());
    }
    return std::nullopt;
}

/// The USDT jetton of ONTON_USDT_JETTON_MASTER with the platform's jetton wallet derived on chain
/// (get_wallet_address, once: kept for the life of the process); nullopt when the setting is unset. An exit
/// code (logged) when it is set but cannot be used: 2 for a wrong setting (not a jetton master, or no chain
/// or platform wallet to use it with), 1 when the chain stays unreachable.
std::optional<int> ResolveUsdt(const Config& config, std::optional<payments::JettonAccount>& out) {
    if (config.usdt_jetton_master.empty()) {
        spdlog::info("USDT is not taken: set ONTON_USDT_JETTON_MASTER to take it");
        return std::nullopt;
    }
    if (config.ton_api_url.empty() || config.platform_wallet_address.empty()) {
        spdlog::critical(
            "ONTON_USDT_JETTON_MASTER needs ONTON_TON_API_URL and the platform wallet "
            "(ONTON_PLATFORM_WALLET_MNEMONIC, _KEY_FILE or _ADDRESS)");
        return 2;
    }
    const auto owner = ton::ParseAddress(config.platform_wallet_address);
    if (!owner) {
        spdlog::critical("platform wallet address: {}", owner.error().message);
        return 2;
    }
    const auto chain = MakeChain(config);
    Error last;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::seconds(2));
        auto account = payments::ResolveJettonAccount(*chain, config.usdt_jetton_master, owner->address);
        if (account) {
            spdlog::info("USDT: jetton master {}, the platform's jetton wallet {}",
                         account->master.ToString(),
                         account->wallet.ToString());
            out = *account;
            return std::nullopt;
        }
        if (account.error().code == "config.invalid") {
            spdlog::critical("{}", account.error().message);
            return 2;
        }
        last = account.error();
        spdlog::warn("USDT: cannot read the jetton master yet: {} ({})", last.message, last.code);
    }
    spdlog::critical("cannot derive the platform's USDT jetton wallet from ONTON_USDT_JETTON_MASTER {}: {}",
                     config.usdt_jetton_master,
                     last.message);
    return 1;
}

/// The seed that signs ticket QR codes: the configured one, else the one the first process on this database
/// made (app_settings), so that every serve and worker process signs alike.
std::string TicketSigningSeed(const Config& config,
                              ports::Store& store,
                              ports::Random& random,
                              const ports::Clock& clock) {
    std::string text = config.ticket_signing_key.value;
    if (text.empty())
        text = identity::KeepFirstSetting(store, clock, "ticket_signing_key", Base64Url(random.Bytes(32)));
    const auto seed = ton::FromBase64(text);
    if (!seed || seed->size() != 32)
        throw std::runtime_error("the stored ticket signing key is not a 32-byte seed");
    return {seed->begin(), seed->end()};
}

/// The order settings of the configuration; nullopt (logged) when the ticket signing key cannot be read (the
/// database is down at start and ONTON_TICKET_SIGNING_KEY is not set).
std::optional<orders::OrderSettings> MakeOrderSettings(const Config& config,
                                                       ports::Store& store,
                                                       ports::Random& random,
                                                       const ports::Clock& clock) {
    std::string seed;
    try {
        seed = TicketSigningSeed(config, store, random, clock);
    } catch (const std::exception& e) {
        spdlog::critical(
            "cannot read the ticket signing key from the database (set ONTON_TICKET_SIGNING_KEY to "
            "start without it): {}",
            e.what());
        return std::nullopt;
    }
    return orders::OrderSettings{.order_ttl_seconds = config.order_ttl_seconds,
                                 .platform_wallet_address = config.platform_wallet_address,
                                 .usdt_jetton_master = {},  // set by the caller once ResolveUsdt succeeded
                                 .waitlist_offer_seconds = config.waitlist_offer_seconds,
                                 .max_batch = config.order_max_batch,
                                 .sold_out_hint_ms = config.order_sold_out_hint_ms,
                                 .ticket_signing_seed = std::move(seed)};
}

void LogApplied(const std::vector<ports::AppliedMigration>& applied) {
    for (const auto& m : applied) spdlog::info("migration applied: {} {:04} {}", m.database, m.version, m.name);
    if (applied.empty()) spdlog::info("schema is up to date");
}

/// The configured store, migrated when auto_migrate is on; null (logged) when it cannot be opened.
std::unique_ptr<ports::Store> OpenStoreOrReport(const Config& config) {
    try {
        auto store = storage::OpenStore(config.database);
        if (config.auto_migrate) LogApplied(store->Migrate());
        return store;
    } catch (const std::exception& e) {
        spdlog::critical("cannot open the database {}: {}", storage::RedactUrl(config.database.url), e.what());
        return nullptr;
    }
}

/// The background workers, or null (logged) when they cannot start.
std::unique_ptr<Background> StartBackground(const Config& config,
                                            ports::Store& store,
                                            orders::OrderService& orders,
                                            PlatformServices& platform,
                                            const ports::Clock& clock,
                                            WorkerSet workers,
                                            const std::string& holder,
                                            std::optional<payments::JettonAccount> usdt) {
    try {
        return std::make_unique<Background>(
            config, store, orders, platform, clock, workers, holder, std::move(usdt));
    } catch (const std::exception& e) {
        spdlog::critical("cannot start the workers: {}", e.what());
        return nullptr;
    }
}

}  // namespace

int RunServe(const std::vector<std::string>& args) {
    const auto parsed = ParseArgs(args, true);
    if (parsed.help) {
        std::cout << kServeUsage;
        return 0;
    }
    if (parsed.error) {
        std::cerr << "onton serve: " << *parsed.error << "\n" << kServeUsage;
        return 2;
    }
    auto config = LoadOrReport(parsed.config_file);
    if (!config) return 2;
    SetUpLogging(config->log_level);
    spdlog::info("onton {} ({}) starting", kVersion, kGitRevision);
    for (const auto& line : config->Describe()) spdlog::info("config: {}", line);

    // The platform wallet signs the NFT deploys and mints; its address is where participants pay.
    std::optional<wallet::PlatformWallet> platform_wallet;
    if (const auto failed = ResolvePlatformWallet(*config, platform_wallet)) return *failed;
    std::optional<payments::JettonAccount> usdt;
    if (const auto failed = ResolveUsdt(*config, usdt)) return *failed;

    auto store = OpenStoreOrReport(*config);
    if (!store) return 1;

    const auto started = std::chrono::system_clock::now();
    http::Metrics metrics;
    metrics.AddCollector([&store](std::string& out) {
        const auto s = store->Stats();
        out += "# HELP onton_db_pool_connections Database connections by state.\n";
        out += "# TYPE onton_db_pool_connections gauge\n";
        out += fmt::format("onton_db_pool_connections{{state=\"in_use\"}} {}\n", s.in_use);
        out += fmt::format("onton_db_pool_connections{{state=\"capacity\"}} {}\n", s.size);
        out += "# HELP onton_db_pool_waiting Callers waiting for a database connection now.\n";
        out += "# TYPE onton_db_pool_waiting gauge\n";
        out += fmt::format("onton_db_pool_waiting {}\n", s.waiting);
        out += "# HELP onton_db_pool_waits_total Callers that had to wait for a connection.\n";
        out += "# TYPE onton_db_pool_waits_total counter\n";
        out += fmt::format("onton_db_pool_waits_total {}\n", s.wait_count);
        out += "# HELP onton_db_pool_wait_seconds_total Time spent waiting for a connection.\n";
        out += "# TYPE onton_db_pool_wait_seconds_total counter\n";
        out += fmt::format("onton_db_pool_wait_seconds_total {}\n", s.wait_seconds_total);
    });
    metrics.AddCollector([started](std::string& out) {
        http::AppendProcessMetrics(out, started);
        out += "# HELP onton_build_info Build version.\n# TYPE onton_build_info gauge\n";
        out += fmt::format("onton_build_info{{version=\"{}\",revision=\"{}\"}} 1\n", kVersion, kGitRevision);
    });

    system::SystemClock clock;
    system::SystemRandom random;
    std::string bot_token;
    try {
        bot_token = identity::ResolveBotToken(*store, random, clock, config->bot_token.value);
    } catch (const std::exception& e) {
        spdlog::critical("cannot read the local bot token: {}", e.what());
        return 1;
    }
    if (!config->bot_token.set()) {
        spdlog::info("no ONTON_BOT_TOKEN: using the platform's local bot token; sign in with "
                     "'onton admin init-data --user-id N'");
    }
    identity::IdentityService identity(*store, clock, random, MakeIdentitySettings(*config, bot_token));

    // Ticket types may be priced in USDT only when it can be paid.
    std::vector<money::Currency> currencies = {money::Currency::kTon};
    if (usdt) currencies.push_back(money::Currency::kUsdt);
    // Telegram Stars need a real bot: it makes the invoices and Telegram sends it the payments.
    if (config->bot_token.set()) currencies.push_back(money::Currency::kStars);
    events::EventService events(*store,
                                clock,
                                random,
                                {.banned_words = moderation::ParseList(config->moderation_banned_words),
                                 .blocked_domains = moderation::ParseList(config->moderation_blocked_domains),
                                 .max_links = static_cast<std::size_t>(config->moderation_max_links)},
                                currencies);
    auto order_settings = MakeOrderSettings(*config, *store, random, clock);
    if (!order_settings) return 1;
    if (usdt) order_settings->usdt_jetton_master = usdt->master.ToString();
    orders::OrderService orders(*store, clock, random, *std::move(order_settings));
    metrics.AddCollector([&orders](std::string& out) {
        out += "# HELP onton_order_batches_total Reservation transactions committed by the order batcher.\n";
        out += "# TYPE onton_order_batches_total counter\n";
        out += fmt::format("onton_order_batches_total {}\n", orders.batches());
        out += "# HELP onton_order_batched_orders_total Orders placed through those transactions.\n";
        out += "# TYPE onton_order_batched_orders_total counter\n";
        out += fmt::format("onton_order_batched_orders_total {}\n", orders.batched_orders());
    });
    // The platform wallet's sender, the NFT manager, refunds and rewards: the API enqueues through them; the
    // workers that step them run here or in `onton worker` processes (one at a time, by their leases).
    const auto holder = ProcessHolderId(random);
    PlatformServices platform(*config, *store, clock, platform_wallet, usdt, holder);

    // The background workers: all of them in-process on the embedded bus, none with RabbitMQ (they run as
    // `onton worker`), unless ONTON_SERVE_WORKERS says otherwise.
    auto workers = WorkerSet::Parse(config->serve_workers.empty() ? (config->amqp_url.empty() ? "all" : "none")
                                                                  : config->serve_workers);
    if (!workers) {
        spdlog::critical("{}", workers.error().message);
        return 2;
    }
    auto background = StartBackground(*config, *store, orders, platform, clock, *workers, holder, usdt);
    if (!background) return 1;

    // Telegram Stars (with a real bot): invoice links, the pre-checkout check and successful payments from
    // the webhook. XTR refunds are the `stars-refunds` worker's.
    std::unique_ptr<payments::StarsPayments> stars;
    if (config->bot_token.set()) {
        stars = std::make_unique<payments::StarsPayments>(*store, background->messenger(), orders, clock);
    }
    // The admins' buttons on held events come back through the webhook; the `moderation` worker announces
    // them.
    bot::ModerationDesk moderation_desk(
        *store, background->messenger(), events, clock, {.chat_id = config->moderation_chat_id});
    bot::BotService bot(*store,
                        background->messenger(),
                        clock,
                        {.mini_app_url = config->public_url + "/app"},
                        {.stars = stars.get(), .moderation = &moderation_desk});

    identity::WalletLinkSettings wallet_settings;
    wallet_settings.policy.allowed_domains = identity::TonProofDomains(config->public_url, config->ton_proof_domains);
    wallet_settings.policy.max_age = std::chrono::seconds(config->ton_proof_max_age_seconds);
    wallet_settings.policy.network = config->ton_network;
    wallet_settings.payload_ttl = std::chrono::seconds(config->ton_proof_payload_ttl_seconds);
    identity::WalletLinkService wallets(*store, clock, random, platform.chain(), std::move(wallet_settings));

    registrations::RegistrationService registrations(*store, clock);
    std::unique_ptr<media::FilesystemMedia> media_store;
    try {
        media_store = std::make_unique<media::FilesystemMedia>(config->media_dir);
    } catch (const std::exception& e) {
        spdlog::critical("cannot use the media directory {}: {}", config->media_dir, e.what());
        return 1;
    }

    // Live order updates for /api/v1/ws: read from the orders table, so a payment applied by a worker in another
    // process reaches the socket too.
    live::OrderFeed feed(*store, orders);
    PeriodicTask live_poll("live order feed", std::chrono::milliseconds(config->ws_poll_ms), [&feed] { feed.Poll(); });

    orders::SalesReports sales(*store);
    http::Router router;
    AddAllRoutes(
        router,
        {.identity = identity,
         .wallets = wallets,
         .events = events,
         .orders = orders,
         .registrations = registrations,
         .media = *media_store,
         .max_image_bytes = static_cast<std::uint64_t>(config->media_max_bytes),
         .clock = clock,
         .public_url = config->public_url,
         .system = {.ping_store = [&store] { store->Ping(); },
                    .metrics = &metrics,
                    .version = kVersion,
                    .openapi_yaml = std::string(embedded::Find(embedded::Documents(), "openapi.yaml"))},
         .live = &feed,
         .bot = &bot,
         .telegram_webhook_secret = config->telegram_webhook_secret.value,
         .bot_username = config->bot_username,
         .web_dir = config->web_dir,
         .tonconnect_manifest_url = config->tonconnect_manifest_url,
         .tonconnect_wallets_url = config->tonconnect_wallets_url,
         .sales = &sales,
         .nft = platform.nft(),
         .rewards = &platform.rewards(),
         .refunds = &platform.refunds(),
         .usdt = platform.usdt(),
         .stars = stars.get()});

    http::Server server(config->http, router, metrics);
    try {
        server.Listen();
    } catch (const std::exception& e) {
        spdlog::critical("cannot listen on {}:{}: {}", config->http.host, config->http.port, e.what());
        return 1;
    }
    if (!parsed.port_file.empty()) {
        const auto tmp = parsed.port_file + ".tmp";
        std::ofstream(tmp) << server.port() << "\n";
        std::rename(tmp.c_str(), parsed.port_file.c_str());
    }
    spdlog::info("listening on http://{}:{}", config->http.host, server.port());
    server.Run();
    spdlog::info("stopped");
    return 0;
}

int RunWorker(const std::vector<std::string>& args) {
    std::string config_file;
    std::string only = "all";
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            std::cout << kWorkerUsage;
            return 0;
        }
        if ((args[i] == "--config" || args[i] == "--only") && i + 1 < args.size()) {
            (args[i] == "--config" ? config_file : only) = args[i + 1];
            ++i;
            continue;
        }
        std::cerr << "onton worker: unknown option or missing value '" << args[i] << "'\n" << kWorkerUsage;
        return 2;
    }
    auto workers = WorkerSet::Parse(only);
    if (!workers || !workers->any()) {
        std::cerr << "onton worker: "
                  << (workers ? "--only names no worker; valid workers: " + ValidWorkerNames()
                              : workers.error().message)
                  << "\n";
        return 2;
    }
    auto config = LoadOrReport(config_file);
    if (!config) return 2;
    SetUpLogging(config->log_level);
    spdlog::info("onton {} ({}) worker starting", kVersion, kGitRevision);
    for (const auto& line : config->Describe()) spdlog::info("config: {}", line);
    // The payment watcher follows the platform wallet, whose address may come from its mnemonic.
    std::optional<wallet::PlatformWallet> platform_wallet;
    if (const auto failed = ResolvePlatformWallet(*config, platform_wallet)) return *failed;
    std::optional<payments::JettonAccount> usdt;
    if (workers->payments || workers->refunds) {
        if (const auto failed = ResolveUsdt(*config, usdt)) return *failed;
    }

    // SIGTERM and SIGINT are taken by sigwait below: blocked here, before any worker thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto store = OpenStoreOrReport(*config);
    if (!store) return 1;
    system::SystemClock clock;
    system::SystemRandom random;
    auto order_settings = MakeOrderSettings(*config, *store, random, clock);
    if (!order_settings) return 1;
    if (usdt) order_settings->usdt_jetton_master = usdt->master.ToString();
    orders::OrderService orders(*store, clock, random, *std::move(order_settings));
    {
        const auto holder = ProcessHolderId(random);
        PlatformServices platform(*config, *store, clock, platform_wallet, usdt, holder);
        auto background = StartBackground(*config, *store, orders, platform, clock, *workers, holder, usdt);
        if (!background) return 1;
        int received = 0;
        sigwait(&stop_signals, &received);
        spdlog::info("signal {}: stopping the workers", received);
    }
    spdlog::info("stopped");
    return 0;
}

int RunMigrate(const std::vector<std::string>& args) {
    const auto parsed = ParseArgs(args, false);
    if (parsed.help) {
        std::cout << kMigrateUsage;
        return 0;
    }
    if (parsed.error) {
        std::cerr << "onton migrate: " << *parsed.error << "\n" << kMigrateUsage;
        return 2;
    }
    auto config = LoadOrReport(parsed.config_file);
    if (!config) return 2;
    SetUpLogging(config->log_level);
    try {
        auto store = storage::OpenStore(config->database);
        LogApplied(store->Migrate());
    } catch (const std::exception& e) {
        spdlog::critical("migration failed on {}: {}", storage::RedactUrl(config->database.url), e.what());
        return 1;
    }
    return 0;
}

namespace {

/// The options init-data and login-widget share: who signs in.
struct SignInArgs {
    std::int64_t user_id = 0;
    std::vector<std::pair<std::string, std::string>> user_fields;  ///< username, first_name, ... as given
    std::string start_param;
    bool premium = false;
    std::string signature_seed;  ///< hex; add a `signature` field by this key (init-data --signature-seed)
};

/// Parses the sign-in options of `task`; prints the problem and returns nullopt on a usage error. `full`
/// accepts the Mini App-only options (--language, --premium, --start-param).
std::optional<SignInArgs> ParseSignInArgs(const std::string& task, const std::vector<std::string>& args, bool full) {
    SignInArgs out;
    bool have_user = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--premium" && full) {
            out.premium = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            std::cerr << "onton admin " << task << ": " << a << " needs a value\n" << kAdminUsage;
            return std::nullopt;
        }
        const std::string v = args[++i];
        if (a == "--user-id") {
            try {
                std::size_t used = 0;
                out.user_id = std::stoll(v, &used);
                if (used != v.size() || out.user_id <= 0) throw std::invalid_argument("not positive");
                have_user = true;
            } catch (const std::exception&) {
                std::cerr << "onton admin " << task << ": --user-id must be a positive integer, got '" << v << "'\n";
                return std::nullopt;
            }
        } else if (a == "--username") {
            out.user_fields.emplace_back("username", v);
        } else if (a == "--first-name") {
            out.user_fields.emplace_back("first_name", v);
        } else if (a == "--last-name") {
            out.user_fields.emplace_back("last_name", v);
        } else if (a == "--language" && full) {
            out.user_fields.emplace_back("language_code", v);
        } else if (a == "--start-param" && full) {
            out.start_param = v;
        } else if (a == "--signature-seed" && full) {
            if (!ParseKey(v)) {
                std::cerr << "onton admin " << task << ": --signature-seed must be 64 hex digits\n";
                return std::nullopt;
            }
            out.signature_seed = v;
        } else {
            std::cerr << "onton admin " << task << ": unknown option '" << a << "'\n" << kAdminUsage;
            return std::nullopt;
        }
    }
    if (!have_user) {
        std::cerr << "onton admin " << task << ": --user-id is required\n" << kAdminUsage;
        return std::nullopt;
    }
    return out;
}

int AdminInitData(const Config& config, ports::Store& store, const std::vector<std::string>& args) {
    const auto parsed = ParseSignInArgs("init-data", args, true);
    if (!parsed) return 2;
    nlohmann::json user = {{"id", parsed->user_id}};
    user["first_name"] = "User " + std::to_string(parsed->user_id);
    for (const auto& [k, v] : parsed->user_fields) user[k] = v;
    if (parsed->premium) user["is_premium"] = true;

    system::SystemClock clock;
    system::SystemRandom random;
    const auto token = identity::ResolveBotToken(store, random, clock, config.bot_token.value);
    std::vector<std::pair<std::string, std::string>> fields = {
        {"user", user.dump()},
        {"auth_date", std::to_string(clock.NowUnix())},
        {"query_id", "local-" + Hex(random.Bytes(8))},
    };
    if (!parsed->start_param.empty()) fields.emplace_back("start_param", parsed->start_param);
    if (!parsed->signature_seed.empty()) {
        // Telegram clients (Bot API 8.0+) always send one, and the Mini App SDK refuses init data without it. Only
        // Telegram holds its key: this is a test key's, which a server accepts only with ONTON_TELEGRAM_PUBLIC_KEY
        // set to the seed's public key (tests and the browser story do that).
        const auto bot_id = telegram::BotIdFromToken(token).value_or(1);
        const auto key = telegram::crypto::Ed25519KeyPairFromSeed(*ParseKey(parsed->signature_seed));
        fields.emplace_back("signature", telegram::SignInitDataEd25519(fields, bot_id, key.secret_key));
    }
    std::cout << telegram::SignInitData(fields, token) << "\n";
    return 0;
}

int AdminLoginWidget(const Config& config, ports::Store& store, const std::vector<std::string>& args) {
    const auto parsed = ParseSignInArgs("login-widget", args, false);
    if (!parsed) return 2;
    system::SystemClock clock;
    system::SystemRandom random;
    const auto token = identity::ResolveBotToken(store, random, clock, config.bot_token.value);
    std::vector<std::pair<std::string, std::string>> fields = {
        {"id", std::to_string(parsed->user_id)},
        {"first_name", "User " + std::to_string(parsed->user_id)},
        {"auth_date", std::to_string(clock.NowUnix())},
    };
    for (const auto& [k, v] : parsed->user_fields) {
        if (k == "first_name") {
            fields[1].second = v;
        } else {
            fields.emplace_back(k, v);
        }
    }
    // The widget's object has id and auth_date as numbers; the hash is over their decimal text either way.
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : fields) {
        if (k == "id" || k == "auth_date") {
            out[k] = std::stoll(v);
        } else {
            out[k] = v;
        }
    }
    out["hash"] = telegram::SignLoginWidget(fields, token);
    std::cout << out.dump() << "\n";
    return 0;
}

int AdminGrantAdmin(const Config& config, ports::Store& store, const std::vector<std::string>& args) {
    if (args.size() != 1) {
        std::cerr << "onton admin grant-admin: expected one user id\n" << kAdminUsage;
        return 2;
    }
    std::int64_t user_id = 0;
    try {
        std::size_t used = 0;
        user_id = std::stoll(args[0], &used);
        if (used != args[0].size() || user_id <= 0) throw std::invalid_argument("not positive");
    } catch (const std::exception&) {
        std::cerr << "onton admin grant-admin: the user id must be a positive integer, got '" << args[0] << "'\n";
        return 2;
    }
    system::SystemClock clock;
    system::SystemRandom random;
    identity::IdentityService identity(store, clock, random, MakeIdentitySettings(config, config.bot_token.value));
    auto user = identity.GrantAdmin(user_id);
    if (!user) {
        std::cerr << "onton admin grant-admin: " << user.error().message << "\n";
        return 1;
    }
    std::cout << "user " << user_id << " is now an admin\n";
    return 0;
}

int AdminDeadLetters(const Config& config, ports::Store& store, const std::vector<std::string>& args) {
    if (args.empty() || (args[0] != "list" && args[0] != "retry")) {
        std::cerr << "onton admin dead-letters: expected 'list' or 'retry'\n" << kAdminUsage;
        return 2;
    }
    std::optional<std::string> topic;
    std::optional<std::string> id;
    bool all = false;
    std::size_t limit = 100;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const auto& a = args[i];
        if (a == "--topic" && i + 1 < args.size()) {
            topic = args[++i];
        } else if (a == "--limit" && i + 1 < args.size() && args[0] == "list") {
            try {
                limit = std::stoul(args[++i]);
            } catch (const std::exception&) {
                std::cerr << "onton admin dead-letters: --limit must be a positive integer\n";
                return 2;
            }
        } else if (a == "--all" && args[0] == "retry") {
            all = true;
        } else if (args[0] == "retry" && !id && !a.empty() && a[0] != '-') {
            id = a;
        } else {
            std::cerr << "onton admin dead-letters: unexpected '" << a << "'\n" << kAdminUsage;
            return 2;
        }
    }
    if (args[0] == "retry" && all == id.has_value()) {
        std::cerr << "onton admin dead-letters retry: give one message id or --all\n";
        return 2;
    }
    std::vector<std::string> topics;
    if (topic) {
        topics.push_back(*topic);
    } else {
        for (const auto t : outbox::kTopics) topics.emplace_back(t);
    }
    system::SystemClock clock;
    auto bus = MakeBus(config, store, clock);
    if (args[0] == "list") {
        std::size_t shown = 0;
        for (const auto& t : topics) {
            for (const auto& d : bus->ListDeadLetters(t, limit - shown)) {
                std::cout << t << "\t" << d.message.message_id << "\t" << d.attempts << "\t" << d.dead_at << "\t"
                          << d.error << "\n";
                ++shown;
            }
            if (shown >= limit) break;
        }
        if (shown == 0) std::cerr << "no dead letters\n";
        return 0;
    }
    std::int64_t moved = 0;
    for (const auto& t : topics) moved += bus->RetryDeadLetters(t, id);
    std::cout << moved << " dead letter(s) back on their topic\n";
    return id && moved == 0 ? 1 : 0;
}

int AdminNftRefusals(ports::Store& store, const std::vector<std::string>& args) {
    std::int64_t limit = 100;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--limit" && i + 1 < args.size()) {
            const auto& text = args[++i];
            try {
                std::size_t used = 0;
                limit = std::stoll(text, &used);
                if (used != text.size() || limit < 1) throw std::invalid_argument("not positive");
            } catch (const std::exception&) {
                std::cerr << "onton admin nft-refusals: --limit must be a positive integer, got '" << text
                          << "'\n";
                return 2;
            }
        } else {
            std::cerr << "onton admin nft-refusals: unexpected '" << args[i] << "'\n" << kAdminUsage;
            return 2;
        }
    }
    const auto refusals = nft::ListMintRefusals(store, limit);
    for (const auto& r : refusals) {
        std::cout << r.ticket_id << "\t" << r.order_uuid << "\t" << r.source << "\t" << r.attempts << "\t"
                  << r.updated_at << "\t" << r.code << "\t" << r.last_error << "\n";
    }
    if (refusals.empty()) std::cerr << "no refused NFT requests\n";
    return 0;
}

int AdminTelegramSetup(const Config& config, const std::vector<std::string>& args) {
    if (!args.empty()) {
        std::cerr << "onton admin telegram-setup: takes no arguments\n" << kAdminUsage;
        return 2;
    }
    if (!config.bot_token.set() || !config.telegram_webhook_secret.set()) {
        std::cerr << "onton admin telegram-setup: set ONTON_BOT_TOKEN (from @BotFather) and "
                     "ONTON_TELEGRAM_WEBHOOK_SECRET first\n";
        return 2;
    }
    if (config.public_url.rfind("https://", 0) != 0) {
        std::cerr << "onton admin telegram-setup: Telegram calls webhooks over HTTPS only; ONTON_PUBLIC_URL is "
                  << config.public_url << "\n";
        return 2;
    }
    telegram_bot::BotApiSettings settings;
    settings.base_url = config.bot_api_url;
    settings.token = config.bot_token.value;
    telegram_bot::BotApiClient client(settings);
    ports::WebhookSettings webhook;
    webhook.url = config.public_url + "/telegram/webhook";
    webhook.secret_token = config.telegram_webhook_secret.value;
    webhook.allowed_updates = {"message", "callback_query", "pre_checkout_query", "my_chat_member"};
    if (auto set = client.SetWebhook(webhook); !set) {
        std::cerr << "onton admin telegram-setup: setWebhook failed: " << set.error().message << "\n";
        return 1;
    }
    if (auto menu = client.SetChatMenuButton("Onton", config.public_url + "/app"); !menu) {
        std::cerr << "onton admin telegram-setup: setChatMenuButton failed: " << menu.error().message << "\n";
        return 1;
    }
    std::cout << "webhook: " << webhook.url << "\nmenu button: " << config.public_url << "/app\n";
    return 0;
}

}  // namespace

int RunAdmin(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "-h" || args[0] == "--help") {
        std::cout << kAdminUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string task = args[0];
    std::vector<std::string> rest;
    std::string config_file;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            std::cout << kAdminUsage;
            return 0;
        }
        if (args[i] == "--config" && i + 1 < args.size()) {
            config_file = args[++i];
            continue;
        }
        rest.push_back(args[i]);
    }
    if (task != "init-data" && task != "login-widget" && task != "grant-admin" && task != "telegram-setup" &&
        task != "dead-letters" && task != "nft-refusals") {
        std::cerr << "onton admin: unknown task '" << task << "'\n" << kAdminUsage;
        return 2;
    }
    auto config = LoadOrReport(config_file);
    if (!config) return 2;
    SetUpLogging("warn");
    if (task == "telegram-setup") return AdminTelegramSetup(*config, rest);
    try {
        auto store = storage::OpenStore(config->database);
        // The embedded default creates its schema on first use, whichever command comes first.
        if (config->auto_migrate) (void)store->Migrate();
        if (task == "dead-letters") return AdminDeadLetters(*config, *store, rest);
        if (task == "nft-refusals") return AdminNftRefusals(*store, rest);
        if (task == "init-data") return AdminInitData(*config, *store, rest);
        if (task == "login-widget") return AdminLoginWidget(*config, *store, rest);
        return AdminGrantAdmin(*config, *store, rest);
    } catch (const std::exception& e) {
        std::cerr << "onton admin " << task << ": " << e.what() << "\n";
        return 1;
    }
}

int RunVersion(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
        std::cout << kVersionUsage;
        return 0;
    }
    if (!args.empty()) {
        std::cerr << "onton version: unknown option '" << args[0] << "'\n" << kVersionUsage;
        return 2;
    }
    std::cout << "onton " << kVersion << " (" << kGitRevision << ")\n";
    return 0;
}

int Main(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "serve") return RunServe(rest);
    if (args[0] == "worker") return RunWorker(rest);
    if (args[0] == "migrate") return RunMigrate(rest);
    if (args[0] == "admin") return RunAdmin(rest);
    if (args[0] == "version" || args[0] == "--version") return RunVersion(rest);
    if (args[0] == "ton") return RunTon(rest);
    std::cerr << "onton: unknown command '" << args[0] << "'\n" << kUsage;
    return 2;
}

}  // namespace onton::app
