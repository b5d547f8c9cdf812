// Every route the server registers is in docs/openapi.yaml with its method, and the document names no path the
// server lacks: API drift fails here.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/embedded.hpp"
#include "support/all_routes.hpp"

namespace onton::app {
namespace {

/// The block of the document under `  <path>:`, up to the next path; empty when the path is absent.
std::string PathBlock(std::string_view doc, const std::string& path) {
    const auto key = "\n  " + path + ":\n";
    const auto at = doc.find(key);
    if (at == std::string_view::npos) return {};
    const auto end = doc.find("\n  /", at + key.size() - 1);
    return std::string(doc.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
}

TEST(OpenApi, DocumentsEveryRoute) {
    const auto doc = embedded::Find(embedded::Documents(), "openapi.yaml");
    ASSERT_FALSE(doc.empty());
    const auto routes = test::AllRoutes();
    ASSERT_GT(routes.size(), 15U);
    for (const auto& route : routes) {
        const auto block = PathBlock(doc, route.pattern);
        ASSERT_FALSE(block.empty()) << route.pattern << " is not in docs/openapi.yaml";
        auto method = std::string(boost::beast::http::to_string(route.method));
        std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
        EXPECT_NE(block.find("\n    " + method + ":"), std::string::npos)
            << route.pattern << " " << method << " is not in docs/openapi.yaml";
    }
    // And the other way round: no documented path without a route.
    std::size_t at = 0;
    while ((at = doc.find("\n  /", at)) != std::string_view::npos) {
        const auto end = doc.find(":\n", at);
        const auto path = std::string(doc.substr(at + 3, end - at - 3));
        const bool routed = std::any_of(
            routes.begin(), routes.end(), [&](const test::RouteName& r) { return r.pattern == path; });
        EXPECT_TRUE(routed) << path << " is documented but not routed";
        at = end;
    }
}

}  // namespace
}  // namespace onton::app
