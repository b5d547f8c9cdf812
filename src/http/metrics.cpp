#include "http/metrics.hpp"

#include <unistd.h>

#include <dirent.h>
#include <fmt/format.h>
#include <fstream>
#include <string_view>

namespace onton::http {

namespace {

std::size_t ThisThreadShard(std::size_t shards) {
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t index = next.fetch_add(1, std::memory_order_relaxed);
    return index % shards;
}

/// Heterogeneous comparison so that `find` takes views of the route and method.
struct KeyView {
    std::string_view route;
    std::string_view method;
};
bool operator<(const std::pair<std::string, std::string>& a, const KeyView& b) {
    return std::tie(a.first, a.second) < std::tie(b.route, b.method);
}
bool operator<(const KeyView& a, const std::pair<std::string, std::string>& b) {
    return std::tie(a.route, a.method) < std::tie(b.first, b.second);
}

}  // namespace

void Metrics::RecordRequest(std::string_view route, std::string_view method, unsigned status, double seconds) {
    auto& shard = shards_[ThisThreadShard(kShards)];
    std::lock_guard lock(shard.mutex);
    auto it = shard.series.find(KeyView{route, method});
    if (it == shard.series.end()) {
        it = shard.series.emplace(std::pair<std::string, std::string>(route, method), Series{}).first;
    }
    auto& series = it->second;
    ++series.by_status[status];
    auto& h = series.latency;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::AddCollector(std::function<void(std::string&)> collector) {
    std::lock_guard lock(collectors_mutex_);
    collectors_.push_back(std::move(collector));
}

std::string EscapeLabel(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string Metrics::Render() {
    // Merge the shards into one ordered view.
    SeriesMap merged;
    for (auto& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        for (const auto& [key, series] : shard.series) {
            auto& into = merged[key];
            for (const auto& [status, count] : series.by_status) into.by_status[status] += count;
            for (std::size_t i = 0; i < kBuckets.size(); ++i) into.latency.buckets[i] += series.latency.buckets[i];
            into.latency.count += series.latency.count;
            into.latency.sum += series.latency.sum;
        }
    }
    std::string out;
    out += "# HELP onton_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
    out += "# TYPE onton_http_requests_total counter\n";
    for (const auto& [key, series] : merged) {
        for (const auto& [status, count] : series.by_status) {
            out += fmt::format("onton_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                               EscapeLabel(key.first), key.second, status, count);
        }
    }
    out += "# HELP onton_http_request_duration_seconds Time from the end of the request head to the response.\n";
    out += "# TYPE onton_http_request_duration_seconds histogram\n";
    for (const auto& [key, series] : merged) {
        const auto& h = series.latency;
        const auto labels = fmt::format("route=\"{}\",method=\"{}\"", EscapeLabel(key.first), key.second);
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out += fmt::format(
                "onton_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i], h.buckets[i]);
        }
        out += fmt::format("onton_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
        out += fmt::format("onton_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
        out += fmt::format("onton_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
    }
    out += "# HELP onton_http_connections_open Client connections open now.\n";
    out += "# TYPE onton_http_connections_open gauge\n";
    out += fmt::format("onton_http_connections_open {}\n", connections_.load());
    std::vector<std::function<void(std::string&)>> collectors;
    {
        std::lock_guard lock(collectors_mutex_);
        collectors = collectors_;
    }
    for (const auto& collect : collectors) collect(out);
    return out;
}

namespace {
std::int64_t ResidentBytes() {
    std::ifstream statm("/proc/self/statm");
    std::int64_t pages_total = 0;
    std::int64_t pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return 0;
    return pages_resident * sysconf(_SC_PAGESIZE);
}

std::int64_t OpenFds() {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) return 0;
    std::int64_t n = 0;
    while (const dirent* entry = readdir(dir)) {
        if (entry->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n - 1;  // the descriptor opendir itself holds
}
}  // namespace

void AppendProcessMetrics(std::string& out, std::chrono::system_clock::time_point started) {
    using std::chrono::duration;
    const double start_s = duration<double>(started.time_since_epoch()).count();
    const double uptime_s = duration<double>(std::chrono::system_clock::now() - started).count();
    out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
    out += "# TYPE process_resident_memory_bytes gauge\n";
    out += fmt::format("process_resident_memory_bytes {}\n", ResidentBytes());
    out += "# HELP process_start_time_seconds Start time of the process since the unix epoch in seconds.\n";
    out += "# TYPE process_start_time_seconds gauge\n";
    out += fmt::format("process_start_time_seconds {:.3f}\n", start_s);
    out += "# HELP process_open_fds Open file descriptors.\n";
    out += "# TYPE process_open_fds gauge\n";
    out += fmt::format("process_open_fds {}\n", OpenFds());
    out += "# HELP onton_uptime_seconds Seconds since the process started.\n";
    out += "# TYPE onton_uptime_seconds gauge\n";
    out += fmt::format("onton_uptime_seconds {:.3f}\n", uptime_s);
}

}  // namespace onton::http
