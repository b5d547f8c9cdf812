#include "domain/bot/moderation.hpp"

#include <charconv>

#include "domain/identity/identity.hpp"

namespace onton::bot {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kApprovePrefix = "mod:approve:";
constexpr std::string_view kRejectPrefix = "mod:reject:";
/// What an announcement quotes of the description.
constexpr std::size_t kExcerptBytes = 300;

constexpr std::string_view kDueSql = R"(
SELECT r.report_id, e.event_uuid, e.title, e.description, r.reason, e.owner_id, u.username
FROM moderation_reports r
JOIN events e ON e.event_id = r.event_id
LEFT JOIN users u ON u.user_id = e.owner_id
LEFT JOIN moderation_announcements a ON a.report_id = r.report_id
WHERE r.status = 'open' AND e.status = 'pending_moderation' AND a.report_id IS NULL
ORDER BY r.report_id
LIMIT $1)";

std::string Excerpt(const std::string& text) {
    if (text.size() <= kExcerptBytes) return text;
    std::size_t cut = kExcerptBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // whole characters
    return text.substr(0, cut) + "\xE2\x80\xA6";
}

std::string Who(std::int64_t user_id, const std::optional<std::string>& username) {
    return username && !username->empty() ? "@" + *username : "user " + std::to_string(user_id);
}

}  // namespace

std::string ModerationCallbackData(std::int64_t report_id, bool approve) {
    return std::string(approve ? kApprovePrefix : kRejectPrefix) + std::to_string(report_id);
}

std::optional<ModerationChoice> ParseModerationCallback(std::string_view data) {
    ModerationChoice choice;
    if (data.starts_with(kApprovePrefix)) {
        choice.approve = true;
        data.remove_prefix(kApprovePrefix.size());
    } else if (data.starts_with(kRejectPrefix)) {
        data.remove_prefix(kRejectPrefix.size());
    } else {
        return std::nullopt;
    }
    const auto parsed = std::from_chars(data.data(), data.data() + data.size(), choice.report_id);
    if (data.empty() || parsed.ec != std::errc{} || parsed.ptr != data.data() + data.size() ||
        choice.report_id <= 0) {
        return std::nullopt;
    }
    return choice;
}

ModerationDesk::ModerationDesk(ports::Store& store,
                               ports::Messenger& messenger,
                               events::EventService& events,
                               const ports::Clock& clock,
                               ModerationDeskSettings settings)
    : store_(store), messenger_(messenger), events_(events), clock_(clock), settings_(settings) {}

AnnounceTally ModerationDesk::AnnounceDue(std::int64_t batch) {
    return ModerationAnnouncer(store_, messenger_, clock_, settings_).AnnounceDue(batch);
}

ModerationAnnouncer::ModerationAnnouncer(ports::Store& store,
                                         ports::Messenger& messenger,
                                         const ports::Clock& clock,
                                         ModerationDeskSettings settings)
    : store_(store), messenger_(messenger), clock_(clock), settings_(settings) {}

