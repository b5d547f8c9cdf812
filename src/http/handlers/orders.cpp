#include "http/handlers/orders.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

using nlohmann::json;

Response Fail(const Error& e, const Request& req) { return Response::FromError(e, req.request_id); }

Response CheckInRoute(const Request& req,
                      orders::OrderService& orders,
                      identity::IdentityService& identity,
                      bool undo) {
    auto caller = Authorize(req, identity);
    if (!caller) return Fail(caller.error(), req);
    if (!req.json.is_object() || !req.json.contains("code") || !req.json["code"].is_string()) {
        return Fail({"request.validation_failed", "code: the scanned ticket code", {{"field", "code"}}}, req);
    }
    auto result = orders.CheckIn(*caller, std::string(req.Param("event_uuid")), req.json["code"].get<std::string>(), undo);
    if (!result) return Fail(result.error(), req);
    json body = {{"result", result->result}};
    body["ticket"] = result->ticket ? orders::ToJson(*result->ticket) : json(nullptr);
    if (result->ticket) {
        body["guest"] = {{"user_id", result->ticket->holder_id}, {"name", result->guest_name}};
        if (result->result == "already_used") {
            body["checked_in_at"] = *result->ticket->checked_in_at;
            body["checked_in_by"] = *result->ticket->checked_in_by;
        }
    }
    return Response::Json(Status::ok, body);
}

}  // namespace

void AddOrderRoutes(Router& router, orders::OrderService& orders, identity::IdentityService& identity) {
    router.Add(
        Verb::post,
        "/api/v1/orders",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto placed = orders.Place(*caller, req.json, std::string(req.Header("Idempotency-Key")));
            if (!placed) return Fail(placed.error(), req);
            auto res = Response::Json(placed->created ? Status::created : Status::ok,
                                      orders::ToJson(placed->order, orders.settings()));
            if (!placed->created) res.headers.emplace_back("Idempotent-Replayed", "true");
            return res;
        },
        {.json_body = true});

    router.Add(Verb::get, "/api/v1/orders/{uuid}", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto order = orders.Get(*caller, std::string(req.Param("uuid")));
        if (!order) return Fail(order.error(), req);
        return Response::Json(Status::ok, orders::ToJson(*order, orders.settings()));
    });

    router.Add(Verb::post, "/api/v1/orders/{uuid}/cancel", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto order = orders.Cancel(*caller, std::string(req.Param("uuid")));
        if (!order) return Fail(order.error(), req);
        return Response::Json(Status::ok, orders::ToJson(*order, orders.settings()));
    });

    router.Add(Verb::get, "/api/v1/me/orders", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto mine = orders.ListMine(*caller);
        if (!mine) return Fail(mine.error(), req);
        json items = json::array();
        for (const auto& o : *mine) items.push_back(orders::ToJson(o, orders.settings()));
        return Response::Json(Status::ok, {{"items", items}});
    });

    router.Add(Verb::get, "/api/v1/me/tickets", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto tickets = orders.MyTickets(*caller);
        if (!tickets) return Fail(tickets.error(), req);
        json items = json::array();
        for (const auto& t : *tickets) items.push_back(orders::ToJson(t));
        return Response::Json(Status::ok, {{"items", items}});
    });

    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/check-in",
        [&](const Request& req) { return CheckInRoute(req, orders, identity, false); },
        {.json_body = true});
    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/check-in/undo",
        [&](const Request& req) { return CheckInRoute(req, orders, identity, true); },
        {.json_body = true});
}

}  // namespace onton::http
