// The web apps as `onton serve` serves them, against the real binary: static files with their types and cache
// headers, each app's index.html for its client routes, refused traversal, the JSON 404 of unknown API paths,
// the note when nothing is built, the public event page's Open Graph tags, and the panel's Login Widget
// sign-in with what `onton admin login-widget` prints.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

void Write(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

class WebApi : public ::testing::Test {
   protected:
    void SetUp() override {
        const auto web = dir_.path() / "dist";
        Write(web / "index.html", "<html><head><title>Onton</title></head><body>site</body></html>");
        Write(web / "app" / "index.html",
              "<html><head><title>App</title></head><body>mini app</body></html>");
        Write(web / "panel" / "index.html",
              "<html><head><title>Panel</title></head><body>panel</body></html>");
        Write(web / "assets" / "main-Ab12.js", "console.log(1)");
        Write(web / "robots.txt", "User-agent: *");
        Write(dir_.path() / "secret.txt", "do not serve");
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_WEB_DIR", web.string()},
                {"ONTON_PUBLIC_URL", "https://tickets.example"},
                {"ONTON_BOT_USERNAME", "onton_test_bot"}};
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    }
    std::uint16_t port() const { return server_->port(); }
    HttpResponse Get(const std::string& target) { return Request(port(), "GET", target); }

    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
};

