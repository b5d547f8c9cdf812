#pragma once
/// Result<T>: the value of a use-case or the expected failure that stopped it, modelled on absl::StatusOr.
/// Error codes are stable snake_case strings (`ticket.sold_out`); http/error_table.cpp maps them to HTTP.

#include <cassert>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace onton {

struct Error {
    std::string code;            ///< stable machine-readable code, e.g. `request.invalid_json`
    std::string message;         ///< human-readable, safe to show to the caller
    nlohmann::json details = {};  ///< optional structured details (field names, limits)

    friend bool operator==(const Error&, const Error&) = default;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}   // NOLINT(google-explicit-constructor)
    Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return std::holds_alternative<T>(state_); }
    explicit operator bool() const noexcept { return ok(); }

    [[nodiscard]] const T& value() const& {
        assert(ok());
        return std::get<T>(state_);
    }
    [[nodiscard]] T& value() & {
        assert(ok());
        return std::get<T>(state_);
    }
    /// By value on a temporary, so `for (auto& x : Make().value())` owns what it iterates instead of dangling.
    [[nodiscard]] T value() && {
        assert(ok());
        return std::get<T>(std::move(state_));
    }
    [[nodiscard]] const Error& error() const& {
        assert(!ok());
        return std::get<Error>(state_);
    }

    const T* operator->() const { return &value(); }
    const T& operator*() const& { return value(); }
    T operator*() && { return std::move(*this).value(); }

private:
    std::variant<T, Error> state_;
};

/// Result of an operation that yields no value.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    [[nodiscard]] const Error& error() const& {
        assert(!ok_);
        return error_;
    }

private:
    Error error_;
    bool ok_ = true;
};

inline Result<void> Ok() { return {}; }

/// The error of a request field that fails validation: code `request.validation_failed`, the field named in the
/// message and in details (`field`, `reason`) so that a form can show it next to the input.
inline Error ValidationError(const std::string& field, const std::string& reason) {
    return Error{"request.validation_failed", field + ": " + reason, {{"field", field}, {"reason", reason}}};
}

}  // namespace onton
