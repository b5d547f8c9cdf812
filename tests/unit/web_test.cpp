// The static-file helpers of the web apps' routes: which file a URL names (and which it must never name),
// content types, and the Open Graph tags of the public event page.
#include "http/handlers/web.hpp"

#include <gtest/gtest.h>

#include "http/router.hpp"

namespace onton::http {
namespace {

TEST(WebFilePath, MapsDirectoriesToTheirIndex) {
    EXPECT_EQ(WebFilePath("/"), "index.html");
    EXPECT_EQ(WebFilePath("/app/"), "app/index.html");
    EXPECT_EQ(WebFilePath("/app"), "app");
    EXPECT_EQ(WebFilePath("/assets/main-Ab12.js"), "assets/main-Ab12.js");
    EXPECT_EQ(WebFilePath("/panel/events/x%20y"), "panel/events/x y");
}

TEST(WebFilePath, RefusesTraversalAndHiddenFiles) {
    for (const char* bad : {"/../etc/passwd",
                            "/app/../../secret",
                            "/%2e%2e/secret",
                            "/%2E%2e%2fsecret",
                            "/a/./b",
                            "/.env",
                            "/app/.git/config",
                            "//etc/passwd",
                            "/a//b",
                            "/a%5c..%5cb",
                            "/a%00.html",
                            "/bad%zz",
                            "relative",
                            ""}) {
        EXPECT_EQ(WebFilePath(bad), std::nullopt) << bad;
    }
}

TEST(WebContentType, ByExtension) {
    EXPECT_EQ(WebContentType("index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(WebContentType("assets/a.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(WebContentType("assets/a.css"), "text/css; charset=utf-8");
    EXPECT_EQ(WebContentType("logo.svg"), "image/svg+xml");
    EXPECT_EQ(WebContentType("tonconnect-manifest.json"), "application/json");
    EXPECT_EQ(WebContentType("blob"), "application/octet-stream");
    EXPECT_EQ(WebContentType("x.html.bak"), "application/octet-stream");
}

TEST(HtmlEscape, EscapesEverythingThatCanBreakOutOfTextOrAnAttribute) {
    EXPECT_EQ(HtmlEscape(R"(<a href="x">Tom & 'Jerry'</a>)"),
              "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    EXPECT_EQ(HtmlEscape("Вечер TON"), "Вечер TON");
}

TEST(WithOpenGraph, PutsEscapedTagsInTheHeadAndSetsTheTitle) {
    const std::string html = "<html><head><title>Onton</title></head><body></body></html>";
    const auto out = WithOpenGraph(html,
                                   {.title = R"(Rock "&" <roll>)",
                                    .description = "It's on",
                                    .image = "https://x.example/media/a.png",
                                    .url = "https://x.example/events/u1"});
    EXPECT_NE(out.find(R"(<meta property="og:title" content="Rock &quot;&amp;&quot; &lt;roll&gt;">)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(R"(<meta property="og:description" content="It&#39;s on">)"), std::string::npos)
        << out;
    EXPECT_NE(out.find(R"(<meta property="og:image" content="https://x.example/media/a.png">)"),
              std::string::npos);
    EXPECT_NE(out.find(R"(<meta property="og:url" content="https://x.example/events/u1">)"),
              std::string::npos);
    EXPECT_NE(out.find("<title>Rock &quot;&amp;&quot; &lt;roll&gt;</title>"), std::string::npos) << out;
    EXPECT_LT(out.find("og:title"), out.find("</head>"));
    EXPECT_EQ(out.find("<roll>"), std::string::npos);
}

TEST(WithOpenGraph, LeavesOutEmptyTagsAndPagesWithoutAHead) {
    const auto out =
        WithOpenGraph("<head></head>", {.title = "T", .description = "", .image = "", .url = "u"});
    EXPECT_EQ(out.find("og:image"), std::string::npos);
    EXPECT_EQ(out.find("og:description"), std::string::npos);
    EXPECT_EQ(WithOpenGraph("<p>no head</p>", {.title = "T", .description = "", .image = "", .url = ""}),
              "<p>no head</p>");
}

TEST(RouterFallback, TakesGetsOutsideTheApiOnly) {
    Router router;
    router.Add(Verb::get, "/healthz", [](const Request&) { return Response::NoContent(); });
    router.Add(Verb::post, "/things", [](const Request&) { return Response::NoContent(); });
    EXPECT_TRUE(std::holds_alternative<NotFound>(router.Find(Verb::get, "/app/x")));
    router.SetFallback([](const Request&) { return Response::NoContent(); });
    const auto app = router.Find(Verb::get, "/app/x");
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(app));
    EXPECT_EQ(std::get<RouteMatch>(app).route->pattern, "/*");
    EXPECT_TRUE(std::holds_alternative<RouteMatch>(router.Find(Verb::head, "/")));
    EXPECT_EQ(std::get<RouteMatch>(router.Find(Verb::get, "/healthz")).route->pattern, "/healthz");
    EXPECT_TRUE(std::holds_alternative<NotFound>(router.Find(Verb::get, "/api/v1/nothing")));
    EXPECT_TRUE(std::holds_alternative<NotFound>(router.Find(Verb::get, "/api")));
    EXPECT_TRUE(std::holds_alternative<NotFound>(router.Find(Verb::post, "/app/x")));
    EXPECT_TRUE(std::holds_alternative<MethodNotAllowed>(router.Find(Verb::get, "/things")));
}

}  // namespace
}  // namespace onton::http