AnnounceTally ModerationAnnouncer::AnnounceDue(std::int64_t batch) {
    AnnounceTally tally;
    if (settings_.chat_id == 0) return tally;
    const auto due = store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kDueSql, {batch}); },
                                     {.read_only = true});
    for (const auto& row : due.rows) {
        const auto report_id = AsInt(row[0]);
        const auto now = clock_.NowUnix();
        const bool claimed = store_.Transact([&](ports::Transaction& tx) {
            return tx.Execute(
                         "INSERT INTO moderation_announcements (report_id, chat_id, state, created_at, "
                         "updated_at) VALUES ($1, $2, 'sending', $3, $3) ON CONFLICT (report_id) DO NOTHING",
                         {report_id, settings_.chat_id, now})
                       .rows_affected == 1;
        });
        if (!claimed) continue;  // another process has it

        ports::OutgoingMessage message;
        message.chat_id = settings_.chat_id;
        message.disable_link_preview = true;
        message.text = "Held for moderation: " + AsText(row[2]) + "\nEvent " + AsText(row[1]) + " by " +
                       Who(AsInt(row[5]), AsOptionalText(row[6])) + "\nReasons: " + AsText(row[4]);
        if (const auto description = AsOptionalText(row[3]); description && !description->empty()) {
            message.text += "\n\n" + Excerpt(*description);
        }
        message.keyboard = ports::InlineKeyboard{
            {ports::InlineButton::Callback("Approve", ModerationCallbackData(report_id, true)),
             ports::InlineButton::Callback("Reject", ModerationCallbackData(report_id, false))}};
        const auto sent = messenger_.SendMessage(message);
        store_.Transact([&](ports::Transaction& tx) {
            if (sent) {
                tx.Execute(
                    "UPDATE moderation_announcements SET state = 'sent', message_id = $2, updated_at = $3 "
                    "WHERE report_id = $1",
                    {report_id, *sent, clock_.NowUnix()});
                ++tally.sent;
            } else if (sent.error().code == ports::kMessengerUnavailable ||
                       sent.error().code == ports::kMessengerRateLimited) {
                // Nothing reached the chat (or we cannot tell): drop the claim and try again on the next
                // pass.
                tx.Execute("DELETE FROM moderation_announcements WHERE report_id = $1 AND state = 'sending'",
                           {report_id});
                ++tally.retrying;
            } else {
                tx.Execute(
                    "UPDATE moderation_announcements SET state = 'failed', last_error = $2, updated_at = $3 "
                    "WHERE report_id = $1",
                    {report_id, sent.error().message, clock_.NowUnix()});
                ++tally.failed;
            }
        });
    }
    return tally;
}

Result<bool> ModerationDesk::HandleCallback(const telegram::CallbackQuery& query) {
    const auto choice = ParseModerationCallback(query.data);
    if (!choice) return false;
    const auto answer = [&](const std::string& text, bool alert) -> Result<bool> {
        auto answered = messenger_.AnswerCallbackQuery(query.id, text, alert);
        if (!answered) return answered.error();
        return true;
    };
    const auto found = store_.Transact(
        [&](ports::Transaction& tx) {
            const auto role = tx.Execute("SELECT role FROM users WHERE user_id = $1", {query.from.id});
            const auto report = tx.Execute(
                "SELECT r.status, e.event_uuid, e.title, r.reason, a.chat_id, a.message_id "
                "FROM moderation_reports r JOIN events e ON e.event_id = r.event_id "
                "LEFT JOIN moderation_announcements a ON a.report_id = r.report_id WHERE r.report_id = $1",
                {choice->report_id});
            return std::make_pair(role, report);
        },
        {.read_only = true});
    const auto& [role, report] = found;
    const bool admin =
        !role.empty() && identity::ParseRole(AsText(role.rows[0][0])) == identity::Role::kAdmin;
    if (!admin) return answer("Only Onton admins can moderate events.", true);
    if (report.empty()) return answer("This event no longer exists.", true);
    const auto& r = report.rows[0];
    if (AsText(r[0]) != "open") return answer("Already decided: " + AsText(r[0]) + ".", true);

    const identity::Principal admin_principal{query.from.id, identity::Role::kAdmin, 0};
    const auto reason = "Rejected by a moderator (" + AsText(r[3]) + ")";
    auto decided =
        events_.Moderate(admin_principal, AsText(r[1]), choice->approve, choice->approve ? "" : reason);
    if (!decided) {
        if (decided.error().code == "state.invalid_transition") {
            return answer("Already decided: " + decided.error().message + ".", true);
        }
        return answer("Not decided: " + decided.error().message, true);
    }

    const auto who = query.from.username.empty() ? query.from.first_name : "@" + query.from.username;
    const auto text = std::string(choice->approve ? "Approved" : "Rejected") + " by " + who + ": " +
                      AsText(r[2]) + "\nEvent " + AsText(r[1]) + " is now " + decided->status + ".";
    // The message the button was on; failing that, the announcement's own record of it.
    const auto chat = query.chat_id ? query.chat_id : AsOptionalInt(r[4]);
    const auto message_id = query.message_id ? query.message_id : AsOptionalInt(r[5]);
    if (chat && message_id) {
        // The decision stands whatever Telegram says about the edit; the answer below still tells the admin.
        (void)messenger_.EditMessageText(*chat, *message_id, text, std::nullopt);
    }
    return answer(choice->approve ? "Approved." : "Rejected.", false);
}

}  // namespace onton::bot
