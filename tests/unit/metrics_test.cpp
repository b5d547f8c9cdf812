#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace onton::http {
namespace {

TEST(Metrics, CountsAndCumulativeHistogram) {
    Metrics m;
    m.RecordRequest("/x/{id}", "GET", 200, 0.0007);
    m.RecordRequest("/x/{id}", "GET", 200, 0.3);
    m.RecordRequest("/x/{id}", "GET", 404, 0.002);
    const auto text = m.Render();
    EXPECT_NE(text.find(R"(onton_http_requests_total{route="/x/{id}",method="GET",status="200"} 2)"), std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(onton_http_requests_total{route="/x/{id}",method="GET",status="404"} 1)"), std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_bucket{route="/x/{id}",method="GET",le="0.0005"} 0)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_bucket{route="/x/{id}",method="GET",le="0.001"} 1)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_bucket{route="/x/{id}",method="GET",le="0.0025"} 2)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_bucket{route="/x/{id}",method="GET",le="+Inf"} 3)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(onton_http_request_duration_seconds_count{route="/x/{id}",method="GET"} 3)"),
              std::string::npos);
}

TEST(Metrics, ConnectionsAndCollectors) {
    Metrics m;
    m.ConnectionOpened();
    m.ConnectionOpened();
    m.ConnectionClosed();
    m.AddCollector([](std::string& out) { out += "custom_metric 42\n"; });
    const auto text = m.Render();
    EXPECT_NE(text.find("onton_http_connections_open 1\n"), std::string::npos);
    EXPECT_NE(text.find("custom_metric 42\n"), std::string::npos);
}

TEST(Metrics, EscapesLabels) { EXPECT_EQ(EscapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"); }

TEST(Metrics, ProcessFigures) {
    std::string out;
    AppendProcessMetrics(out, std::chrono::system_clock::now());
    EXPECT_NE(out.find("process_resident_memory_bytes "), std::string::npos);
    EXPECT_EQ(out.find("process_resident_memory_bytes 0\n"), std::string::npos);
    EXPECT_NE(out.find("process_open_fds "), std::string::npos);
}

}  // namespace
}  // namespace onton::http
