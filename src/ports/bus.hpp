#pragma once
/// The Bus port: durable topics between processes (design.md §2). On the embedded default a store-backed queue
/// inside the process (adapters/bus/store_bus); with ONTON_AMQP_URL RabbitMQ (adapters/bus/rabbitmq_bus).
///
/// Delivery is at least once: a message is published by the outbox relay (which may publish a message twice after a
/// crash) and redelivered when its consumer dies before acking, so consumers dedupe by message id
/// (outbox::ProcessOnce, in the transaction of their effect). One queue per topic: every consumer of a topic shares
/// it (competing consumers). Each call may throw BusError (broker unreachable, connection lost); an adapter
/// reconnects on its next call.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace onton::ports {

struct BusMessage {
    std::string message_id;  ///< unique per message (the outbox row's message_id); consumers dedupe by it
    std::string topic;       ///< `order.paid`, ...
    std::string key;         ///< what the message is about (an order uuid); informative, may be empty
    std::string payload;     ///< JSON text
};

/// One delivery of a message to a consumer; settle it exactly once with Ack, Retry or DeadLetter.
struct Delivery {
    BusMessage message;
    std::int64_t attempt = 1;    ///< 1 on the first delivery; Retry delivers it again with attempt + 1
    bool redelivered = false;    ///< an earlier delivery of this attempt was never settled (its consumer died)
    std::uint64_t tag = 0;       ///< the adapter's handle
    std::uint64_t epoch = 0;     ///< the adapter's connection generation the tag belongs to
};

struct DeadLetter {
    BusMessage message;
    std::int64_t attempts = 0;   ///< deliveries it had
    std::string error;           ///< why the last attempt failed
    std::int64_t dead_at = 0;    ///< unix seconds
};

class BusError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Bus {
public:
    virtual ~Bus() = default;

    /// Stores the message durably on its topic; when it returns the message survives a broker restart (publisher
    /// confirm). Publishing the same message id again may deliver it twice: consumers dedupe.
    virtual void Publish(const BusMessage& message) = 0;

    /// The next message of `topic` ready for delivery, waiting up to `wait` for one; nullopt when none came.
    /// The message stays owned by this consumer until settled; if the consumer (or its connection) goes away
    /// first, it is delivered again (`redelivered`).
    virtual std::optional<Delivery> Fetch(std::string_view topic, std::chrono::milliseconds wait) = 0;

    /// Done with it: the message is gone.
    virtual void Ack(const Delivery& delivery) = 0;
    /// Delivers the message again, with attempt + 1, not before `delay`.
    virtual void Retry(const Delivery& delivery, std::chrono::seconds delay, std::string_view error) = 0;
    /// Moves the message to the topic's dead letters, where it waits for an admin.
    virtual void DeadLetter(const Delivery& delivery, std::string_view error) = 0;

    /// Up to `limit` dead letters of `topic`, oldest first. Leaves them in place.
    virtual std::vector<ports::DeadLetter> ListDeadLetters(std::string_view topic, std::size_t limit) = 0;
    /// Puts the dead letter with `message_id` (every one of the topic when nullopt) back on the topic as a fresh
    /// first attempt; returns how many went back.
    virtual std::int64_t RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) = 0;
};

/// When a failed delivery is tried again: `base * 2^(attempt-1)`, at most `max_delay`, and after `max_attempts`
/// deliveries the message is dead-lettered instead.
struct RetryPolicy {
    std::int64_t max_attempts = 5;
    std::chrono::seconds base_delay{5};
    std::chrono::seconds max_delay{std::chrono::minutes(10)};

    /// The delay before delivery attempt + 1 after `attempt` failed; nullopt when the message goes to dead letters.
    [[nodiscard]] std::optional<std::chrono::seconds> DelayAfter(std::int64_t attempt) const noexcept {
        if (attempt >= max_attempts) return std::nullopt;
        auto delay = base_delay;
        for (std::int64_t i = 1; i < attempt && delay < max_delay; ++i) delay *= 2;
        return std::min(delay, max_delay);
    }
};

}  // namespace onton::ports
