// The event routes over HTTP against the real binary: two organizers who must not touch each other's events, an
// anonymous visitor, co-organizers, and bad input.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

class EventsApi : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()}};
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
        alice_ = SignIn(501, "alice");
        bob_ = SignIn(502, "bob");
    }

    std::string SignIn(std::int64_t id, const std::string& username) {
        auto r = RunOnton({"admin", "init-data", "--user-id", std::to_string(id), "--username", username}, env_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        const auto res = Request(port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump());
        EXPECT_EQ(res.result_int(), 200U) << res.body();
        return json::parse(res.body())["token"].get<std::string>();
    }

    std::uint16_t port() const { return server_->port(); }

    HttpResponse Call(const std::string& method,
                      const std::string& target,
                      const std::string& token,
                      const json& body = nullptr) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        return Request(port(), method, target, body.is_null() ? "" : body.dump(), "application/json", headers);
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

    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
    std::string alice_;
    std::string bob_;
};

TEST_F(EventsApi, OrganizersCannotTouchEachOthersEvents) {
    const auto created = Call("POST", "/api/v1/events", alice_, EventBody());
    ASSERT_EQ(created.result_int(), 201U) << created.body();
    const auto uuid = json::parse(created.body())["event_uuid"].get<std::string>();
    const auto base = "/api/v1/events/" + uuid;

    // A draft: invisible to Bob and to anonymous visitors, and Bob can change nothing.
    EXPECT_EQ(Call("GET", base, bob_).result_int(), 404U);
    EXPECT_EQ(Call("GET", base, "").result_int(), 404U);
    EXPECT_EQ(Call("PATCH", base, bob_, {{"title", "Bob's now"}}).result_int(), 403U);
    EXPECT_EQ(Call("POST", base + "/ticket-types", bob_, {{"name", "Bob"}, {"price", "0"}}).result_int(), 403U);
    EXPECT_EQ(Call("POST", base + "/publish", bob_).result_int(), 403U);
    EXPECT_EQ(Call("POST", base + "/cancel", bob_).result_int(), 403U);
    EXPECT_EQ(Call("GET", base + "/roles", bob_).result_int(), 403U);
    EXPECT_EQ(Call("POST", base + "/roles", bob_, {{"user_id", 502}, {"role", "co_organizer"}}).result_int(), 403U);

    const auto type = Call("POST", base + "/ticket-types", alice_, {{"name", "General"}, {"price", "2500000000"},
                                                                    {"supply", 100}});
    ASSERT_EQ(type.result_int(), 201U) << type.body();
    EXPECT_EQ(json::parse(type.body())["price"], "2500000000");
    const auto published = Call("POST", base + "/publish", alice_);
    ASSERT_EQ(published.result_int(), 200U) << published.body();
    EXPECT_EQ(json::parse(published.body())["status"], "published");

    // Published: anyone sees it, but the online link only its managers.
    const auto anonymous = Call("GET", base, "");
    ASSERT_EQ(anonymous.result_int(), 200U);
    EXPECT_FALSE(json::parse(anonymous.body()).contains("online_link"));
    EXPECT_EQ(json::parse(anonymous.body())["ticket_types"][0]["available"], 100);
    EXPECT_EQ(json::parse(Call("GET", base, alice_).body())["online_link"], "https://meet.example/secret-room");
    EXPECT_EQ(Call("PATCH", base, bob_, {{"title", "Bob's now"}}).result_int(), 403U);

    const auto list = Call("GET", "/api/v1/events?when=upcoming&limit=10", "");
    ASSERT_EQ(list.result_int(), 200U);
    const auto items = json::parse(list.body())["items"];
    ASSERT_EQ(items.size(), 1U);
    EXPECT_EQ(items[0]["event_uuid"], uuid);
    EXPECT_TRUE(json::parse(list.body())["next_cursor"].is_null());
    EXPECT_EQ(json::parse(Call("GET", "/api/v1/events?mine=true&when=all", bob_).body())["items"].size(), 0U);

    // Alice makes Bob a co-organizer: now he may edit, but not hand out roles.
    EXPECT_EQ(Call("POST", base + "/roles", alice_, {{"user_id", 502}, {"role", "co_organizer"}}).result_int(), 204U);
    const auto edited = Call("PATCH", base, bob_, {{"subtitle", "co-hosted by Bob"}});
    EXPECT_EQ(edited.result_int(), 200U) << edited.body();
    EXPECT_EQ(Call("POST", base + "/roles", bob_, {{"user_id", 502}, {"role", "checkin_staff"}}).result_int(), 403U);
    const auto roles = json::parse(Call("GET", base + "/roles", alice_).body())["items"];
    ASSERT_EQ(roles.size(), 1U);
    EXPECT_EQ(roles[0]["username"], "bob");
    EXPECT_EQ(Call("DELETE", base + "/roles/502/co_organizer", alice_).result_int(), 204U);
    EXPECT_EQ(Call("PATCH", base, bob_, {{"subtitle", "x"}}).result_int(), 403U);
}

