#pragma once
/// The named background workers (docs/bus.md) and the lists that choose them: `onton worker --only LIST`,
/// ONTON_SERVE_WORKERS.

#include <array>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace onton::app {

/// Which workers run. Singletons (one process at a time, by a lease: docs/bus.md) are marked (S).
struct WorkerSet {
    bool expiry = false;         ///< (S) expires unpaid orders, offers freed seats to waiting lists
    bool payments = false;       ///< (S) the payment watcher
    bool relay = false;          ///< publishes the transactional outbox to the bus
    bool fulfilment = false;     ///< consumes order.paid
    bool notifications = false;  ///< delivers queued Telegram notifications
    bool reminders = false;      ///< (S) queues the 24 h and 1 h event reminders
    bool nft = false;            ///< (S) the NFT manager: collections, mints, and the platform wallet's sends
    bool refunds = false;        ///< (S) refunds owed and of canceled events, sent by the platform wallet
    bool rewards = false;        ///< (S) points and SBTs after events
    bool stars_refunds = false;  ///< (S) `stars-refunds`: Telegram Stars refunds through refundStarPayment
    bool moderation = false;     ///< announces events held for moderation to the admins' chat

    /// Every name, in the order Describe lists them.
    static constexpr std::array<std::string_view, 11> kNames = {"expiry",
                                                                "payments",
                                                                "relay",
                                                                "fulfilment",
                                                                "notifications",
                                                                "reminders",
                                                                "nft",
                                                                "refunds",
                                                                "rewards",
                                                                "stars-refunds",
                                                                "moderation"};

    static WorkerSet All();
    /// A comma-separated list of names, `all` or `none`; an unknown name is a `config.invalid` error that
    /// lists the valid ones.
    static Result<WorkerSet> Parse(const std::string& list);
    [[nodiscard]] bool any() const noexcept;
    /// The names that are on, comma-separated; `none` when empty.
    [[nodiscard]] std::string Describe() const;
    /// The flag of a name from kNames.
    [[nodiscard]] bool Has(std::string_view name) const noexcept;
};

/// "expiry, payments, ..., rewards (or all, none)": for error messages and usage texts.
std::string ValidWorkerNames();

}  // namespace onton::app
