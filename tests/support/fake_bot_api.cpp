#include "support/fake_bot_api.hpp"

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <thread>

namespace onton::test {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using nlohmann::json;

FakeReply FakeReply::Ok(const json& result) {
    FakeReply reply;
    reply.body = json{{"ok", true}, {"result", result}}.dump();
    return reply;
}

FakeReply FakeReply::ApiError(unsigned status, const std::string& description, const json& parameters) {
    json body = {{"ok", false}, {"error_code", status}, {"description", description}};
    if (!parameters.is_null()) body["parameters"] = parameters;
    FakeReply reply;
    reply.status = status;
    reply.body = body.dump();
    return reply;
}

FakeReply FakeReply::TooManyRequests(int retry_after_seconds) {
    return ApiError(429,
                    "Too Many Requests: retry after " + std::to_string(retry_after_seconds),
                    json{{"retry_after", retry_after_seconds}});
}

FakeReply FakeReply::Blocked() { return ApiError(403, "Forbidden: bot was blocked by the user"); }

FakeReply FakeReply::BadRequest(const std::string& description) { return ApiError(400, description); }

FakeReply FakeReply::ServerError(unsigned status) {
    FakeReply reply;
    reply.status = status;
    reply.body = "<html><body><h1>" + std::to_string(status) + " Bad Gateway</h1></body></html>";
    return reply;
}

struct FakeBotApi::State {
    asio::io_context ioc;
    asio::ip::tcp::acceptor acceptor{ioc};
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    std::thread thread;

    mutable std::mutex mutex;
    std::deque<FakeReply> script;
    std::vector<RecordedRequest> requests;
    std::int64_t next_message_id = 100;

    FakeReply NextReply(const RecordedRequest& request) {
        const std::lock_guard lock(mutex);
        requests.push_back(request);
        if (!script.empty()) {
            FakeReply reply = std::move(script.front());
            script.pop_front();
            return reply;
        }
        if (request.method == "sendMessage" || request.method == "sendInvoice") {
            json message = {{"message_id", ++next_message_id}, {"date", 1'800'000'000}};
            if (request.body.is_object() && request.body.contains("chat_id")) {
                message["chat"] = {{"id", request.body["chat_id"]}, {"type", "private"}};
            }
            if (request.body.is_object() && request.body.contains("text")) message["text"] = request.body["text"];
            return FakeReply::Ok(message);
        }
        if (request.method == "createInvoiceLink") {
            return FakeReply::Ok("https://t.me/$fake-invoice-" + std::to_string(++next_message_id));
        }
        return FakeReply::Ok(true);
    }

    void Handle(asio::ip::tcp::socket& socket) {
        // A client that connects and never sends must not wedge the fake for the rest of the test.
        timeval tv{};
        tv.tv_sec = 5;
        setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

        boost::beast::flat_buffer buffer;
        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(16U * 1024U * 1024U);
        boost::system::error_code ec;
        bhttp::read(socket, buffer, parser, ec);
        if (ec) return;
        const auto request = parser.release();

        RecordedRequest record;
        record.http_method = std::string(request.method_string());
        record.target = std::string(request.target());
        record.content_type = std::string(request[bhttp::field::content_type]);
        record.body = json::parse(request.body(), nullptr, /*allow_exceptions=*/false);
        const std::string_view target = record.target;
        if (target.substr(0, 4) == "/bot") {
            const std::size_t slash = target.find('/', 4);
            if (slash != std::string_view::npos) {
                record.token = std::string(target.substr(4, slash - 4));
                record.method = std::string(target.substr(slash + 1));
            }
        }

        const FakeReply reply = NextReply(record);
        if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);

        bhttp::response<bhttp::string_body> response;
        response.result(reply.status);
        response.version(11);
        response.set(bhttp::field::server, "fake-bot-api");
        response.set(bhttp::field::content_type,
                     !reply.body.empty() && reply.body.front() == '{' ? "application/json" : "text/html");
        response.keep_alive(false);
        response.body() = reply.body;
        response.prepare_payload();
        bhttp::write(socket, response, ec);
        socket.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    }

    void Serve() {
        while (!stopping.load()) {
            asio::ip::tcp::socket socket(ioc);
            boost::system::error_code ec;
            acceptor.accept(socket, ec);
            if (stopping.load()) break;
            if (ec) continue;
            Handle(socket);
        }
    }
};

FakeBotApi::FakeBotApi() : state_(std::make_shared<State>()) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    state_->acceptor.open(endpoint.protocol());
    state_->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    state_->acceptor.bind(endpoint);
    state_->acceptor.listen();
    state_->port = state_->acceptor.local_endpoint().port();
    state_->thread = std::thread([state = state_] { state->Serve(); });
}

FakeBotApi::~FakeBotApi() {
    state_->stopping.store(true);
    // The accept loop blocks in accept(): one connection wakes it, and it sees the flag.
    try {
        asio::io_context ioc;
        asio::ip::tcp::socket poke(ioc);
        poke.connect({asio::ip::make_address("127.0.0.1"), state_->port});
    } catch (const std::exception&) {
        // Already gone: the thread is not in accept().
    }
    if (state_->thread.joinable()) state_->thread.join();
    boost::system::error_code ec;
    state_->acceptor.close(ec);
}

std::uint16_t FakeBotApi::port() const noexcept { return state_->port; }

std::string FakeBotApi::base_url() const { return "http://127.0.0.1:" + std::to_string(state_->port); }

void FakeBotApi::Enqueue(FakeReply reply) {
    const std::lock_guard lock(state_->mutex);
    state_->script.push_back(std::move(reply));
}

std::vector<RecordedRequest> FakeBotApi::Requests() const {
    const std::lock_guard lock(state_->mutex);
    return state_->requests;
}

}  // namespace onton::test