TEST_F(EventsApi, NoRouteLetsAnotherOrganizerIn) {
    // Alice's published event with a guest, a ticket and an application; Bob (an organizer of his own event) tries
    // every event-scoped write and private read. None may succeed, and nothing may change.
    auto body = EventBody();
    body["requires_approval"] = false;
    const auto uuid = json::parse(Call("POST", "/api/v1/events", alice_, body).body())["event_uuid"].get<std::string>();
    const auto base = "/api/v1/events/" + uuid;
    const auto type = json::parse(Call("POST", base + "/ticket-types", alice_, {{"name", "Free"}, {"price", "0"}}).body())["id"];
    ASSERT_EQ(Call("POST", base + "/publish", alice_).result_int(), 200U);
    ASSERT_EQ(Call("POST", "/api/v1/orders", alice_, {{"event_uuid", uuid}, {"ticket_type_id", type}}).result_int(), 201U);
    const auto code = json::parse(Call("GET", "/api/v1/me/tickets", alice_).body())["items"][0]["check_in_code"];
    ASSERT_EQ(Call("POST", "/api/v1/events", bob_, EventBody()).result_int(), 201U);  // Bob is an organizer too
    const auto before = json::parse(Call("GET", base, alice_).body());

    struct Attempt {
        std::string method;
        std::string path;
        json body;
    };
    const std::vector<Attempt> attempts = {
        {"PATCH", base, {{"title", "Bob's"}}},
        {"POST", base + "/publish", nullptr},
        {"POST", base + "/cancel", nullptr},
        {"POST", base + "/clone", nullptr},
        {"POST", base + "/ticket-types", {{"name", "Bob"}, {"price", "0"}}},
        {"GET", base + "/roles", nullptr},
        {"POST", base + "/roles", {{"user_id", 502}, {"role", "co_organizer"}}},
        {"DELETE", base + "/roles/501/co_organizer", nullptr},
        {"GET", base + "/guests", nullptr},
        {"GET", base + "/guests.csv", nullptr},
        {"GET", base + "/stats", nullptr},
        {"POST", base + "/check-in", {{"code", code}}},
        {"POST", base + "/check-in/undo", {{"code", code}}},
        {"PUT", base + "/checkin-phrase", {{"phrase", "bob was here"}}},
        {"GET", base + "/promo-codes", nullptr},
        {"POST", base + "/promo-codes", {{"code", "BOB100"}, {"discount_percent", 100}}},
        {"GET", base + "/registrations", nullptr},
        {"POST", base + "/registrations/501/approve", nullptr},
        {"POST", base + "/registrations/501/reject", {{"reason", "no"}}},
    };
    for (const auto& a : attempts) {
        const auto res = Call(a.method, a.path, bob_, a.body);
        EXPECT_TRUE(res.result_int() == 403U || res.result_int() == 404U)
            << a.method << " " << a.path << " answered " << res.result_int() << " " << res.body();
    }
    const auto image = Request(port(), "PUT", base + "/image", std::string("\x89PNG\r\n\x1a\n", 8) + "x", "image/png",
                               {{"Authorization", "Bearer " + bob_}});
    EXPECT_EQ(image.result_int(), 403U);

    const auto after = json::parse(Call("GET", base, alice_).body());
    EXPECT_EQ(after, before) << "nothing changed";
    const auto ticket = json::parse(Call("GET", "/api/v1/me/tickets", alice_).body())["items"][0];
    EXPECT_EQ(ticket["status"], "valid") << "Bob's scan did not admit";
    EXPECT_EQ(json::parse(Call("GET", "/api/v1/me/orders", bob_).body())["items"].size(), 0U);
}

TEST_F(EventsApi, CalendarFile) {
    auto body = EventBody();
    body["participation_type"] = "in_person";
    body["location"] = "Dubai, Marina; Hall 1";
    const auto uuid = json::parse(Call("POST", "/api/v1/events", alice_, body).body())["event_uuid"].get<std::string>();
    ASSERT_EQ(Call("POST", "/api/v1/events/" + uuid + "/ticket-types", alice_, {{"name", "Free"}, {"price", "0"}})
                  .result_int(),
              201U);
    ASSERT_EQ(Call("POST", "/api/v1/events/" + uuid + "/publish", alice_).result_int(), 200U);
    const auto ics = Call("GET", "/api/v1/events/" + uuid + "/calendar.ics", "");
    ASSERT_EQ(ics.result_int(), 200U);
    EXPECT_EQ(ics[boost::beast::http::field::content_type], "text/calendar; charset=utf-8");
    EXPECT_NE(ics.body().find("BEGIN:VCALENDAR\r\n"), std::string::npos);
    EXPECT_NE(ics.body().find("UID:" + uuid + "@onton\r\n"), std::string::npos);
    EXPECT_NE(ics.body().find("LOCATION:Dubai\\, Marina\\; Hall 1\r\n"), std::string::npos) << ics.body();
    EXPECT_NE(ics.body().find("END:VCALENDAR\r\n"), std::string::npos);
}

