#pragma once
/// Request and response as handlers see them: parsed path parameters, the request id, and the JSON body when the
/// route asked for one. Handlers are plain functions `Response(const Request&)`: parse, call one use-case, serialise.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace onton::http {

using RawRequest = boost::beast::http::request<boost::beast::http::string_body>;
using Status = boost::beast::http::status;

struct Request {
    const RawRequest& raw;
    std::string_view path;   ///< target without the query string
    std::string_view query;  ///< raw query string without `?`
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> params;  ///< path parameters, decoded
    nlohmann::json json;     ///< the parsed body for routes that take JSON; null otherwise

    /// A path parameter by name; empty when the route has none of that name.
    [[nodiscard]] std::string_view Param(std::string_view name) const;
    /// A query parameter by name, percent-decoded; nullopt when absent.
    [[nodiscard]] std::optional<std::string> Query(std::string_view name) const;
    /// A header by name; empty when absent.
    [[nodiscard]] std::string_view Header(std::string_view name) const;
};

struct Response {
    Status status = Status::ok;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;

    static Response Json(Status status, const nlohmann::json& body);
    static Response Text(Status status, std::string body, std::string content_type);
    /// The error body of design.md §6 with the status from the error table.
    static Response FromError(const Error& error, std::string_view request_id);
    /// 204 with neither a body nor a content type.
    static Response NoContent();
};

/// The error answer to `request` (its request id in the body).
inline Response Fail(const Error& error, const Request& request) {
    return Response::FromError(error, request.request_id);
}

/// The answer to an exception that escaped a handler: 503 when the store is unreachable (or a transaction kept
/// failing to serialize), else 500; logged with the request id. Nothing of the exception reaches the client.
Response AnswerForException(const std::exception_ptr& error, const std::string& request_id);

/// Percent-decodes a URL component (`+` is a space in query strings). nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

/// A decimal int64 with nothing around it (path parameters, query values); nullopt otherwise.
std::optional<std::int64_t> ParseInt64(std::string_view text) noexcept;

/// `true` when `bytes` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view bytes) noexcept;

}  // namespace onton::http
