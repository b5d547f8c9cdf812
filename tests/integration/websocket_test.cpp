// WebSocket routes on the in-process HTTP server: upgrade decisions, frames both ways, limits, close codes and
// the close at shutdown. The live order feed over the real binary is tested in live_api_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/ws_client.hpp"

namespace onton::http {
namespace {

using test::WsClient;

class WebSocketServer : public ::testing::Test {
protected:
    void SetUp() override {
        router_.AddWebSocket("/ws/echo", [this](const Request& req, std::shared_ptr<WsChannel> channel)
                                             -> std::variant<Response, WsSession> {
            if (req.Header("X-Allow") == "no") return Fail({"auth.required", "sign in first"}, req);
            {
                std::lock_guard lock(mutex_);
                channels_.push_back(channel);
            }
            channel->Send("hello");  // before the handshake has finished: it waits for it
            WsSession session;
            session.on_text = [channel](std::string_view text) {
                if (text == "close") return channel->Close(WsClose::kNormal, "bye");
                if (text == "throw") throw std::runtime_error("handler failed");
                if (text.starts_with("burst:")) {
                    const auto n = std::stoi(std::string(text.substr(6)));
                    for (int i = 0; i < n; ++i) channel->Send(std::string(512, 'x') + std::to_string(i));
                    return;
                }
                channel->Send("echo:" + std::string(text));
            };
            session.on_close = [this] { closed_.fetch_add(1); };
            return session;
        }, {.max_message_bytes = 64, .max_queued = 8});
        router_.AddWebSocket("/ws/throw", [](const Request&, std::shared_ptr<WsChannel>) -> std::variant<Response, WsSession> {
            throw std::runtime_error("decision failed");
        });
        ServerSettings settings;
        settings.host = "127.0.0.1";
        settings.port = 0;
        settings.access_log = false;
        server_ = std::make_unique<Server>(settings, router_, metrics_);
        server_->Listen();
        thread_ = std::thread([this] { server_->Run(); });
    }

    void TearDown() override {
        StopServer();
    }

    void StopServer() {
        if (server_) server_->Stop();
        if (thread_.joinable()) thread_.join();
    }

    /// Waits until the server has called on_close `n` times in all.
    void AwaitClosed(int n) {
        for (int i = 0; i < 2000 && closed_.load() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        EXPECT_EQ(closed_.load(), n);
    }

    std::uint16_t port() const { return server_->port(); }

    /// Sends `text` on a fresh socket and expects the server to close it with `code`, then to call on_close.
    void ExpectClosedAfter(const std::string& text, std::uint16_t code, bool binary = false) {
        WsClient client(port(), "/ws/echo");
        EXPECT_EQ(client.Read().text, "hello");
        binary ? client.SendBinary(text) : client.Send(text);
        const auto frame = client.Read();
        EXPECT_TRUE(frame.closed);
        EXPECT_EQ(frame.close_code, code);
        AwaitClosed(1);
    }

    Router router_;
    Metrics metrics_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::shared_ptr<WsChannel>> channels_;
    std::atomic<int> closed_{0};
};

TEST_F(WebSocketServer, PlainGetIsAskedToUpgrade) {
    const auto res = test::Request(port(), "GET", "/ws/echo");
    EXPECT_EQ(res.result_int(), 426U);
    EXPECT_EQ(test::ErrorCode(res), "websocket.upgrade_required");
    EXPECT_EQ(res["Upgrade"], "websocket");
}

TEST_F(WebSocketServer, RefusedUpgradeGetsTheRoutesAnswer) {
    const auto refusal = test::UpgradeAnswer(port(), "/ws/echo", {{"X-Allow", "no"}});
    EXPECT_EQ(refusal.result_int(), 401U);
    EXPECT_EQ(test::ErrorCode(refusal), "auth.required");
    EXPECT_EQ(closed_.load(), 0);
}

TEST_F(WebSocketServer, ADecisionThatThrowsIsA500) {
    const auto refusal = test::UpgradeAnswer(port(), "/ws/throw");
    EXPECT_EQ(refusal.result_int(), 500U);
    EXPECT_EQ(test::ErrorCode(refusal), "internal");
}

TEST_F(WebSocketServer, FramesQueuedBeforeTheHandshakeComeFirstThenEchoesInOrder) {
    WsClient client(port(), "/ws/echo");
    EXPECT_EQ(client.Read().text, "hello");
    for (int i = 0; i < 50; ++i) client.Send("m" + std::to_string(i));
    for (int i = 0; i < 50; ++i) EXPECT_EQ(client.Read().text, "echo:m" + std::to_string(i));
    client.Close();
    AwaitClosed(1);
}

TEST_F(WebSocketServer, AnyThreadMaySendOnAChannel) {
    WsClient client(port(), "/ws/echo");
    EXPECT_EQ(client.Read().text, "hello");
    std::shared_ptr<WsChannel> channel;
    {
        std::lock_guard lock(mutex_);
        ASSERT_EQ(channels_.size(), 1U);
        channel = channels_.front();
    }
    std::thread([channel] { channel->Send("pushed"); }).join();
    EXPECT_EQ(client.Read().text, "pushed");
    client.Close();
    AwaitClosed(1);
    channel->Send("after the end");  // a channel outliving its socket ignores sends
}

TEST_F(WebSocketServer, HandlerCloseSendsItsCode) {
    ExpectClosedAfter("close", 1000);
}

TEST_F(WebSocketServer, BinaryFramesAreRefusedWith1003) {
    ExpectClosedAfter(std::string("\x00\x01", 2), 1003, true);
}

TEST_F(WebSocketServer, FramesOverTheLimitAreRefusedWith1009) {
    ExpectClosedAfter(std::string(65, 'a'), 1009);
}

TEST_F(WebSocketServer, AHandlerThatThrowsClosesWith1011) {
    ExpectClosedAfter("throw", 1011);
}

TEST_F(WebSocketServer, AReaderTooSlowForTheQueueIsClosedWith1008) {
    WsClient client(port(), "/ws/echo");
    EXPECT_EQ(client.Read().text, "hello");
    client.Send("burst:20000");  // far more than max_queued (8) frames at once
    int frames = 0;
    std::uint16_t code = 0;
    for (;;) {
        const auto frame = client.Read();
        if (frame.closed) {
            code = frame.close_code;
            break;
        }
        ++frames;
    }
    EXPECT_EQ(code, 1008);
    EXPECT_LT(frames, 20000);
    AwaitClosed(1);
}

TEST_F(WebSocketServer, StoppingTheServerClosesSocketsWith1001) {
    WsClient first(port(), "/ws/echo");
    WsClient second(port(), "/ws/echo");
    EXPECT_EQ(first.Read().text, "hello");
    EXPECT_EQ(second.Read().text, "hello");
    server_->Stop();
    for (auto* client : {&first, &second}) {
        const auto frame = client->Read();
        EXPECT_TRUE(frame.closed);
        EXPECT_EQ(frame.close_code, 1001);
    }
    thread_.join();  // Run returns once both sockets are gone
    EXPECT_EQ(closed_.load(), 2);
}

TEST_F(WebSocketServer, UpgradesAreCountedAs101) {
    {
        WsClient client(port(), "/ws/echo");
        EXPECT_EQ(client.Read().text, "hello");
        client.Close();
    }
    AwaitClosed(1);
    EXPECT_NE(metrics_.Render().find(R"(route="/ws/echo",method="GET",status="101")"), std::string::npos)
        << metrics_.Render();
}

}  // namespace
}  // namespace onton::http
