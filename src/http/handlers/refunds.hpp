#pragma once
/// `POST /api/v1/admin/orders/{uuid}/refund`: an admin refunds a paid order (docs/payments.md, Refunds).

#include "domain/identity/identity.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddRefundRoutes(Router& router,
                     payments::Refunds& refunds,
                     orders::OrderService& orders,
                     identity::IdentityService& identity);

}  // namespace onton::http
