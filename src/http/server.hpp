#pragma once
/// The HTTP/1.1 server on Boost.Beast. One coroutine per connection on a pool of I/O threads reads one request at a
/// time (so pipelined requests are answered in order), enforces header/body size limits and header/idle/body
/// timeouts, and hands blocking handlers to a separate worker pool so that a database call never stalls an I/O
/// thread. Every answer carries `X-Request-Id`; errors use the body of design.md §6. Stop() drains: the acceptor
/// closes, idle connections close, in-flight requests finish and are answered with `Connection: close`.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace onton::http {

struct ServerSettings {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8080;  ///< 0 picks a free port; see Server::port()
    int io_threads = 2;
    int worker_threads = 32;  ///< blocking handlers; waiting buyers wait here, so the order batcher wants several
    std::uint64_t max_body_bytes = 1024 * 1024;
    std::uint32_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds header_timeout{10'000};  ///< to receive a whole request head once it has started
    std::chrono::milliseconds body_timeout{30'000};    ///< to receive the body after the head
    std::chrono::milliseconds idle_timeout{60'000};    ///< keep-alive connection with no request
    std::chrono::milliseconds write_timeout{30'000};
    std::chrono::milliseconds drain_timeout{15'000};   ///< how long Stop() waits for in-flight requests
    std::vector<std::string> cors_origins;             ///< allowed Origins; `*` allows any
    bool access_log = true;
    std::string server_name = "onton";
};

class Server {
public:
    Server(ServerSettings settings, const Router& router, Metrics& metrics);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Binds and listens; throws std::system_error when the address is taken. After this, port() is known.
    void Listen();
    /// Serves until Stop(); returns after draining. Call Listen() first.
    void Run();
    /// Begins a graceful shutdown; safe from any thread and from a signal handler's asio callback.
    void Stop();

    [[nodiscard]] std::uint16_t port() const noexcept;

    struct State;  ///< implementation detail, shared with the connection coroutines

private:
    std::shared_ptr<State> state_;
};

}  // namespace onton::http
