// The HTTP server in-process, with routes made for the test: JSON validation, exceptions, the worker pool and
// graceful drain. The black-box tests of the real binary are in serve_test.cpp.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "ports/store.hpp"
#include "support/http_client.hpp"

namespace onton::http {
namespace {

using test::ErrorCode;
using test::RawConnection;

class InProcessServer : public ::testing::Test {
protected:
    void SetUp() override {
        router_.Add(
            Verb::post,
            "/echo",
            [](const Request& req) { return Response::Json(Status::ok, {{"got", req.json}}); },
            {.blocking = true, .json_body = true});
        router_.Add(Verb::get, "/throw", [](const Request&) -> Response { throw std::runtime_error("boom"); });
        router_.Add(Verb::get, "/store-down", [](const Request&) -> Response {
            throw ports::StoreError(ports::StoreError::Kind::kUnavailable, "connection refused");
        });
        router_.Add(Verb::get, "/wait", [this](const Request&) {
            entered_.set_value();
            release_.get_future().wait();
            return Response::Json(Status::ok, {{"waited", true}});
        });
        // Asynchronous routes: parked answers are given later from another thread; a dropped Reply and a throw.
        router_.AddAsync(Verb::get, "/park", [this](const Request& req, Reply reply) {
            std::lock_guard lock(parked_mutex_);
            parked_.emplace_back(req.Query("n").value_or(""), std::move(reply));
        });
        router_.AddAsync(Verb::get, "/drop", [](const Request&, Reply) {});
        router_.AddAsync(Verb::get, "/async-throw", [](const Request&, Reply) { throw std::runtime_error("boom"); });
        // Started on the I/O thread: answers inline, or hands its blocking part to the pool.
        router_.AddAsync(
            Verb::get,
            "/io-inline",
            [](const Request&, Reply reply) { reply(Response::Json(Status::ok, {{"inline", true}})); },
            {.blocking = false});
        router_.AddAsync(
            Verb::get,
            "/io-offload",
            [](const Request& req, Reply reply) {
                const bool fail = req.Query("fail").has_value();
                reply.Blocking([reply, fail] {
                    if (fail) throw ports::StoreError(ports::StoreError::Kind::kUnavailable, "connection refused");
                    reply(Response::Json(Status::ok, {{"offloaded", true}}));
                });
            },
            {.blocking = false});
        router_.Add(
            Verb::get,
            "/fast",
            [](const Request&) { return Response::Json(Status::ok, {{"fast", true}}); },
            {.blocking = false});
    }

    void Start(ServerSettings settings = {}) {
        settings.host = "127.0.0.1";
        settings.port = 0;
        settings.access_log = false;
        settings.cors_origins = {"https://panel.example"};
        server_ = std::make_unique<Server>(settings, router_, metrics_);
        server_->Listen();
        thread_ = std::thread([this] { server_->Run(); });
    }

    void TearDown() override {
        if (server_) server_->Stop();
        if (thread_.joinable()) thread_.join();
    }

    std::uint16_t port() const { return server_->port(); }

    Router router_;
    Metrics metrics_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    std::promise<void> entered_;
    std::promise<void> release_;
    std::mutex parked_mutex_;
    std::vector<std::pair<std::string, Reply>> parked_;

