#include "domain/bot/bot.hpp"

#include "domain/notifications/language.hpp"

namespace onton::bot {

BotService::BotService(ports::Store& store,
                       ports::Messenger& messenger,
                       const ports::Clock& clock,
                       BotSettings settings,
                       BotHandlers handlers)
    : store_(store),
      messenger_(messenger),
      clock_(clock),
      settings_(std::move(settings)),
      handlers_(handlers) {}

Result<void> BotService::Reply(std::int64_t chat_id, std::string text, std::string button, std::string url) {
    ports::OutgoingMessage message;
    message.chat_id = chat_id;
    message.text = std::move(text);
    if (!button.empty() && !settings_.mini_app_url.empty()) {
        message.keyboard = ports::InlineKeyboard{{ports::InlineButton::WebApp(std::move(button), std::move(url))}};
    }
    auto sent = messenger_.SendMessage(message);
    if (!sent) return sent.error();
    return Ok();
}

Result<void> BotService::Handle(const telegram::Update& update) {
    const auto now = clock_.NowUnix();
    if (update.my_chat_member) {
        const auto& change = *update.my_chat_member;
        if (change.BlockedBot() || change.UnblockedBot()) {
            store_.Transact([&](ports::Transaction& tx) {
                tx.Execute("UPDATE users SET bot_blocked_at = $2 WHERE user_id = $1",
                           {change.from.id, change.BlockedBot() ? ports::SqlValue(now) : ports::SqlValue{}});
            });
        }
        return Ok();
    }
    if (update.pre_checkout_query) {
        // Telegram charges nobody until this is answered, and wants the answer within 10 seconds.
        if (handlers_.stars != nullptr) return handlers_.stars->AnswerPreCheckout(*update.pre_checkout_query);
        return messenger_.AnswerPreCheckoutQuery(
            update.pre_checkout_query->id, false, "Payments in Telegram Stars are not taken now.");
    }
    if (update.message && update.message->successful_payment) {
        if (handlers_.stars == nullptr || !update.message->from) {
            return Error{"payment.unsupported_currency", "a successful payment while Stars are not taken"};
        }
        auto credited = handlers_.stars->RecordSuccessfulPayment(
            *update.message->from, *update.message->successful_payment, update.message->date);
        if (!credited) return credited.error();
        return Ok();
    }
    if (update.callback_query) {
        if (handlers_.moderation != nullptr) {
            auto handled = handlers_.moderation->HandleCallback(*update.callback_query);
            if (!handled) return handled.error();
            if (*handled) return Ok();
        }
        return messenger_.AnswerCallbackQuery(update.callback_query->id, "", false);
    }
    if (!update.message || !update.message->command || !update.message->from ||
        update.message->chat.type != telegram::ChatType::kPrivate) {
        return Ok();
    }
    const auto& message = *update.message;
    const auto& command = *message.command;
    const bool ru = notifications::SpeaksRussian(message.from->language_code);
    const auto chat = message.chat.id;
    const auto& app = settings_.mini_app_url;
    if (command.name == "start") {
        const auto payload = telegram::ParseStartPayload(command.args);
        if (payload && payload->event_uuid) {
            return Reply(chat, ru ? "Откройте событие в Onton:" : "Open the event in Onton:",
                         ru ? "Открыть событие" : "Open the event", app + "#/events/" + *payload->event_uuid);
        }
        return Reply(chat,
                     ru ? "Добро пожаловать в Onton: события, билеты в TON и вход по QR-коду."
                        : "Welcome to Onton: events, tickets paid in TON, and check-in with a QR code.",
                     ru ? "Открыть Onton" : "Open Onton", app);
    }
    if (command.name == "help") {
        return Reply(chat,
                     ru ? "/start — открыть Onton\n/mytickets — мои билеты\n/help — эта справка"
                        : "/start — open Onton\n/mytickets — your tickets\n/help — this help",
                     "", "");
    }
    if (command.name == "mytickets") {
        const auto count = store_.Transact(
            [&](ports::Transaction& tx) {
                return ports::AsInt(
                    tx.Execute("SELECT count(*) FROM tickets WHERE holder_id = $1 AND status = 'valid'", {message.from->id})
                        .rows.at(0)[0]);
            },
            {.read_only = true});
        std::string text;
        if (count == 0) {
            text = ru ? "У вас пока нет билетов." : "You have no tickets yet.";
        } else {
            text = ru ? "Действующих билетов: " + std::to_string(count) + "."
                      : "You have " + std::to_string(count) + (count == 1 ? " valid ticket." : " valid tickets.");
        }
        return Reply(chat, text, ru ? "Мои билеты" : "My tickets", app + "#/tickets");
    }
    return Ok();
}

}  // namespace onton::bot
