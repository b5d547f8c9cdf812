#pragma once
/// Prometheus metrics of the HTTP layer: request counts per route, method and status; latency histograms per route
/// and method; open connections. Thread-safe; recording costs one short critical section per request.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace onton::http {

class Metrics {
public:
    static constexpr std::array<double, 12> kBuckets{
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

    void RecordRequest(std::string_view route, std::string_view method, unsigned status, double seconds);
    void ConnectionOpened() noexcept { connections_.fetch_add(1, std::memory_order_relaxed); }
    void ConnectionClosed() noexcept { connections_.fetch_sub(1, std::memory_order_relaxed); }
    [[nodiscard]] std::int64_t OpenConnections() const noexcept { return connections_.load(); }

    /// Extra lines appended to the exposition (database pool, process figures), written by the composition root.
    void AddCollector(std::function<void(std::string&)> collector);

    /// The whole exposition in Prometheus text format 0.0.4.
    [[nodiscard]] std::string Render();

private:
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0.0;
    };
    /// Per-route-and-method figures. The key owns its strings; lookups compare views, so recording a request that
    /// was seen before allocates nothing.
    struct Series {
        std::map<unsigned, std::uint64_t> by_status;
        Histogram latency;
    };
    using SeriesMap = std::map<std::pair<std::string, std::string>, Series, std::less<>>;
    /// Requests are recorded into one of several shards, chosen per thread, so that I/O threads rarely contend.
    struct alignas(64) Shard {
        std::mutex mutex;
        SeriesMap series;
    };
    static constexpr std::size_t kShards = 8;

    std::array<Shard, kShards> shards_;
    mutable std::mutex collectors_mutex_;
    std::vector<std::function<void(std::string&)>> collectors_;
    std::atomic<std::int64_t> connections_{0};
};

/// Escapes a Prometheus label value (backslash, quote, newline).
std::string EscapeLabel(std::string_view value);

/// Appends the process figures: resident memory, start time, uptime, open file descriptors.
void AppendProcessMetrics(std::string& out, std::chrono::system_clock::time_point started);

}  // namespace onton::http
