#pragma once
/// The background side of the platform (docs/bus.md): the outbox relay, the payment watcher, the notification
/// sender and the bus consumers (fulfilment). `onton worker` runs the chosen ones as their own process; `onton serve`
/// runs them in-process on the embedded default (ONTON_SERVE_WORKERS).

#include <memory>
#include <string>
#include <vector>

#include "adapters/chain/toncenter.hpp"
#include "app/config.hpp"
#include "app/periodic.hpp"
#include "common/result.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/jetton.hpp"
#include "ports/bus.hpp"
#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"

namespace onton::app {

/// Which workers run. Names: relay, payments, notifications, fulfilment; `all`; `none`.
struct WorkerSet {
    bool relay = false;
    bool payments = false;
    bool notifications = false;
    bool fulfilment = false;

    static WorkerSet All() { return {true, true, true, true}; }
    /// A comma-separated list of names; an error names the unknown one.
    static Result<WorkerSet> Parse(const std::string& list);
    [[nodiscard]] bool any() const noexcept { return relay || payments || notifications || fulfilment; }
    [[nodiscard]] std::string Describe() const;
};

/// The toncenter client of ONTON_TON_API_URL (with its API key; no rate limit toward a loopback emulator).
std::unique_ptr<chain::ToncenterChain> MakeChain(const Config& config);

/// The Bus the configuration asks for: RabbitMQ when ONTON_AMQP_URL is set, else the store-backed embedded bus.
std::unique_ptr<ports::Bus> MakeBus(const Config& config, ports::Store& store, const ports::Clock& clock);

/// Owns the bus, the messenger and the running workers; destroying it stops them (each finishes its current step).
/// `usdt`: the USDT jetton the payment watcher credits (ResolveJettonAccount at start); nullopt: USDT is not taken.
class Background {
public:
    Background(const Config& config,
               ports::Store& store,
               orders::OrderService& orders,
               const ports::Clock& clock,
               WorkerSet workers,
               std::optional<payments::JettonAccount> usdt = std::nullopt);
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    [[nodiscard]] ports::Bus& bus() noexcept { return *bus_; }
    [[nodiscard]] ports::Messenger& messenger() noexcept { return *messenger_; }

private:
    struct Parts;
    std::unique_ptr<Parts> parts_;
    std::unique_ptr<ports::Bus> bus_;
    std::unique_ptr<ports::Messenger> messenger_;
    std::vector<std::unique_ptr<PeriodicTask>> tasks_;  // last: stopped first
};

}  // namespace onton::app
