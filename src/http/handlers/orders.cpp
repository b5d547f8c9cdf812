#include "http/handlers/orders.hpp"

#include <map>

#include "http/handlers/identity.hpp"
#include "ton/address.hpp"

namespace onton::http {
namespace {

using nlohmann::json;

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
    if (!result->reason.empty()) body["reason"] = result->reason;
    body["ticket"] = result->ticket ? orders::ToJson(*result->ticket) : json(nullptr);
    if (result->ticket) {
        body["guest"] = {{"user_id", result->ticket->holder_id}, {"name", result->guest_name}};
        if (result->result == "already_used") {
            body["checked_in_at"] = *result->ticket->checked_in_at;
            body["checked_in_by"] = *result->ticket->checked_in_by;
            if (!result->checked_in_by_name.empty()) body["checked_in_by_name"] = result->checked_in_by_name;
        }
    }
    return Response::Json(Status::ok, body);
}

/// The message the caller's wallet (`?owner=`) sends to pay a USDT order: to its own jetton wallet, with the
/// TON to attach and the TEP-74 transfer body (the order's comment as forward payload). TON Connect sends it
/// as it is.
Response JettonTransferRoute(const Request& req,
                             orders::OrderService& orders,
                             identity::IdentityService& identity,
                             payments::JettonPayments* usdt) {
    auto caller = Authorize(req, identity);
    if (!caller) return Fail(caller.error(), req);
    const auto owner_text = req.Query("owner");
    const auto owner = owner_text ? ton::ParseAddress(*owner_text) : Result<ton::ParsedAddress>(Error{});
    if (!owner) {
        return Fail(
            {"request.validation_failed", "owner: the address of the wallet that pays", {{"field", "owner"}}},
            req);
    }
    auto order = orders.Get(*caller, std::string(req.Param("uuid")));
    if (!order) return Fail(order.error(), req);
    if (order->currency != money::Currency::kUsdt) {
        return Fail({"conflict",
                     "this order is priced in " + std::string(money::Code(order->currency)) +
                         ": it is not paid with a jetton transfer"},
                    req);
    }
    if (order->state != orders::OrderState::kCreated || order->total_price <= 0) {
        return Fail({"state.invalid_transition",
                     "only an order awaiting payment can be paid; it is " +
                         std::string(orders::StateName(order->state))},
                    req);
    }
    if (usdt == nullptr) {
        return Fail({"payment.currency_unavailable", "this platform does not take USDT payments now"}, req);
    }
    auto transfer = usdt->PayerTransferFor(
        owner->address, static_cast<std::uint64_t>(order->total_price), order->payment_comment);
    if (!transfer) return Fail(transfer.error(), req);
    auto opt = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
    return Response::Json(Status::ok,
                          {{"order_uuid", order->uuid},
                           {"owner", owner->address.ToString()},
                           {"jetton_master", usdt->account().master.ToString()},
                           {"jetton_wallet", transfer->jetton_wallet.ToString()},
                           {"amount", std::to_string(transfer->amount.value)},
                           {"payload", transfer->payload_boc},
                           {"jetton_amount", std::to_string(transfer->units)},
                           {"destination", usdt->account().owner.ToString()},
                           {"forward_ton_amount", std::to_string(transfer->forward_ton.value)},
                           {"comment", transfer->comment},
                           {"expires_at", opt(order->expires_at)}});
}

/// The filters of the guest list from the query string.
Result<orders::GuestFilter> GuestFilterOf(const Request& req) {
    orders::GuestFilter filter;
    if (auto v = req.Query("status")) filter.status = *v;
    if (auto v = req.Query("q")) filter.q = *v;
    if (auto v = req.Query("ticket_type_id")) {
        filter.ticket_type_id = ParseInt64(*v);
        if (!filter.ticket_type_id) {
            return Error{"request.validation_failed", "ticket_type_id: expected an integer", {{"field", "ticket_type_id"}}};
        }
    }
    return filter;
}

}  // namespace

