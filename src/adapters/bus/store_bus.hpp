#pragma once
/// The embedded Bus: a queue inside the process, kept in the database (`bus_messages`) so that a restart loses
/// nothing and several processes on one database (`onton serve` plus `onton worker`) share it. A fetched message is
/// claimed for `lease`; a consumer that dies without settling it leaves the claim to expire, and the message is
/// delivered again. Publish wakes this process's waiting consumers at once; others notice within `poll`.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "ports/bus.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::bus {

struct StoreBusSettings {
    std::chrono::seconds lease{60};            ///< how long a delivery stays owned by its consumer
    std::chrono::milliseconds poll{250};       ///< how often a waiting Fetch looks again
};

class StoreBus final : public ports::Bus {
public:
    StoreBus(ports::Store& store, const ports::Clock& clock, StoreBusSettings settings = {});

    void Publish(const ports::BusMessage& message) override;
    std::optional<ports::Delivery> Fetch(std::string_view topic, std::chrono::milliseconds wait) override;
    void Ack(const ports::Delivery& delivery) override;
    void Retry(const ports::Delivery& delivery, std::chrono::seconds delay, std::string_view error) override;
    void DeadLetter(const ports::Delivery& delivery, std::string_view error) override;
    std::vector<ports::DeadLetter> ListDeadLetters(std::string_view topic, std::size_t limit) override;
    std::int64_t RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) override;

private:
    std::optional<ports::Delivery> Claim(std::string_view topic);

    ports::Store& store_;
    const ports::Clock& clock_;
    StoreBusSettings settings_;
    std::mutex mutex_;
    std::condition_variable published_;
    std::uint64_t generation_ = 0;  ///< bumped by every Publish; guarded by mutex_
};

}  // namespace onton::bus
