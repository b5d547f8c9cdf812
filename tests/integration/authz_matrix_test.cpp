// The authorization matrix, over HTTP against the real binary: every route the server has is a row of one
// table (the test fails when the router and the table disagree, so a new route cannot be added without
// deciding who may call it). For every organizer route, another organizer gets 403 or 404 on Alice's event
// and changes nothing; her check-in staff may check guests in but not edit; her co-organizer may edit but not
// hand out or take away roles (there is no route that deletes an event or transfers its ownership). A
// participant's own orders and tickets are closed to everyone else, and the admin routes to non-admins.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "support/all_routes.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

constexpr std::int64_t kAlice = 701;    ///< owns the event
constexpr std::int64_t kBob = 702;      ///< an organizer of his own event: a stranger to Alice's
constexpr std::int64_t kCarol = 703;    ///< Alice's co-organizer
constexpr std::int64_t kSam = 704;      ///< Alice's check-in staff
constexpr std::int64_t kGuest = 705;    ///< approved, holds a ticket
constexpr std::int64_t kApplier = 706;  ///< applied, waiting for a decision

/// Who a route is for.
enum class Scope {
    kOrganizer,  ///< manages or checks in one event: the matrix below
    kOwn,        ///< a participant's own order or ticket, named in the path: nobody else's business
    kAdmin,      ///< platform admins only
    kSelf,       ///< the caller's own data (me, sign-in, orders they place, applying, waiting lists)
    kPublic,     ///< anyone (public event data, static files, health, metadata, the webhook's own secret)
};

/// What a caller may do with a route of Alice's event.
enum class May { kYes, kNo };

struct Row {
    std::string method;
    std::string pattern;
    Scope scope;
    May staff = May::kNo;         ///< kOrganizer rows: Alice's check-in staff
    May co_organizer = May::kNo;  ///< kOrganizer rows: Alice's co-organizer
};

