// Load generator of bench/flash_sale: N keep-alive connections, each signed in as its own buyer, send a fixed
// total of POST /api/v1/orders between them (closed loop: each connection sends its next request when the
// previous answer has arrived) and time every answer with steady_clock. All connections are open before the
// clock starts, so the figures measure ordering, not TCP handshakes. One single-threaded io_context: on two
// cores the server and the database need the other cycles more than the client does.
//
//   onton_flash_sale_loadgen PORT TOKENS_FILE EVENT_UUID TICKET_TYPE_ID ATTEMPTS CONNECTIONS
//   [DEADLINE_SECONDS]
//
// Prints `key=value` lines on stdout (see PrintReport) and exits 0 when every request was sent and answered,
// 1 when the deadline cut the run short or a connection could not be opened, 2 on bad arguments.
// clang-format off
#include <utility>  // before Boost: 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

struct Connection {
    explicit Connection(asio::io_context& io) : socket(io) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
};

/// State shared by every connection coroutine; all of them run on the one thread of the io_context.
struct Run {
    Run(asio::io_context& io, std::size_t attempts) : gate(io), deadline(io), total(attempts) {
        latencies_ns.reserve(attempts);
    }
    tcp::endpoint endpoint;
    asio::steady_timer gate;      // released when every connection is open: the start line
    asio::steady_timer deadline;  // bounds the whole run
    std::vector<std::unique_ptr<Connection>> connections;
    std::size_t total;
    std::size_t ready = 0;  // connections done with their connect attempt
    std::size_t connect_failures = 0;
    std::size_t issued = 0;   // requests taken from the total by some connection
    std::size_t running = 0;  // connection coroutines still looping
    bool timed_out = false;
    Clock::time_point connect_start;
    Clock::time_point start;
    Clock::time_point end;
    Clock::time_point last_accepted;
    std::vector<std::int64_t> latencies_ns;           // every answered request
    std::vector<std::int64_t> accepted_latencies_ns;  // the 201s
    std::size_t accepted = 0;
    std::size_t sold_out = 0;
    std::map<std::string, std::size_t> other;  // "STATUS error.code" or "transport: message" -> count
};

std::int64_t Nanos(Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

/// Nearest-rank percentile in milliseconds; the vector is sorted in place.
double PercentileMs(std::vector<std::int64_t>& v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto n = static_cast<double>(v.size());
    auto rank = static_cast<std::size_t>(p / 100.0 * n + 0.999999);
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    return static_cast<double>(v[rank - 1]) / 1e6;
}

std::string ErrorCode(const std::string& body) {
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.contains("error") || !doc["error"].is_object() ||
        !doc["error"].contains("code") || !doc["error"]["code"].is_string()) {
        return "(no error code)";
    }
    return doc["error"]["code"].get<std::string>();
}

void Classify(Run& run,
              const http::response<http::string_body>& res,
              Clock::time_point sent,
              Clock::time_point got) {
    const auto latency = Nanos(got - sent);
    run.latencies_ns.push_back(latency);
    const auto status = res.result_int();
    if (status == 201) {
        ++run.accepted;
        run.accepted_latencies_ns.push_back(latency);
        run.last_accepted = std::max(run.last_accepted, got);
        return;
    }
    const auto code = ErrorCode(res.body());
    if (status == 409 && code == "ticket.sold_out") {
        ++run.sold_out;
        return;
    }
    ++run.other[std::to_string(status) + " " + code];
}

void CountTransportError(Run& run, const std::string& what, const beast::error_code& ec) {
    ++run.other["transport: " + what + ": " + ec.message()];
}

void Finish(Run& run) {
    if (--run.running == 0) {
        run.end = Clock::now();
        run.deadline.cancel();
    }
}

/// One connection: open, wait for the start line, then take requests from the shared total until none is
/// left.
asio::awaitable<void> Drive(Run* run, Connection* conn) {
    beast::error_code ec;
    co_await conn->socket.async_connect(run->endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        ++run->connect_failures;
        CountTransportError(*run, "connect", ec);
    } else {
        conn->socket.set_option(tcp::no_delay(true));
    }
    if (++run->ready == run->connections.size()) {
        run->start = Clock::now();
        run->last_accepted = run->start;
        run->gate.cancel();
    } else {
        beast::error_code wait_ec;
        co_await run->gate.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
    }
    if (!conn->socket.is_open() || run->timed_out) {
        Finish(*run);
        co_return;
    }
    while (run->issued < run->total && !run->timed_out) {
        ++run->issued;
        if (!conn->socket.is_open()) {  // the server closed the previous exchange: one reconnect per request
            co_await conn->socket.async_connect(run->endpoint, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                CountTransportError(*run, "reconnect", ec);
                break;
            }
            conn->socket.set_option(tcp::no_delay(true));
            conn->buffer.clear();
        }
        const auto sent = Clock::now();
        co_await http::async_write(
            conn->socket, conn->request, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            CountTransportError(*run, "write", ec);
            conn->socket.close(ec);
            continue;
        }
        http::response<http::string_body> res;
        co_await http::async_read(
            conn->socket, conn->buffer, res, asio::redirect_error(asio::use_awaitable, ec));
        const auto got = Clock::now();
        if (ec) {
            CountTransportError(*run, "read", ec);
            conn->socket.close(ec);
            continue;
        }
        Classify(*run, res, sent, got);
        if (!res.keep_alive()) conn->socket.close(ec);
    }
    Finish(*run);
}

asio::awaitable<void> Watch(Run* run) {
    beast::error_code ec;
    co_await run->deadline.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;  // cancelled: every connection finished in time
    run->timed_out = true;
    run->gate.cancel();
    for (auto& conn : run->connections) conn->socket.close(ec);
}

