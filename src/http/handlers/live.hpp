#pragma once
/// `GET /api/v1/ws`: the live-update WebSocket (design.md §6). JSON text frames both ways; every message has a
/// `type`. A client signs in with `Authorization: Bearer` on the upgrade request, or (browsers cannot set headers
/// on a WebSocket) with its first message `{"type":"auth","token":"…"}`; then `{"type":"subscribe","order_uuid":…}`
/// follows one of its orders: the answer is the order at once and again on every change
/// (`{"type":"order","order":{…}}`). `unsubscribe` stops that, `ping` gets `pong`. A request the server cannot
/// honour gets `{"type":"error","error":{"code","message"},"request":<its type>}`. docs/live.md has the protocol.

#include "domain/identity/identity.hpp"
#include "domain/live/order_feed.hpp"
#include "http/router.hpp"

namespace onton::http {

void AddLiveRoutes(Router& router, live::OrderFeed& feed, identity::IdentityService& identity);

}  // namespace onton::http