    /// Waits until `n` asynchronous requests are parked.
    void AwaitParked(std::size_t n) {
        for (int i = 0; i < 2000; ++i) {
            {
                std::lock_guard lock(parked_mutex_);
                if (parked_.size() >= n) return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        FAIL() << "requests were not parked";
    }
};

TEST_F(InProcessServer, ParsesJsonBodies) {
    Start();
    const auto res = test::Request(port(), "POST", "/echo", R"({"a":[1,2,"\u00e9"]})");
    EXPECT_EQ(res.result_int(), 200U);
    EXPECT_EQ(nlohmann::json::parse(res.body())["got"]["a"][2], "\xC3\xA9");
    // Parameters on the media type are fine when the charset is UTF-8.
    EXPECT_EQ(test::Request(port(), "POST", "/echo", "{}", "application/json; charset=UTF-8").result_int(), 200U);
}

TEST_F(InProcessServer, RejectsWrongContentType) {
    Start();
    for (const auto* type : {"text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1"}) {
        const auto res = test::Request(port(), "POST", "/echo", "{}", type);
        EXPECT_EQ(res.result_int(), 415U) << type;
        EXPECT_EQ(ErrorCode(res), "request.unsupported_media_type") << type;
    }
}

TEST_F(InProcessServer, RejectsMalformedJson) {
    Start();
    for (const auto* body : {"{", "{\"a\":}", "[1,2", "nul", "{} trailing", "", "\"unterminated"}) {
        const auto res = test::Request(port(), "POST", "/echo", body);
        EXPECT_EQ(res.result_int(), 400U) << body;
        EXPECT_EQ(ErrorCode(res), "request.invalid_json") << body;
        const auto json = nlohmann::json::parse(res.body());
        EXPECT_TRUE(json["error"]["details"].contains("byte")) << res.body();
        EXPECT_FALSE(json["error"]["request_id"].get<std::string>().empty());
    }
}

TEST_F(InProcessServer, RejectsInvalidUtf8) {
    Start();
    for (const std::string& body : {std::string("{\"a\":\"\xFF\"}"), std::string("{\"a\":\"\xC0\xAF\"}"),
                                   std::string("{\"a\":\"\xED\xA0\x80\"}")}) {
        const auto res = test::Request(port(), "POST", "/echo", body);
        EXPECT_EQ(res.result_int(), 400U);
        EXPECT_EQ(ErrorCode(res), "request.invalid_utf8");
    }
}

TEST_F(InProcessServer, HandlerExceptionsBecome500And503AndTheServerStaysUp) {
    Start();
    const auto boom = test::Request(port(), "GET", "/throw");
    EXPECT_EQ(boom.result_int(), 500U);
    EXPECT_EQ(ErrorCode(boom), "internal");
    EXPECT_EQ(boom.body().find("boom"), std::string::npos) << "internal details must not leak";
    const auto down = test::Request(port(), "GET", "/store-down");
    EXPECT_EQ(down.result_int(), 503U);
    EXPECT_EQ(ErrorCode(down), "service.unavailable");
    EXPECT_EQ(test::Request(port(), "GET", "/fast").result_int(), 200U);
}

TEST_F(InProcessServer, BlockingHandlerDoesNotHoldTheIoThread) {
    ServerSettings s;
    s.io_threads = 1;
    s.worker_threads = 1;
    Start(s);
    auto waiting = std::async(std::launch::async, [this] { return test::Request(port(), "GET", "/wait"); });
    entered_.get_future().wait();  // the only worker thread is now blocked in /wait
    // The single I/O thread still answers: non-blocking routes and even routing errors.
    EXPECT_EQ(test::Request(port(), "GET", "/fast").result_int(), 200U);
    EXPECT_EQ(test::Request(port(), "GET", "/nope").result_int(), 404U);
    EXPECT_EQ(waiting.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
    release_.set_value();
    EXPECT_EQ(waiting.get().result_int(), 200U);
}

TEST_F(InProcessServer, AsyncHandlersHoldNoWorkerThreadWhileParked) {
    ServerSettings s;
    s.worker_threads = 1;
    Start(s);
    // Eight requests parked on a one-thread pool: a blocking handler would have served one at a time.
    std::vector<std::future<test::HttpResponse>> answers;
    for (int i = 0; i < 8; ++i) {
        answers.push_back(std::async(std::launch::async, [this, i] {
            return test::Request(port(), "GET", "/park?n=" + std::to_string(i));
        }));
    }
    AwaitParked(8);
    EXPECT_EQ(test::Request(port(), "POST", "/echo", R"({"a":1})").result_int(), 200U) << "the one worker is free";
    // Answered from a thread of the test, in reverse order; each client gets its own answer.
    std::thread answerer([this] {
        std::lock_guard lock(parked_mutex_);
        for (auto it = parked_.rbegin(); it != parked_.rend(); ++it) {
            it->second(Response::Json(Status::ok, {{"n", it->first}}));
            it->second(Response::Json(Status::conflict, {{"n", "twice"}}));  // a second answer is ignored
        }
    });
    answerer.join();
    for (int i = 0; i < 8; ++i) {
        const auto res = answers[static_cast<std::size_t>(i)].get();
        EXPECT_EQ(res.result_int(), 200U);
        EXPECT_EQ(nlohmann::json::parse(res.body())["n"], std::to_string(i));
    }
}

TEST_F(InProcessServer, AsyncHandlerThatDropsOrThrowsAnswers500) {
    Start();
    const auto dropped = test::Request(port(), "GET", "/drop");
    EXPECT_EQ(dropped.result_int(), 500U);
    EXPECT_EQ(ErrorCode(dropped), "internal");
    const auto thrown = test::Request(port(), "GET", "/async-throw");
    EXPECT_EQ(thrown.result_int(), 500U);
    EXPECT_EQ(thrown.body().find("boom"), std::string::npos);
    EXPECT_EQ(test::Request(port(), "GET", "/fast").result_int(), 200U);
}

TEST_F(InProcessServer, NonBlockingAsyncRouteRunsOnTheIoThreadAndOffloads) {
    ServerSettings s;
    s.io_threads = 1;
    s.worker_threads = 1;
    Start(s);
    auto waiting = std::async(std::launch::async, [this] { return test::Request(port(), "GET", "/wait"); });
    entered_.get_future().wait();  // the only worker thread is blocked
    EXPECT_EQ(test::Request(port(), "GET", "/io-inline").result_int(), 200U) << "answered without the pool";
    auto offloaded = std::async(std::launch::async, [this] { return test::Request(port(), "GET", "/io-offload"); });
    EXPECT_EQ(offloaded.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
        << "the offloaded part waits for the pool";
    release_.set_value();
    EXPECT_EQ(waiting.get().result_int(), 200U);
    EXPECT_EQ(offloaded.get().result_int(), 200U);
    const auto failed = test::Request(port(), "GET", "/io-offload?fail=1");
    EXPECT_EQ(failed.result_int(), 503U) << "an exception in the offloaded part answers like a handler's";
    EXPECT_EQ(ErrorCode(failed), "service.unavailable");
}

TEST_F(InProcessServer, StopDrainsInFlightRequestsAndRefusesNewOnes) {
    Start();
    RawConnection idle(port());  // a kept-alive connection with no request: closed at once by Stop()
    idle.Send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(idle.Read().result_int(), 200U);

    auto in_flight = std::async(std::launch::async, [this] { return test::Request(port(), "GET", "/wait"); });
    entered_.get_future().wait();
    server_->Stop();
    EXPECT_TRUE(idle.WaitClosed(std::chrono::seconds(5)));
    // New connections are refused once the acceptor closed; poll until it has.
    bool refused = false;
    for (int i = 0; i < 200 && !refused; ++i) {
        try {
            RawConnection probe(port(), std::chrono::milliseconds(200));
        } catch (const std::exception&) {
            refused = true;
        }
        if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(refused);
    EXPECT_EQ(in_flight.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
    release_.set_value();
    const auto res = in_flight.get();
    EXPECT_EQ(res.result_int(), 200U) << "the in-flight request completes during the drain";
    EXPECT_FALSE(res.keep_alive());
    thread_.join();  // Run() returns once drained
}

TEST_F(InProcessServer, CorsForAllowedOriginsOnly) {
    Start();
    const auto ok = test::Request(port(), "GET", "/fast", "", "", {{"Origin", "https://panel.example"}});
    EXPECT_EQ(ok["Access-Control-Allow-Origin"], "https://panel.example");
    EXPECT_EQ(ok["Vary"], "Origin");
    const auto other = test::Request(port(), "GET", "/fast", "", "", {{"Origin", "https://evil.example"}});
    EXPECT_EQ(other.count("Access-Control-Allow-Origin"), 0U);

    const auto preflight = test::Request(port(), "OPTIONS", "/echo", "", "",
                                         {{"Origin", "https://panel.example"},
                                          {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(preflight.result_int(), 204U);
    EXPECT_EQ(preflight["Access-Control-Allow-Methods"], "OPTIONS, POST");
    EXPECT_NE(std::string(preflight["Access-Control-Allow-Headers"]).find("Idempotency-Key"), std::string::npos);
    EXPECT_EQ(test::Request(port(), "OPTIONS", "/nothing-here").result_int(), 404U);
}

TEST_F(InProcessServer, MetricsCountRoutesByPattern) {
    Start();
    (void)test::Request(port(), "GET", "/fast");
    (void)test::Request(port(), "GET", "/fast");
    (void)test::Request(port(), "GET", "/missing");
    const auto text = metrics_.Render();
    EXPECT_NE(text.find(R"(onton_http_requests_total{route="/fast",method="GET",status="200"} 2)"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(onton_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
              std::string::npos);
}

}  // namespace
}  // namespace onton::http
