#pragma once
/// Events and ticket types: organizers create drafts, add ticket types, publish, edit, cancel and clone; anyone
/// discovers published public events. Every write checks that the caller manages the event (owner, co-organizer
/// or admin). Validation errors name the field (`request.validation_failed`, details.field).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "domain/moderation/rules.hpp"
#include "domain/money/money.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"
#include "ports/store.hpp"

namespace onton::events {

struct TicketType {
    std::int64_t id = 0;
    std::int64_t event_id = 0;
    std::string name;
    std::string description;
    money::Money price;  ///< in the smallest unit of its currency (nanotons, micro-USDT, Stars); 0: free
    std::optional<std::int64_t> supply;  ///< nullopt: unlimited
    std::int64_t sold = 0;
    std::int64_t reserved = 0;
    std::optional<std::int64_t> per_user_limit;
    std::optional<std::int64_t> sale_start;
    std::optional<std::int64_t> sale_end;
    bool is_nft = false;
    bool transferable = true;  ///< holders may hand the ticket to another Telegram user
    /// public: offered on the event's page; hidden: shown only to the event's managers and to a caller who
    /// has `access_code`, and sold only with it (POST /orders `access_code`).
    std::string visibility = "public";
    std::string access_code;  ///< made when the type first turns hidden; "" until then
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct Event {
    std::int64_t event_id = 0;
    std::string event_uuid;
    std::int64_t owner_id = 0;
    std::string title;
    std::string subtitle;
    std::string description;
    std::string image_url;
    std::string location;
    std::string online_link;
    std::int64_t start_date = 0;
    std::int64_t end_date = 0;
    std::string timezone = "UTC";
    std::string participation_type = "in_person";  ///< in_person | online
    std::optional<std::int64_t> capacity;
    std::string visibility = "public";  ///< public | unlisted
    std::string status = "draft";       ///< draft | pending_moderation | published | rejected | canceled | ended
    std::string category;
    std::vector<std::string> tags;
    std::int64_t reward_points = 0;
    bool reward_sbt = false;
    bool requires_approval = false;  ///< guests apply and the organizer approves before they may order
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<TicketType> ticket_types;  ///< filled by Get
    bool caller_manages = false;  ///< filled by Get and List(mine): the caller may see private fields
    /// Filled by List(mine): owner | co_organizer | checkin_staff (staff only check guests in) | admin.
    std::string caller_role;
};

/// `include_private`: the access code of a hidden type, for the event's managers.
nlohmann::json ToJson(const TicketType& t, bool include_private = false);
/// `include_private`: the online link and sales figures, for the event's managers and ticket holders.
nlohmann::json ToJson(const Event& e, bool include_private);

struct ListQuery {
    std::string when = "upcoming";  ///< upcoming | ongoing | past | all
    std::string q;                  ///< case-insensitive substring of title or description
    std::string category;
    std::string participation_type;
    bool mine = false;  ///< events the caller owns, co-organizes or checks guests in at, every status
    std::string cursor;
    std::int64_t limit = 20;
};

struct Page {
    std::vector<Event> items;
    std::string next_cursor;  ///< empty on the last page
};

/// An event held for a human look, as admins list them.
struct ModerationItem {
    std::int64_t report_id = 0;
    std::string event_uuid;
    std::string title;
    std::int64_t owner_id = 0;
    std::string reason;
    std::int64_t created_at = 0;
};
nlohmann::json ToJson(const ModerationItem& item);

class EventService {
public:
 /// `moderation`: the rules an event's texts pass when it is published or its published texts change; an
 /// event that fails them waits in `pending_moderation` for an admin (admins' own events are not held).
 /// `currencies`: what ticket types may be priced in (TON always; USDT and Stars when the platform can take
 /// them); another currency is a validation error naming the accepted ones.
 EventService(ports::Store& store,
              const ports::Clock& clock,
              ports::Random& random,
              moderation::Rules moderation = {},
              std::vector<money::Currency> currencies = {money::Currency::kTon});

