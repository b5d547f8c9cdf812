#include "adapters/bus/store_bus.hpp"

#include <string>

namespace onton::bus {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kPublishSql = R"(
INSERT INTO bus_messages (message_id, topic, message_key, payload, available_at, created_at)
VALUES ($1, $2, $3, $4, $5, $5))";

constexpr std::string_view kNextSql = R"(
SELECT bus_message_id, message_id, topic, message_key, payload, attempt, deliveries FROM bus_messages
WHERE topic = $1 AND dead_at IS NULL AND available_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)
ORDER BY bus_message_id LIMIT 8)";

// The compare-and-set on deliveries: of two consumers that read the same row, one claims it.
constexpr std::string_view kClaimSql = R"(
UPDATE bus_messages SET claimed_until = $3, deliveries = deliveries + 1
WHERE bus_message_id = $1 AND deliveries = $2 AND dead_at IS NULL)";

// Settling checks the claim is still this delivery's: after its lease ran out another consumer may own it.
constexpr std::string_view kAckSql = "DELETE FROM bus_messages WHERE bus_message_id = $1 AND deliveries = $2";

constexpr std::string_view kRetrySql = R"(
UPDATE bus_messages SET attempt = attempt + 1, deliveries = 0, claimed_until = NULL, available_at = $3,
last_error = $4 WHERE bus_message_id = $1 AND deliveries = $2)";

constexpr std::string_view kDeadSql = R"(
UPDATE bus_messages SET dead_at = $3, claimed_until = NULL, last_error = $4
WHERE bus_message_id = $1 AND deliveries = $2)";

constexpr std::string_view kListDeadSql = R"(
SELECT message_id, topic, message_key, payload, attempt, last_error, dead_at FROM bus_messages
WHERE topic = $1 AND dead_at IS NOT NULL ORDER BY bus_message_id LIMIT $2)";

constexpr std::string_view kRetryDeadSql = R"(
UPDATE bus_messages SET dead_at = NULL, attempt = 1, deliveries = 0, claimed_until = NULL, available_at = $2,
last_error = NULL WHERE topic = $1 AND dead_at IS NOT NULL AND ($3 = '' OR message_id = $3))";

std::string Clip(std::string_view error) { return std::string(error.substr(0, 1000)); }

}  // namespace

StoreBus::StoreBus(ports::Store& store, const ports::Clock& clock, StoreBusSettings settings)
    : store_(store), clock_(clock), settings_(settings) {}

void StoreBus::Publish(const ports::BusMessage& message) {
    store_.InTransaction([&](ports::Transaction& tx) {
        tx.Execute(kPublishSql,
                   {message.message_id, message.topic, message.key, message.payload, clock_.NowUnix()});
    });
    {
        std::lock_guard lock(mutex_);
        ++generation_;
    }
    published_.notify_all();
}

std::optional<ports::Delivery> StoreBus::Claim(std::string_view topic) {
    // A read first: an idle consumer polling must not take SQLite's write lock every time it looks.
    const auto ready = store_.Transact(
        [&](ports::Transaction& tx) { return !tx.Execute(kNextSql, {std::string(topic), clock_.NowUnix()}).empty(); },
        {.read_only = true});
    if (!ready) return std::nullopt;
    return store_.Transact([&](ports::Transaction& tx) -> std::optional<ports::Delivery> {
        const auto now = clock_.NowUnix();
        for (const auto& r : tx.Execute(kNextSql, {std::string(topic), now}).rows) {
            const auto id = AsInt(r[0]);
            const auto deliveries = AsInt(r[6]);
            if (tx.Execute(kClaimSql, {id, deliveries, now + settings_.lease.count()}).rows_affected != 1) continue;
            ports::Delivery d;
            d.message = {AsText(r[1]), AsText(r[2]), AsOptionalText(r[3]).value_or(""), AsText(r[4])};
            d.attempt = AsInt(r[5]);
            d.redelivered = deliveries > 0;
            d.tag = static_cast<std::uint64_t>(id);
            d.epoch = static_cast<std::uint64_t>(deliveries + 1);
            return d;
        }
        return std::nullopt;
    });
}

std::optional<ports::Delivery> StoreBus::Fetch(std::string_view topic, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        std::uint64_t seen = 0;
        {
            std::lock_guard lock(mutex_);
            seen = generation_;
        }
        if (auto d = Claim(topic)) return d;
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return std::nullopt;
        std::unique_lock lock(mutex_);
        published_.wait_until(lock, std::min(deadline, now + settings_.poll), [&] { return generation_ != seen; });
    }
}

void StoreBus::Ack(const ports::Delivery& delivery) {
    store_.InTransaction([&](ports::Transaction& tx) {
        tx.Execute(kAckSql, {static_cast<std::int64_t>(delivery.tag), static_cast<std::int64_t>(delivery.epoch)});
    });
}

void StoreBus::Retry(const ports::Delivery& delivery, std::chrono::seconds delay, std::string_view error) {
    store_.InTransaction([&](ports::Transaction& tx) {
        tx.Execute(kRetrySql,
                   {static_cast<std::int64_t>(delivery.tag), static_cast<std::int64_t>(delivery.epoch),
                    clock_.NowUnix() + delay.count(), Clip(error)});
    });
}

void StoreBus::DeadLetter(const ports::Delivery& delivery, std::string_view error) {
    store_.InTransaction([&](ports::Transaction& tx) {
        tx.Execute(kDeadSql,
                   {static_cast<std::int64_t>(delivery.tag), static_cast<std::int64_t>(delivery.epoch),
                    clock_.NowUnix(), Clip(error)});
    });
}

std::vector<ports::DeadLetter> StoreBus::ListDeadLetters(std::string_view topic, std::size_t limit) {
    return store_.Transact(
        [&](ports::Transaction& tx) {
            std::vector<ports::DeadLetter> out;
            for (const auto& r : tx.Execute(kListDeadSql, {std::string(topic), static_cast<std::int64_t>(limit)}).rows) {
                ports::DeadLetter d;
                d.message = {AsText(r[0]), AsText(r[1]), AsOptionalText(r[2]).value_or(""), AsText(r[3])};
                d.attempts = AsInt(r[4]);
                d.error = AsOptionalText(r[5]).value_or("");
                d.dead_at = AsOptionalInt(r[6]).value_or(0);
                out.push_back(std::move(d));
            }
            return out;
        },
        {.read_only = true});
}

std::int64_t StoreBus::RetryDeadLetters(std::string_view topic, const std::optional<std::string>& message_id) {
    const auto changed = store_.Transact([&](ports::Transaction& tx) {
        return tx.Execute(kRetryDeadSql, {std::string(topic), clock_.NowUnix(), message_id.value_or("")})
            .rows_affected;
    });
    if (changed > 0) {
        {
            std::lock_guard lock(mutex_);
            ++generation_;
        }
        published_.notify_all();
    }
    return changed;
}

}  // namespace onton::bus
