#pragma once
/// The one table that maps stable error codes to HTTP status codes, and the JSON error body of design.md §6:
/// `{"error": {"code": "...", "message": "...", "details": ..., "request_id": "..."}}`.

#include <boost/beast/http/status.hpp>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace onton::http {

struct ErrorCodeEntry {
    std::string_view code;
    boost::beast::http::status status;
};

/// Every code the API can answer with. A code missing here is a programming error: it is answered with 500 and
/// logged, so unit tests assert that every code the code base uses is listed.
std::span<const ErrorCodeEntry> ErrorCodes() noexcept;

/// Status for a code; 500 for an unknown code.
boost::beast::http::status StatusForCode(std::string_view code) noexcept;

/// `true` when the code is in the table.
bool IsKnownCode(std::string_view code) noexcept;

/// The serialised JSON error body.
std::string ErrorBody(const Error& error, std::string_view request_id);

}  // namespace onton::http
