#include "http/message.hpp"

#include <charconv>
#include <cstdint>

#include <spdlog/spdlog.h>

#include "http/error_table.hpp"
#include "ports/store.hpp"

namespace onton::http {

std::string_view Request::Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
        if (key == name) return value;
    }
    return {};
}

std::optional<std::string> Request::Query(std::string_view name) const {
    std::string_view rest = query;
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const auto key = PercentDecode(pair.substr(0, eq), true);
        if (!key || *key != name) continue;
        if (eq == std::string_view::npos) return std::string{};
        return PercentDecode(pair.substr(eq + 1), true);
    }
    return std::nullopt;
}

std::string_view Request::Header(std::string_view name) const {
    const auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
    if (it == raw.end()) return {};
    const auto value = it->value();
    return {value.data(), value.size()};
}

Response Response::Json(Status status, const nlohmann::json& body) {
    Response res;
    res.status = status;
    res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return res;
}

Response Response::Text(Status status, std::string body, std::string content_type) {
    Response res;
    res.status = status;
    res.body = std::move(body);
    res.content_type = std::move(content_type);
    return res;
}

Response Response::NoContent() {
    Response res;
    res.status = Status::no_content;
    res.content_type.clear();
    return res;
}

Response Response::FromError(const Error& error, std::string_view request_id) {
    Response res;
    res.status = StatusForCode(error.code);
    res.body = ErrorBody(error, request_id);
    return res;
}

namespace {
int HexValue(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '%') {
            if (i + 2 >= in.size()) return std::nullopt;
            const int hi = HexValue(in[i + 1]);
            const int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::optional<std::int64_t> ParseInt64(std::string_view text) noexcept {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

bool IsValidUtf8(std::string_view bytes) noexcept {
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0U) == 0xC0U) {
            len = 2;
            cp = c & 0x1FU;
        } else if ((c & 0xF0U) == 0xE0U) {
            len = 3;
            cp = c & 0x0FU;
        } else if ((c & 0xF8U) == 0xF0U) {
            len = 4;
            cp = c & 0x07U;
        } else {
            return false;
        }
        if (i + len > n) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(bytes[i + k]);
            if ((cc & 0xC0U) != 0x80U) return false;
            cp = (cp << 6U) | (cc & 0x3FU);
        }
        const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

Response AnswerForException(const std::exception_ptr& error, const std::string& request_id) {
    try {
        std::rethrow_exception(error);
    } catch (const ports::StoreError& e) {
        const bool transient = e.kind() == ports::StoreError::Kind::kUnavailable ||
                               e.kind() == ports::StoreError::Kind::kSerialization;
        spdlog::error("request {} failed in the store: {}", request_id, e.what());
        if (transient) {
            return Response::FromError({"service.unavailable", "the database is unavailable, retry later"}, request_id);
        }
        return Response::FromError({"internal", "internal error"}, request_id);
    } catch (const std::exception& e) {
        spdlog::error("request {} failed: {}", request_id, e.what());
    } catch (...) {
        spdlog::error("request {} failed with a non-standard exception", request_id);
    }
    return Response::FromError({"internal", "internal error"}, request_id);
}

}  // namespace onton::http
