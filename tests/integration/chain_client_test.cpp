// The toncenter client's transport behaviour against a scripted loopback stub: retries and backoff on 5xx,
// 429 and timeouts, no retry on a refused message, the API key header, the request's path, query and body.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <istream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "adapters/chain/toncenter.hpp"

namespace onton::chain {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using nlohmann::json;

struct Scripted {
    int status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
};

struct Seen {
    std::string request_line;
    std::string headers;  ///< lower-cased
    std::string body;
};

/// Answers each connection with the next scripted reply (the last one repeats), one connection at a time.
class Stub {
   public:
    explicit Stub(std::vector<Scripted> script) : script_(script.begin(), script.end()), acceptor_(ioc_) {
        tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        thread_ = std::thread([this] { Serve(); });
    }
    ~Stub() {
        stop_ = true;
        // Wake the blocking accept with one last connection.
        try {
            asio::io_context ioc;
            tcp::socket s(ioc);
            s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        } catch (...) {
        }
        thread_.join();
    }
    Stub(const Stub&) = delete;
    Stub& operator=(const Stub&) = delete;

    [[nodiscard]] std::string BaseUrl() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/api/v2";
    }
    std::vector<Seen> Requests() {
        std::lock_guard lock(mutex_);
        return seen_;
    }

   private:
    void Serve() {
        while (!stop_) {
            tcp::socket socket(ioc_);
            boost::system::error_code ec;
            acceptor_.accept(socket, ec);
            if (ec || stop_) return;
            Handle(socket);
        }
    }

    void Handle(tcp::socket& socket) {
        boost::system::error_code ec;
        asio::streambuf buffer;
        asio::read_until(socket, buffer, "\r\n\r\n", ec);
        if (ec) return;
        std::istream in(&buffer);
        Seen seen;
        std::getline(in, seen.request_line);
        std::size_t length = 0;
        for (std::string line; std::getline(in, line) && line != "\r";) {
            for (auto& c : line) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (line.rfind("content-length:", 0) == 0) length = std::stoul(line.substr(15));
            seen.headers += line + "\n";
        }
        std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (rest.size() < length) {
            std::string more(length - rest.size(), '\0');
            asio::read(socket, asio::buffer(more), ec);
            rest += more;
        }
        seen.body = rest;
        Scripted reply;
        {
            std::lock_guard lock(mutex_);
            seen_.push_back(seen);
            reply = script_.front();
            if (script_.size() > 1) script_.pop_front();
        }
        std::this_thread::sleep_for(reply.delay);
        const std::string response = "HTTP/1.1 " + std::to_string(reply.status) +
                                     " X\r\nContent-Type: application/json\r\n" +
                                     "Content-Length: " + std::to_string(reply.body.size()) +
                                     "\r\nConnection: close\r\n\r\n" + reply.body;
        asio::write(socket, asio::buffer(response), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
    }

    std::deque<Scripted> script_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<Seen> seen_;
    std::atomic<bool> stop_{false};
};

const std::string kState =
    R"({"ok":true,"result":{"@type":"raw.fullAccountState","balance":"5","code":"","data":"",
    "last_transaction_id":{"@type":"internal.transactionId","lt":"0","hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
    "sync_utime":1,"state":"uninitialized"}})";
const std::string kRateLimited = R"({"ok":false,"result":"Ratelimit exceed","code":429})";

ToncenterConfig Fast(const Stub& stub, int attempts) {
    ToncenterConfig config;
    config.base_url = stub.BaseUrl();
    config.requests_per_second = 0;
    config.max_attempts = attempts;
    config.initial_backoff = std::chrono::milliseconds(10);
    config.max_backoff = std::chrono::milliseconds(40);
    return config;
}

TEST(ToncenterClient, RetriesAfter429ThenSucceeds) {
    Stub stub({{429, kRateLimited, {}}, {429, kRateLimited, {}}, {200, kState, {}}});
    ToncenterChain chain(Fast(stub, 4));
    auto state = chain.GetAccountState("EQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi4wJB");
    ASSERT_TRUE(state.ok()) << state.error().message;
    EXPECT_EQ(state->balance_nanotons, 5u);
    EXPECT_EQ(stub.Requests().size(), 3u);
}

TEST(ToncenterClient, GivesUpOnPersistent429WithRateLimited) {
    Stub stub({{429, kRateLimited, {}}});
    ToncenterChain chain(Fast(stub, 3));
    auto state = chain.GetAccountState("0:00");
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.error().code, "chain.rate_limited");
    EXPECT_EQ(state.error().details["attempts"], 3);
    EXPECT_EQ(stub.Requests().size(), 3u);
}

