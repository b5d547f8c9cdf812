#include "domain/outbox/outbox.hpp"

#include <vector>

namespace onton::outbox {
namespace {

using ports::AsInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kAddSql = R"(
INSERT INTO outbox (message_id, topic, message_key, payload, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (message_id) DO NOTHING)";

constexpr std::string_view kProcessOnceSql = R"(
INSERT INTO processed_messages (consumer, message_id, processed_at) VALUES ($1, $2, $3)
ON CONFLICT (consumer, message_id) DO NOTHING)";

constexpr std::string_view kUnsentSql = R"(
SELECT outbox_id, message_id, topic, message_key, payload FROM outbox WHERE sent_at IS NULL
ORDER BY outbox_id LIMIT $1)";

constexpr std::string_view kMarkSentSql =
    "UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE outbox_id = $1 AND sent_at IS NULL";

constexpr std::string_view kMarkFailedSql =
    "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE outbox_id = $1";

}  // namespace

bool Add(ports::Transaction& tx,
         std::string_view topic,
         const std::string& key,
         const nlohmann::json& payload,
         std::int64_t now) {
    const auto message_id = std::string(topic) + ":" + key;
    return tx.Execute(kAddSql, {message_id, std::string(topic), key, payload.dump(), now}).rows_affected == 1;
}

std::int64_t AddMany(ports::Transaction& tx,
                     std::string_view topic,
                     const std::vector<std::pair<std::string, nlohmann::json>>& messages,
                     std::int64_t now) {
    std::int64_t added = 0;
    std::size_t next = 0;
    for (const auto rows : ports::SplitRows(messages.size())) {
        ports::SqlParams params;
        params.reserve(rows * 5);
        for (std::size_t i = next; i < next + rows; ++i) {
            const auto& [key, payload] = messages[i];
            params.emplace_back(std::string(topic) + ":" + key);
            params.emplace_back(std::string(topic));
            params.emplace_back(key);
            params.emplace_back(payload.dump());
            params.emplace_back(now);
        }
        added +=
            tx.Execute("INSERT INTO outbox (message_id, topic, message_key, payload, created_at) VALUES " +
                           ports::ValuesRows(rows, 5) + " ON CONFLICT (message_id) DO NOTHING",
                       params)
                .rows_affected;
        next += rows;
    }
    return added;
}

bool ProcessOnce(ports::Transaction& tx, std::string_view consumer, const std::string& message_id, std::int64_t now) {
    return tx.Execute(kProcessOnceSql, {std::string(consumer), message_id, now}).rows_affected == 1;
}

Relay::Relay(ports::Store& store, ports::Bus& bus, const ports::Clock& clock, std::int64_t batch,
             std::function<void(const ports::BusMessage&)> after_publish)
    : store_(store), bus_(bus), clock_(clock), batch_(batch), after_publish_(std::move(after_publish)) {}

RelayTally Relay::RunOnce() {
    struct Row {
        std::int64_t id;
        ports::BusMessage message;
    };
    std::vector<Row> rows;
    store_.InTransaction(
        [&](ports::Transaction& tx) {
            rows.clear();
            for (const auto& r : tx.Execute(kUnsentSql, {batch_}).rows) {
                rows.push_back({AsInt(r[0]),
                                {AsText(r[1]), AsText(r[2]), AsOptionalText(r[3]).value_or(""), AsText(r[4])}});
            }
        },
        {.read_only = true});
    RelayTally tally;
    std::vector<std::int64_t> confirmed;
    std::string failure;
    std::int64_t failed_id = 0;
    for (const auto& row : rows) {
        try {
            bus_.Publish(row.message);
        } catch (const std::exception& e) {
            failure = e.what();
            failed_id = row.id;
            break;
        }
        // A relay that dies here (the seam throws) leaves the row unsent: it is published again.
        if (after_publish_) after_publish_(row.message);
        confirmed.push_back(row.id);
    }
    if (confirmed.empty() && failed_id == 0) return tally;
    // Marked after the bus confirmed them, never before: a crash in between republishes, consumers dedupe.
    store_.InTransaction([&](ports::Transaction& tx) {
        const auto now = clock_.NowUnix();
        for (const auto id : confirmed) tx.Execute(kMarkSentSql, {id, now});
        if (failed_id != 0) tx.Execute(kMarkFailedSql, {failed_id, failure.substr(0, 1000)});
    });
    tally.published = static_cast<std::int64_t>(confirmed.size());
    tally.failed = failed_id != 0 ? 1 : 0;
    return tally;
}

RelayTally Relay::Drain() {
    RelayTally total;
    for (;;) {
        const auto pass = RunOnce();
        total.published += pass.published;
        total.failed += pass.failed;
        if (pass.failed > 0 || pass.published < batch_) return total;
    }
}

Settled Consume(ports::Bus& bus,
                std::string_view topic,
                const Handler& handler,
                const ports::RetryPolicy& policy,
                std::chrono::milliseconds wait) {
    auto delivery = bus.Fetch(topic, wait);
    if (!delivery) return Settled::kNone;
    std::string error;
    bool failed = true;
    bool permanent = false;
    try {
        handler(delivery->message);
        failed = false;
    } catch (const PermanentError& e) {
        error = e.what();
        permanent = true;
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!failed) {
        // A failed ack leaves the message to be delivered again: the handler's dedupe makes that harmless.
        bus.Ack(*delivery);
        return Settled::kAcked;
    }
    if (error.empty()) error = "failed";
    const auto delay = permanent ? std::nullopt : policy.DelayAfter(delivery->attempt);
    if (!delay) {
        bus.DeadLetter(*delivery, error);
        return Settled::kDeadLettered;
    }
    bus.Retry(*delivery, *delay, error);
    return Settled::kRetried;
}

}  // namespace onton::outbox