TEST_F(WebApi, ServesFilesWithTypesAndCacheHeaders) {
    const auto site = Get("/");
    ASSERT_EQ(site.result_int(), 200U);
    EXPECT_EQ(site[boost::beast::http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(site[boost::beast::http::field::cache_control], "no-cache");
    EXPECT_NE(site.body().find("site"), std::string::npos);
    EXPECT_NE(site.body().find(R"(<meta name="onton:bot" content="onton_test_bot">)"), std::string::npos);
    // TON Connect's manifest and wallets list come from this server unless configured otherwise.
    EXPECT_NE(
        site.body().find(
            R"(<meta name="onton:tonconnect-manifest" content="https://tickets.example/tonconnect-manifest.json">)"),
        std::string::npos);
    EXPECT_NE(
        site.body().find(R"(<meta name="onton:tonconnect-wallets" content="/tonconnect-wallets.json">)"),
        std::string::npos);

    const auto js = Get("/assets/main-Ab12.js");
    ASSERT_EQ(js.result_int(), 200U);
    EXPECT_EQ(js[boost::beast::http::field::content_type], "text/javascript; charset=utf-8");
    EXPECT_EQ(js[boost::beast::http::field::cache_control], "public, max-age=31536000, immutable");
    EXPECT_EQ(js.body(), "console.log(1)");
    EXPECT_EQ(Get("/robots.txt")[boost::beast::http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_EQ(Request(port(), "HEAD", "/assets/main-Ab12.js").result_int(), 200U);

    const auto manifest = Get("/tonconnect-manifest.json");
    ASSERT_EQ(manifest.result_int(), 200U);
    EXPECT_EQ(json::parse(manifest.body())["url"], "https://tickets.example");
    EXPECT_EQ(json::parse(manifest.body())["iconUrl"], "https://tickets.example/icon.png");
}

TEST_F(WebApi, PagesNameTheConfiguredTonConnectUrls) {
    server_.reset();
    env_["ONTON_TONCONNECT_WALLETS_URL"] = "http://127.0.0.1:9/wallets.json?a=1&b=2";
    env_["ONTON_TONCONNECT_MANIFEST_URL"] = "/custom-manifest.json";
    server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    const auto app = Get("/app/events/abc");
    EXPECT_NE(
        app.body().find(
            R"(<meta name="onton:tonconnect-wallets" content="http://127.0.0.1:9/wallets.json?a=1&amp;b=2">)"),
        std::string::npos)
        << app.body();
    EXPECT_NE(app.body().find(R"(<meta name="onton:tonconnect-manifest" content="/custom-manifest.json">)"),
              std::string::npos);
}

TEST_F(WebApi, ClientRoutesGetTheirAppsIndex) {
    EXPECT_NE(Get("/app").body().find("mini app"), std::string::npos);
    EXPECT_NE(Get("/app/").body().find("mini app"), std::string::npos);
    EXPECT_NE(Get("/app/events/abc").body().find("mini app"), std::string::npos);
    EXPECT_NE(Get("/panel/events/abc/guests").body().find("panel"), std::string::npos);
    const auto other = Get("/about");
    EXPECT_EQ(other.result_int(), 200U);
    EXPECT_NE(other.body().find("site"), std::string::npos);
    // A missing asset is a 404, not a page.
    const auto missing = Get("/assets/gone-1234.js");
    EXPECT_EQ(missing.result_int(), 404U);
    EXPECT_EQ(ErrorCode(missing), "not_found");
}

TEST_F(WebApi, RefusesTraversalAndKeepsApiErrorsJson) {
    for (const char* bad :
         {"/../secret.txt", "/%2e%2e/secret.txt", "/app/..%2f..%2fsecret.txt", "/.hidden"}) {
        const auto res = Get(bad);
        EXPECT_EQ(res.result_int(), 400U) << bad;
        EXPECT_EQ(res.body().find("do not serve"), std::string::npos) << bad;
    }
    const auto api = Get("/api/v1/no-such-thing");
    EXPECT_EQ(api.result_int(), 404U);
    EXPECT_EQ(ErrorCode(api), "route.not_found");
    EXPECT_EQ(Request(port(), "POST", "/app/x", "{}").result_int(), 404U);
    EXPECT_EQ(Get("/healthz").result_int(), 200U);
}

TEST_F(WebApi, EventPageHasEscapedOpenGraphTags) {
    const auto widget = RunOnton({"admin", "login-widget", "--user-id", "777", "--username", "org"}, env_);
    ASSERT_EQ(widget.exit_code, 0) << widget.err;
    const auto payload = json::parse(widget.out);
    EXPECT_EQ(payload["id"], 777);
    EXPECT_EQ(payload["username"], "org");
    const auto signed_in = Request(port(), "POST", "/api/v1/auth/telegram-login", payload.dump());
    ASSERT_EQ(signed_in.result_int(), 200U) << signed_in.body();
    const auto token = json::parse(signed_in.body())["token"].get<std::string>();
    json tampered = payload;
    tampered["id"] = 778;
    EXPECT_EQ(Request(port(), "POST", "/api/v1/auth/telegram-login", tampered.dump()).result_int(), 401U);

    const std::vector<std::pair<std::string, std::string>> auth{{"Authorization", "Bearer " + token}};
    const std::int64_t now = std::time(nullptr);
    const json body = {{"title", R"(Rock "&" <roll>)"},
                       {"description", "Bring <script>alert(1)</script> friends"},
                       {"start_date", now + 86400},
                       {"end_date", now + 90000},
                       {"participation_type", "in_person"},
                       {"location", "Hall"}};
    const auto created = Request(port(), "POST", "/api/v1/events", body.dump(), "application/json", auth);
    ASSERT_EQ(created.result_int(), 201U) << created.body();
    const auto uuid = json::parse(created.body())["event_uuid"].get<std::string>();

    // A draft has no public page.
    EXPECT_EQ(Get("/events/" + uuid).result_int(), 404U);
    const json free_type = {{"name", "Free"}, {"price", "0"}};
    ASSERT_EQ(Request(port(),
                      "POST",
                      "/api/v1/events/" + uuid + "/ticket-types",
                      free_type.dump(),
                      "application/json",
                      auth)
                  .result_int(),
              201U);
    ASSERT_EQ(Request(port(), "POST", "/api/v1/events/" + uuid + "/publish", "", "application/json", auth)
                  .result_int(),
              200U);
    const auto page = Get("/events/" + uuid);
    ASSERT_EQ(page.result_int(), 200U);
    EXPECT_EQ(page[boost::beast::http::field::content_type], "text/html; charset=utf-8");
    const auto& html = page.body();
    EXPECT_NE(html.find(R"(<meta property="og:title" content="Rock &quot;&amp;&quot; &lt;roll&gt;">)"),
              std::string::npos)
        << html;
    EXPECT_NE(
        html.find(
            R"(<meta property="og:description" content="Bring &lt;script&gt;alert(1)&lt;/script&gt; friends">)"),
        std::string::npos)
        << html;
    EXPECT_NE(html.find(R"(<meta property="og:url" content="https://tickets.example/events/)" + uuid + "\">"),
              std::string::npos);
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_EQ(Get("/events/no-such-event").result_int(), 404U);
}

TEST(WebNotBuilt, RootAnswersANoteAndFilesAre404) {
    TempDir dir;
    ServeProcess server({{"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
                         {"ONTON_WEB_DIR", (dir.path() / "missing").string()}},
                        dir.path());
    const auto root = Request(server.port(), "GET", "/");
    EXPECT_EQ(root.result_int(), 200U);
    EXPECT_NE(root.body().find("not built"), std::string::npos) << root.body();
    EXPECT_EQ(Request(server.port(), "GET", "/app/").result_int(), 404U);
    EXPECT_EQ(Request(server.port(), "GET", "/healthz").result_int(), 200U);
}

}  // namespace
}  // namespace onton::test
