#include "support/http_client.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <stdexcept>

namespace onton::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

void SetReceiveTimeout(asio::ip::tcp::socket& socket, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

RawConnection::RawConnection(std::uint16_t port, std::chrono::milliseconds receive_timeout) : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    SetReceiveTimeout(socket_, receive_timeout);
}

void RawConnection::Send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }

HttpResponse RawConnection::Read() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
}

HttpResponse RawConnection::ReadHead() {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(true);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
}

bool RawConnection::WaitClosed(std::chrono::milliseconds timeout) {
    SetReceiveTimeout(socket_, timeout);
    char scratch[4096];
    for (;;) {
        boost::system::error_code ec;
        socket_.read_some(asio::buffer(scratch), ec);
        if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
        if (ec) return false;  // EAGAIN: the receive timeout passed with the connection still open
    }
}

void RawConnection::ShutdownSend() { socket_.shutdown(asio::ip::tcp::socket::shutdown_send); }

HttpResponse Request(std::uint16_t port,
                     const std::string& method,
                     const std::string& target,
                     const std::string& body,
                     const std::string& content_type,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
    RawConnection conn(port);
    std::string wire = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        if (!content_type.empty()) wire += "Content-Type: " + content_type + "\r\n";
        wire += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    for (const auto& [k, v] : headers) wire += k + ": " + v + "\r\n";
    wire += "\r\n" + body;
    conn.Send(wire);
    return method == "HEAD" ? conn.ReadHead() : conn.Read();
}

std::string ErrorCode(const HttpResponse& res) {
    const auto json = nlohmann::json::parse(res.body(), nullptr, false);
    if (json.is_discarded() || !json.contains("error") || !json["error"].contains("code")) return {};
    return json["error"]["code"].get<std::string>();
}

}  // namespace onton::test
