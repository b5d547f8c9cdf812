#pragma once
/// Order and ticket routes: `POST /api/v1/orders` (+ Idempotency-Key), `GET /api/v1/orders/{uuid}`,
/// `POST /api/v1/orders/{uuid}/cancel`, `GET /api/v1/orders/{uuid}/jetton-transfer` (the message a wallet sends to
/// pay a USDT order), `GET /api/v1/me/orders`, `GET /api/v1/me/tickets`, `POST /api/v1/events/{event_uuid}/check-in`
/// and `/check-in/undo`.

#include "domain/identity/identity.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/jetton.hpp"
#include "http/router.hpp"

namespace onton::http {

/// `usdt` null: USDT is not taken, and the jetton-transfer route answers `payment.currency_unavailable`.
void AddOrderRoutes(Router& router,
                    orders::OrderService& orders,
                    identity::IdentityService& identity,
                    payments::JettonPayments* usdt = nullptr);

}  // namespace onton::http
