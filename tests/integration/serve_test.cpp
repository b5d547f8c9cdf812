// Black-box tests of the `onton` binary: subcommands, configuration errors, and `onton serve` driven over HTTP on an
// ephemeral port — including every kind of bad input the foundation promises to survive.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::test {
namespace {

std::map<std::string, std::string> FastTimeouts() {
    return {{"ONTON_HTTP_HEADER_TIMEOUT_MS", "400"},
            {"ONTON_HTTP_BODY_TIMEOUT_MS", "400"},
            {"ONTON_HTTP_IDLE_TIMEOUT_MS", "800"},
            {"ONTON_HTTP_MAX_BODY_BYTES", "4096"},
            {"ONTON_HTTP_MAX_HEADER_BYTES", "2048"},
            {"ONTON_LOG_LEVEL", "info"}};
}

class Serve : public ::testing::Test {
protected:
    void SetUp() override { server_ = std::make_unique<ServeProcess>(FastTimeouts(), dir_.path()); }
    std::uint16_t port() const { return server_->port(); }
    void ExpectStillServing() { EXPECT_EQ(Request(port(), "GET", "/healthz").result_int(), 200U); }

    TempDir dir_;
    std::unique_ptr<ServeProcess> server_;
};

TEST(Cli, HelpAndVersion) {
    const auto help = RunOnton({"--help"}, {});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("serve"), std::string::npos);
    EXPECT_NE(help.out.find("migrate"), std::string::npos);
    for (const auto* cmd : {"serve", "migrate", "version"}) {
        const auto r = RunOnton({cmd, "--help"}, {});
        EXPECT_EQ(r.exit_code, 0) << cmd;
        EXPECT_NE(r.out.find(std::string("Usage: onton ") + cmd), std::string::npos) << r.out;
    }
    const auto version = RunOnton({"version"}, {});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_TRUE(std::regex_search(version.out, std::regex(R"(^onton \d+\.\d+\.\d+ \()"))) << version.out;
}

TEST(Cli, UsageErrorsExitWithTwo) {
    EXPECT_EQ(RunOnton({}, {}).exit_code, 2);
    const auto unknown = RunOnton({"frobnicate"}, {});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command 'frobnicate'"), std::string::npos);
    const auto bad_option = RunOnton({"serve", "--bogus"}, {});
    EXPECT_EQ(bad_option.exit_code, 2);
    EXPECT_NE(bad_option.err.find("unknown option '--bogus'"), std::string::npos);
}

TEST(Cli, ConfigurationErrorNamesTheSettingAndNeverTheSecret) {
    const auto r = RunOnton({"serve"}, {{"ONTON_HTTP_PORT", "eighty"}, {"ONTON_BOT_TOKEN", "42:very-secret"}});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("ONTON_HTTP_PORT"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("eighty"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("very-secret"), std::string::npos);
}

TEST(Cli, MigrateAppliesOnceThenReportsCurrent) {
    TempDir dir;
    const std::map<std::string, std::string> env{{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "m.db").string()}};
    const auto first = RunOnton({"migrate"}, env);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_NE(first.err.find("migration applied: core"), std::string::npos) << first.err;
    EXPECT_NE(first.err.find("migration applied: nft"), std::string::npos) << first.err;
    const auto second = RunOnton({"migrate"}, env);
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.err.find("migration applied"), std::string::npos) << second.err;
    EXPECT_NE(second.err.find("schema is up to date"), std::string::npos) << second.err;
}