void PrintReport(Run& run) {
    const auto answered = run.latencies_ns.size();
    std::size_t other = 0;
    for (const auto& [what, count] : run.other) other += count;
    const auto elapsed = Seconds(run.end - run.start);
    // The sale is over at the last 201: accepted orders/s is measured over that window, attempts/s over the
    // run.
    const auto sellout = Seconds(run.last_accepted - run.start);
    auto rate = [](std::size_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; };
    std::printf("connections=%zu\n", run.connections.size());
    std::printf("connect_seconds=%.3f\n", Seconds(run.start - run.connect_start));
    std::printf("attempts=%zu\n", run.issued);
    std::printf("answered=%zu\n", answered);
    std::printf("accepted=%zu\n", run.accepted);
    std::printf("sold_out=%zu\n", run.sold_out);
    std::printf("other_errors=%zu\n", other);
    for (const auto& [what, count] : run.other) std::printf("other_error[%s]=%zu\n", what.c_str(), count);
    std::printf("timed_out=%s\n", run.timed_out ? "true" : "false");
    std::printf("elapsed_seconds=%.3f\n", elapsed);
    std::printf("sellout_seconds=%.3f\n", sellout);
    std::printf("accepted_per_second=%.1f\n", rate(run.accepted, sellout));
    std::printf("attempts_per_second=%.1f\n", rate(answered, elapsed));
    std::printf("latency_p50_ms=%.2f\n", PercentileMs(run.latencies_ns, 50));
    std::printf("latency_p99_ms=%.2f\n", PercentileMs(run.latencies_ns, 99));
    std::printf("latency_max_ms=%.2f\n", PercentileMs(run.latencies_ns, 100));
    std::printf("accepted_latency_p50_ms=%.2f\n", PercentileMs(run.accepted_latencies_ns, 50));
    std::printf("accepted_latency_p99_ms=%.2f\n", PercentileMs(run.accepted_latencies_ns, 99));
    // The client shares the machine with the server and the database: say how much of it the client took.
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        const auto cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        std::printf("loadgen_cpu_seconds=%.3f\n", cpu);
    }
}

void RaiseFdLimit(std::size_t connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t wanted = connections + 64;
    if (limit.rlim_cur >= wanted) return;
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < wanted) {
        std::fprintf(stderr,
                     "warning: open-file limit %llu is below the %llu needed\n",
                     static_cast<unsigned long long>(limit.rlim_cur),
                     static_cast<unsigned long long>(wanted));
    }
}

std::size_t ParseCount(const char* text, const char* name) {
    std::size_t used = 0;
    const auto value = std::stoull(text, &used);
    if (used != std::string(text).size() || value == 0)
        throw std::invalid_argument(std::string(name) + ": " + text);
    return static_cast<std::size_t>(value);
}

int Main(int argc, char** argv) {
    if (argc != 7 && argc != 8) {
        std::fprintf(
            stderr,
            "usage: %s PORT TOKENS_FILE EVENT_UUID TICKET_TYPE_ID ATTEMPTS CONNECTIONS [DEADLINE_SECONDS]\n",
            argv[0]);
        return 2;
    }
    const auto port = ParseCount(argv[1], "PORT");
    const std::string event_uuid = argv[3];
    const auto ticket_type_id = ParseCount(argv[4], "TICKET_TYPE_ID");
    const auto attempts = ParseCount(argv[5], "ATTEMPTS");
    const auto connections = ParseCount(argv[6], "CONNECTIONS");
    const auto deadline = argc == 8 ? ParseCount(argv[7], "DEADLINE_SECONDS") : std::size_t{120};
    if (port > 65535) throw std::invalid_argument("PORT above 65535");

    std::vector<std::string> tokens;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) tokens.push_back(line);
    }
    if (tokens.empty()) {
        std::fprintf(stderr, "no tokens in %s\n", argv[2]);
        return 2;
    }
    if (tokens.size() < connections) {
        std::fprintf(stderr,
                     "warning: %zu tokens for %zu connections: some buyers get several connections\n",
                     tokens.size(),
                     connections);
    }
    RaiseFdLimit(connections);

    const std::string body = nlohmann::json{
        {"event_uuid", event_uuid},
        {"ticket_type_id", ticket_type_id},
        {"quantity", 1}}.dump();
    asio::io_context io(1);
    Run run(io, attempts);
    run.endpoint = tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    run.gate.expires_at(Clock::time_point::max());
    run.deadline.expires_after(std::chrono::seconds(deadline));
    for (std::size_t i = 0; i < connections; ++i) {
        auto conn = std::make_unique<Connection>(io);
        auto& req = conn->request;
        req.method(http::verb::post);
        req.target("/api/v1/orders");
        req.version(11);
        req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
        req.set(http::field::authorization, "Bearer " + tokens[i % tokens.size()]);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        req.body() = body;
        req.prepare_payload();
        run.connections.push_back(std::move(conn));
    }
    run.running = connections;
    run.connect_start = Clock::now();
    for (auto& conn : run.connections) asio::co_spawn(io, Drive(&run, conn.get()), asio::detached);
    asio::co_spawn(io, Watch(&run), asio::detached);
    io.run();
    if (run.timed_out) run.end = Clock::now();
    PrintReport(run);
    const bool complete =
        !run.timed_out && run.connect_failures == 0 && run.latencies_ns.size() == run.issued;
    return complete ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return Main(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "onton_flash_sale_loadgen: %s\n", e.what());
        return 2;
    }
}
