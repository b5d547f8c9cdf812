#include "http/router.hpp"

#include <gtest/gtest.h>

namespace onton::http {
namespace {

Handler Named(std::string name) {
    return [name](const Request&) { return Response::Text(Status::ok, name, "text/plain"); };
}

Response Call(const RouteMatch& m) {
    RawRequest raw;
    Request req{raw, "", "", "rid", m.params, nullptr};
    return m.route->handler(req);
}

TEST(Router, MatchesLiteralAndParameterSegments) {
    Router r;
    r.Add(Verb::get, "/api/v1/events", Named("list"));
    r.Add(Verb::get, "/api/v1/events/{event_uuid}", Named("get"));
    r.Add(Verb::post, "/api/v1/events/{event_uuid}/publish", Named("publish"));

    auto list = r.Find(Verb::get, "/api/v1/events");
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(list));
    EXPECT_EQ(Call(std::get<RouteMatch>(list)).body, "list");

    auto get = r.Find(Verb::get, "/api/v1/events/abc-123");
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(get));
    const auto& m = std::get<RouteMatch>(get);
    EXPECT_EQ(Call(m).body, "get");
    ASSERT_EQ(m.params.size(), 1U);
    EXPECT_EQ(m.params[0].first, "event_uuid");
    EXPECT_EQ(m.params[0].second, "abc-123");

    auto publish = r.Find(Verb::post, "/api/v1/events/e1/publish");
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(publish));
    EXPECT_EQ(std::get<RouteMatch>(publish).params[0].second, "e1");
}

TEST(Router, UnknownPathIsNotFound) {
    Router r;
    r.Add(Verb::get, "/a/{x}", Named("a"));
    EXPECT_TRUE(std::holds_alternative<NotFound>(r.Find(Verb::get, "/b")));
    EXPECT_TRUE(std::holds_alternative<NotFound>(r.Find(Verb::get, "/a")));
    EXPECT_TRUE(std::holds_alternative<NotFound>(r.Find(Verb::get, "/a/x/y")));
    EXPECT_TRUE(std::holds_alternative<NotFound>(r.Find(Verb::get, "/a/")));  // empty parameter
    EXPECT_TRUE(std::holds_alternative<NotFound>(r.Find(Verb::get, "")));
}

TEST(Router, WrongMethodListsAllowedMethods) {
    Router r;
    r.Add(Verb::get, "/items/{id}", Named("get"));
    r.Add(Verb::delete_, "/items/{id}", Named("delete"));
    auto found = r.Find(Verb::post, "/items/7");
    ASSERT_TRUE(std::holds_alternative<MethodNotAllowed>(found));
    EXPECT_EQ(std::get<MethodNotAllowed>(found).allow, "DELETE, GET, HEAD, OPTIONS");
}

TEST(Router, HeadMatchesGet) {
    Router r;
    r.Add(Verb::get, "/x", Named("x"));
    EXPECT_TRUE(std::holds_alternative<RouteMatch>(r.Find(Verb::head, "/x")));
}

TEST(Router, ParametersArePercentDecodedAndBadEscapesRejected) {
    Router r;
    r.Add(Verb::get, "/q/{term}", Named("q"));
    auto ok = r.Find(Verb::get, "/q/a%20b%2Fc");
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(ok));
    EXPECT_EQ(std::get<RouteMatch>(ok).params[0].second, "a b/c");
    EXPECT_TRUE(std::holds_alternative<BadPath>(r.Find(Verb::get, "/q/a%zz")));
    EXPECT_TRUE(std::holds_alternative<BadPath>(r.Find(Verb::get, "/q/a%2")));
}

TEST(Router, LiteralRegisteredBeforeParameterWins) {
    Router r;
    r.Add(Verb::get, "/events/mine", Named("mine"));
    r.Add(Verb::get, "/events/{id}", Named("one"));
    EXPECT_EQ(Call(std::get<RouteMatch>(r.Find(Verb::get, "/events/mine"))).body, "mine");
    EXPECT_EQ(Call(std::get<RouteMatch>(r.Find(Verb::get, "/events/42"))).body, "one");
}

TEST(Router, RejectsDuplicatesAndMalformedPatterns) {
    Router r;
    r.Add(Verb::get, "/x/{id}", Named("x"));
    EXPECT_THROW(r.Add(Verb::get, "/x/{id}", Named("again")), std::invalid_argument);
    EXPECT_NO_THROW(r.Add(Verb::post, "/x/{id}", Named("post")));
    EXPECT_THROW(r.Add(Verb::get, "no-slash", Named("bad")), std::invalid_argument);
    EXPECT_THROW(r.Add(Verb::get, "/y/{unclosed", Named("bad")), std::invalid_argument);
    EXPECT_THROW(r.Add(Verb::get, "/y/a{b}", Named("bad")), std::invalid_argument);
}

TEST(Router, AllowedMethodsForPreflight) {
    Router r;
    r.Add(Verb::post, "/orders", Named("create"));
    EXPECT_EQ(r.AllowedMethods("/orders"), "OPTIONS, POST");
    EXPECT_EQ(r.AllowedMethods("/nothing"), "");
}

}  // namespace
}  // namespace onton::http
