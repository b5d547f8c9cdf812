#include "http/handlers/sales.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {

void AddSalesRoutes(Router& router, orders::SalesReports& sales, identity::IdentityService& identity) {
    router.Add(Verb::get, "/api/v1/events/{event_uuid}/sales", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto days = sales.Daily(*caller, std::string(req.Param("event_uuid")));
        if (!days) return Fail(days.error(), req);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& d : *days) items.push_back(orders::ToJson(d));
        return Response::Json(Status::ok, {{"days", std::move(items)}});
    });
    router.Add(Verb::get, "/api/v1/events/{event_uuid}/orders", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto list = sales.Orders(*caller, std::string(req.Param("event_uuid")));
        if (!list) return Fail(list.error(), req);
        nlohmann::json items = nlohmann::json::array();
        for (const auto& o : *list) items.push_back(orders::ToJson(o));
        return Response::Json(Status::ok, {{"items", std::move(items)}});
    });
}

}  // namespace onton::http