TEST_F(EventsApi, BadInputIsRejectedWithTheField) {
    EXPECT_EQ(Call("POST", "/api/v1/events", "", EventBody()).result_int(), 401U);
    auto bad = EventBody();
    bad["start_date"] = "soon";
    const auto res = Call("POST", "/api/v1/events", alice_, bad);
    EXPECT_EQ(res.result_int(), 422U);
    EXPECT_EQ(json::parse(res.body())["error"]["details"]["field"], "start_date");
    const auto text = Request(port(), "POST", "/api/v1/events", "title=x", "text/plain",
                              {{"Authorization", "Bearer " + alice_}});
    EXPECT_EQ(text.result_int(), 415U);
    EXPECT_EQ(Call("GET", "/api/v1/events?limit=abc", "").result_int(), 422U);
    const auto bad_query = Call("GET", "/api/v1/events?cursor=%%%", "");
    EXPECT_EQ(bad_query.result_int(), 400U);
    EXPECT_EQ(ErrorCode(bad_query), "request.invalid_query");
    EXPECT_EQ(Call("GET", "/api/v1/events?cursor=bm90LWEtY3Vyc29y", "").result_int(), 422U);
    EXPECT_EQ(Call("GET", "/api/v1/events", "not-a-token").result_int(), 401U);
    EXPECT_EQ(Call("GET", "/api/v1/events/no-such-event", "").result_int(), 404U);
    EXPECT_EQ(Call("DELETE", "/api/v1/events/x/roles/abc/co_organizer", alice_).result_int(), 422U);
}

}  // namespace
}  // namespace onton::test

