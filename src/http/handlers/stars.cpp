#include "http/handlers/stars.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {

void AddStarsRoutes(Router& router, payments::StarsPayments& stars, identity::IdentityService& identity) {
    router.Add(Verb::post, "/api/v1/orders/{uuid}/stars-invoice", [&stars, &identity](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto link = stars.CreateInvoiceLink(*caller, std::string(req.Param("uuid")));
        if (!link) return Fail(link.error(), req);
        return Response::Json(
            Status::ok,
            {{"order_uuid", link->order_uuid},
             {"link", link->link},
             {"currency", "XTR"},
             {"amount", std::to_string(link->amount)},
             {"expires_at", link->expires_at ? nlohmann::json(*link->expires_at) : nullptr}});
    });
}

}  // namespace onton::http
