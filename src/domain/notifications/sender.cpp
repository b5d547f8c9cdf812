#include "domain/notifications/sender.hpp"

#include <algorithm>

#include "domain/notifications/language.hpp"

namespace onton::notifications {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kDueSql = R"(
SELECT notification_id FROM notifications
WHERE status = 'pending' AND claimed_at IS NULL AND scheduled_at <= $1
ORDER BY scheduled_at, notification_id LIMIT $2)";
// The claim: exactly one claimer wins a row.
constexpr std::string_view kClaimSql = R"(
UPDATE notifications SET claimed_at = $2, attempts = attempts + 1
WHERE notification_id = $1 AND status = 'pending' AND claimed_at IS NULL)";
constexpr std::string_view kClaimedSql = R"(
SELECT n.notification_id, n.user_id, n.kind, n.payload, n.attempts, u.language_code, u.bot_blocked_at
FROM notifications n JOIN users u ON u.user_id = n.user_id WHERE n.notification_id = $1)";
constexpr std::string_view kFinishSql = R"(
UPDATE notifications SET status = $2, sent_at = $3, telegram_message_id = $4, last_error = $5
WHERE notification_id = $1)";
constexpr std::string_view kReleaseSql = R"(
UPDATE notifications SET claimed_at = NULL, scheduled_at = $2, last_error = $3 WHERE notification_id = $1)";

