#include "http/handlers/registrations.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

using nlohmann::json;

Response Decide(const Request& req,
                registrations::RegistrationService& registrations,
                identity::IdentityService& identity,
                bool approve) {
    auto caller = Authorize(req, identity);
    if (!caller) return Fail(caller.error(), req);
    const auto user_id = ParseInt64(req.Param("user_id"));
    if (!user_id) return Fail({"not_found", "no such application"}, req);
    std::string reason;
    if (req.json.is_object() && req.json.contains("reason")) {
        if (!req.json["reason"].is_string()) {
            return Fail({"request.validation_failed", "reason: expected a string", {{"field", "reason"}}}, req);
        }
        reason = req.json["reason"].get<std::string>();
    }
    auto decided = registrations.Decide(*caller, std::string(req.Param("event_uuid")), *user_id, approve, reason);
    if (!decided) return Fail(decided.error(), req);
    return Response::Json(Status::ok, registrations::ToJson(*decided));
}

}  // namespace

void AddRegistrationRoutes(Router& router,
                           registrations::RegistrationService& registrations,
                           identity::IdentityService& identity) {
    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/registrations",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            std::string answer;
            if (req.json.is_object() && req.json.contains("answer")) {
                if (!req.json["answer"].is_string()) {
                    return Fail({"request.validation_failed", "answer: expected a string", {{"field", "answer"}}}, req);
                }
                answer = req.json["answer"].get<std::string>();
            }
            auto applied = registrations.Apply(*caller, std::string(req.Param("event_uuid")), answer);
            if (!applied) return Fail(applied.error(), req);
            return Response::Json(Status::ok, registrations::ToJson(*applied));
        },
        {.json_body = true});

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/registrations/me", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto mine = registrations.Mine(*caller, std::string(req.Param("event_uuid")));
        if (!mine) return Fail(mine.error(), req);
        return Response::Json(Status::ok, registrations::ToJson(*mine));
    });

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/registrations", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto list = registrations.List(*caller, std::string(req.Param("event_uuid")), req.Query("status").value_or(""));
        if (!list) return Fail(list.error(), req);
        json items = json::array();
        for (const auto& r : *list) items.push_back(registrations::ToJson(r));
        return Response::Json(Status::ok, {{"items", items}});
    });

    router.Add(Verb::post, "/api/v1/events/{event_uuid}/registrations/{user_id}/approve", [&](const Request& req) {
        return Decide(req, registrations, identity, true);
    });
    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/registrations/{user_id}/reject",
        [&](const Request& req) { return Decide(req, registrations, identity, false); },
        {.json_body = true});
}

}  // namespace onton::http
