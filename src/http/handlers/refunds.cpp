#include "http/handlers/refunds.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {

void AddRefundRoutes(Router& router,
                     payments::Refunds& refunds,
                     orders::OrderService& orders,
                     identity::IdentityService& identity) {
    router.Add(Verb::post, "/api/v1/admin/orders/{uuid}/refund", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        const std::string uuid(req.Param("uuid"));
        if (auto refunded = refunds.RefundOrder(*caller, uuid); !refunded) return Fail(refunded.error(), req);
        auto order = orders.Get(*caller, uuid);
        if (!order) return Fail(order.error(), req);
        return Response::Json(Status::ok, orders::ToJson(*order, orders.settings()));
    });
    // The event's own managers refund their guests' orders; the guest list shows the refund's progress.
    router.Add(Verb::post, "/api/v1/events/{event_uuid}/orders/{uuid}/refund", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto refunded = refunds.RefundEventOrder(
            *caller, std::string(req.Param("event_uuid")), std::string(req.Param("uuid")));
        if (!refunded) return Fail(refunded.error(), req);
        return Response::NoContent();
    });
}

}  // namespace onton::http
