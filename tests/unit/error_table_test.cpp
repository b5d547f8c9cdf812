#include "http/error_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace onton::http {
namespace {

TEST(ErrorTable, CodesAreUniqueSnakeCaseAndErrorStatuses) {
    std::set<std::string_view> seen;
    for (const auto& entry : ErrorCodes()) {
        EXPECT_TRUE(seen.insert(entry.code).second) << "duplicate " << entry.code;
        for (const char c : entry.code) {
            EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_' || c == '.' || (c >= '0' && c <= '9')) << entry.code;
        }
        const auto status = static_cast<unsigned>(entry.status);
        EXPECT_GE(status, 400U) << entry.code;
        EXPECT_LT(status, 600U) << entry.code;
    }
}

TEST(ErrorTable, KnownStatuses) {
    using boost::beast::http::status;
    EXPECT_EQ(StatusForCode("request.invalid_json"), status::bad_request);
    EXPECT_EQ(StatusForCode("request.unsupported_media_type"), status::unsupported_media_type);
    EXPECT_EQ(StatusForCode("request.body_too_large"), status::payload_too_large);
    EXPECT_EQ(StatusForCode("request.headers_too_large"), status::request_header_fields_too_large);
    EXPECT_EQ(StatusForCode("route.method_not_allowed"), status::method_not_allowed);
    EXPECT_EQ(StatusForCode("ticket.sold_out"), status::conflict);
    EXPECT_EQ(StatusForCode("service.unavailable"), status::service_unavailable);
}

TEST(ErrorTable, UnknownCodeIsInternal) {
    EXPECT_FALSE(IsKnownCode("made.up"));
    EXPECT_EQ(StatusForCode("made.up"), boost::beast::http::status::internal_server_error);
}

TEST(ErrorTable, BodyOmitsNullDetailsAndSurvivesInvalidUtf8) {
    const auto body = nlohmann::json::parse(ErrorBody({"internal", "bad \xFF byte"}, ""));
    EXPECT_FALSE(body["error"].contains("details"));
    EXPECT_FALSE(body["error"].contains("request_id"));
    EXPECT_EQ(body["error"]["code"], "internal");
}

}  // namespace
}  // namespace onton::http
