#pragma once
/// Moderation through the bot (docs/moderation.md "From Telegram"): events held for moderation are announced
/// to the admins' chat with Approve and Reject buttons, and a button pressed by an admin decides, once.
///
/// - Announcing: every open report of an event in `pending_moderation` (one per flagged version) is announced
/// once,
///   also across restarts: a `moderation_announcements` row is claimed before the message goes (so two
///   processes never both send it) and then marked `sent` with Telegram's message id. Telegram unavailable or
///   flood control: the claim is dropped and the next pass tries again. Refused for good (400, 403): `failed`
///   with the reason. A process that dies between the claim and the mark leaves `sending`: at most once,
///   never twice.
/// - Deciding: callback data `mod:approve:<report_id>` or `mod:reject:<report_id>`. Only users with the admin
/// role
///   decide (others get an alert); the decision is EventService::Moderate (its compare-and-set on the event's
///   status makes it happen once, also under two admins clicking at the same time); a report already decided,
///   or an event no longer waiting, answers "already decided". The announcement is edited to the outcome
///   (buttons gone) and the callback answered.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "domain/events/events.hpp"
#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"
#include "telegram/webhook.hpp"

namespace onton::bot {

struct ModerationDeskSettings {
    std::int64_t chat_id = 0;  ///< the admins' chat (ONTON_MODERATION_CHAT_ID); 0: nothing is announced
};

struct AnnounceTally {
    std::int64_t sent = 0;
    std::int64_t failed = 0;
    std::int64_t retrying = 0;
};

/// A button's decision: which report, approve or reject.
struct ModerationChoice {
    std::int64_t report_id = 0;
    bool approve = false;
};
/// `mod:approve:<id>` / `mod:reject:<id>` (at most 64 bytes, Telegram's callback_data limit).
[[nodiscard]] std::string ModerationCallbackData(std::int64_t report_id, bool approve);
/// The inverse of ModerationCallbackData; nullopt for any other data.
[[nodiscard]] std::optional<ModerationChoice> ParseModerationCallback(std::string_view data);

/// The announcing half of the desk, which needs no EventService: the `moderation` worker runs it (`onton
/// worker`, or `onton serve` on the embedded default; docs/moderation.md). Each announcement is claimed by a
/// row before it is sent, so any number of processes may run it at once.
class ModerationAnnouncer {
   public:
    /// `store`, `messenger` and `clock` must outlive this object.
    ModerationAnnouncer(ports::Store& store,
                        ports::Messenger& messenger,
                        const ports::Clock& clock,
                        ModerationDeskSettings settings);

    /// Announces up to `batch` reports not announced yet; nothing when the chat id is 0. Blocks on the
    /// messenger: call it from a worker thread.
    AnnounceTally AnnounceDue(std::int64_t batch = 20);

   private:
    ports::Store& store_;
    ports::Messenger& messenger_;
    const ports::Clock& clock_;
    ModerationDeskSettings settings_;
};

class ModerationDesk {
   public:
    ModerationDesk(ports::Store& store,
                   ports::Messenger& messenger,
                   events::EventService& events,
                   const ports::Clock& clock,
                   ModerationDeskSettings settings);

    /// Announces up to `batch` reports not announced yet (ModerationAnnouncer::AnnounceDue).
    AnnounceTally AnnounceDue(std::int64_t batch = 20);

    /// Acts on a button press. Ok(false) when the data is not a moderation button (the caller answers it);
    /// otherwise the callback is answered here and Ok(true) returned. Errors are the messenger's.
    Result<bool> HandleCallback(const telegram::CallbackQuery& query);

   private:
    ports::Store& store_;
    ports::Messenger& messenger_;
    events::EventService& events_;
    const ports::Clock& clock_;
    ModerationDeskSettings settings_;
};

}  // namespace onton::bot