// The refused NFT requests an admin can read without SQL: most recently tried first, a tab-separated line
// each.
TEST(Cli, AdminNftRefusalsListsTheRefusedTicketsMostRecentFirst) {
    TempDir dir;
    auto db = OpenTestStore("sqlite", dir.path());
    const std::map<std::string, std::string> env{
        {"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "test.db").string()}};
    const auto none = RunOnton({"admin", "nft-refusals"}, env);
    ASSERT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "");
    EXPECT_NE(none.err.find("no refused NFT requests"), std::string::npos) << none.err;

    db.store->Transact([](ports::Transaction& tx) {
        tx.Execute(
            "INSERT INTO nft_mint_refusals (ticket_id, order_uuid, source, code, last_error, attempts, "
            "created_at, "
            "updated_at) VALUES (7, 'order-a', 'fulfilment', 'nft.bad_metadata', 'the metadata URL is too "
            "long', 1, "
            "100, 100), (9, 'order-b', 'sweep', 'nft.bad_metadata', 'still too long', 3, 50, 200)");
    });
    const auto both = RunOnton({"admin", "nft-refusals"}, env);
    ASSERT_EQ(both.exit_code, 0) << both.err;
    EXPECT_EQ(both.out,
              "9\torder-b\tsweep\t3\t200\tnft.bad_metadata\tstill too long\n"
              "7\torder-a\tfulfilment\t1\t100\tnft.bad_metadata\tthe metadata URL is too long\n");
    const auto one = RunOnton({"admin", "nft-refusals", "--limit", "1"}, env);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(one.out, "9\torder-b\tsweep\t3\t200\tnft.bad_metadata\tstill too long\n");
    for (const auto* bad : {"0", "ten", "5x"}) {
        const auto refused = RunOnton({"admin", "nft-refusals", "--limit", bad}, env);
        EXPECT_EQ(refused.exit_code, 2) << bad;
        EXPECT_NE(refused.err.find("--limit must be a positive integer"), std::string::npos) << refused.err;
    }
    EXPECT_EQ(RunOnton({"admin", "nft-refusals", "--bogus"}, env).exit_code, 2);
}

TEST(Cli, ServeLogsConfigurationWithSecretsRedacted) {
    TempDir dir;
    auto env = FastTimeouts();
    env["ONTON_BOT_TOKEN"] = "777:token-that-must-not-leak";
    env["ONTON_TON_API_KEY"] = "api-key-that-must-not-leak";
    ServeProcess server(env, dir.path());
    EXPECT_EQ(Request(server.port(), "GET", "/healthz").result_int(), 200U);
    EXPECT_EQ(server.Terminate(), 0);
    const auto log = server.Log();
    EXPECT_NE(log.find("telegram.bot_token = (set)"), std::string::npos) << log;
    EXPECT_EQ(log.find("must-not-leak"), std::string::npos) << log;
}

TEST_F(Serve, HealthReadinessAndOpenApi) {
    const auto health = Request(port(), "GET", "/healthz");
    EXPECT_EQ(health.result_int(), 200U);
    EXPECT_EQ(health.body(), R"({"status":"ok"})");
    EXPECT_EQ(health[boost::beast::http::field::content_type], "application/json");

    const auto ready = Request(port(), "GET", "/readyz");
    EXPECT_EQ(ready.result_int(), 200U);
    EXPECT_EQ(nlohmann::json::parse(ready.body())["checks"]["store"], "up");

    const auto spec = Request(port(), "GET", "/api/v1/openapi.yaml");
    EXPECT_EQ(spec.result_int(), 200U);
    EXPECT_EQ(spec.body().rfind("openapi: 3", 0), 0U);
    EXPECT_NE(spec.body().find("/readyz"), std::string::npos);
}

TEST_F(Serve, RequestIdIsGeneratedOrEchoed) {
    const auto generated = Request(port(), "GET", "/healthz");
    EXPECT_TRUE(std::regex_match(std::string(generated["X-Request-Id"]), std::regex("[0-9a-f]{16}")));
    const auto echoed = Request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "client-id.42"}});
    EXPECT_EQ(echoed["X-Request-Id"], "client-id.42");
    // An id with characters unfit for logs is replaced, not echoed.
    const auto replaced = Request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "bad id\"}"}});
    EXPECT_TRUE(std::regex_match(std::string(replaced["X-Request-Id"]), std::regex("[0-9a-f]{16}")));
    // Error bodies carry the same id.
    const auto missing = Request(port(), "GET", "/nope", "", "", {{"X-Request-Id", "trace-7"}});
    EXPECT_EQ(nlohmann::json::parse(missing.body())["error"]["request_id"], "trace-7");
}

TEST_F(Serve, UnknownRouteAndWrongMethod) {
    const auto missing = Request(port(), "GET", "/api/v1/does-not-exist");
    EXPECT_EQ(missing.result_int(), 404U);
    EXPECT_EQ(ErrorCode(missing), "route.not_found");

    const auto wrong = Request(port(), "POST", "/healthz", "{}");
    EXPECT_EQ(wrong.result_int(), 405U);
    EXPECT_EQ(ErrorCode(wrong), "route.method_not_allowed");
    EXPECT_EQ(wrong[boost::beast::http::field::allow], "GET, HEAD, OPTIONS");
}

