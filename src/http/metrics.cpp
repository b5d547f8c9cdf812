#include "http/metrics.hpp"

#include <unistd.h>

#include <dirent.h>
#include <fmt/format.h>
#include <fstream>
#include <string_view>

namespace onton::http {

void Metrics::RecordRequest(const std::string& route, std::string_view method, unsigned status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, std::string(method), status}];
    auto& h = latency_[{route, std::string(method)}];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::AddCollector(std::function<void(std::string&)> collector) {
    std::lock_guard lock(mutex_);
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

std::string Metrics::Render() const {
    std::string out;
    std::vector<std::function<void(std::string&)>> collectors;
    {
        std::lock_guard lock(mutex_);
        out += "# HELP onton_http_requests_total HTTP requests answered, by route pattern, method and status.\n";
        out += "# TYPE onton_http_requests_total counter\n";
        for (const auto& [key, count] : requests_) {
            const auto& [route, method, status] = key;
            out += fmt::format("onton_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                               EscapeLabel(route), method, status, count);
        }
        out += "# HELP onton_http_request_duration_seconds Time from the end of the request head to the response.\n";
        out += "# TYPE onton_http_request_duration_seconds histogram\n";
        for (const auto& [key, h] : latency_) {
            const auto labels = fmt::format("route=\"{}\",method=\"{}\"", EscapeLabel(key.first), key.second);
            for (std::size_t i = 0; i < kBuckets.size(); ++i) {
                out += fmt::format(
                    "onton_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", labels, kBuckets[i], h.buckets[i]);
            }
            out += fmt::format("onton_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", labels, h.count);
            out += fmt::format("onton_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
            out += fmt::format("onton_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
        }
        collectors = collectors_;
    }
    out += "# HELP onton_http_connections_open Client connections open now.\n";
    out += "# TYPE onton_http_connections_open gauge\n";
    out += fmt::format("onton_http_connections_open {}\n", connections_.load());
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
