#include "http/handlers/live.hpp"

#include <memory>
#include <optional>

#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

using nlohmann::json;

/// Messages a socket may send before it signs in (failed sign-ins included); the next one closes it (1008).
constexpr int kMaxUnauthenticatedMessages = 3;

/// One socket's state. on_text runs one message at a time, so it needs no lock.
struct Socket {
    live::OrderFeed::SubscriberId id = 0;
    std::optional<identity::Principal> principal;
    int unauthenticated_messages = 0;
};

json ErrorMessage(const Error& error, std::string_view request) {
    json body{{"code", error.code}, {"message", error.message}};
    if (!error.details.is_null()) body["details"] = error.details;
    json out{{"type", "error"}, {"error", std::move(body)}};
    if (!request.empty()) out["request"] = request;
    return out;
}

std::optional<std::string> StringField(const json& message, const char* name) {
    const auto it = message.find(name);
    if (it == message.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

void Handle(std::string_view text,
            Socket& socket,
            WsChannel& channel,
            live::OrderFeed& feed,
            identity::IdentityService& identity) {
    auto send = [&channel](const json& message) { channel.Send(message.dump()); };
    if (!socket.principal && ++socket.unauthenticated_messages > kMaxUnauthenticatedMessages) {
        return channel.Close(WsClose::kPolicyViolation, "sign in first");
    }
    json message = json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
        return send(ErrorMessage({"request.invalid_json", "each message is one JSON object"}, ""));
    }
    const auto type = StringField(message, "type").value_or("");
    if (!socket.principal && type != "auth" && type != "ping") {
        return send(ErrorMessage({"auth.required", "send {\"type\":\"auth\",\"token\":…} first"}, type));
    }
    if (type == "ping") return send({{"type", "pong"}});
    if (type == "auth") {
        const auto token = StringField(message, "token");
        auto principal = token ? identity.Authenticate(*token)
                               : Result<identity::Principal>(Error{"auth.required", "token: the session token"});
        if (!principal) return send(ErrorMessage(principal.error(), type));
        socket.principal = *principal;
        return send({{"type", "authenticated"}, {"user_id", principal->user_id}});
    }
    if (type == "subscribe" || type == "unsubscribe") {
        const auto uuid = StringField(message, "order_uuid");
        if (!uuid || uuid->empty() || uuid->size() > 64) {
            return send(ErrorMessage({"request.validation_failed",
                                      "order_uuid: required, the order's uuid",
                                      {{"fields", {{"order_uuid", "required"}}}}},
                                     type));
        }
        if (type == "unsubscribe") {
            feed.Unfollow(socket.id, *uuid);
            return send({{"type", "unsubscribed"}, {"order_uuid", *uuid}});
        }
        auto order = feed.Follow(socket.id, *socket.principal, *uuid);
        if (!order) return send(ErrorMessage(order.error(), type));
        send({{"type", "subscribed"}, {"order_uuid", *uuid}});
        return send(*order);
    }
    send(ErrorMessage({"live.unknown_type", "type: one of auth, subscribe, unsubscribe, ping"}, type));
}

}  // namespace

void AddLiveRoutes(Router& router, live::OrderFeed& feed, identity::IdentityService& identity) {
    router.AddWebSocket(
        "/api/v1/ws",
        [&feed, &identity](const Request& req, std::shared_ptr<WsChannel> channel) -> std::variant<Response, WsSession> {
            auto socket = std::make_shared<Socket>();
            if (!req.Header("Authorization").empty()) {
                auto principal = Authorize(req, identity);
                if (!principal) return Fail(principal.error(), req);
                socket->principal = *principal;
            }
            std::weak_ptr<WsChannel> weak = channel;
            socket->id = feed.Join([weak](const json& message) {
                if (auto c = weak.lock()) c->Send(message.dump());
            });
            json hello{{"type", "hello"}, {"user_id", nullptr}};
            if (socket->principal) hello["user_id"] = socket->principal->user_id;
            channel->Send(hello.dump());
            WsSession session;
            session.on_text = [socket, weak, &feed, &identity](std::string_view text) {
                if (auto c = weak.lock()) Handle(text, *socket, *c, feed, identity);
            };
            session.on_close = [socket, &feed] { feed.Leave(socket->id); };
            return session;
        });
}

}  // namespace onton::http
