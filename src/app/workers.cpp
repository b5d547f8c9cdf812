#include "app/workers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/bus/rabbitmq_bus.hpp"
#include "adapters/bus/store_bus.hpp"
#include "adapters/chain/toncenter.hpp"
#include "adapters/telegram/bot_api.hpp"
#include "adapters/telegram/log_messenger.hpp"
#include "adapters/telegram/paced_messenger.hpp"
#include "app/platform_services.hpp"
#include "domain/bot/moderation.hpp"
#include "domain/fulfilment/fulfilment.hpp"
#include "domain/nft/fulfilment.hpp"
#include "domain/notifications/queue.hpp"
#include "domain/notifications/sender.hpp"
#include "domain/outbox/outbox.hpp"
#include "domain/payments/stars.hpp"
#include "domain/payments/watcher.hpp"

namespace onton::app {

std::unique_ptr<chain::ToncenterChain> MakeChain(const Config& config) {
    chain::ToncenterConfig chain_config;
    chain_config.base_url = config.ton_api_url;
    chain_config.api_key = config.ton_api_key.value;
    if (config.ton_api_url.find("://127.0.0.1") != std::string::npos ||
        config.ton_api_url.find("://localhost") != std::string::npos) {
        chain_config.requests_per_second = 0;  // the local emulator has no rate limit
    }
    return std::make_unique<chain::ToncenterChain>(chain_config);
}

std::unique_ptr<ports::Bus> MakeBus(const Config& config, ports::Store& store, const ports::Clock& clock) {
    if (config.amqp_url.empty()) {
        const bus::StoreBusSettings settings{.lease = std::chrono::seconds(config.bus_lease_seconds)};
        return std::make_unique<bus::StoreBus>(store, clock, settings);
    }
    bus::RabbitMqSettings settings;
    settings.url = config.amqp_url;
    settings.prefix = config.amqp_prefix;
    return std::make_unique<bus::RabbitMqBus>(settings);
}

namespace {

/// A warning logged at most every 30 s: a broker that is down must not flood the log from a loop that retries.
class QuietLog {
public:
    void Warn(const std::string& message) {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(30)) return;
        last_ = now;
        spdlog::warn("{}", message);
    }

private:
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

struct Background::Parts {
    /// What a paid order sets going besides its notification: the NFT ticket mints of its `is_nft` tickets,
    /// requested in the consumer's transaction, when the platform has an NFT manager; otherwise nothing (and
    /// the `nft` worker's Sweep requests them once a manager runs).
    fulfilment::NoFulfilment no_fulfilment;
    std::unique_ptr<nft::TicketMintFulfilment> ticket_mints;
    telegram_bot::SystemWaiter waiter;
    std::unique_ptr<ports::Messenger> bot_api;
    std::unique_ptr<notifications::NotificationSender> sender;
    std::unique_ptr<chain::ToncenterChain> chain;
    std::unique_ptr<payments::PaymentWatcher> watcher;
    std::unique_ptr<outbox::Relay> relay;
    std::unique_ptr<fulfilment::FulfilmentConsumer> fulfilment;
    std::unique_ptr<payments::StarsPayments> stars;
    std::unique_ptr<bot::ModerationAnnouncer> announcer;
};

Background::Background(const Config& config,
                       ports::Store& store,
                       orders::OrderService& orders,
                       PlatformServices& platform,
                       const ports::Clock& clock,
                       WorkerSet workers,
                       const std::string& holder,
                       std::optional<payments::JettonAccount> usdt)
    : parts_(std::make_unique<Parts>()),
      bus_(MakeBus(config, store, clock)),
      store_(store),
      clock_(clock),
      holder_(holder),
      lease_ttl_(config.lease_seconds) {
    auto& parts = *parts_;
    // Telegram: the real Bot API (paced to Telegram's flood limits) with a configured bot token; otherwise the
    // local messenger that logs what would be sent.
    if (config.bot_token.set()) {
        telegram_bot::BotApiSettings bot_settings;
        bot_settings.base_url = config.bot_api_url;
        bot_settings.token = config.bot_token.value;
        parts.bot_api = std::make_unique<telegram_bot::BotApiClient>(bot_settings);
        messenger_ = std::make_unique<telegram_bot::PacedMessenger>(*parts.bot_api, parts.waiter);
    } else {
        messenger_ = std::make_unique<telegram_bot::LogMessenger>();
    }
    spdlog::info("workers: {} (bus: {}; lease holder {})",
                 workers.Describe(),
                 config.amqp_url.empty() ? "embedded" : "rabbitmq",
                 holder_);
    const ports::RetryPolicy policy{.max_attempts = config.bus_max_attempts,
                                    .base_delay = std::chrono::seconds(config.bus_retry_base_seconds),
                                    .max_delay = std::chrono::seconds(std::max<std::int64_t>(
                                        config.bus_retry_base_seconds, 600))};

    if (workers.expiry) {
        // Unpaid orders give their seats back when they expire; freed seats go to the waiting lists in order.
        AddSingleton("expiry", std::chrono::seconds(config.expiry_sweep_seconds), [&orders] {
            const auto expired = orders.ExpireDue();
            if (expired > 0) spdlog::info("expired {} unpaid orders", expired);
            const auto offered = orders.OfferFreedSeats();
            if (offered > 0) spdlog::info("offered {} seats to waiting lists", offered);
        });
    }
    if (workers.relay) {
        parts.relay = std::make_unique<outbox::Relay>(store, *bus_, clock);
        tasks_.push_back(std::make_unique<PeriodicTask>(
            "outbox relay", std::chrono::milliseconds(200), [&parts, quiet = QuietLog()]() mutable {
                const auto tally = parts.relay->Drain();
                if (tally.failed > 0) quiet.Warn("outbox relay: publishing failed (see outbox.last_error); will retry");
            }));
    }
    if (workers.fulfilment) {
        fulfilment::Fulfilment* hook = &parts.no_fulfilment;
        if (auto* nft = platform.nft()) {
            parts.ticket_mints = std::make_unique<nft::TicketMintFulfilment>(*nft);
            hook = parts.ticket_mints.get();
        }
        parts.fulfilment = std::make_unique<fulfilment::FulfilmentConsumer>(store, clock, *hook);
        tasks_.push_back(std::make_unique<PeriodicTask>(
            "fulfilment consumer",
            std::chrono::milliseconds(100),
            [this, &parts, policy, quiet = QuietLog()]() mutable {
                const auto handler = [&parts](const ports::BusMessage& m) {
                    const auto handled = parts.fulfilment->Handle(m);
                    if (!handled.refused.empty()) {
                        spdlog::error(
                            "fulfilment: {}: {}; applied without it (recorded in nft_mint_refusals; the nft "
                            "worker's sweep asks again)",
                            m.message_id,
                            handled.refused);
                    }
                };
                for (;;) {
                    outbox::Settled settled = outbox::Settled::kNone;
                    try {
                        settled = outbox::Consume(*bus_, outbox::kOrderPaid, handler, policy,
                                                  std::chrono::milliseconds(500));
                    } catch (const ports::BusError& e) {
                        quiet.Warn(std::string("fulfilment: ") + e.what());
                        return;
                    }
                    if (settled == outbox::Settled::kNone) return;
                    if (settled == outbox::Settled::kRetried)
                        spdlog::warn("fulfilment: a message failed; retrying later");
                    if (settled == outbox::Settled::kDeadLettered) {
                        spdlog::error("fulfilment: a message was dead-lettered; see 'onton admin dead-letters list'");
                    }
                }
            }));
    }
    if (workers.notifications) {
        notifications::SenderSettings sender_settings;
        sender_settings.mini_app_url = config.public_url + "/app";
        parts.sender = std::make_unique<notifications::NotificationSender>(store, *messenger_, clock, sender_settings);
        tasks_.push_back(std::make_unique<PeriodicTask>(
            "notification delivery", std::chrono::seconds(1), [&parts, first = true]() mutable {
                if (first) {
                    const auto abandoned = parts.sender->SettleAbandoned();
                    if (abandoned > 0) {
                        spdlog::warn("{} notifications were claimed by a process that stopped: marked uncertain",
                                     abandoned);
                    }
                    first = false;
                }
                for (;;) {
                    const auto tally = parts.sender->SendDue();
                    if (tally.total() == 0) break;
                    spdlog::info("notifications: {} sent, {} skipped, {} failed, {} to retry", tally.sent,
                                 tally.skipped, tally.failed, tally.retrying);
                }
            }));
    }
    // Payments: the platform wallet's incoming transactions, through the toncenter API (the local emulator that
    // scripts/run.sh starts, or toncenter), applied to orders by their comments.
    if (workers.payments && (config.ton_api_url.empty() || config.platform_wallet_address.empty())) {
        spdlog::info("payments are not watched: set ONTON_TON_API_URL and ONTON_PLATFORM_WALLET_ADDRESS");
    } else if (workers.payments) {
        parts.chain = MakeChain(config);
        parts.watcher = std::make_unique<payments::PaymentWatcher>(
            store,
            *parts.chain,
            orders,
            clock,
            payments::WatcherSettings{config.platform_wallet_address, 50, usdt});
        AddSingleton("payments", std::chrono::seconds(2), [&parts] {
            const auto tally = parts.watcher->Poll();
            if (!tally) {
                spdlog::warn("payment watcher: {} ({})", tally.error().message, tally.error().code);
            } else if (tally->seen > 0) {
                spdlog::info(
                    "payments: {} new, {} orders paid, {} underpaid, {} owed back, {} unmatched ({} forged)",
                    tally->seen,
                    tally->paid,
                    tally->underpaid,
                    tally->refund_due,
                    tally->unmatched,
                    tally->forged);
            }
        });
    }
    if (workers.reminders) {
        // 24 h and 1 h before an event starts, once per ticket holder (the dedupe key survives restarts).
        AddSingleton("reminders", std::chrono::seconds(60), [&store, &clock] {
            const auto queued = notifications::QueueReminders(store, clock.NowUnix());
            if (queued > 0) spdlog::info("queued {} event reminders", queued);
        });
    }
    if (workers.nft && platform.nft() != nullptr) {
        AddSingleton("nft", std::chrono::seconds(config.nft_sweep_seconds), [&platform] {
            const auto swept = platform.nft()->Sweep();
            const auto advanced = platform.nft()->Advance();
            const auto pumped = platform.wallet_sender()->Pump();
            if (!pumped) spdlog::warn("wallet sender: {} ({})", pumped.error().message, pumped.error().code);
            if (swept.total() + advanced.total() > 0) {
                spdlog::info(
                    "nft: {} collections requested, {} deployed, {} items requested, {} mints queued, "
                    "{} minted, {} retried, {} failed, {} requests refused (see nft_mint_refusals)",
                    swept.collections_requested,
                    advanced.collections_deployed,
                    swept.items_requested,
                    advanced.mints_queued,
                    advanced.minted,
                    advanced.retried,
                    advanced.failed,
                    swept.refused);
            }
        });
    }
    if (workers.refunds) {
        // Money due back from payments, orders refunded by admins, paid orders of canceled events: recorded,
        // and sent by the platform wallet's sender once a wallet is configured.
        AddSingleton("refunds", std::chrono::seconds(config.refunds_sweep_seconds), [&platform] {
            auto& refunds = platform.refunds();
            const auto canceled = refunds.RefundCanceledEvents();
            if (canceled > 0) spdlog::info("refunded {} paid orders of canceled events", canceled);
            const auto tally = refunds.Step();
            if (tally.recorded + tally.queued + tally.sent + tally.failed > 0) {
                spdlog::info("refunds: {} recorded, {} queued, {} sent, {} failed",
                             tally.recorded,
                             tally.queued,
                             tally.sent,
                             tally.failed);
            }
            // The refunds worker may run without the nft one: it sends too (the wallet's lease keeps one
            // sender).
            if (auto* sender = platform.wallet_sender()) {
                const auto pumped = sender->Pump();
                if (!pumped)
                    spdlog::warn("wallet sender: {} ({})", pumped.error().message, pumped.error().code);
            }
        });
    }
    if (workers.rewards) {
        // After events: points for checked-in participants, and their SBTs through the NFT manager.
        AddSingleton("rewards", std::chrono::seconds(30), [&platform] {
            const auto granted = platform.rewards().GrantDue();
            if (granted > 0) spdlog::info("rewarded {} participants", granted);
            auto* nft = platform.nft();
            if (nft == nullptr) return;
            const auto tally = platform.rewards().AdvanceSbts(
                [nft](std::int64_t user, std::int64_t event) -> Result<std::string> {
                    auto view = nft->RequestSbtMint(user, event);
                    if (!view) return view.error();
                    return view->state;
                });
            if (tally.sbts_minted + tally.sbts_failed > 0) {
                spdlog::info("reward SBTs: {} minted, {} failed", tally.sbts_minted, tally.sbts_failed);
            }
        });
    }
    // Telegram Stars owed back (the `refunds` rows in XTR: an admin's or organizer's refund, a canceled
    // event, a payment that could not be credited) go back through the bot, not the platform wallet. A
    // singleton: the step reads pending rows, calls refundStarPayment and only then marks them, so two
    // processes at once would both call Telegram for a row (the second refused with CHARGE_ALREADY_REFUNDED:
    // no money moves twice, but the lease keeps it to one call).
    if (workers.stars_refunds && !config.bot_token.set()) {
        spdlog::info("stars-refunds: skipped: Telegram Stars need a bot (set ONTON_BOT_TOKEN)");
    } else if (workers.stars_refunds) {
        parts.stars = std::make_unique<payments::StarsPayments>(store, *messenger_, orders, clock);
        AddSingleton("stars-refunds", std::chrono::seconds(5), [&parts] {
            const auto tally = parts.stars->RefundStep();
            if (tally.sent + tally.failed + tally.waiting > 0) {
                spdlog::info("stars refunds: {} refunded, {} failed, {} waiting",
                             tally.sent,
                             tally.failed,
                             tally.waiting);
            }
        });
    }
    // Events held for moderation, announced to the admins' chat (the buttons come back through serve's
    // webhook). Not a singleton: each announcement is claimed by a row before it is sent, so processes that
    // run it at once never send one twice, and none waits for a killed holder's lease to run out.
    if (workers.moderation && (!config.bot_token.set() || config.moderation_chat_id == 0)) {
        spdlog::info(
            "moderation: skipped: held events are announced only with ONTON_BOT_TOKEN and "
            "ONTON_MODERATION_CHAT_ID");
    } else if (workers.moderation) {
        parts.announcer = std::make_unique<bot::ModerationAnnouncer>(
            store, *messenger_, clock, bot::ModerationDeskSettings{.chat_id = config.moderation_chat_id});
        tasks_.push_back(
            std::make_unique<PeriodicTask>("moderation announcements", std::chrono::seconds(2), [&parts] {
                const auto tally = parts.announcer->AnnounceDue();
                if (tally.sent + tally.failed > 0) {
                    spdlog::info("moderation: {} announced, {} failed", tally.sent, tally.failed);
                }
            }));
    }
}

void Background::AddSingleton(const std::string& name,
                              std::chrono::milliseconds period,
                              std::function<void()> step) {
    leases_.push_back(std::make_unique<lease::Lease>(store_, clock_, "worker:" + name, holder_, lease_ttl_));
    auto* lease = leases_.back().get();
    // The lease is renewed three times per ttl whatever the worker's own period (reminders: a minute), so a
    // holder keeps it between its steps and a killed one is replaced within one ttl.
    const auto tick = std::min<std::chrono::milliseconds>(
        period, std::max(std::chrono::milliseconds(500), std::chrono::milliseconds(lease_ttl_) / 3));
    tasks_.push_back(std::make_unique<PeriodicTask>(
        name + " worker",
        tick,
        [lease,
         period,
         step = std::move(step),
         held = false,
         last = std::chrono::steady_clock::time_point{}]() mutable {
            const bool now_held = lease->Acquire();
            if (now_held != held) {
                spdlog::info("{}: {}",
                             lease->name(),
                             now_held ? "taken: this process runs it" : "held by another process");
                held = now_held;
                last = {};  // a new holder steps at once
            }
            if (!now_held) return;
            const auto now = std::chrono::steady_clock::now();
            if (now - last < period) return;
            last = now;
            step();
        }));
}

Background::~Background() {
    tasks_.clear();  // stop the workers before the parts they use go
    // A clean stop hands the singletons over at once rather than after the lease runs out.
    for (const auto& lease : leases_) {
        try {
            lease->Release();
        } catch (const std::exception& e) {
            spdlog::warn("{}: not released ({}); it frees itself when it expires", lease->name(), e.what());
        }
    }
}

}  // namespace onton::app
