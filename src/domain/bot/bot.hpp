#pragma once
/// The bot's side of a conversation: what Onton answers to a webhook update. `/start` (with an `event_<uuid>`
/// deep link opening that event) answers with a button that opens the Mini App, `/help` lists the commands,
/// `/mytickets` counts the user's valid tickets with a button to them; a user blocking or unblocking the bot
/// in their private chat is recorded (users.bot_blocked_at), so notifications skip or resume. English or
/// Russian by the sender's language. Telegram Stars (pre_checkout_query, message.successful_payment) go to
/// the Stars payments and moderation buttons (callback_query) to the moderation desk, when they are given.
/// Everything else is acknowledged and ignored.

#include <string>

#include "common/result.hpp"
#include "domain/bot/moderation.hpp"
#include "domain/payments/stars.hpp"
#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"
#include "telegram/webhook.hpp"

namespace onton::bot {

struct BotSettings {
    std::string mini_app_url;  ///< `<public url>/app`
};

/// The services updates other than commands go to; each may be null.
struct BotHandlers {
    /// Stars payments; null: a pre-checkout query is refused ("not taken") and a successful payment is an
    /// error.
    payments::StarsPayments* stars = nullptr;
    /// Moderation buttons; null: a button press is answered with nothing.
    ModerationDesk* moderation = nullptr;
};

class BotService {
public:
 BotService(ports::Store& store,
            ports::Messenger& messenger,
            const ports::Clock& clock,
            BotSettings settings,
            BotHandlers handlers = {});

 /// Acts on one update. Errors are the messenger's (the caller logs them; Telegram is answered 200 anyway, so
 /// it does not resend an update we cannot act on).
 Result<void> Handle(const telegram::Update& update);

private:
    Result<void> Reply(std::int64_t chat_id, std::string text, std::string button, std::string url);

    ports::Store& store_;
    ports::Messenger& messenger_;
    const ports::Clock& clock_;
    BotSettings settings_;
    BotHandlers handlers_;
};

}  // namespace onton::bot
