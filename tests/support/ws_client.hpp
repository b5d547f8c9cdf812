#pragma once
/// A blocking WebSocket client for tests (Beast), with a receive timeout so that a server that never answers fails
/// the test instead of hanging it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace onton::test {

class WsClient {
public:
    using Headers = std::vector<std::pair<std::string, std::string>>;
    /// Opens `target` on 127.0.0.1:port; throws when the server refuses the upgrade (see RefusedUpgrade).
    WsClient(std::uint16_t port,
             const std::string& target,
             const Headers& headers = {},
             std::chrono::milliseconds receive_timeout = std::chrono::seconds(10));

    void Send(const std::string& text);
    void SendBinary(const std::string& bytes);

    /// The next frame: its text, or, once the server closed, closed() with its close code. Throws on timeout.
    struct Frame {
        std::string text;
        bool closed = false;
        std::uint16_t close_code = 0;
    };
    Frame Read();
    /// Reads frames until one is JSON with "type" == type (returns it) or the socket closes (throws).
    nlohmann::json ReadType(const std::string& type);
    /// Sends a close frame (1000) and waits for the server's.
    void Close();

private:
    boost::asio::io_context ioc_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    boost::beast::flat_buffer buffer_;
};

/// Sends a WebSocket upgrade request for `target` and returns the server's HTTP answer (a refusal, or the 101).
HttpResponse UpgradeAnswer(std::uint16_t port, const std::string& target, const WsClient::Headers& headers = {});

}  // namespace onton::test
