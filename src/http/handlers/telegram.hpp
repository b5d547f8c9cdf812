#pragma once
/// `POST /telegram/webhook`: Telegram's updates, accepted only with the configured secret token in
/// X-Telegram-Bot-Api-Secret-Token (no secret configured: the route refuses everything), parsed and handed to the
/// bot. An update the bot cannot act on is still answered 200, so that Telegram does not resend it forever.

#include <string>

#include "domain/bot/bot.hpp"
#include "http/router.hpp"

namespace onton::http {

struct TelegramRoutesDeps {
    bot::BotService& bot;
    std::string webhook_secret;
    std::string bot_username;  ///< commands addressed to another bot are ignored; empty accepts any
};

void AddTelegramRoutes(Router& router, TelegramRoutesDeps deps);

}  // namespace onton::http
