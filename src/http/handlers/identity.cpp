#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

nlohmann::json SignedInJson(const identity::SignedIn& s) {
    return {{"token", s.token}, {"expires_at", s.expires_at}, {"user", identity::ToJson(s.user)}};
}

/// The Login Widget's object as the string pairs it was signed over: numbers by their decimal text.
Result<std::vector<std::pair<std::string, std::string>>> WidgetFields(const nlohmann::json& body) {
    if (!body.is_object()) return ValidationError("body", "expected the Login Widget's user object");
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& [key, value] : body.items()) {
        if (value.is_string()) {
            fields.emplace_back(key, value.get<std::string>());
        } else if (value.is_number_integer()) {
            fields.emplace_back(key, std::to_string(value.get<std::int64_t>()));
        } else {
            return ValidationError(key, "expected a string or an integer");
        }
    }
    return fields;
}

}  // namespace

Result<identity::Principal> Authorize(const Request& request, identity::IdentityService& identity) {
    return identity.Authenticate(identity::BearerToken(request.Header("Authorization")));
}

void AddIdentityRoutes(Router& router, identity::IdentityService& identity, identity::WalletLinkService& wallets) {
    router.Add(
        Verb::post,
        "/api/v1/auth/telegram",
        [&identity](const Request& req) {
            if (!req.json.is_object() || !req.json.contains("init_data") || !req.json["init_data"].is_string()) {
                return Response::FromError(ValidationError("init_data", "required, the raw Telegram.WebApp.initData string"),
                                           req.request_id);
            }
            auto signed_in = identity.SignInWithInitData(req.json["init_data"].get<std::string>());
            if (!signed_in) return Response::FromError(signed_in.error(), req.request_id);
            return Response::Json(Status::ok, SignedInJson(*signed_in));
        },
        {.json_body = true});

    router.Add(
        Verb::post,
        "/api/v1/auth/telegram-login",
        [&identity](const Request& req) {
            auto fields = WidgetFields(req.json);
            if (!fields) return Response::FromError(fields.error(), req.request_id);
            auto signed_in = identity.SignInWithLoginWidget(*fields);
            if (!signed_in) return Response::FromError(signed_in.error(), req.request_id);
            return Response::Json(Status::ok, SignedInJson(*signed_in));
        },
        {.json_body = true});

    router.Add(Verb::post, "/api/v1/auth/logout", [&identity](const Request& req) {
        const auto principal = Authorize(req, identity);
        if (!principal) return Response::FromError(principal.error(), req.request_id);
        (void)identity.SignOut(identity::BearerToken(req.Header("Authorization")));
        return Response::NoContent();
    });

    router.Add(Verb::get, "/api/v1/me", [&identity](const Request& req) {
        const auto principal = Authorize(req, identity);
        if (!principal) return Response::FromError(principal.error(), req.request_id);
        auto user = identity.GetUser(principal->user_id);
        if (!user) return Response::FromError(user.error(), req.request_id);
        return Response::Json(Status::ok, identity::ToJson(*user));
    });

    router.Add(Verb::post, "/api/v1/auth/ton-proof/payload", [&identity, &wallets](const Request& req) {
        const auto principal = Authorize(req, identity);
        if (!principal) return Response::FromError(principal.error(), req.request_id);
        const auto payload = wallets.IssuePayload(*principal);
        return Response::Json(Status::ok, {{"payload", payload.payload}, {"expires_at", payload.expires_at}});
    });

    router.Add(
        Verb::post,
        "/api/v1/auth/ton-proof",
        [&identity, &wallets](const Request& req) {
            const auto principal = Authorize(req, identity);
            if (!principal) return Response::FromError(principal.error(), req.request_id);
            auto linked = wallets.Link(*principal, req.raw.body());
            if (!linked) return Response::FromError(linked.error(), req.request_id);
            return Response::Json(Status::ok,
                                  {{"wallet",
                                    {{"address", linked->address},
                                     {"friendly_address", linked->friendly_address},
                                     {"network", std::to_string(linked->network)}}},
                                   {"user", identity::ToJson(linked->user)}});
        },
        {.json_body = true});

    router.Add(Verb::delete_, "/api/v1/me/wallet", [&identity, &wallets](const Request& req) {
        const auto principal = Authorize(req, identity);
        if (!principal) return Response::FromError(principal.error(), req.request_id);
        auto user = wallets.Unlink(*principal);
        if (!user) return Response::FromError(user.error(), req.request_id);
        return Response::Json(Status::ok, identity::ToJson(*user));
    });
}

}  // namespace onton::http