namespace onton::test {
namespace {

using nlohmann::json;

TEST_F(EventsApi, TicketTypesRolesAndRefundsOfTheEventsOwnManagers) {
    auto body = EventBody();
    body["participation_type"] = "in_person";
    body["location"] = "Berlin";
    body.erase("online_link");
    const auto uuid =
        json::parse(Call("POST", "/api/v1/events", alice_, body).body())["event_uuid"].get<std::string>();
    const auto base = "/api/v1/events/" + uuid;
    const auto hidden = Call(
        "POST", base + "/ticket-types", alice_, {{"name", "Crew"}, {"price", "0"}, {"visibility", "hidden"}});
    ASSERT_EQ(hidden.result_int(), 201U) << hidden.body();
    const auto type = json::parse(hidden.body());
    const auto code = type["access_code"].get<std::string>();
    const auto type_path = base + "/ticket-types/" + std::to_string(type["id"].get<std::int64_t>());
    ASSERT_EQ(Call("POST", base + "/publish", alice_).result_int(), 200U);

    // The public page leaves the hidden type out; its direct link's code shows it, without the code itself.
    EXPECT_EQ(json::parse(Call("GET", base, "").body())["ticket_types"].size(), 0U);
    const auto linked = json::parse(Call("GET", base + "?code=" + code, bob_).body())["ticket_types"];
    ASSERT_EQ(linked.size(), 1U);
    EXPECT_FALSE(linked[0].contains("access_code"));
    const auto order = Call("POST",
                            "/api/v1/orders",
                            bob_,
                            {{"event_uuid", uuid}, {"ticket_type_id", type["id"]}, {"access_code", code}});
    ASSERT_EQ(order.result_int(), 201U) << order.body();
    const auto order_uuid = json::parse(order.body())["uuid"].get<std::string>();

    // Editing: validation and sales' limits are 4xx with the field; Bob manages nothing.
    EXPECT_EQ(Call("PATCH", type_path, bob_, {{"name", "Mine"}}).result_int(), 403U);
    const auto bad = Call("PATCH", type_path, alice_, {{"supply", 0}});
    EXPECT_EQ(bad.result_int(), 422U) << bad.body();
    EXPECT_EQ(json::parse(bad.body())["error"]["details"]["field"], "supply");
    EXPECT_EQ(Call("PATCH", type_path, alice_, {{"price", "5"}}).result_int(), 409U);
    EXPECT_EQ(Call("PATCH", base + "/ticket-types/x", alice_, {{"name", "Y"}}).result_int(), 422U);
    const auto edited =
        Call("PATCH", type_path, alice_, {{"name", "Crew and friends"}, {"per_user_limit", 2}});
    ASSERT_EQ(edited.result_int(), 200U) << edited.body();
    EXPECT_EQ(json::parse(edited.body())["per_user_limit"], 2);
    EXPECT_EQ(Call("DELETE", type_path, alice_).result_int(), 409U) << "ordered: hide it instead";

    // Roles by @username; Bob, made check-in staff, lists the event as staff and may not refund.
    const auto unknown =
        Call("POST", base + "/roles", alice_, {{"username", "@nobody"}, {"role", "checkin_staff"}});
    EXPECT_EQ(unknown.result_int(), 404U);
    EXPECT_EQ(json::parse(unknown.body())["error"]["details"]["field"], "username");
    EXPECT_EQ(
        Call("POST", base + "/roles", alice_, {{"username", "@Bob"}, {"role", "checkin_staff"}}).result_int(),
        204U);
    const auto mine = json::parse(Call("GET", "/api/v1/events?mine=true&when=all", bob_).body())["items"];
    ASSERT_EQ(mine.size(), 1U);
    EXPECT_EQ(mine[0]["my_role"], "checkin_staff");
    EXPECT_EQ(mine[0]["ticket_types"].size(), 0U)
        << "staff manage nothing: the hidden type is not theirs to see";
    EXPECT_EQ(Call("POST", base + "/orders/" + order_uuid + "/refund", bob_).result_int(), 403U);
    EXPECT_EQ(Call("POST", base + "/orders/no-such-order/refund", alice_).result_int(), 404U);
    EXPECT_EQ(Call("POST", base + "/orders/" + order_uuid + "/refund", alice_).result_int(), 204U);
    EXPECT_EQ(Call("POST", base + "/orders/" + order_uuid + "/refund", alice_).result_int(), 409U);
}

TEST(MediaApi, EventImageUploadAndServe) {
    TempDir dir;
    const std::map<std::string, std::string> env = {
        {"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
        {"ONTON_MEDIA_DIR", (dir.path() / "media").string()},
        {"ONTON_MEDIA_MAX_BYTES", "4096"}};
    ServeProcess server(env, dir.path());
    const auto token = [&](std::int64_t id) {
        auto r = RunOnton({"admin", "init-data", "--user-id", std::to_string(id)}, env);
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        return json::parse(
                   Request(server.port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump()).body())
            ["token"]
                .get<std::string>();
    };
    const auto owner = token(801);
    const auto stranger = token(802);
    const std::int64_t now = std::time(nullptr);
    const auto event_uuid =
        json::parse(Request(server.port(), "POST", "/api/v1/events",
                            json{{"title", "Pics"}, {"start_date", now + 86400}, {"end_date", now + 90000},
                                 {"participation_type", "in_person"}}
                                .dump(),
                            "application/json", {{"Authorization", "Bearer " + owner}})
                        .body())["event_uuid"]
            .get<std::string>();
    const auto path = "/api/v1/events/" + event_uuid + "/image";
    const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\x01');
    const auto put = [&](const std::string& who, const std::string& type, const std::string& body) {
        return Request(server.port(), "PUT", path, body, type, {{"Authorization", "Bearer " + who}});
    };

    EXPECT_EQ(put(stranger, "image/png", png).result_int(), 404U) << "a draft does not leak to strangers";
    EXPECT_EQ(put(owner, "image/gif", "GIF89a").result_int(), 415U);
    const auto mismatch = put(owner, "image/png", "\xFF\xD8\xFF not a png");
    EXPECT_EQ(mismatch.result_int(), 422U);
    EXPECT_EQ(put(owner, "image/png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(5000, 'x')).result_int(), 413U);
    EXPECT_EQ(put(owner, "application/json", "{}").result_int(), 415U);
    // The upload limit is for this route only: other routes keep the general one.
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "media")) << "refused uploads leave nothing on disk";

    const auto ok = put(owner, "image/png", png);
    ASSERT_EQ(ok.result_int(), 200U) << ok.body();
    const auto url = json::parse(ok.body())["image_url"].get<std::string>();
    const auto name = url.substr(url.rfind('/') + 1);
    EXPECT_EQ(url, "http://localhost:8080/media/" + name);
    const auto served = Request(server.port(), "GET", "/media/" + name);
    ASSERT_EQ(served.result_int(), 200U);
    EXPECT_EQ(served.body(), png);
    EXPECT_EQ(served[boost::beast::http::field::content_type], "image/png");
    EXPECT_EQ(served[boost::beast::http::field::cache_control], "public, max-age=31536000, immutable");
    EXPECT_EQ(Request(server.port(), "GET", "/media/..%2f..%2fetc%2fpasswd").result_int(), 404U);
    EXPECT_EQ(Request(server.port(), "GET", "/media/" + std::string(64, 'a') + ".png").result_int(), 404U);
}

}  // namespace
}  // namespace onton::test
