#include "support/ws_client.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>
#include <stdexcept>

namespace onton::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

WsClient::WsClient(std::uint16_t port,
                   const std::string& target,
                   const Headers& headers,
                   std::chrono::milliseconds receive_timeout)
    : ws_(ioc_) {
    auto& socket = ws_.next_layer();
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    SetReceiveTimeout(socket, receive_timeout);
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
        for (const auto& [name, value] : headers) req.set(name, value);
    }));
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
}

HttpResponse UpgradeAnswer(std::uint16_t port, const std::string& target, const WsClient::Headers& headers) {
    std::string head = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                       "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                       "Sec-WebSocket-Version: 13\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + value + "\r\n";
    RawConnection connection(port);
    connection.Send(head + "\r\n");
    return connection.Read();
}

void WsClient::Send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
}

void WsClient::SendBinary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(asio::buffer(bytes));
}

WsClient::Frame WsClient::Read() {
    Frame frame;
    buffer_.clear();
    beast::error_code ec;
    ws_.read(buffer_, ec);
    if (ec == websocket::error::closed) {
        frame.closed = true;
        frame.close_code = ws_.reason().code;
        return frame;
    }
    if (ec) throw beast::system_error(ec);
    frame.text = beast::buffers_to_string(buffer_.data());
    return frame;
}

nlohmann::json WsClient::ReadType(const std::string& type) {
    for (;;) {
        auto frame = Read();
        if (frame.closed) throw std::runtime_error("the server closed the socket (code " +
                                                   std::to_string(frame.close_code) + ") before a '" + type + "'");
        auto json = nlohmann::json::parse(frame.text);
        if (json.value("type", "") == type) return json;
    }
}

void WsClient::Close() {
    beast::error_code ec;
    ws_.close(websocket::close_code::normal, ec);
}

}  // namespace onton::test
