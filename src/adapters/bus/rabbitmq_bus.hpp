#pragma once
/// The Bus over RabbitMQ (librabbitmq), used when ONTON_AMQP_URL is set. Topology, per topic, declared on first
/// use (all durable):
///   exchange `<prefix>` (direct)  --topic-->  queue `<prefix>.<topic>` (the work queue)
///   queue `<prefix>.<topic>.retry.<N>s`: x-message-ttl N s, dead-lettered back to `<prefix>` with the topic's key,
///     so a retried message waits there N seconds and returns to the work queue
///   queue `<prefix>.<topic>.dead`: dead letters, waiting for `onton admin dead-letters retry`
/// Messages are persistent and carry message_id plus headers x-onton-attempt/-key/-error/-dead-at. Publishes wait
/// for the publisher confirm; consumption uses basic.consume with manual acks and `prefetch`. A lost connection
/// throws BusError once and is reopened on the next call; deliveries from the lost connection are redelivered by
/// the broker, so settling them is a no-op. Thread-safe (one mutex per connection: publishing and consuming use
/// separate connections, so a consumer waiting for messages never holds up a publisher).

#include <chrono>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "ports/bus.hpp"

namespace onton::bus {

struct RabbitMqSettings {
    std::string url;                  ///< amqp://user:pass@host:port/vhost
    std::string prefix = "onton";     ///< exchange name and queue name prefix (tests use their own)
    std::uint16_t prefetch = 16;      ///< unacked deliveries the broker may push per topic
    std::chrono::milliseconds timeout{10000};  ///< connect, RPC and publisher-confirm timeout
};

class AmqpConnection;

class RabbitMqBus final : public ports::Bus {
public:
    explicit RabbitMqBus(RabbitMqSettings settings);
    ~RabbitMqBus() override;

    void Publish(const ports::BusMessage& message) override;
    std::optional<ports::Delivery> Fetch(std::string_view topic, std::chrono::milliseconds wait) override;
    void Ack(const ports::Delivery& delivery) override;
    void Retry(const ports::Delivery& delivery, std::chrono::seconds delay, std::string_view error) override;
    void DeadLetter(const ports::Delivery& delivery, std::string_view error) override;
    std::vector<ports::DeadLetter> ListDeadLetters(std::string_view topic, std::size_t limit) override;
    std::int64_t RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) override;

    /// Drops both connections as a crashed process would: unacked deliveries go back to their queues.
    void Disconnect();

private:
    struct Outgoing {
        std::string exchange;
        std::string routing_key;
        const ports::BusMessage* message = nullptr;
        std::int64_t attempt = 1;
        std::string error;
        std::int64_t dead_at = 0;
    };
    AmqpConnection& Publisher();   // under publish_mutex_
    AmqpConnection& Consumer();    // under consume_mutex_
    void Declare(AmqpConnection& conn, std::uint16_t channel, std::set<std::string>& declared,
                 std::string_view topic);
    std::string RetryQueue(AmqpConnection& conn, std::string_view topic, std::chrono::seconds delay);
    void PublishConfirmed(const Outgoing& out);  // under publish_mutex_
    void Settle(const ports::Delivery& delivery);
    void ResetPublisher();
    void ResetConsumer();

    RabbitMqSettings settings_;
    std::mutex publish_mutex_;
    std::unique_ptr<AmqpConnection> publisher_;
    std::set<std::string> publisher_declared_;  ///< topics and retry queues declared on publisher_
    std::mutex consume_mutex_;
    std::unique_ptr<AmqpConnection> consumer_;
    std::uint64_t consumer_epoch_ = 0;
    std::map<std::string, std::uint16_t, std::less<>> consuming_;  ///< topic -> channel on consumer_
    std::map<std::uint16_t, std::string> channel_topics_;
    std::map<std::string, std::deque<ports::Delivery>, std::less<>> buffered_;  ///< arrived for another topic
};

}  // namespace onton::bus
