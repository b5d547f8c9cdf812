#pragma once
/// The background side of the platform (docs/bus.md): order expiry, the payment watcher, the outbox relay,
/// the bus consumers (fulfilment), the notification sender, reminders, the NFT manager, refunds and rewards.
/// `onton worker` runs the chosen ones as their own process; `onton serve` runs them in-process on the
/// embedded default (ONTON_SERVE_WORKERS). The singletons (WorkerSet) step only while their process holds the
/// worker's lease (`worker:<name>`), so two processes never run one at once, and a killed holder is replaced
/// after ONTON_WALLET_LEASE_SECONDS.

#include <memory>
#include <string>
#include <vector>

#include "adapters/chain/toncenter.hpp"
#include "app/config.hpp"
#include "app/periodic.hpp"
#include "app/worker_set.hpp"
#include "common/result.hpp"
#include "domain/lease/lease.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/jetton.hpp"
#include "ports/bus.hpp"
#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"

namespace onton::app {

class PlatformServices;

/// The toncenter client of ONTON_TON_API_URL (with its API key; no rate limit toward a loopback emulator).
std::unique_ptr<chain::ToncenterChain> MakeChain(const Config& config);

/// The Bus the configuration asks for: RabbitMQ when ONTON_AMQP_URL is set, else the store-backed embedded bus.
std::unique_ptr<ports::Bus> MakeBus(const Config& config, ports::Store& store, const ports::Clock& clock);

/// Owns the bus, the messenger and the running workers; destroying it stops them (each finishes its current
/// step). `usdt`: the USDT jetton the payment watcher credits (ResolveJettonAccount at start); nullopt: USDT
/// is not taken. `platform` (and `orders`) must outlive it; `holder`: this process's lease holder id
/// (ProcessHolderId).
class Background {
public:
    Background(const Config& config,
               ports::Store& store,
               orders::OrderService& orders,
               PlatformServices& platform,
               const ports::Clock& clock,
               WorkerSet workers,
               const std::string& holder,
               std::optional<payments::JettonAccount> usdt = std::nullopt);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    [[nodiscard]] ports::Bus& bus() noexcept { return *bus_; }
    [[nodiscard]] ports::Messenger& messenger() noexcept { return *messenger_; }

private:
    /// Runs `step` every `period` while this process holds the lease `worker:<name>`.
    void AddSingleton(const std::string& name, std::chrono::milliseconds period, std::function<void()> step);

    struct Parts;
    std::unique_ptr<Parts> parts_;
    std::unique_ptr<ports::Bus> bus_;
    std::unique_ptr<ports::Messenger> messenger_;
    ports::Store& store_;
    const ports::Clock& clock_;
    std::string holder_;
    std::chrono::seconds lease_ttl_;
    std::vector<std::unique_ptr<lease::Lease>> leases_;
    std::vector<std::unique_ptr<PeriodicTask>> tasks_;  // last: stopped first
};

}  // namespace onton::app
