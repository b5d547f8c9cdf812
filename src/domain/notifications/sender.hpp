#pragma once
/// Delivery of queued notifications (the `notifications` rows written by notifications::Queue in the transaction of
/// the change that caused them) through the Messenger port, in the user's language (English or Russian).
///
/// At most once: a row is claimed (compare-and-set on `claimed_at`, attempts + 1) in its own transaction before it
/// is handed to Telegram, and marked sent, skipped or failed after. A process that dies between the two leaves a
/// claimed row that SettleAbandoned later marks `failed` with `uncertain` (Telegram has no idempotency key, so
/// sending it again could send it twice). Failures that Telegram says are temporary (429 past the messenger's own
/// waiting, 5xx, network) release the claim and retry later with a doubling delay, up to max_attempts. A user who
/// blocked the bot (403) is marked (`users.bot_blocked_at`) and their notifications are skipped from then on.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"

namespace onton::notifications {

struct SenderSettings {
    std::string mini_app_url;           ///< the Mini App's URL; buttons open it at the right page (`#/events/<uuid>`)
    std::int64_t batch = 50;            ///< rows claimed per SendDue
    std::int64_t max_attempts = 5;      ///< then the row is `failed`
    std::int64_t retry_base_seconds = 30;  ///< the first retry's delay; doubles with each attempt
    std::int64_t abandoned_after_seconds = 15 * 60;  ///< a claim older than this was lost with its process
};

/// What a notification says: the text and its buttons. Pure.
struct Rendered {
    std::string text;
    ports::InlineKeyboard keyboard;
};
/// The message of `kind` with `payload` in `language` (an IETF tag; `ru…` gives Russian, anything else English).
/// Unknown kinds get a generic text, never an error: a new kind must not block the queue.
Rendered Render(std::string_view kind, const nlohmann::json& payload, std::string_view language,
                const std::string& mini_app_url);

struct SendTally {
    std::int64_t sent = 0;
    std::int64_t skipped = 0;   ///< the user blocked the bot
    std::int64_t failed = 0;    ///< permanently (bad request, unauthorized, attempts used up)
    std::int64_t retrying = 0;  ///< released for a later attempt
    [[nodiscard]] std::int64_t total() const noexcept { return sent + skipped + failed + retrying; }
};

class NotificationSender {
public:
    NotificationSender(ports::Store& store, ports::Messenger& messenger, const ports::Clock& clock,
                       SenderSettings settings);

    /// Claims up to `batch` due rows and delivers them one by one. Safe to run in several processes at once: a
    /// row is claimed by exactly one of them.
    SendTally SendDue();
    /// Claimed rows older than abandoned_after_seconds become `failed` (`uncertain: ...`); returns how many.
    std::int64_t SettleAbandoned();

private:
    ports::Store& store_;
    ports::Messenger& messenger_;
    const ports::Clock& clock_;
    SenderSettings settings_;
};

}  // namespace onton::notifications
