#pragma once
/// An in-memory Bus for unit tests: every call recorded, deliveries in publish order, no delays honoured (Retry
/// records the delay and makes the message fetchable again at once). Not thread-safe.

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "ports/bus.hpp"

namespace onton::test {

class FakeBus final : public ports::Bus {
public:
    void Publish(const ports::BusMessage& message) override {
        if (fail_publishes > 0) {
            --fail_publishes;
            throw ports::BusError("broker down");
        }
        published.push_back(message);
        queue_.push_back({message, 1, false, next_tag_++, 0});
    }
    std::optional<ports::Delivery> Fetch(std::string_view topic, std::chrono::milliseconds /*wait*/) override {
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (it->message.topic != topic) continue;
            auto d = *it;
            queue_.erase(it);
            return d;
        }
        return std::nullopt;
    }
    void Ack(const ports::Delivery& delivery) override { acked.push_back(delivery.message.message_id); }
    void Retry(const ports::Delivery& delivery, std::chrono::seconds delay, std::string_view error) override {
        retry_delays.push_back(delay);
        errors.emplace_back(error);
        auto again = delivery;
        ++again.attempt;
        queue_.push_back(again);
    }
    void DeadLetter(const ports::Delivery& delivery, std::string_view error) override {
        dead.push_back({delivery.message, delivery.attempt, std::string(error), 0});
    }
    std::vector<ports::DeadLetter> ListDeadLetters(std::string_view topic, std::size_t limit) override {
        std::vector<ports::DeadLetter> out;
        for (const auto& d : dead) {
            if (d.message.topic == topic && out.size() < limit) out.push_back(d);
        }
        return out;
    }
    std::int64_t RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) override {
        std::int64_t moved = 0;
        for (auto it = dead.begin(); it != dead.end();) {
            if (it->message.topic == topic && (!message_id || it->message.message_id == *message_id)) {
                queue_.push_back({it->message, 1, false, next_tag_++, 0});
                it = dead.erase(it);
                ++moved;
            } else {
                ++it;
            }
        }
        return moved;
    }

    int fail_publishes = 0;  ///< the next this many publishes throw BusError
    std::vector<ports::BusMessage> published;
    std::vector<std::string> acked;
    std::vector<std::chrono::seconds> retry_delays;
    std::vector<std::string> errors;
    std::vector<ports::DeadLetter> dead;

private:
    std::deque<ports::Delivery> queue_;
    std::uint64_t next_tag_ = 1;
};

}  // namespace onton::test