/// Every route of the server. Adding a route to the router without a row here fails RoutesAndTableAgree.
const std::vector<Row>& Table() {
    static const std::vector<Row> kTable = {
        // Alice's event, managed: edit, publish, cancel, clone, ticket types, roles, guests, stats, check-in
        // ...
        {"PATCH", "/api/v1/events/{event_uuid}", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/publish", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/cancel", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/clone", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/ticket-types", Scope::kOrganizer, May::kNo, May::kYes},
        {"PATCH", "/api/v1/events/{event_uuid}/ticket-types/{id}", Scope::kOrganizer, May::kNo, May::kYes},
        {"DELETE", "/api/v1/events/{event_uuid}/ticket-types/{id}", Scope::kOrganizer, May::kNo, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/roles", Scope::kOrganizer, May::kNo, May::kYes},
        // Roles are the owner's alone: a co-organizer cannot make, or unmake, anyone.
        {"POST", "/api/v1/events/{event_uuid}/roles", Scope::kOrganizer, May::kNo, May::kNo},
        {"DELETE",
         "/api/v1/events/{event_uuid}/roles/{user_id}/{role}",
         Scope::kOrganizer,
         May::kNo,
         May::kNo},
        {"GET", "/api/v1/events/{event_uuid}/guests", Scope::kOrganizer, May::kYes, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/guests.csv", Scope::kOrganizer, May::kYes, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/stats", Scope::kOrganizer, May::kNo, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/sales", Scope::kOrganizer, May::kNo, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/orders", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/orders/{uuid}/refund", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/check-in", Scope::kOrganizer, May::kYes, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/check-in/undo", Scope::kOrganizer, May::kYes, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/check-in-key", Scope::kOrganizer, May::kYes, May::kYes},
        {"PUT", "/api/v1/events/{event_uuid}/checkin-phrase", Scope::kOrganizer, May::kNo, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/promo-codes", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST", "/api/v1/events/{event_uuid}/promo-codes", Scope::kOrganizer, May::kNo, May::kYes},
        {"PUT", "/api/v1/events/{event_uuid}/image", Scope::kOrganizer, May::kNo, May::kYes},
        {"GET", "/api/v1/events/{event_uuid}/registrations", Scope::kOrganizer, May::kNo, May::kYes},
        {"POST",
         "/api/v1/events/{event_uuid}/registrations/{user_id}/approve",
         Scope::kOrganizer,
         May::kNo,
         May::kYes},
        {"POST",
         "/api/v1/events/{event_uuid}/registrations/{user_id}/reject",
         Scope::kOrganizer,
         May::kNo,
         May::kYes},

        // A participant's own order or ticket.
        {"GET", "/api/v1/orders/{uuid}", Scope::kOwn},
        {"POST", "/api/v1/orders/{uuid}/cancel", Scope::kOwn},
        {"GET", "/api/v1/orders/{uuid}/jetton-transfer", Scope::kOwn},
        {"POST", "/api/v1/orders/{uuid}/stars-invoice", Scope::kOwn},
        {"POST", "/api/v1/tickets/{ticket_id}/transfer", Scope::kOwn},

        // Platform admins.
        {"GET", "/api/v1/admin/moderation", Scope::kAdmin},
        {"POST", "/api/v1/admin/events/{event_uuid}/approve", Scope::kAdmin},
        {"POST", "/api/v1/admin/events/{event_uuid}/reject", Scope::kAdmin},
        {"POST", "/api/v1/admin/orders/{uuid}/refund", Scope::kAdmin},

        // The caller's own data and actions.
        {"POST", "/api/v1/auth/telegram", Scope::kSelf},
        {"POST", "/api/v1/auth/telegram-login", Scope::kSelf},
        {"POST", "/api/v1/auth/logout", Scope::kSelf},
        {"POST", "/api/v1/auth/ton-proof/payload", Scope::kSelf},
        {"POST", "/api/v1/auth/ton-proof", Scope::kSelf},
        {"GET", "/api/v1/me", Scope::kSelf},
        {"DELETE", "/api/v1/me/wallet", Scope::kSelf},
        {"GET", "/api/v1/me/orders", Scope::kSelf},
        {"GET", "/api/v1/me/tickets", Scope::kSelf},
        {"GET", "/api/v1/me/rewards", Scope::kSelf},
        {"GET", "/api/v1/me/waitlist", Scope::kSelf},
        {"POST", "/api/v1/events", Scope::kSelf},
        {"POST", "/api/v1/orders", Scope::kSelf},
        {"POST", "/api/v1/events/{event_uuid}/registrations", Scope::kSelf},
        {"GET", "/api/v1/events/{event_uuid}/registrations/me", Scope::kSelf},
        {"POST", "/api/v1/events/{event_uuid}/self-check-in", Scope::kSelf},
        {"POST", "/api/v1/events/{event_uuid}/ticket-types/{ticket_type_id}/waitlist", Scope::kSelf},
        {"DELETE", "/api/v1/events/{event_uuid}/ticket-types/{ticket_type_id}/waitlist", Scope::kSelf},
        {"GET", "/api/v1/ws", Scope::kSelf},

        // Public.
        {"GET", "/api/v1/events", Scope::kPublic},
        {"GET", "/api/v1/events/{event_uuid}", Scope::kPublic},
        {"GET", "/api/v1/events/{event_uuid}/calendar.ics", Scope::kPublic},
        {"GET", "/api/v1/openapi.yaml", Scope::kPublic},
        {"GET", "/api/v1/version", Scope::kPublic},
        {"GET", "/healthz", Scope::kPublic},
        {"GET", "/readyz", Scope::kPublic},
        {"GET", "/metrics", Scope::kPublic},
        {"GET", "/media/{name}", Scope::kPublic},
        {"GET", "/nft/events/{event_uuid}/collection.json", Scope::kPublic},
        {"GET", "/nft/events/{event_uuid}/items/{file}", Scope::kPublic},
        {"GET", "/nft/events/{event_uuid}/sbt/collection.json", Scope::kPublic},
        {"GET", "/nft/events/{event_uuid}/sbt/items/{file}", Scope::kPublic},
        {"GET", "/events/{event_uuid}", Scope::kPublic},
        {"GET", "/tonconnect-manifest.json", Scope::kPublic},
        {"POST", "/telegram/webhook", Scope::kPublic},
    };
    return kTable;
}

/// The server's routes as `METHOD pattern`, from the same AddAllRoutes the binary calls.
std::set<std::string> RouterRoutes() {
    std::set<std::string> out;
    for (const auto& route : AllRoutes()) {
        out.insert(std::string(boost::beast::http::to_string(route.method)) + " " + route.pattern);
    }
    return out;
}

TEST(AuthzMatrix, RoutesAndTableAgree) {
    const auto routes = RouterRoutes();
    ASSERT_GT(routes.size(), 40U);
    std::set<std::string> rows;
    for (const auto& row : Table()) {
        EXPECT_TRUE(rows.insert(row.method + " " + row.pattern).second) << "two rows for " << row.pattern;
    }
    for (const auto& route : routes) {
        EXPECT_TRUE(rows.count(route) == 1)
            << route << " has no row in the authorization table: decide who may call it";
    }
    for (const auto& row : rows)
        EXPECT_TRUE(routes.count(row) == 1) << row << " is in the table but not routed";
}

/// Alice's published event (organizer approval required) with her co-organizer and staff, a guest holding a
/// ticket (approved, bought), a pending applicant, a spare ticket type nobody bought, and a promo code.
struct Fixture {
    std::string event_uuid;
    std::int64_t ticket_type_id = 0;  ///< the guest's
    std::int64_t spare_type_id = 0;   ///< nobody's: may be edited or deleted
    std::string order_uuid;           ///< the guest's (free, paid)
    std::int64_t ticket_id = 0;
    std::string check_in_code;
};

class AuthzMatrixApi : public ::testing::Test {
   protected:
    void SetUp() override {
        // A bot token, so that the server has every route the table names (Telegram Stars need one); its Bot
        // API is a closed port: nothing here is sent to Telegram.
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_BOT_TOKEN", "123456:authz-matrix"},
                {"ONTON_BOT_API_URL", "http://127.0.0.1:9"}};
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
        for (const auto& [id, name] :
             std::vector<std::pair<std::int64_t, std::string>>{{kAlice, "alice"},
                                                               {kBob, "bob"},
                                                               {kCarol, "carol"},
                                                               {kSam, "sam"},
                                                               {kGuest, "guest"},
                                                               {kApplier, "applier"}}) {
            tokens_[id] = SignIn(id, name);
        }
        // Bob is an organizer in his own right.
        ASSERT_EQ(Call("POST", "/api/v1/events", kBob, EventBody()).result_int(), 201U);
    }

    std::string SignIn(std::int64_t id, const std::string& username) {
        auto r =
            RunOnton({"admin", "init-data", "--user-id", std::to_string(id), "--username", username}, env_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        const auto res =
            Request(server_->port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump());
        EXPECT_EQ(res.result_int(), 200U) << res.body();
        return json::parse(res.body())["token"].get<std::string>();
    }

    HttpResponse Call(const std::string& method,
                      const std::string& target,
                      std::int64_t who,
                      const json& body = nullptr) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (who != 0) headers.emplace_back("Authorization", "Bearer " + tokens_.at(who));
        return Request(
            server_->port(), method, target, body.is_null() ? "" : body.dump(), "application/json", headers);
    }

    static json EventBody() {
        const std::int64_t now = std::time(nullptr);
        return {{"title", "Alice's TON night"},
                {"description", "Talks and demos"},
                {"start_date", now + 86400},
                {"end_date", now + 90000},
                {"participation_type", "online"},
                {"online_link", "https://meet.example/secret-room"}};
    }

    Fixture MakeFixture() {
        Fixture f;
        auto body = EventBody();
        body["requires_approval"] = true;
        const auto created = Call("POST", "/api/v1/events", kAlice, body);
        EXPECT_EQ(created.result_int(), 201U) << created.body();
        f.event_uuid = json::parse(created.body())["event_uuid"].get<std::string>();
        const auto base = "/api/v1/events/" + f.event_uuid;
        f.ticket_type_id = json::parse(
            Call("POST", base + "/ticket-types", kAlice, {{"name", "Free"}, {"price", "0"}}).body())["id"];
        f.spare_type_id = json::parse(
            Call("POST", base + "/ticket-types", kAlice, {{"name", "Spare"}, {"price", "0"}}).body())["id"];
        EXPECT_EQ(Call("POST", base + "/publish", kAlice).result_int(), 200U);
        EXPECT_EQ(Call("POST", base + "/roles", kAlice, {{"user_id", kCarol}, {"role", "co_organizer"}})
                      .result_int(),
                  204U);
        EXPECT_EQ(Call("POST", base + "/roles", kAlice, {{"user_id", kSam}, {"role", "checkin_staff"}})
                      .result_int(),
                  204U);
        EXPECT_EQ(Call("POST", base + "/registrations", kGuest, json::object()).result_int(), 200U);
        EXPECT_EQ(Call("POST", base + "/registrations", kApplier, json::object()).result_int(), 200U);
        EXPECT_EQ(
            Call("POST", base + "/registrations/" + std::to_string(kGuest) + "/approve", kAlice).result_int(),
            200U);
        const auto order = Call("POST",
                                "/api/v1/orders",
                                kGuest,
                                {{"event_uuid", f.event_uuid}, {"ticket_type_id", f.ticket_type_id}});
        EXPECT_EQ(order.result_int(), 201U) << order.body();
        f.order_uuid = json::parse(order.body())["uuid"].get<std::string>();
        const auto tickets = json::parse(Call("GET", "/api/v1/me/tickets", kGuest).body())["items"];
        for (const auto& t : tickets) {
            if (t["event_uuid"] == f.event_uuid) {
                f.ticket_id = t["id"].get<std::int64_t>();
                f.check_in_code = t["check_in_code"].get<std::string>();
            }
        }
        EXPECT_FALSE(f.check_in_code.empty());
        EXPECT_EQ(Call("POST", base + "/promo-codes", kAlice, {{"code", "ALICE10"}, {"discount_percent", 10}})
                      .result_int(),
                  201U);
        return f;
    }

    /// The concrete request for a row against `f`, with a body that would succeed for someone allowed.
    HttpResponse Attempt(const Row& row, const Fixture& f, std::int64_t who) {
        std::string path = row.pattern;
        const auto put = [&](const std::string& name, const std::string& value) {
            const auto at = path.find("{" + name + "}");
            if (at != std::string::npos) path.replace(at, name.size() + 2, value);
        };
        put("event_uuid", f.event_uuid);
        put("id", std::to_string(f.spare_type_id));
        put("ticket_type_id", std::to_string(f.ticket_type_id));
        put("uuid", f.order_uuid);
        put("ticket_id", std::to_string(f.ticket_id));
        put("role", "checkin_staff");
        put("user_id", std::to_string(row.pattern.find("/roles/") != std::string::npos ? kSam : kApplier));
        json body = nullptr;
        const auto& p = row.pattern;
        if (row.method == "PATCH" && p == "/api/v1/events/{event_uuid}") body = {{"subtitle", "edited"}};
        if (p.ends_with("/ticket-types") && row.method == "POST") body = {{"name", "Extra"}, {"price", "0"}};
        if (p.ends_with("/ticket-types/{id}") && row.method == "PATCH") body = {{"name", "Renamed"}};
        if (p.ends_with("/roles") && row.method == "POST")
            body = {{"user_id", kBob}, {"role", "checkin_staff"}};
        if (p.ends_with("/check-in") || p.ends_with("/check-in/undo")) body = {{"code", f.check_in_code}};
        if (p.ends_with("/checkin-phrase")) body = {{"phrase", "open sesame"}};
        if (p.ends_with("/promo-codes") && row.method == "POST")
            body = {{"code", "MINE50"}, {"discount_percent", 50}};
        if (p.ends_with("/reject")) body = {{"reason", "full"}};
        if (p.ends_with("/transfer")) body = {{"to_user_id", kApplier}};
        if (p.ends_with("/jetton-transfer"))
            path += "?owner=EQDrjaLahLkMB-hMCmkzOyBuHJ139ZUYmPHu6RRBKnbdLIYI";
        if (p.ends_with("/image")) {
            std::vector<std::pair<std::string, std::string>> headers = {
                {"Authorization", "Bearer " + tokens_.at(who)}};
            return Request(server_->port(),
                           "PUT",
                           path,
                           std::string("\x89PNG\r\n\x1a\n", 8) + "x",
                           "image/png",
                           headers);
        }
        return Call(row.method, path, who, body);
    }

    /// What Alice's event looks like to her, for "nothing changed".
    json Snapshot(const Fixture& f) {
        const auto base = "/api/v1/events/" + f.event_uuid;
        return {{"event", json::parse(Call("GET", base, kAlice).body())},
                {"roles", json::parse(Call("GET", base + "/roles", kAlice).body())},
                {"guests", json::parse(Call("GET", base + "/guests", kAlice).body())},
                {"promo", json::parse(Call("GET", base + "/promo-codes", kAlice).body())},
                {"registrations", json::parse(Call("GET", base + "/registrations", kAlice).body())},
                {"order", json::parse(Call("GET", "/api/v1/orders/" + f.order_uuid, kGuest).body())}};
    }

    static std::string Describe(const Row& row, const std::string& who, const HttpResponse& res) {
        return who + ": " + row.method + " " + row.pattern + " answered " + std::to_string(res.result_int()) +
               " " + res.body();
    }

    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
    std::map<std::int64_t, std::string> tokens_;
};

