#include "support/api_client.hpp"

#include <stdexcept>

#include "support/process.hpp"

namespace onton::test {

using nlohmann::json;

ApiClient::ApiClient(std::uint16_t port, const std::map<std::string, std::string>& env, std::int64_t user_id)
    : port_(port), user_id_(user_id) {
    const auto init = RunOnton({"admin", "init-data", "--user-id", std::to_string(user_id)}, env);
    if (init.exit_code != 0) throw std::runtime_error("onton admin init-data failed: " + init.err);
    auto init_data = init.out;
    while (!init_data.empty() && init_data.back() == '\n') init_data.pop_back();
    const auto res = Request(port_, "POST", "/api/v1/auth/telegram", json{{"init_data", init_data}}.dump());
    if (res.result_int() != 200) throw std::runtime_error("sign-in failed: " + res.body());
    token_ = json::parse(res.body())["token"].get<std::string>();
}

HttpResponse ApiClient::Get(const std::string& target) const {
    return Request(port_, "GET", target, "", "", {{"Authorization", "Bearer " + token_}});
}

HttpResponse ApiClient::Post(const std::string& target, const json& body) const {
    return Request(port_, "POST", target, body.dump(), "application/json", {{"Authorization", "Bearer " + token_}});
}

ApiClient::PublishedType ApiClient::PublishEventWithType(const std::string& price_nano, std::int64_t supply) const {
    const auto event = Post("/api/v1/events",
                            {{"title", "Test event"},
                             {"description", "Made by a test"},
                             {"start_date", 4'000'000'000},
                             {"end_date", 4'000'003'600},
                             {"participation_type", "in_person"},
                             {"location", "Dubai"}});
    if (event.result_int() != 201) throw std::runtime_error("event: " + event.body());
    PublishedType out;
    out.event_uuid = json::parse(event.body())["event_uuid"].get<std::string>();
    const auto type = Post("/api/v1/events/" + out.event_uuid + "/ticket-types",
                           {{"name", "Standard"}, {"price", price_nano}, {"supply", supply}});
    if (type.result_int() != 201) throw std::runtime_error("ticket type: " + type.body());
    out.ticket_type_id = json::parse(type.body())["id"].get<std::int64_t>();
    const auto published = Post("/api/v1/events/" + out.event_uuid + "/publish");
    if (published.result_int() != 200) throw std::runtime_error("publish: " + published.body());
    return out;
}

}  // namespace onton::test