TEST(ToncenterClient, Retries5xxThenGivesUpWithUnavailable) {
    {
        Stub stub({{502, "<html>bad gateway</html>", {}},
                   {503, R"({"ok":false,"error":"busy","code":503})", {}},
                   {200, kState, {}}});
        ToncenterChain chain(Fast(stub, 5));
        EXPECT_TRUE(chain.GetAccountState("0:00").ok());
        EXPECT_EQ(stub.Requests().size(), 3u);
    }
    Stub stub({{504, "", {}}});
    ToncenterChain chain(Fast(stub, 2));
    auto state = chain.GetAccountState("0:00");
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.error().code, "chain.unavailable");
    EXPECT_EQ(stub.Requests().size(), 2u);
}

TEST(ToncenterClient, RefusedMessageIsNotRetried) {
    Stub stub(
        {{500,
          R"({"ok":false,"error":"LITE_SERVER_UNKNOWN: cannot apply external message to current state : External message was not accepted","code":500})",
          {}}});
    ToncenterChain chain(Fast(stub, 5));
    auto sent = chain.SendMessage("te6cckEBAQEAAgAAAEysuc0=");
    ASSERT_FALSE(sent.ok());
    EXPECT_EQ(sent.error().code, "chain.rejected");
    ASSERT_EQ(stub.Requests().size(), 1u);
    const auto request = stub.Requests().front();
    EXPECT_EQ(request.request_line.rfind("POST /api/v2/sendBocReturnHash HTTP/1.1", 0), 0u)
        << request.request_line;
    EXPECT_EQ(json::parse(request.body), json({{"boc", "te6cckEBAQEAAgAAAEysuc0="}}));
    EXPECT_NE(request.headers.find("content-type: application/json"), std::string::npos);
}

TEST(ToncenterClient, BadJsonIsBadResponseWithoutRetry) {
    Stub stub({{200, R"({"ok":true,"result":{"balance":{"x":1},"state":"active"}})", {}}});
    ToncenterChain chain(Fast(stub, 5));
    auto state = chain.GetAccountState("0:00");
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.error().code, "chain.bad_response");
    EXPECT_EQ(stub.Requests().size(), 1u);
}

TEST(ToncenterClient, TimeoutIsRetriedThenUnavailable) {
    Stub stub({{200, kState, std::chrono::milliseconds(700)}});
    auto config = Fast(stub, 2);
    config.request_timeout = std::chrono::milliseconds(150);
    ToncenterChain chain(config);
    auto state = chain.GetAccountState("0:00");
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.error().code, "chain.unavailable");
    EXPECT_EQ(state.error().details["attempts"], 2);
}

TEST(ToncenterClient, NothingListeningIsUnavailable) {
    ToncenterConfig config;
    {
        Stub stub({{200, kState, {}}});
        config = Fast(stub, 2);
    }  // the stub's port is closed now
    ToncenterChain chain(config);
    auto state = chain.GetAccountState("0:00");
    ASSERT_FALSE(state.ok());
    EXPECT_EQ(state.error().code, "chain.unavailable");
}

TEST(ToncenterClient, SendsKeyPathQueryAndPagingParameters) {
    Stub stub({{200, R"({"ok":true,"result":[]})", {}}});
    auto config = Fast(stub, 1);
    config.api_key = "k3y";
    config.base_url += "/";  // a trailing slash is tolerated
    ToncenterChain chain(config);
    ports::TransactionsQuery query;
    query.address = "EQAs9VlT6S776tq3unJcP5Ogsj+ELLunLXuOb1EKcOQi4wJB";
    query.limit = 3;
    query.before = ports::ChainTxId{17000000, "N75bQaM/Ko/3MABg6uaBwh+QGM58aZdCM2SBJunPW7o="};
    query.after_lt = 5;
    auto txs = chain.GetTransactions(query);
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    const auto request = stub.Requests().at(0);
    // limit+1: toncenter's start is inclusive and the client drops it.
    EXPECT_EQ(request.request_line,
              "GET /api/v2/getTransactions?address=EQAs9VlT6S776tq3unJcP5Ogsj%2BELLunLXuOb1EKcOQi4wJB&limit=4"
              "&lt=17000000&hash=N75bQaM%2FKo%2F3MABg6uaBwh%2BQGM58aZdCM2SBJunPW7o%3D&to_lt=5 HTTP/1.1\r");
    EXPECT_NE(request.headers.find("x-api-key: k3y"), std::string::npos);

    query.limit = 0;
    EXPECT_EQ(chain.GetTransactions(query).error().code, "chain.invalid_query");
}

TEST(ToncenterClient, RunGetMethodBody) {
    Stub stub({{200, R"({"ok":true,"result":{"gas_used":1,"exit_code":0,"stack":[["num","0x5"]]}})", {}}});
    ToncenterChain chain(Fast(stub, 1));
    auto result = chain.RunGetMethod("0:00", "get_nft_address_by_index", {ports::StackEntry::Num("0x2a")});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result->stack.at(0).AsInt64(), std::optional<std::int64_t>(5));
    EXPECT_EQ(
        json::parse(stub.Requests().at(0).body),
        json::parse(R"({"address":"0:00","method":"get_nft_address_by_index","stack":[["num","0x2a"]]})"));
}

}  // namespace
}  // namespace onton::chain