TEST_F(Serve, HeadHasLengthButNoBody) {
    const auto head = Request(port(), "HEAD", "/healthz");
    EXPECT_EQ(head.result_int(), 200U);
    EXPECT_EQ(head[boost::beast::http::field::content_length], "15");
    EXPECT_TRUE(head.body().empty());
}

TEST_F(Serve, KeepAliveAndPipelinedRequestsAnswerInOrder) {
    RawConnection conn(port());
    conn.Send(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: one\r\n\r\n"
        "GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: two\r\n\r\n"
        "GET /api/v1/version HTTP/1.1\r\nHost: x\r\nX-Request-Id: three\r\n\r\n");
    const auto r1 = conn.Read();
    const auto r2 = conn.Read();
    const auto r3 = conn.Read();
    EXPECT_EQ(r1["X-Request-Id"], "one");
    EXPECT_EQ(r1.result_int(), 200U);
    EXPECT_EQ(r2["X-Request-Id"], "two");
    EXPECT_EQ(r2.result_int(), 404U);
    EXPECT_EQ(r3["X-Request-Id"], "three");
    EXPECT_TRUE(r3.keep_alive());
    // Still open for a fourth.
    conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(conn.Read().result_int(), 200U);
}

TEST_F(Serve, OversizeBodyIs413) {
    RawConnection conn(port());
    conn.Send("POST /api/v1/version HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Content-Length: 100000\r\n\r\n{\"a\":");
    const auto res = conn.Read();
    EXPECT_EQ(res.result_int(), 413U);
    EXPECT_EQ(ErrorCode(res), "request.body_too_large");
    EXPECT_EQ(nlohmann::json::parse(res.body())["error"]["details"]["max_bytes"], 4096);
    EXPECT_TRUE(conn.WaitClosed(std::chrono::seconds(5)));

    // A chunked body that grows past the limit is cut off the same way.
    RawConnection chunked(port());
    std::string chunk(3000, 'x');
    chunked.Send("POST /api/v1/version HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nBB8\r\n" + chunk +
                 "\r\nBB8\r\n" + chunk + "\r\n");
    EXPECT_EQ(chunked.Read().result_int(), 413U);
    ExpectStillServing();
}

