#pragma once
/// `GET /api/v1/events/{event_uuid}/sales` (paid orders per UTC day) and `GET
/// /api/v1/events/{event_uuid}/orders` (paid and refunded orders with their refunds), for the event's
/// managers: the panel's analytics and guest list.

#include "domain/identity/identity.hpp"
#include "domain/orders/sales.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddSalesRoutes(Router& router, orders::SalesReports& sales, identity::IdentityService& identity);

}  // namespace onton::http
