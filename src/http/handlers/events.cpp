#include "http/handlers/events.hpp"

#include <ctime>

#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

using nlohmann::json;

/// The caller when a valid token is sent, nullopt for anonymous calls; a bad token is still an error.
Result<std::optional<identity::Principal>> OptionalCaller(const Request& req, identity::IdentityService& identity) {
    if (req.Header("Authorization").empty()) return std::optional<identity::Principal>{};
    auto principal = Authorize(req, identity);
    if (!principal) return principal.error();
    return std::optional<identity::Principal>{*principal};
}

std::string IcsTime(std::int64_t unix) {
    const std::time_t t = unix;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

/// RFC 5545 §3.3.11 text escaping.
std::string IcsText(std::string_view in) {
    std::string out;
    for (const char c : in) {
        if (c == '\\' || c == ';' || c == ',') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c != '\r') {
            out.push_back(c);
        }
    }
    return out;
}

/// RFC 5545 §3.1: lines longer than 75 octets are folded, never inside a UTF-8 sequence.
std::string Fold(const std::string& line) {
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        const bool starts_char = (c & 0xC0U) != 0x80U;
        if (starts_char && width >= 74) {
            out += "\r\n ";
            width = 1;
        }
        out.push_back(line[i]);
        ++width;
    }
    return out + "\r\n";
}

}  // namespace

std::string EventIcs(const events::Event& e, const std::string& public_url, std::int64_t now) {
    std::string out;
    out += Fold("BEGIN:VCALENDAR");
    out += Fold("VERSION:2.0");
    out += Fold("PRODID:-//Onton//Events//EN");
    out += Fold("CALSCALE:GREGORIAN");
    out += Fold("METHOD:PUBLISH");
    out += Fold("BEGIN:VEVENT");
    out += Fold("UID:" + e.event_uuid + "@onton");
    out += Fold("DTSTAMP:" + IcsTime(now));
    out += Fold("DTSTART:" + IcsTime(e.start_date));
    out += Fold("DTEND:" + IcsTime(e.end_date));
    out += Fold("SUMMARY:" + IcsText(e.title));
    if (!e.description.empty()) out += Fold("DESCRIPTION:" + IcsText(e.description));
    if (!e.location.empty()) out += Fold("LOCATION:" + IcsText(e.location));
    out += Fold("URL:" + public_url + "/events/" + e.event_uuid);
    out += Fold(std::string("STATUS:") + (e.status == "canceled" ? "CANCELLED" : "CONFIRMED"));
    out += Fold("END:VEVENT");
    out += Fold("END:VCALENDAR");
    return out;
}