TEST_F(Serve, OversizeHeadersAre431) {
    RawConnection conn(port());
    conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
    const auto res = conn.Read();
    EXPECT_EQ(res.result_int(), 431U);
    EXPECT_EQ(ErrorCode(res), "request.headers_too_large");
    // A very long target is the same: the request head is too large.
    RawConnection long_target(port());
    long_target.Send("GET /" + std::string(5000, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(long_target.Read().result_int(), 431U);
    ExpectStillServing();
}

TEST_F(Serve, GarbageIs400) {
    for (const auto* wire : {"GARBAGE\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n", "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n",
                             "POST /api/v1/version HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"}) {
        RawConnection conn(port());
        conn.Send(wire);
        const auto res = conn.Read();
        EXPECT_EQ(res.result_int(), 400U) << wire;
        EXPECT_EQ(ErrorCode(res), "request.malformed") << wire;
    }
    const auto bad_escape = Request(port(), "GET", "/api/v1/%zz");
    EXPECT_EQ(bad_escape.result_int(), 404U);  // no route has that shape; nothing crashes
    ExpectStillServing();
}

TEST_F(Serve, StalledHeadIsClosed) {
    RawConnection conn(port());
    conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the head
    EXPECT_TRUE(conn.WaitClosed(std::chrono::seconds(10)));
    ExpectStillServing();
}

TEST_F(Serve, TruncatedBodyIsClosed) {
    RawConnection stalled(port());
    stalled.Send("POST /api/v1/version HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: 100\r\n\r\n{\"a\":1");
    EXPECT_TRUE(stalled.WaitClosed(std::chrono::seconds(10)));

    RawConnection gone(port());
    gone.Send("POST /api/v1/version HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"");
    gone.ShutdownSend();  // the client goes away mid-body
    EXPECT_TRUE(gone.WaitClosed(std::chrono::seconds(10)));
    ExpectStillServing();
}

TEST_F(Serve, IdleKeepAliveConnectionIsClosed) {
    RawConnection conn(port());
    conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(conn.Read().result_int(), 200U);
    EXPECT_TRUE(conn.WaitClosed(std::chrono::seconds(10)));
}

TEST_F(Serve, ManyConnectionsAtOnceAllAnswered) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            RawConnection conn(port());
            for (int i = 0; i < 50; ++i) {
                conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
                if (conn.Read().result_int() == 200U) ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 400);
}

TEST_F(Serve, MetricsExposeRequestsPoolAndProcess) {
    (void)Request(port(), "GET", "/healthz");
    (void)Request(port(), "GET", "/nope");
    const auto res = Request(port(), "GET", "/metrics");
    EXPECT_EQ(res.result_int(), 200U);
    const auto& text = res.body();
    EXPECT_NE(text.find(R"(onton_http_requests_total{route="/healthz",method="GET",status="200"})"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(status="404")"), std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="+Inf"})"),
              std::string::npos);
    EXPECT_NE(text.find("onton_db_pool_connections{state=\"in_use\"}"), std::string::npos);
    EXPECT_NE(text.find("onton_db_pool_waiting "), std::string::npos);
    EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
    EXPECT_NE(text.find("onton_uptime_seconds "), std::string::npos);
}

TEST_F(Serve, AccessLogIsStructured) {
    (void)Request(port(), "GET", "/healthz", "", "", {{"X-Request-Id", "log-me-1"}});
    EXPECT_EQ(server_->Terminate(), 0);
    const auto log = server_->Log();
    const auto at = log.find(R"("rid":"log-me-1")");
    ASSERT_NE(at, std::string::npos) << log;
    const auto line_start = log.rfind('\n', at) + 1;
    const auto json_start = log.find('{', line_start);
    const auto line = log.substr(json_start, log.find('\n', at) - json_start);
    const auto entry = nlohmann::json::parse(line);
    EXPECT_EQ(entry["route"], "/healthz");
    EXPECT_EQ(entry["status"], 200);
    EXPECT_EQ(entry["method"], "GET");
}

TEST_F(Serve, SigtermExitsCleanly) {
    RawConnection idle(port());
    idle.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(idle.Read().result_int(), 200U);
    EXPECT_EQ(server_->Terminate(), 0);  // the idle keep-alive connection does not hold up the exit
    EXPECT_TRUE(idle.WaitClosed(std::chrono::seconds(1)));
    EXPECT_NE(server_->Log().find("stopped"), std::string::npos);
}

TEST(ServeStartup, ReadinessFailsWhenTheDatabaseIsDown) {
    TempDir dir;
    auto env = FastTimeouts();
    // A PostgreSQL URL nobody listens on: the server starts (migrations are `onton migrate`'s job there) but is not
    // ready.
    env["ONTON_DATABASE_URL"] = "postgres://onton@127.0.0.1:1/onton?connect_timeout=2";
    env["ONTON_DATABASE_ACQUIRE_TIMEOUT_MS"] = "2000";
    // As in production: nothing to read from the database at start.
    env["ONTON_BOT_TOKEN"] = "42:configured-token";
    env["ONTON_TICKET_SIGNING_KEY"] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    ServeProcess server(env, dir.path());
    EXPECT_EQ(Request(server.port(), "GET", "/healthz").result_int(), 200U);
    const auto ready = Request(server.port(), "GET", "/readyz");
    EXPECT_EQ(ready.result_int(), 503U);
    EXPECT_EQ(ErrorCode(ready), "service.unavailable");
}

TEST(ServeStartup, PortInUseIsReported) {
    TempDir dir;
    ServeProcess first(FastTimeouts(), dir.path());
    TempDir other;
    const auto r = RunOnton({"serve"},
                            {{"ONTON_HTTP_HOST", "127.0.0.1"},
                             {"ONTON_HTTP_PORT", std::to_string(first.port())},
                             {"ONTON_DATABASE_URL", "sqlite://" + (other.path() / "o.db").string()}});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onton::test