 [[nodiscard]] Result<Event> Create(const identity::Principal& caller, const nlohmann::json& body);
 [[nodiscard]] Result<Event> Update(const identity::Principal& caller,
                                    const std::string& event_uuid,
                                    const nlohmann::json& patch);
 /// Published events (public or unlisted) for anyone; others only for their managers. Includes ticket types:
 /// all of them for managers, else the public ones and the hidden one whose access code is `access_code`.
 [[nodiscard]] Result<Event> Get(const std::optional<identity::Principal>& caller,
                                 const std::string& event_uuid,
                                 const std::string& access_code = "");
 /// draft or rejected → published, or → pending_moderation when the texts fail the moderation rules. Needs at
 /// least one ticket type and a start in the future.
 [[nodiscard]] Result<Event> Publish(const identity::Principal& caller, const std::string& event_uuid);
 [[nodiscard]] Result<Event> Cancel(const identity::Principal& caller, const std::string& event_uuid);
 /// A new draft with the same fields and ticket types (counters reset), owned by the caller.
 [[nodiscard]] Result<Event> Clone(const identity::Principal& caller, const std::string& event_uuid);
 [[nodiscard]] Result<Page> List(const std::optional<identity::Principal>& caller, const ListQuery& query);

 [[nodiscard]] Result<TicketType> AddTicketType(const identity::Principal& caller,
                                                const std::string& event_uuid,
                                                const nlohmann::json& body);

 /// Edits a ticket type (managers; the fields of AddTicketType, each optional). Price, currency and the NFT
 /// flag change only while none is sold or reserved; supply never goes below sold + reserved. Errors:
 /// not_found, auth.forbidden, request.validation_failed (details.field), conflict (a taken name, or a change
 /// that sales forbid), state.invalid_transition (a canceled or ended event).
 [[nodiscard]] Result<TicketType> UpdateTicketType(const identity::Principal& caller,
                                                   const std::string& event_uuid,
                                                   std::int64_t ticket_type_id,
                                                   const nlohmann::json& patch);
 /// Deletes a ticket type nobody ever ordered (managers). Once an order names it, it can only be hidden:
 /// `conflict` says so.
 [[nodiscard]] Result<void> DeleteTicketType(const identity::Principal& caller,
                                             const std::string& event_uuid,
                                             std::int64_t ticket_type_id);

 /// Co-organizers and check-in staff, granted and revoked by the owner (or an admin).
 [[nodiscard]] Result<void> GrantRole(const identity::Principal& caller,
                                      const std::string& event_uuid,
                                      std::int64_t user_id,
                                      const std::string& role);
 /// The same for a user known by their Telegram @username (with or without the @, any case): `not_found`
 /// (details.field username) when no user of that name has signed in to the platform.
 [[nodiscard]] Result<void> GrantRoleByUsername(const identity::Principal& caller,
                                                const std::string& event_uuid,
                                                const std::string& username,
                                                const std::string& role);
 [[nodiscard]] Result<void> RevokeRole(const identity::Principal& caller,
                                       const std::string& event_uuid,
                                       std::int64_t user_id,
                                       const std::string& role);
 [[nodiscard]] Result<nlohmann::json> ListRoles(const identity::Principal& caller,
                                                const std::string& event_uuid);

 /// Admins: the events waiting for moderation, oldest first.
 [[nodiscard]] Result<std::vector<ModerationItem>> PendingModeration(const identity::Principal& caller);
 /// Admins: pending_moderation → published (approve) or rejected (with a reason the owner is told).
 [[nodiscard]] Result<Event> Moderate(const identity::Principal& caller,
                                      const std::string& event_uuid,
                                      bool approve,
                                      const std::string& reason);

 /// Owner, co-organizer or admin: may edit, publish, see guests.
 [[nodiscard]] static bool CanManage(ports::Transaction& tx,
                                     const identity::Principal& caller,
                                     const Event& e);
 /// CanManage or check-in staff.
 [[nodiscard]] static bool CanCheckIn(ports::Transaction& tx,
                                      const identity::Principal& caller,
                                      const Event& e);

private:
    /// The row-lock clause for read-modify-write lookups on this store.
    [[nodiscard]] std::string_view Lock() const noexcept;

    /// Holds a published (or to-be-published) event for moderation when its texts fail the rules; true if held.
    bool HoldIfFlagged(ports::Transaction& tx, const identity::Principal& caller, Event& e, std::int64_t now);

    ports::Store& store_;
    const ports::Clock& clock_;
    ports::Random& random_;
    moderation::Rules moderation_;
    std::vector<money::Currency> currencies_;
};

}  // namespace onton::events