bool Denied(const HttpResponse& res) { return res.result_int() == 403U || res.result_int() == 404U; }
/// Past authorization: a success, or a refusal about the request itself (a state or input conflict).
bool Admitted(const HttpResponse& res) {
    return res.result_int() < 300U || res.result_int() == 409U || res.result_int() == 422U;
}

TEST_F(AuthzMatrixApi, AnotherOrganizerIsRefusedEverywhereAndChangesNothing) {
    const auto f = MakeFixture();
    const auto before = Snapshot(f);
    int tried = 0;
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer && row.scope != Scope::kOwn && row.scope != Scope::kAdmin)
            continue;
        if (row.scope == Scope::kAdmin && row.pattern.find("{event_uuid}") == std::string::npos &&
            row.pattern.find("{uuid}") == std::string::npos && row.method == "GET") {
            // The moderation queue: no event of Alice's in the path, but still admins only.
            EXPECT_EQ(Call(row.method, row.pattern, kBob).result_int(), 403U) << row.pattern;
            continue;
        }
        const auto res = Attempt(row, f, kBob);
        EXPECT_TRUE(Denied(res)) << Describe(row, "bob", res);
        ++tried;
    }
    EXPECT_GE(tried, 30);
    EXPECT_EQ(Snapshot(f), before) << "nothing of Alice's changed";
}

