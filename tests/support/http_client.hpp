#pragma once
/// A deliberately low-level HTTP client for tests: it sends exact bytes (malformed, pipelined, stalled) and reads
/// responses with a receive timeout so that a misbehaving server fails a test instead of hanging it.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace onton::test {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// Makes blocking reads on `socket` fail after `timeout` instead of waiting for ever.
void SetReceiveTimeout(boost::asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout);

class RawConnection {
public:
    explicit RawConnection(std::uint16_t port, std::chrono::milliseconds receive_timeout = std::chrono::seconds(10));
    void Send(std::string_view bytes);
    /// Reads one response; throws on timeout or when the connection closes first.
    HttpResponse Read();
    /// Reads one response to a HEAD request (no body follows the head).
    HttpResponse ReadHead();
    /// Waits until the server closes the connection (true) or the timeout passes (false); data read is discarded.
    bool WaitClosed(std::chrono::milliseconds timeout);
    void ShutdownSend();

private:
    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_;
    boost::beast::flat_buffer buffer_;
};

/// One request on a fresh connection.
HttpResponse Request(std::uint16_t port,
                     const std::string& method,
                     const std::string& target,
                     const std::string& body = {},
                     const std::string& content_type = "application/json",
                     const std::vector<std::pair<std::string, std::string>>& headers = {});

/// The `error.code` of a JSON error body, or "" when the body is not one.
std::string ErrorCode(const HttpResponse& res);

}  // namespace onton::test