std::string Field(const json& payload, const char* key) {
    const auto it = payload.find(key);
    return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Rendered Render(std::string_view kind, const json& payload, std::string_view language, const std::string& mini_app_url) {
    const bool ru = SpeaksRussian(language);
    const auto title = Field(payload, "title");
    const auto event_uuid = Field(payload, "event_uuid");
    const auto reason = Field(payload, "reason");
    Rendered out;
    std::string button;
    std::string page;
    if (kind == "registration.approved") {
        out.text = ru ? "Ваша заявка на «" + title + "» одобрена. Теперь можно взять билет."
                      : "Your registration for \"" + title + "\" was approved. You can get your ticket now.";
        button = ru ? "Открыть событие" : "Open the event";
        page = "events/" + event_uuid;
    } else if (kind == "registration.rejected") {
        out.text = ru ? "Ваша заявка на «" + title + "» отклонена." : "Your registration for \"" + title + "\" was declined.";
        if (!reason.empty()) out.text += ru ? "\nПричина: " + reason : "\nReason: " + reason;
        button = ru ? "Открыть событие" : "Open the event";
        page = "events/" + event_uuid;
    } else if (kind == "waitlist.offered") {
        out.text = ru ? "Освободилось место на «" + title + "». Оно закреплено за вами — успейте оформить заказ."
                      : "A seat for \"" + title + "\" is free and held for you: order it before the offer runs out.";
        button = ru ? "Взять билет" : "Get the ticket";
        page = "events/" + event_uuid;
    } else if (kind == "order.paid") {
        out.text = ru ? "Оплата получена. Ваш билет на «" + title + "» готов."
                      : "Payment received. Your ticket for \"" + title + "\" is ready.";
        button = ru ? "Мои билеты" : "My tickets";
        page = "tickets";
    } else if (kind == "event.reminder") {
        const bool soon = Field(payload, "lead") == "1h";
        out.text = ru ? (soon ? "«" + title + "» начинается меньше чем через час. Билет — в приложении."
                              : "Напоминание: «" + title + "» начнётся в ближайшие сутки.")
                      : (soon ? "\"" + title + "\" starts within the hour. Your ticket is in the app."
                              : "Reminder: \"" + title + "\" starts within 24 hours.");
        button = ru ? "Мой билет" : "My ticket";
        page = "tickets";
    } else if (kind == "event.changed") {
        out.text = ru ? "Организатор изменил «" + title + "»: проверьте время и место."
                      : "The organizer changed \"" + title + "\": check the time and place.";
        button = ru ? "Открыть событие" : "Open the event";
        page = "events/" + event_uuid;
    } else if (kind == "event.canceled") {
        out.text = ru ? "К сожалению, «" + title + "» отменено. Оплаченные билеты будут возвращены."
                      : "Sorry, \"" + title + "\" was canceled. Paid tickets will be refunded.";
        button = ru ? "Мои билеты" : "My tickets";
        page = "tickets";
    } else if (kind == "event.approved") {
        out.text = ru ? "«" + title + "» прошло модерацию и опубликовано." : "\"" + title + "\" passed moderation and is published.";
        button = ru ? "Открыть событие" : "Open the event";
        page = "events/" + event_uuid;
    } else if (kind == "event.rejected") {
        out.text = ru ? "«" + title + "» не прошло модерацию." : "\"" + title + "\" did not pass moderation.";
        if (!reason.empty()) out.text += ru ? "\nПричина: " + reason : "\nReason: " + reason;
        button = ru ? "Открыть событие" : "Open the event";
        page = "events/" + event_uuid;
    } else if (kind == "order.refunded") {
        out.text = ru ? "Ваш заказ на «" + title + "» отменён, оплата возвращается на кошелёк, с которого вы платили."
                      : "Your order for \"" + title + "\" was refunded: the payment is on its way back to the wallet you paid from.";
        button = ru ? "Мои заказы" : "My orders";
        page = "orders";
    } else if (kind == "reward.granted") {
        const auto points = payload.value("points", std::int64_t{0});
        const bool sbt = payload.value("sbt", false);
        out.text = ru ? "Спасибо, что были на «" + title + "»! Начислено баллов: " + std::to_string(points) + "." +
                            (sbt ? " Памятный SBT будет отправлен на ваш кошелёк." : "")
                      : "Thanks for coming to \"" + title + "\"! You earned " + std::to_string(points) + " points." +
                            (sbt ? " A soulbound token is on its way to your wallet." : "");
        button = ru ? "Мои награды" : "My rewards";
        page = "rewards";
    } else if (kind == "ticket.checked_in") {
        out.text = ru ? "Добро пожаловать на «" + title + "»! Вход отмечен."
                      : "Welcome to \"" + title + "\"! You are checked in.";
        button = ru ? "Мои билеты" : "My tickets";
        page = "tickets";
    } else {
        out.text = ru ? "У вас новое уведомление в Onton." : "You have a new notification in Onton.";
        button = ru ? "Открыть Onton" : "Open Onton";
    }
    if (!mini_app_url.empty()) {
        out.keyboard = {{ports::InlineButton::WebApp(button, page.empty() ? mini_app_url : mini_app_url + "#/" + page)}};
    }
    return out;
}

NotificationSender::NotificationSender(ports::Store& store,
                                       ports::Messenger& messenger,
                                       const ports::Clock& clock,
                                       SenderSettings settings)
    : store_(store), messenger_(messenger), clock_(clock), settings_(std::move(settings)) {}

SendTally NotificationSender::SendDue() {
    SendTally tally;
    const auto now = clock_.NowUnix();
    // Claim first, in a transaction of its own: once committed, a crash cannot make another process send it.
    const auto claimed = store_.Transact([&](ports::Transaction& tx) {
        std::vector<std::int64_t> ids;
        for (const auto& row : tx.Execute(kDueSql, {now, settings_.batch}).rows) {
            if (tx.Execute(kClaimSql, {AsInt(row[0]), now}).rows_affected == 1) ids.push_back(AsInt(row[0]));
        }
        return ids;
    });
    for (const auto id : claimed) {
        const auto rows = store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kClaimedSql, {id}); },
                                          {.read_only = true});
        if (rows.empty()) continue;
        const auto& r = rows.rows[0];
        const auto user_id = AsInt(r[1]);
        const auto attempts = AsInt(r[4]);
        // Marks the row done; a 403 also marks the user, so their next notifications are skipped unsent.
        const auto finish = [&](std::string status, std::optional<std::int64_t> message_id, const std::string& error,
                                bool blocked) {
            store_.Transact([&](ports::Transaction& tx) {
                const auto sent_at = status == "sent" ? ports::SqlValue(now) : ports::SqlValue{};
                tx.Execute(kFinishSql, {id, status, sent_at, ports::IntOrNull(message_id), ports::TextOrNull(error)});
                if (blocked) {
                    tx.Execute("UPDATE users SET bot_blocked_at = $2 WHERE user_id = $1 AND bot_blocked_at IS NULL",
                               {user_id, now});
                }
            });
        };
        if (AsOptionalInt(r[6])) {
            finish("skipped", std::nullopt, "the user has blocked the bot", false);
            ++tally.skipped;
            continue;
        }
        json payload = json::parse(AsText(r[3]), nullptr, false);
        if (payload.is_discarded()) payload = json::object();
        auto rendered = Render(AsText(r[2]), payload, AsOptionalText(r[5]).value_or(""), settings_.mini_app_url);
        ports::OutgoingMessage message;
        message.chat_id = user_id;  // a private chat's id is the user's
        message.text = std::move(rendered.text);
        if (!rendered.keyboard.empty()) message.keyboard = std::move(rendered.keyboard);
        const auto sent = messenger_.SendMessage(message);
        if (sent) {
            finish("sent", *sent, "", false);
            ++tally.sent;
            continue;
        }
        const auto& error = sent.error();
        if (error.code == ports::kMessengerBlocked) {
            finish("skipped", std::nullopt, "the user has blocked the bot", true);
            ++tally.skipped;
        } else if ((error.code == ports::kMessengerRateLimited || error.code == ports::kMessengerUnavailable) &&
                   attempts < settings_.max_attempts) {
            const auto delay = settings_.retry_base_seconds << std::min<std::int64_t>(attempts - 1, 20);
            store_.Transact([&](ports::Transaction& tx) {
                tx.Execute(kReleaseSql, {id, now + delay, error.code + ": " + error.message});
            });
            ++tally.retrying;
        } else {
            finish("failed", std::nullopt, error.code + ": " + error.message, false);
            ++tally.failed;
        }
    }
    return tally;
}

std::int64_t NotificationSender::SettleAbandoned() {
    const auto now = clock_.NowUnix();
    return store_.Transact([&](ports::Transaction& tx) {
        return tx
            .Execute("UPDATE notifications SET status = 'failed', last_error = $2 WHERE status = 'pending' AND "
                     "claimed_at IS NOT NULL AND claimed_at < $1",
                     {now - settings_.abandoned_after_seconds,
                      std::string("uncertain: the process stopped while sending; not sent again")})
            .rows_affected;
    });
}

}  // namespace onton::notifications
