#include "http/handlers/telegram.hpp"

#include <spdlog/spdlog.h>

#include "telegram/webhook.hpp"

namespace onton::http {

void AddTelegramRoutes(Router& router, TelegramRoutesDeps deps) {
    router.Add(
        Verb::post,
        "/telegram/webhook",
        [deps](const Request& req) {
            const auto header = req.Header(telegram::kWebhookSecretHeader);
            const auto received = header.empty() ? std::optional<std::string_view>{} : std::optional(header);
            if (!telegram::VerifyWebhookSecret(received, deps.webhook_secret)) {
                return Fail({"auth.invalid", "the webhook secret token does not match"}, req);
            }
            telegram::UpdateOptions options;
            options.bot_username = deps.bot_username;
            auto update = telegram::ParseUpdate(req.raw.body(), options);
            if (!update) return Fail(update.error(), req);
            if (auto handled = deps.bot.Handle(*update); !handled) {
                spdlog::warn("telegram update {} not answered: {} ({})", update->update_id, handled.error().code,
                             handled.error().message);
            }
            return Response::Json(Status::ok, {{"ok", true}});
        },
        {.max_body_bytes = telegram::kMaxUpdateBytes});
}

}  // namespace onton::http