TEST_F(AuthzMatrixApi, StaffCheckInButDoNotEdit) {
    const auto shared = MakeFixture();
    const auto before = Snapshot(shared);
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer || row.staff != May::kNo) continue;
        const auto res = Attempt(row, shared, kSam);
        EXPECT_TRUE(Denied(res)) << Describe(row, "staff", res);
    }
    EXPECT_EQ(Snapshot(shared), before) << "staff changed nothing they may not";
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer || row.staff != May::kYes) continue;
        const auto f = MakeFixture();  // a fresh event each: an allowed write must not spoil the next row
        if (row.pattern.ends_with("/check-in/undo")) {
            ASSERT_EQ(Attempt(Row{"POST", "/api/v1/events/{event_uuid}/check-in", Scope::kOrganizer}, f, kSam)
                          .result_int(),
                      200U);
        }
        const auto res = Attempt(row, f, kSam);
        EXPECT_TRUE(Admitted(res)) << Describe(row, "staff", res);
    }
}

TEST_F(AuthzMatrixApi, CoOrganizersEditButDoNotHandOutRoles) {
    const auto shared = MakeFixture();
    const auto before = Snapshot(shared);
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer || row.co_organizer != May::kNo) continue;
        const auto res = Attempt(row, shared, kCarol);
        EXPECT_TRUE(Denied(res)) << Describe(row, "co-organizer", res);
    }
    EXPECT_EQ(Snapshot(shared), before) << "the co-organizer changed no role";
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer || row.co_organizer != May::kYes) continue;
        const auto f = MakeFixture();
        if (row.pattern.ends_with("/check-in/undo")) {
            ASSERT_EQ(
                Attempt(Row{"POST", "/api/v1/events/{event_uuid}/check-in", Scope::kOrganizer}, f, kCarol)
                    .result_int(),
                200U);
        }
        const auto res = Attempt(row, f, kCarol);
        EXPECT_TRUE(Admitted(res)) << Describe(row, "co-organizer", res);
    }
}

TEST_F(AuthzMatrixApi, TheOwnerMayDoEveryOrganizerRoute) {
    // The control: the requests of the matrix are right, so a refusal above is the authorization's.
    for (const auto& row : Table()) {
        if (row.scope != Scope::kOrganizer) continue;
        const auto f = MakeFixture();
        if (row.pattern.ends_with("/check-in/undo")) {
            ASSERT_EQ(
                Attempt(Row{"POST", "/api/v1/events/{event_uuid}/check-in", Scope::kOrganizer}, f, kAlice)
                    .result_int(),
                200U);
        }
        const auto res = Attempt(row, f, kAlice);
        EXPECT_TRUE(Admitted(res)) << Describe(row, "owner", res);
    }
}

}  // namespace
}  // namespace onton::test