void AddEventRoutes(Router& router,
                    events::EventService& events,
                    identity::IdentityService& identity,
                    const ports::Clock& clock,
                    std::string public_url) {
    router.Add(
        Verb::post,
        "/api/v1/events",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto created = events.Create(*caller, req.json);
            if (!created) return Fail(created.error(), req);
            return Response::Json(Status::created, events::ToJson(*created, true));
        },
        {.json_body = true});

    router.Add(Verb::get, "/api/v1/events", [&](const Request& req) {
        auto caller = OptionalCaller(req, identity);
        if (!caller) return Fail(caller.error(), req);
        events::ListQuery query;
        if (auto v = req.Query("when")) query.when = *v;
        if (auto v = req.Query("q")) query.q = *v;
        if (auto v = req.Query("category")) query.category = *v;
        if (auto v = req.Query("participation_type")) query.participation_type = *v;
        if (auto v = req.Query("cursor")) query.cursor = *v;
        if (auto v = req.Query("mine")) query.mine = *v == "true" || *v == "1";
        if (auto v = req.Query("limit")) {
            const auto limit = ParseInt64(*v);
            if (!limit) return Fail({"request.validation_failed", "limit: expected an integer", {{"field", "limit"}}}, req);
            query.limit = *limit;
        }
        auto page = events.List(*caller, query);
        if (!page) return Fail(page.error(), req);
        json items = json::array();
        for (const auto& e : page->items) {
            auto item = events::ToJson(e, e.caller_manages);
            if (!e.caller_role.empty()) item["my_role"] = e.caller_role;
            items.push_back(std::move(item));
        }
        return Response::Json(Status::ok,
                              {{"items", items},
                               {"next_cursor", page->next_cursor.empty() ? json(nullptr) : json(page->next_cursor)}});
    });

    router.Add(Verb::get, "/api/v1/events/{event_uuid}", [&](const Request& req) {
        auto caller = OptionalCaller(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto event =
            events.Get(*caller, std::string(req.Param("event_uuid")), req.Query("code").value_or(""));
        if (!event) return Fail(event.error(), req);
        return Response::Json(Status::ok, events::ToJson(*event, event->caller_manages));
    });

    router.Add(
        Verb::patch,
        "/api/v1/events/{event_uuid}",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto updated = events.Update(*caller, std::string(req.Param("event_uuid")), req.json);
            if (!updated) return Fail(updated.error(), req);
            return Response::Json(Status::ok, events::ToJson(*updated, true));
        },
        {.json_body = true});

    using Action = Result<events::Event> (events::EventService::*)(const identity::Principal&, const std::string&);
    auto action = [&](const std::string& suffix, Action method, Status ok_status) {
        router.Add(Verb::post, "/api/v1/events/{event_uuid}/" + suffix, [&events, &identity, method, ok_status](
                                                                              const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto result = (events.*method)(*caller, std::string(req.Param("event_uuid")));
            if (!result) return Fail(result.error(), req);
            return Response::Json(ok_status, events::ToJson(*result, true));
        });
    };
    router.Add(Verb::get, "/api/v1/admin/moderation", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto items = events.PendingModeration(*caller);
        if (!items) return Fail(items.error(), req);
        json out = json::array();
        for (const auto& item : *items) out.push_back(events::ToJson(item));
        return Response::Json(Status::ok, {{"items", out}});
    });
    for (const bool approve : {true, false}) {
        router.Add(
            Verb::post,
            std::string("/api/v1/admin/events/{event_uuid}/") + (approve ? "approve" : "reject"),
            [&, approve](const Request& req) {
                auto caller = Authorize(req, identity);
                if (!caller) return Fail(caller.error(), req);
                std::string reason;
                if (req.json.is_object() && req.json.contains("reason")) {
                    if (!req.json["reason"].is_string()) return Fail(ValidationError("reason", "expected a string"), req);
                    reason = req.json["reason"].get<std::string>();
                }
                auto moderated = events.Moderate(*caller, std::string(req.Param("event_uuid")), approve, reason);
                if (!moderated) return Fail(moderated.error(), req);
                return Response::Json(Status::ok, events::ToJson(*moderated, true));
            },
            {.blocking = true, .json_body = !approve});
    }
    action("publish", &events::EventService::Publish, Status::ok);
    action("cancel", &events::EventService::Cancel, Status::ok);
    action("clone", &events::EventService::Clone, Status::created);

    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/ticket-types",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto created = events.AddTicketType(*caller, std::string(req.Param("event_uuid")), req.json);
            if (!created) return Fail(created.error(), req);
            return Response::Json(Status::created, events::ToJson(*created, true));
        },
        {.json_body = true});

    router.Add(Verb::patch,
               "/api/v1/events/{event_uuid}/ticket-types/{id}",
               [&](const Request& req) {
                   auto caller = Authorize(req, identity);
                   if (!caller) return Fail(caller.error(), req);
                   const auto id = ParseInt64(req.Param("id"));
                   if (!id) return Fail(ValidationError("id", "expected an integer"), req);
                   auto updated =
                       events.UpdateTicketType(*caller, std::string(req.Param("event_uuid")), *id, req.json);
                   if (!updated) return Fail(updated.error(), req);
                   return Response::Json(Status::ok, events::ToJson(*updated, true));
               },
               {.json_body = true});

    router.Add(Verb::delete_, "/api/v1/events/{event_uuid}/ticket-types/{id}", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        const auto id = ParseInt64(req.Param("id"));
        if (!id) return Fail(ValidationError("id", "expected an integer"), req);
        auto deleted = events.DeleteTicketType(*caller, std::string(req.Param("event_uuid")), *id);
        if (!deleted) return Fail(deleted.error(), req);
        return Response::NoContent();
    });

    router.Add(Verb::get,
               "/api/v1/events/{event_uuid}/calendar.ics",
               [&events, &identity, &clock, public_url](const Request& req) {
                   auto caller = OptionalCaller(req, identity);
                   if (!caller) return Fail(caller.error(), req);
                   auto event = events.Get(*caller, std::string(req.Param("event_uuid")));
                   if (!event) return Fail(event.error(), req);
                   auto res = Response::Text(
                       Status::ok, EventIcs(*event, public_url, clock.NowUnix()), "text/calendar; charset=utf-8");
                   res.headers.emplace_back("Content-Disposition",
                                            "attachment; filename=\"" + event->event_uuid + ".ics\"");
                   return res;
               });

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/roles", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto roles = events.ListRoles(*caller, std::string(req.Param("event_uuid")));
        if (!roles) return Fail(roles.error(), req);
        return Response::Json(Status::ok, *roles);
    });

    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/roles",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            const auto& body = req.json;
            const bool by_name = body.is_object() && body.contains("username") && !body.contains("user_id");
            if (by_name && !body["username"].is_string()) {
                return Fail(ValidationError("username", "expected a Telegram @username"), req);
            }
            if (!by_name &&
                (!body.is_object() || !body.contains("user_id") || !body["user_id"].is_number_integer())) {
                return Fail({"request.validation_failed",
                             "user_id: expected an integer (or give username instead)",
                             {{"field", "user_id"}}},
                            req);
            }
            if (!body.contains("role") || !body["role"].is_string()) {
                return Fail({"request.validation_failed", "role: expected co_organizer or checkin_staff",
                             {{"field", "role"}}},
                            req);
            }
            const std::string uuid(req.Param("event_uuid"));
            const auto role = body["role"].get<std::string>();
            auto granted =
                by_name ? events.GrantRoleByUsername(*caller, uuid, body["username"].get<std::string>(), role)
                        : events.GrantRole(*caller, uuid, body["user_id"].get<std::int64_t>(), role);
            if (!granted) return Fail(granted.error(), req);
            return Response::NoContent();
        },
        {.json_body = true});

    router.Add(Verb::delete_, "/api/v1/events/{event_uuid}/roles/{user_id}/{role}", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        const auto user_id = ParseInt64(req.Param("user_id"));
        if (!user_id) {
            return Fail({"request.validation_failed", "user_id: expected an integer", {{"field", "user_id"}}}, req);
        }
        auto revoked =
            events.RevokeRole(*caller, std::string(req.Param("event_uuid")), *user_id, std::string(req.Param("role")));
        if (!revoked) return Fail(revoked.error(), req);
        return Response::NoContent();
    });
}

}  // namespace onton::http
