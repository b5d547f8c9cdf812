#pragma once
/// The API as a signed-in user sees it, for tests over a running `onton serve`: signs in through the real initData
/// validation (`onton admin init-data`), then sends JSON requests with the session token.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"

namespace onton::test {

class ApiClient {
public:
    /// Signs user `user_id` in on the server at `port`; `env` is the server's (the same database and bot token).
    ApiClient(std::uint16_t port, const std::map<std::string, std::string>& env, std::int64_t user_id);

    [[nodiscard]] const std::string& token() const noexcept { return token_; }
    [[nodiscard]] std::int64_t user_id() const noexcept { return user_id_; }
    /// Talks to a server restarted on another port from now on (the session lives in the database).
    void Retarget(std::uint16_t port) noexcept { port_ = port; }

    HttpResponse Get(const std::string& target) const;
    HttpResponse Post(const std::string& target, const nlohmann::json& body = nlohmann::json::object()) const;

    /// Creates and publishes an event with one ticket type; returns {event_uuid, ticket_type_id}.
    struct PublishedType {
        std::string event_uuid;
        std::int64_t ticket_type_id = 0;
    };
    PublishedType PublishEventWithType(const std::string& price_nano, std::int64_t supply) const;

private:
    std::uint16_t port_;
    std::int64_t user_id_;
    std::string token_;
};

}  // namespace onton::test
