#pragma once
/// `POST /api/v1/orders/{uuid}/stars-invoice`: the Telegram Stars invoice link of one of the caller's orders
/// priced in XTR, for the Mini App's `Telegram.WebApp.openInvoice` (docs/payments.md). Blocks on the Bot API:
/// runs on the worker pool.

#include "domain/identity/identity.hpp"
#include "domain/payments/stars.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddStarsRoutes(Router& router, payments::StarsPayments& stars, identity::IdentityService& identity);

}  // namespace onton::http
