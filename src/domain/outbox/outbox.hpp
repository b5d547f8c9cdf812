#pragma once
/// The transactional outbox (design.md §2, docs/bus.md): a state change that must trigger work elsewhere writes its
/// message with Add in the same database transaction, so the change and the message commit (or vanish) together.
/// The Relay publishes unsent rows to the Bus in outbox order and marks them sent only after the bus confirmed them;
/// a crash in between publishes them again, so consumers dedupe with ProcessOnce. Consume runs one delivery
/// through a handler and settles it: ack, retry later with a growing delay, or dead-letter.

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ports/bus.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::outbox {

/// Topics. `order.paid`: {order_uuid, user_id, event_id, event_uuid, title, ticket_type_id, quantity}.
inline constexpr std::string_view kOrderPaid = "order.paid";
/// Every topic, for the admin's dead-letter commands.
inline constexpr std::string_view kTopics[] = {kOrderPaid};

/// Writes a message in the caller's transaction. Its message id is `topic:key`: the key names the fact (an order
/// uuid for `order.paid`), so adding the same fact twice keeps one message. Returns false when it was already there.
bool Add(ports::Transaction& tx,
         std::string_view topic,
         const std::string& key,
         const nlohmann::json& payload,
         std::int64_t now);

/// Add for many messages of one topic (`key`, payload) in multi-row inserts; returns how many were new.
std::int64_t AddMany(ports::Transaction& tx,
                     std::string_view topic,
                     const std::vector<std::pair<std::string, nlohmann::json>>& messages,
                     std::int64_t now);

/// Records that `consumer` applied `message_id`, in the transaction of that effect. False when it already had:
/// the caller then skips the effect (the transaction may still commit, it changed nothing).
[[nodiscard]] bool ProcessOnce(ports::Transaction& tx,
                               std::string_view consumer,
                               const std::string& message_id,
                               std::int64_t now);

struct RelayTally {
    std::int64_t published = 0;
    std::int64_t failed = 0;  ///< 0 or 1: the pass stops at the first failure so that order holds
};

/// Publishes the outbox. Run one relay at a time for strict order; two at once only publish some messages twice.
class Relay {
public:
    /// `after_publish` is a test seam: called after each confirmed publish, before the row is marked; throwing from
    /// it stands for a relay that dies there.
    Relay(ports::Store& store, ports::Bus& bus, const ports::Clock& clock, std::int64_t batch = 100,
          std::function<void(const ports::BusMessage&)> after_publish = {});

    /// Publishes up to `batch` unsent rows, oldest first, and marks those the bus confirmed. A publish failure stops
    /// the pass (recorded on the row: attempts, last_error); the next pass starts from that row.
    RelayTally RunOnce();
    /// RunOnce until the outbox is drained or a pass fails; returns the total.
    RelayTally Drain();

private:
    ports::Store& store_;
    ports::Bus& bus_;
    const ports::Clock& clock_;
    std::int64_t batch_;
    std::function<void(const ports::BusMessage&)> after_publish_;
};

/// Thrown by a handler for a message it can never process (malformed payload): dead-lettered at once.
class PermanentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Applies one message; throws to fail this attempt.
using Handler = std::function<void(const ports::BusMessage& message)>;

enum class Settled { kNone, kAcked, kRetried, kDeadLettered };

/// Fetches one delivery of `topic` (waiting up to `wait`) and runs `handler`: success acks it; an exception retries
/// it after policy.DelayAfter(attempt), or dead-letters it when the attempts are used up or the error is a
/// PermanentError.
Settled Consume(ports::Bus& bus,
                std::string_view topic,
                const Handler& handler,
                const ports::RetryPolicy& policy,
                std::chrono::milliseconds wait);

}  // namespace onton::outbox
