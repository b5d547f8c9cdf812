#include "http/message.hpp"

#include <gtest/gtest.h>

namespace onton::http {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(IsValidUtf8(""));
    EXPECT_TRUE(IsValidUtf8("plain ascii"));
    EXPECT_TRUE(IsValidUtf8("\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"));  // Привет
    EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));                                      // €
    EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x8E\x9F"));                                  // 🎟
    EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));                                  // U+10FFFF
}

TEST(Utf8, RejectsMalformedSequences) {
    EXPECT_FALSE(IsValidUtf8("\xFF"));
    EXPECT_FALSE(IsValidUtf8("\x80"));                  // lone continuation
    EXPECT_FALSE(IsValidUtf8("\xC3"));                  // truncated
    EXPECT_FALSE(IsValidUtf8("\xE2\x82"));              // truncated
    EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));              // overlong '/'
    EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));          // overlong
    EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));      // overlong
    EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));          // surrogate U+D800
    EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // past U+10FFFF
    EXPECT_FALSE(IsValidUtf8("ok\xC3(ok"));             // bad continuation
}

TEST(PercentDecode, DecodesAndRejects) {
    EXPECT_EQ(PercentDecode("a%20b", false), "a b");
    EXPECT_EQ(PercentDecode("a+b", true), "a b");
    EXPECT_EQ(PercentDecode("a+b", false), "a+b");
    EXPECT_EQ(PercentDecode("%41%6a", false), "Aj");
    EXPECT_EQ(PercentDecode("", false), "");
    EXPECT_FALSE(PercentDecode("%", false));
    EXPECT_FALSE(PercentDecode("%4", false));
    EXPECT_FALSE(PercentDecode("%G1", false));
}

TEST(Request, QueryAndHeaderLookup) {
    RawRequest raw;
    raw.set("X-Thing", "value");
    Request req{raw, "/x", "a=1&b=two+words&c&d=%zz&e=%C3%A9", "rid", {{"id", "7"}}, nullptr};
    EXPECT_EQ(req.Query("a"), "1");
    EXPECT_EQ(req.Query("b"), "two words");
    EXPECT_EQ(req.Query("c"), "");
    EXPECT_FALSE(req.Query("d"));  // undecodable
    EXPECT_EQ(req.Query("e"), "\xC3\xA9");
    EXPECT_FALSE(req.Query("missing"));
    EXPECT_EQ(req.Param("id"), "7");
    EXPECT_EQ(req.Param("nope"), "");
    EXPECT_EQ(req.Header("x-thing"), "value");
    EXPECT_EQ(req.Header("absent"), "");
}

TEST(Response, FromErrorUsesTableAndBodyShape) {
    const auto res = Response::FromError({"ticket.sold_out", "no seats left", {{"ticket_type_id", 3}}}, "r-1");
    EXPECT_EQ(res.status, Status::conflict);
    const auto body = nlohmann::json::parse(res.body);
    EXPECT_EQ(body["error"]["code"], "ticket.sold_out");
    EXPECT_EQ(body["error"]["message"], "no seats left");
    EXPECT_EQ(body["error"]["details"]["ticket_type_id"], 3);
    EXPECT_EQ(body["error"]["request_id"], "r-1");
}

}  // namespace
}  // namespace onton::http