void AddOrderRoutes(Router& router,
                    orders::OrderService& orders,
                    identity::IdentityService& identity,
                    payments::JettonPayments* usdt) {
    router.Add(
        Verb::get, "/api/v1/orders/{uuid}/jetton-transfer", [&orders, &identity, usdt](const Request& req) {
            return JettonTransferRoute(req, orders, identity, usdt);
        });
    // Asynchronous and started on the I/O thread: a buyer waiting for a session read or the next order batch
    // holds no thread, and a buyer answered from the session cache and the sold-out hint never leaves the I/O
    // thread. Whatever blocks (leading a session read or a batch, an idempotent lookup) goes to the worker
    // pool through the Reply.
    router.AddAsync(
        Verb::post,
        "/api/v1/orders",
        [&](const Request& req, Reply reply) {
            auto place = [&orders, reply, rid = req.request_id](const Result<identity::Principal>& caller,
                                                                 const nlohmann::json& body,
                                                                 const std::string& key) {
                if (!caller) return reply(Response::FromError(caller.error(), rid));
                orders.PlaceAsync(
                    *caller,
                    body,
                    key,
                    [&orders, reply, rid](orders::OrderService::PlaceOutcome outcome) {
                        if (outcome.error) return reply(AnswerForException(outcome.error, rid));
                        auto& placed = *outcome.result;
                        if (!placed) return reply(Response::FromError(placed.error(), rid));
                        auto res = Response::Json(placed->created ? Status::created : Status::ok,
                                                  orders::ToJson(placed->order, orders.settings()));
                        if (!placed->created) res.headers.emplace_back("Idempotent-Replayed", "true");
                        reply(std::move(res));
                    },
                    [reply](std::function<void()> task) { reply.Blocking(std::move(task)); });
            };
            // The request outlives its Reply (RunAsync resumes only once the Reply is called), so its body
            // may be read from whichever thread the session read answers on.
            identity.AuthenticateAsync(
                identity::BearerToken(req.Header("Authorization")),
                [place, reply, &req](identity::IdentityService::AuthOutcome outcome) {
                    if (outcome.error) return reply(AnswerForException(outcome.error, req.request_id));
                    place(*outcome.result, req.json, std::string(req.Header("Idempotency-Key")));
                },
                [reply](std::function<void()> task) { reply.Blocking(std::move(task)); });
        },
        {.blocking = false, .json_body = true});

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

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/guests", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto filter = GuestFilterOf(req);
        if (!filter) return Fail(filter.error(), req);
        auto guests = orders.Guests(*caller, std::string(req.Param("event_uuid")), *filter);
        if (!guests) return Fail(guests.error(), req);
        json items = json::array();
        for (const auto& g : *guests) items.push_back(orders::ToJson(g));
        return Response::Json(Status::ok, {{"items", items}});
    });

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/guests.csv", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto filter = GuestFilterOf(req);
        if (!filter) return Fail(filter.error(), req);
        const std::string event_uuid(req.Param("event_uuid"));
        auto guests = orders.Guests(*caller, event_uuid, *filter);
        if (!guests) return Fail(guests.error(), req);
        auto res = Response::Text(Status::ok, orders::GuestsCsv(*guests), "text/csv; charset=utf-8");
        res.headers.emplace_back("Content-Disposition", "attachment; filename=\"guests-" + event_uuid + ".csv\"");
        return res;
    });

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/stats", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto stats = orders.Stats(*caller, std::string(req.Param("event_uuid")));
        if (!stats) return Fail(stats.error(), req);
        json items = json::array();
        std::int64_t sold = 0;
        std::int64_t reserved = 0;
        std::int64_t checked_in = 0;
        // Amounts of different currencies never add up: one total per currency that has a ticket type.
        std::map<money::Currency, std::int64_t> revenue;
        for (const auto& s : *stats) {
            items.push_back(orders::ToJson(s));
            sold += s.sold;
            reserved += s.reserved;
            revenue[s.currency] += s.revenue;
            checked_in += s.checked_in;
        }
        json by_currency = json::object();
        for (const auto& [currency, units] : revenue)
            by_currency[std::string(money::Code(currency))] = std::to_string(units);
        return Response::Json(Status::ok,
                              {{"ticket_types", items},
                               {"totals",
                                {{"sold", sold},
                                 {"reserved", reserved},
                                 {"revenue", std::to_string(revenue[money::Currency::kTon])},
                                 {"revenue_by_currency", by_currency},
                                 {"checked_in", checked_in}}}});
    });

    router.Add(
        Verb::post,
        "/api/v1/tickets/{ticket_id}/transfer",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            const auto ticket_id = ParseInt64(req.Param("ticket_id"));
            if (!ticket_id) return Fail({"not_found", "no such ticket"}, req);
            if (!req.json.is_object() || !req.json.contains("to_user_id") || !req.json["to_user_id"].is_number_integer()) {
                return Fail({"request.validation_failed", "to_user_id: the recipient's Telegram user id",
                             {{"field", "to_user_id"}}},
                            req);
            }
            auto moved = orders.Transfer(*caller, *ticket_id, req.json["to_user_id"].get<std::int64_t>());
            if (!moved) return Fail(moved.error(), req);
            auto body = orders::ToJson(*moved);
            body.erase("check_in_code");  // the new code is the recipient's to see, in their own ticket list
            body.erase("qr_payload");
            return Response::Json(Status::ok, body);
        },
        {.json_body = true});

    auto waitlist = [&orders, &identity](const Request& req, bool join) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        const auto type_id = ParseInt64(req.Param("ticket_type_id"));
        if (!type_id) return Fail({"not_found", "no such ticket type"}, req);
        const std::string event_uuid(req.Param("event_uuid"));
        auto entry = join ? orders.JoinWaitlist(*caller, event_uuid, *type_id)
                          : orders.LeaveWaitlist(*caller, event_uuid, *type_id);
        if (!entry) return Fail(entry.error(), req);
        return Response::Json(Status::ok, orders::ToJson(*entry));
    };
    router.Add(Verb::post, "/api/v1/events/{event_uuid}/ticket-types/{ticket_type_id}/waitlist",
               [waitlist](const Request& req) { return waitlist(req, true); });
    router.Add(Verb::delete_, "/api/v1/events/{event_uuid}/ticket-types/{ticket_type_id}/waitlist",
               [waitlist](const Request& req) { return waitlist(req, false); });
    router.Add(Verb::get, "/api/v1/me/waitlist", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto entries = orders.MyWaitlist(*caller);
        if (!entries) return Fail(entries.error(), req);
        json items = json::array();
        for (const auto& w : *entries) items.push_back(orders::ToJson(w));
        return Response::Json(Status::ok, {{"items", items}});
    });

    router.Add(
        Verb::put,
        "/api/v1/events/{event_uuid}/checkin-phrase",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            if (!req.json.is_object() || !req.json.contains("phrase") || !req.json["phrase"].is_string()) {
                return Fail({"request.validation_failed", "phrase: required", {{"field", "phrase"}}}, req);
            }
            auto set = orders.SetCheckInPhrase(*caller, std::string(req.Param("event_uuid")),
                                               req.json["phrase"].get<std::string>());
            if (!set) return Fail(set.error(), req);
            return Response::NoContent();
        },
        {.json_body = true});

    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/self-check-in",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            if (!req.json.is_object() || !req.json.contains("phrase") || !req.json["phrase"].is_string()) {
                return Fail({"request.validation_failed", "phrase: required", {{"field", "phrase"}}}, req);
            }
            auto result = orders.SelfCheckIn(*caller, std::string(req.Param("event_uuid")),
                                             req.json["phrase"].get<std::string>());
            if (!result) {
                auto res = Fail(result.error(), req);
                if (result.error().code == "rate_limited") {
                    res.headers.emplace_back("Retry-After", result.error().details["retry_after"].dump());
                }
                return res;
            }
            json body = {{"result", result->result}, {"attempts_left", result->attempts_left}};
            body["ticket"] = result->ticket ? orders::ToJson(*result->ticket) : json(nullptr);
            return Response::Json(Status::ok, body);
        },
        {.json_body = true});

    router.Add(
        Verb::post,
        "/api/v1/events/{event_uuid}/promo-codes",
        [&](const Request& req) {
            auto caller = Authorize(req, identity);
            if (!caller) return Fail(caller.error(), req);
            auto promo = orders.CreatePromoCode(*caller, std::string(req.Param("event_uuid")), req.json);
            if (!promo) return Fail(promo.error(), req);
            return Response::Json(Status::created, orders::ToJson(*promo));
        },
        {.json_body = true});

    router.Add(Verb::get, "/api/v1/events/{event_uuid}/promo-codes", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        auto promos = orders.ListPromoCodes(*caller, std::string(req.Param("event_uuid")));
        if (!promos) return Fail(promos.error(), req);
        json items = json::array();
        for (const auto& p : *promos) items.push_back(orders::ToJson(p));
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
    router.Add(Verb::get, "/api/v1/events/{event_uuid}/check-in-key", [&](const Request& req) {
        auto caller = Authorize(req, identity);
        if (!caller) return Fail(caller.error(), req);
        const auto event_uuid = std::string(req.Param("event_uuid"));
        auto key = orders.CheckInKey(*caller, event_uuid);
        if (!key) return Fail(key.error(), req);
        return Response::Json(Status::ok,
                              {{"algorithm", "ed25519"},
                               {"public_key", *key},
                               {"signed_message", orders::TicketSignedMessage(event_uuid, "<code>")},
                               {"qr_format", "onton:t2:<code>.<base64url signature>"}});
    });
}

}  // namespace onton::http
