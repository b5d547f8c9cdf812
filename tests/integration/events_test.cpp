// EventService over both real stores: validation, lifecycle, discovery and the authorization matrix.
#include "domain/events/events.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "adapters/storage/store_factory.hpp"
#include "domain/orders/orders.hpp"
#include "support/fakes.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::events {
namespace {

using identity::Principal;
using identity::Role;
using nlohmann::json;

constexpr std::int64_t kDay = 86400;

class Events : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        service_ = std::make_unique<EventService>(*store_, clock_, random_);
        for (const std::int64_t id : {kOwner, kCoOrganizer, kStaff, kStranger, kAdmin}) AddUser(id);
    }

    void AddUser(std::int64_t id) {
        store_->Transact([&](ports::Transaction& tx) {
            tx.Execute("INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, $2, $3, 1, 1)",
                       {id, "U" + std::to_string(id), std::string(id == kAdmin ? "admin" : "user")});
        });
    }

    static Principal As(std::int64_t id) { return Principal{id, id == kAdmin ? Role::kAdmin : Role::kUser, 0}; }

    json Body(std::int64_t start_in = 10 * kDay) const {
        return {{"title", "TON Meetup"},
                {"description", "Builders meet in Berlin"},
                {"start_date", clock_.NowUnix() + start_in},
                {"end_date", clock_.NowUnix() + start_in + 3600},
                {"participation_type", "in_person"},
                {"location", "Berlin"},
                {"category", "meetup"},
                {"tags", {"ton", "dev"}}};
    }

    Event CreatePublished(std::int64_t owner = kOwner, json body = {}) {
        if (body.is_null()) body = Body();
        auto e = service_->Create(As(owner), body);
        EXPECT_TRUE(e) << e.error().message;
        EXPECT_TRUE(service_->AddTicketType(As(owner), e->event_uuid, {{"name", "General"}, {"price", "1000000000"}}));
        auto p = service_->Publish(As(owner), e->event_uuid);
        EXPECT_TRUE(p) << p.error().message;
        return *p;
    }

    static constexpr std::int64_t kOwner = 100;
    static constexpr std::int64_t kCoOrganizer = 101;
    static constexpr std::int64_t kStaff = 102;
    static constexpr std::int64_t kStranger = 103;
    static constexpr std::int64_t kAdmin = 104;

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<EventService> service_;
};

TEST_P(Events, CreateMakesADraftAndAnOrganizer) {
    auto e = service_->Create(As(kOwner), Body());
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->status, "draft");
    EXPECT_EQ(e->owner_id, kOwner);
    EXPECT_EQ(e->event_uuid.size(), 36U);
    EXPECT_EQ(e->tags, (std::vector<std::string>{"ton", "dev"}));
    const auto role = store_->Transact([](ports::Transaction& tx) {
        return ports::AsText(tx.Execute("SELECT role FROM users WHERE user_id = $1", {kOwner}).rows[0][0]);
    });
    EXPECT_EQ(role, "organizer");
    const auto audit = store_->Transact([&](ports::Transaction& tx) {
        return ports::AsInt(
            tx.Execute("SELECT count(*) FROM audit_log WHERE action = 'event.create' AND entity_id = $1", {e->event_uuid})
                .rows[0][0]);
    });
    EXPECT_EQ(audit, 1);
}

TEST_P(Events, ValidationNamesTheField) {
    struct Case {
        json patch;
        std::string field;
    };
    const std::vector<Case> cases = {
        {{{"title", ""}}, "title"},
        {{{"title", std::string(201, 'x')}}, "title"},
        {{{"title", 5}}, "title"},
        {{{"start_date", "tomorrow"}}, "start_date"},
        {{{"end_date", 1}}, "end_date"},
        {{{"participation_type", "hybrid"}}, "participation_type"},
        {{{"visibility", "secret"}}, "visibility"},
        {{{"capacity", -1}}, "capacity"},
        {{{"image_url", "javascript:alert(1)"}}, "image_url"},
        {{{"tags", {1, 2}}}, "tags"},
        {{{"timezone", "Europe/Berlin; DROP"}}, "timezone"},
        {{{"colour", "red"}}, "colour"},
    };
    for (const auto& c : cases) {
        auto body = Body();
        for (const auto& [k, v] : c.patch.items()) body[k] = v;
        auto e = service_->Create(As(kOwner), body);
        ASSERT_FALSE(e) << c.patch.dump();
        EXPECT_EQ(e.error().code, "request.validation_failed");
        EXPECT_EQ(e.error().details["field"], c.field) << c.patch.dump() << " " << e.error().message;
    }
    auto missing = Body();
    missing.erase("title");
    EXPECT_EQ(service_->Create(As(kOwner), missing).error().details["field"], "title");
    const auto count = store_->Transact(
        [](ports::Transaction& tx) { return ports::AsInt(tx.Execute("SELECT count(*) FROM events").rows[0][0]); });
    EXPECT_EQ(count, 0) << "nothing half-written";
}

TEST_P(Events, PublishRules) {
    auto e = service_->Create(As(kOwner), Body());
    ASSERT_TRUE(e);
    auto no_types = service_->Publish(As(kOwner), e->event_uuid);
    ASSERT_FALSE(no_types);
    EXPECT_EQ(no_types.error().details["field"], "ticket_types");

    ASSERT_TRUE(service_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "Free"}, {"price", "0"}}));
    auto patched = service_->Update(As(kOwner), e->event_uuid, {{"location", nullptr}});
    ASSERT_TRUE(patched) << patched.error().message;
    EXPECT_EQ(service_->Publish(As(kOwner), e->event_uuid).error().details["field"], "location");
    ASSERT_TRUE(service_->Update(As(kOwner), e->event_uuid, {{"location", "Tbilisi"}}));

    auto published = service_->Publish(As(kOwner), e->event_uuid);
    ASSERT_TRUE(published) << published.error().message;
    EXPECT_EQ(published->status, "published");
    EXPECT_TRUE(service_->Publish(As(kOwner), e->event_uuid)) << "publishing twice is idempotent";

    auto canceled = service_->Cancel(As(kOwner), e->event_uuid);
    ASSERT_TRUE(canceled);
    EXPECT_EQ(canceled->status, "canceled");
    EXPECT_EQ(service_->Publish(As(kOwner), e->event_uuid).error().code, "state.invalid_transition");
    EXPECT_EQ(service_->Update(As(kOwner), e->event_uuid, {{"title", "x"}}).error().code, "state.invalid_transition");
    EXPECT_EQ(service_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "Late"}, {"price", "0"}}).error().code,
              "state.invalid_transition");

    auto past = service_->Create(As(kOwner), Body(-2 * kDay));
    ASSERT_TRUE(past);
    ASSERT_TRUE(service_->AddTicketType(As(kOwner), past->event_uuid, {{"name", "A"}, {"price", "0"}}));
    EXPECT_EQ(service_->Publish(As(kOwner), past->event_uuid).error().details["field"], "end_date");
}

TEST_P(Events, TicketTypeValidationAndMoney) {
    auto e = service_->Create(As(kOwner), Body());
    ASSERT_TRUE(e);
    auto t = service_->AddTicketType(As(kOwner),
                                     e->event_uuid,
                                     {{"name", "VIP"},
                                      {"price", "9223372036854775807"},
                                      {"supply", 50},
                                      {"per_user_limit", 2},
                                      {"is_nft", true}});
    ASSERT_TRUE(t) << t.error().message;
    EXPECT_EQ(t->price.units, INT64_MAX) << "nanotons are exact integers";
    EXPECT_EQ(t->price.currency, money::Currency::kTon) << "TON unless the organizer says otherwise";
    EXPECT_EQ(ToJson(*t)["currency"], "TON");
    EXPECT_EQ(ToJson(*t)["price"], "9223372036854775807");
    EXPECT_EQ(ToJson(*t)["available"], 50);

    for (const json& bad : {json{{"name", "X"}, {"price", 1}},
                            json{{"name", "X"}, {"price", "1.5"}},
                            json{{"name", "X"}, {"price", "-1"}},
                            json{{"name", "X"}, {"price", "9223372036854775808"}},
                            json{{"name", "X"}, {"price", "007"}},
                            json{{"name", "X"}}}) {
        auto r = service_->AddTicketType(As(kOwner), e->event_uuid, bad);
        ASSERT_FALSE(r) << bad.dump();
        EXPECT_EQ(r.error().details["field"], "price") << bad.dump();
    }
    EXPECT_EQ(service_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "X"}, {"price", "0"}, {"supply", -1}})
                  .error()
                  .details["field"],
              "supply");
    EXPECT_EQ(service_->AddTicketType(As(kOwner),
                                      e->event_uuid,
                                      {{"name", "X"}, {"price", "0"}, {"sale_start", 100}, {"sale_end", 50}})
                  .error()
                  .details["field"],
              "sale_end");
    auto duplicate = service_->AddTicketType(As(kOwner), e->event_uuid, {{"name", "VIP"}, {"price", "0"}});
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().code, "conflict");
}

TEST_P(Events, TicketTypesArePricedInTheCurrenciesThePlatformTakes) {
    auto e = service_->Create(As(kOwner), Body());
    ASSERT_TRUE(e);
    // Only TON until the platform is set up for more: another currency is refused by name, not stored.
    auto refused = service_->AddTicketType(
        As(kOwner), e->event_uuid, {{"name", "A"}, {"price", "1"}, {"currency", "USDT"}});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().details["field"], "currency");
    EXPECT_EQ(refused.error().message, "currency: expected TON");

    EventService all(*store_,
                     clock_,
                     random_,
                     {},
                     {money::Currency::kTon, money::Currency::kUsdt, money::Currency::kStars});
    auto usdt = all.AddTicketType(
        As(kOwner), e->event_uuid, {{"name", "Tether"}, {"price", "2500000"}, {"currency", "USDT"}});
    ASSERT_TRUE(usdt) << usdt.error().message;
    auto stars = all.AddTicketType(
        As(kOwner), e->event_uuid, {{"name", "Stars"}, {"price", "250"}, {"currency", "XTR"}});
    ASSERT_TRUE(stars) << stars.error().message;
    EXPECT_EQ(ToJson(*usdt)["currency"], "USDT");
    EXPECT_EQ(ToJson(*usdt)["price"], "2500000");

    // What was stored is what comes back, currency and all.
    auto read = service_->Get(As(kOwner), e->event_uuid);
    ASSERT_TRUE(read);
    ASSERT_EQ(read->ticket_types.size(), 2U);
    EXPECT_EQ(read->ticket_types[0].price, (money::Money{2500000, money::Currency::kUsdt}));
    EXPECT_EQ(read->ticket_types[1].price, (money::Money{250, money::Currency::kStars}));

    for (const json& currency : {json("EUR"), json("usdt"), json(1), json(nullptr)}) {
        auto bad = all.AddTicketType(
            As(kOwner), e->event_uuid, {{"name", "B"}, {"price", "1"}, {"currency", currency}});
        ASSERT_FALSE(bad) << currency.dump();
        EXPECT_EQ(bad.error().details["field"], "currency") << currency.dump();
        EXPECT_EQ(bad.error().message, "currency: expected TON, USDT or XTR");
    }
    auto fraction =
        all.AddTicketType(As(kOwner), e->event_uuid, {{"name", "C"}, {"price", "2.5"}, {"currency", "XTR"}});
    ASSERT_FALSE(fraction);
    EXPECT_NE(fraction.error().message.find("whole Stars"), std::string::npos) << fraction.error().message;
}

TEST_P(Events, SearchFoldsCaseBeyondAscii) {
    auto body = Body();
    body["title"] = "Новогодняя ёлка";
    body["description"] = "ÅSA och Ärlig spelar Ωmega";
    const auto uuid = CreatePublished(kOwner, body).event_uuid;
    (void)CreatePublished(kOwner, Body(2 * kDay));  // "TON Meetup", which none of these terms match
    for (const std::string term : {"ЁЛКА", "ёлка", "НОВОГОДНЯЯ Ё", "åsa", "ärlig", "ΩMEGA", "ωmega"}) {
        ListQuery q;
        q.q = term;
        auto found = service_->List(std::nullopt, q);
        ASSERT_TRUE(found) << term;
        ASSERT_EQ(found->items.size(), 1U) << term;
        EXPECT_EQ(found->items[0].event_uuid, uuid) << term;
    }
    ListQuery none;
    none.q = "ёлки";
    EXPECT_TRUE(service_->List(std::nullopt, none)->items.empty());
}

TEST_P(Events, AuthorizationMatrix) {
    const auto e = CreatePublished();
    ASSERT_TRUE(service_->GrantRole(As(kOwner), e.event_uuid, kCoOrganizer, "co_organizer"));
    ASSERT_TRUE(service_->GrantRole(As(kOwner), e.event_uuid, kStaff, "checkin_staff"));

    struct Who {
        std::int64_t id;
        bool manages;
    };
    for (const Who who : {Who{kOwner, true}, Who{kCoOrganizer, true}, Who{kAdmin, true}, Who{kStaff, false},
                          Who{kStranger, false}}) {
        SCOPED_TRACE("user " + std::to_string(who.id));
        auto update = service_->Update(As(who.id), e.event_uuid, {{"subtitle", "s" + std::to_string(who.id)}});
        EXPECT_EQ(static_cast<bool>(update), who.manages);
        if (!who.manages) {
            EXPECT_EQ(update.error().code, "auth.forbidden");
        }
        auto type = service_->AddTicketType(As(who.id), e.event_uuid,
                                            {{"name", "T" + std::to_string(who.id)}, {"price", "0"}});
        EXPECT_EQ(static_cast<bool>(type), who.manages);
        EXPECT_EQ(static_cast<bool>(service_->ListRoles(As(who.id), e.event_uuid)), who.manages);
        auto staff = store_->Transact([&](ports::Transaction& tx) {
            return EventService::CanCheckIn(tx, As(who.id), *service_->Get(std::nullopt, e.event_uuid));
        });
        EXPECT_EQ(staff, who.manages || who.id == kStaff);
    }
    // Only the owner (or an admin) hands out roles.
    EXPECT_EQ(service_->GrantRole(As(kCoOrganizer), e.event_uuid, kStranger, "co_organizer").error().code,
              "auth.forbidden");
    EXPECT_TRUE(service_->GrantRole(As(kAdmin), e.event_uuid, kStranger, "checkin_staff"));
    EXPECT_EQ(service_->GrantRole(As(kOwner), e.event_uuid, 999999, "checkin_staff").error().code, "not_found");
    EXPECT_EQ(service_->GrantRole(As(kOwner), e.event_uuid, kStranger, "king").error().code,
              "request.validation_failed");
    // Revoking takes the rights away at once.
    ASSERT_TRUE(service_->RevokeRole(As(kOwner), e.event_uuid, kCoOrganizer, "co_organizer"));
    EXPECT_EQ(service_->Update(As(kCoOrganizer), e.event_uuid, {{"subtitle", "x"}}).error().code, "auth.forbidden");
    // Cancel is a manager's act too.
    EXPECT_EQ(service_->Cancel(As(kStranger), e.event_uuid).error().code, "auth.forbidden");
    EXPECT_EQ(service_->Cancel(As(kStaff), e.event_uuid).error().code, "auth.forbidden");
}

TEST_P(Events, DraftsAreInvisibleToOthers) {
    auto draft = service_->Create(As(kOwner), Body());
    ASSERT_TRUE(draft);
    EXPECT_EQ(service_->Get(std::nullopt, draft->event_uuid).error().code, "not_found");
    EXPECT_EQ(service_->Get(As(kStranger), draft->event_uuid).error().code, "not_found");
    auto mine = service_->Get(As(kOwner), draft->event_uuid);
    ASSERT_TRUE(mine);
    EXPECT_TRUE(mine->caller_manages);
    EXPECT_TRUE(service_->Get(As(kAdmin), draft->event_uuid));
    EXPECT_EQ(service_->Get(std::nullopt, "00000000-0000-4000-8000-000000000000").error().code, "not_found");
}

TEST_P(Events, DiscoveryFiltersAndPaginates) {
    std::vector<std::string> upcoming;
    for (int i = 0; i < 5; ++i) {
        auto body = Body((i + 1) * kDay);
        body["title"] = "Upcoming " + std::to_string(i);
        upcoming.push_back(CreatePublished(kOwner, body).event_uuid);
    }
    auto online = Body(3 * kDay + 10);
    online["title"] = "Online 100% TON";
    online["participation_type"] = "online";
    online["online_link"] = "https://meet.example/abc";
    online["category"] = "workshop";
    const auto online_uuid = CreatePublished(kOwner, online).event_uuid;
    auto unlisted = Body(kDay);
    unlisted["visibility"] = "unlisted";
    const auto unlisted_uuid = CreatePublished(kOwner, unlisted).event_uuid;
    ASSERT_TRUE(service_->Create(As(kOwner), Body()));  // a draft

    // Pages of 2 walk every public upcoming event once, in start order.
    std::vector<std::string> seen;
    ListQuery q;
    q.limit = 2;
    for (int page = 0; page < 10; ++page) {
        auto p = service_->List(std::nullopt, q);
        ASSERT_TRUE(p) << p.error().message;
        for (const auto& e : p->items) seen.push_back(e.event_uuid);
        if (p->next_cursor.empty()) break;
        q.cursor = p->next_cursor;
    }
    ASSERT_EQ(seen.size(), 6U);
    EXPECT_EQ(std::find(seen.begin(), seen.end(), unlisted_uuid), seen.end()) << "unlisted events are not listed";
    EXPECT_EQ(seen[0], upcoming[0]);
    EXPECT_EQ(seen[3], online_uuid);

    ListQuery search;
    search.q = "100%";
    auto found = service_->List(std::nullopt, search);
    ASSERT_TRUE(found);
    ASSERT_EQ(found->items.size(), 1U);
    EXPECT_EQ(found->items[0].event_uuid, online_uuid);

    ListQuery by_type;
    by_type.participation_type = "online";
    EXPECT_EQ(service_->List(std::nullopt, by_type)->items.size(), 1U);
    ListQuery by_category;
    by_category.category = "workshop";
    EXPECT_EQ(service_->List(std::nullopt, by_category)->items.size(), 1U);

    clock_.Advance(kDay + 1800);  // the first event is under way
    ListQuery ongoing;
    ongoing.when = "ongoing";
    auto now_on = service_->List(std::nullopt, ongoing);
    ASSERT_TRUE(now_on);
    ASSERT_EQ(now_on->items.size(), 1U);
    EXPECT_EQ(now_on->items[0].event_uuid, upcoming[0]);
    clock_.Advance(kDay);
    ListQuery past;
    past.when = "past";
    EXPECT_EQ(service_->List(std::nullopt, past)->items.size(), 1U);

    ListQuery mine;
    mine.mine = true;
    mine.when = "all";
    EXPECT_EQ(service_->List(As(kOwner), mine)->items.size(), 8U) << "drafts and unlisted included";
    EXPECT_EQ(service_->List(As(kStranger), mine)->items.size(), 0U);
    EXPECT_EQ(service_->List(std::nullopt, mine).error().code, "auth.required");

    ListQuery bad;
    bad.cursor = "not-a-cursor!";
    EXPECT_EQ(service_->List(std::nullopt, bad).error().details["field"], "cursor");
    bad = {};
    bad.limit = 0;
    EXPECT_EQ(service_->List(std::nullopt, bad).error().details["field"], "limit");
    bad = {};
    bad.when = "someday";
    EXPECT_EQ(service_->List(std::nullopt, bad).error().details["field"], "when");
}

TEST_P(Events, CloneCopiesTicketTypesWithFreshCounters) {
    const auto source = CreatePublished();
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE ticket_types SET sold = 3 WHERE event_id = $1", {source.event_id});
    });
    auto copy = service_->Clone(As(kOwner), source.event_uuid);
    ASSERT_TRUE(copy) << copy.error().message;
    EXPECT_NE(copy->event_uuid, source.event_uuid);
    EXPECT_EQ(copy->status, "draft");
    EXPECT_EQ(copy->title, source.title);
    ASSERT_EQ(copy->ticket_types.size(), 1U);
    EXPECT_EQ(copy->ticket_types[0].sold, 0);
    EXPECT_EQ(copy->ticket_types[0].price.units, 1000000000);
    EXPECT_EQ(service_->Clone(As(kStranger), source.event_uuid).error().code, "auth.forbidden");
}

TEST_P(Events, HiddenTicketTypesAreShownAndSoldOnlyByTheirCode) {
    const auto e = CreatePublished();
    auto hidden = service_->AddTicketType(
        As(kOwner), e.event_uuid, {{"name", "Friends"}, {"price", "0"}, {"visibility", "hidden"}});
    ASSERT_TRUE(hidden) << hidden.error().message;
    EXPECT_EQ(hidden->visibility, "hidden");
    ASSERT_EQ(hidden->access_code.size(), 12U) << "a direct link's secret is made at once";
    EXPECT_EQ(ToJson(*hidden, true)["access_code"], hidden->access_code);
    EXPECT_FALSE(ToJson(*hidden, false).contains("access_code")) << "only managers see the code";
    EXPECT_EQ(service_
                  ->AddTicketType(
                      As(kOwner), e.event_uuid, {{"name", "X"}, {"price", "0"}, {"visibility", "secret"}})
                  .error()
                  .details["field"],
              "visibility");

    auto names = [](const Event& ev) {
        std::vector<std::string> out;
        for (const auto& t : ev.ticket_types) out.push_back(t.name);
        return out;
    };
    using Names = std::vector<std::string>;
    EXPECT_EQ(names(*service_->Get(std::nullopt, e.event_uuid)), (Names{"General"}));
    EXPECT_EQ(names(*service_->Get(As(kStranger), e.event_uuid, "wrong-code")), (Names{"General"}));
    EXPECT_EQ(names(*service_->Get(As(kStranger), e.event_uuid, hidden->access_code)),
              (Names{"General", "Friends"}));
    EXPECT_EQ(names(*service_->Get(As(kOwner), e.event_uuid)), (Names{"General", "Friends"}));
    auto listed = service_->List(std::nullopt, ListQuery{});
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->items.size(), 1U);
    EXPECT_EQ(names(listed->items[0]), (Names{"General"})) << "discovery offers public types only";

    // Orders: without the code a hidden type does not exist for a buyer; with it, it sells.
    orders::OrderService orders(*store_, clock_, random_, orders::OrderSettings{});
    json order{{"event_uuid", e.event_uuid}, {"ticket_type_id", hidden->id}};
    EXPECT_EQ(orders.Place(As(kStranger), order, "").error().code, "not_found");
    order["access_code"] = "not-the-code";
    EXPECT_EQ(orders.Place(As(kStranger), order, "").error().code, "not_found");
    order["access_code"] = hidden->access_code;
    auto placed = orders.Place(As(kStranger), order, "");
    ASSERT_TRUE(placed) << placed.error().message;
    EXPECT_EQ(placed->order.ticket_type_id, hidden->id);
    order["access_code"] = 7;
    EXPECT_EQ(orders.Place(As(kStranger), order, "").error().details["field"], "access_code");

    // Turned public and hidden again, the type keeps its code: a link that was shared still works.
    ASSERT_TRUE(service_->UpdateTicketType(As(kOwner), e.event_uuid, hidden->id, {{"visibility", "public"}}));
    auto again = service_->UpdateTicketType(As(kOwner), e.event_uuid, hidden->id, {{"visibility", "hidden"}});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->access_code, hidden->access_code);
    // A public type turned hidden gets a code of its own.
    const auto general = e.ticket_types.at(0).id;
    auto turned = service_->UpdateTicketType(As(kOwner), e.event_uuid, general, {{"visibility", "hidden"}});
    ASSERT_TRUE(turned);
    EXPECT_EQ(turned->access_code.size(), 12U);
    EXPECT_NE(turned->access_code, hidden->access_code);
}

TEST_P(Events, TicketTypesAreEditedWithinWhatSalesAllow) {
    const auto e = CreatePublished();
    const auto id = e.ticket_types.at(0).id;
    auto edited = service_->UpdateTicketType(As(kOwner),
                                             e.event_uuid,
                                             id,
                                             {{"name", "Standard"},
                                              {"description", "Entry and a drink"},
                                              {"price", "2000000000"},
                                              {"supply", 50},
                                              {"per_user_limit", 2},
                                              {"sale_start", clock_.NowUnix()},
                                              {"sale_end", clock_.NowUnix() + kDay},
                                              {"transferable", false}});
    ASSERT_TRUE(edited) << edited.error().message;
    EXPECT_EQ(edited->name, "Standard");
    EXPECT_EQ(edited->description, "Entry and a drink");
    EXPECT_EQ(edited->price.units, 2000000000);
    EXPECT_EQ(edited->supply, 50);
    EXPECT_EQ(edited->per_user_limit, 2);
    EXPECT_EQ(edited->sale_end, clock_.NowUnix() + kDay);
    EXPECT_FALSE(edited->transferable);
    // What was stored is what Get reads back.
    const auto stored = service_->Get(As(kOwner), e.event_uuid)->ticket_types.at(0);
    EXPECT_EQ(stored.name, "Standard");
    EXPECT_EQ(stored.price.units, 2000000000);
    EXPECT_EQ(stored.per_user_limit, 2);
    EXPECT_FALSE(stored.transferable);

    // Validation names the field; a window that ends before it starts, unknown fields, a taken name.
    EXPECT_EQ(
        service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"sale_end", 1}}).error().details["field"],
        "sale_end");
    EXPECT_EQ(
        service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"sold", 0}}).error().details["field"],
        "sold");
    ASSERT_TRUE(service_->AddTicketType(As(kOwner), e.event_uuid, {{"name", "VIP"}, {"price", "5"}}));
    auto taken = service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"name", "VIP"}});
    EXPECT_EQ(taken.error().code, "conflict");
    EXPECT_EQ(taken.error().details["field"], "name");
    // Only managers; not another event's type; not a missing one.
    EXPECT_EQ(service_->UpdateTicketType(As(kStaff), e.event_uuid, id, {{"name", "Y"}}).error().code,
              "auth.forbidden");
    EXPECT_EQ(service_->UpdateTicketType(As(kStranger), e.event_uuid, id, {{"name", "Y"}}).error().code,
              "auth.forbidden");
    const auto other = CreatePublished();
    EXPECT_EQ(service_->UpdateTicketType(As(kOwner), other.event_uuid, id, {{"name", "Y"}}).error().code,
              "not_found");
    EXPECT_EQ(service_->UpdateTicketType(As(kOwner), e.event_uuid, 999999, {{"name", "Y"}}).error().code,
              "not_found");

    // Once tickets are sold or reserved: the price, currency and NFT flag stay; supply not below what is
    // taken.
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE ticket_types SET sold = 3, reserved = 2 WHERE ticket_type_id = $1", {id});
    });
    auto price = service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"price", "1"}});
    EXPECT_EQ(price.error().code, "conflict");
    EXPECT_EQ(price.error().details["field"], "price");
    EXPECT_EQ(
        service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"is_nft", true}}).error().details["field"],
        "is_nft");
    auto supply = service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"supply", 4}});
    EXPECT_EQ(supply.error().code, "request.validation_failed");
    EXPECT_EQ(supply.error().details["field"], "supply");
    auto ok = service_->UpdateTicketType(
        As(kOwner), e.event_uuid, id, {{"supply", 5}, {"price", "2000000000"}, {"name", "Standard entry"}});
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->supply, 5) << "supply may equal sold + reserved";
    EXPECT_EQ(ok->sold, 3) << "an edit never touches the counters";
    EXPECT_EQ(ok->reserved, 2);
    ASSERT_TRUE(service_->Cancel(As(kOwner), e.event_uuid));
    EXPECT_EQ(service_->UpdateTicketType(As(kOwner), e.event_uuid, id, {{"name", "Z"}}).error().code,
              "state.invalid_transition");
}

TEST_P(Events, OnlyATicketTypeNobodyOrderedIsDeleted) {
    const auto e = CreatePublished();
    auto spare = service_->AddTicketType(As(kOwner), e.event_uuid, {{"name", "Spare"}, {"price", "0"}});
    ASSERT_TRUE(spare);
    EXPECT_EQ(service_->DeleteTicketType(As(kStaff), e.event_uuid, spare->id).error().code, "auth.forbidden");
    EXPECT_EQ(service_->DeleteTicketType(As(kStranger), e.event_uuid, spare->id).error().code,
              "auth.forbidden");
    ASSERT_TRUE(service_->DeleteTicketType(As(kOwner), e.event_uuid, spare->id));
    EXPECT_EQ(service_->Get(As(kOwner), e.event_uuid)->ticket_types.size(), 1U);
    EXPECT_EQ(service_->DeleteTicketType(As(kOwner), e.event_uuid, spare->id).error().code, "not_found");
    // A type with an order (even an expired one) stays: it can be hidden instead.
    const auto general = e.ticket_types.at(0).id;
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute(
            "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, "
            "type, created_at, updated_at) VALUES ('o-1', $1, $2, $3, 1, 0, 'expired', 'ticket', 1, 1)",
            {kStranger, e.event_id, general});
    });
    auto kept = service_->DeleteTicketType(As(kOwner), e.event_uuid, general);
    EXPECT_EQ(kept.error().code, "conflict");
    EXPECT_EQ(kept.error().details["field"], "visibility");
}

TEST_P(Events, StaffSeeTheirEventsAndRolesAreGivenByUsername) {
    const auto e = CreatePublished();
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE users SET username = 'Door_Keeper' WHERE user_id = $1", {kStaff});
        tx.Execute("UPDATE users SET username = 'co_org' WHERE user_id = $1", {kCoOrganizer});
    });
    ASSERT_TRUE(service_->GrantRoleByUsername(As(kOwner), e.event_uuid, "@door_keeper", "checkin_staff"));
    ASSERT_TRUE(service_->GrantRoleByUsername(As(kOwner), e.event_uuid, "CO_ORG", "co_organizer"));
    auto unknown = service_->GrantRoleByUsername(As(kOwner), e.event_uuid, "@nobody_here", "checkin_staff");
    EXPECT_EQ(unknown.error().code, "not_found");
    EXPECT_EQ(unknown.error().details["field"], "username");
    EXPECT_EQ(service_->GrantRoleByUsername(As(kOwner), e.event_uuid, "@x y", "checkin_staff")
                  .error()
                  .details["field"],
              "username");
    EXPECT_EQ(service_->GrantRoleByUsername(As(kStaff), e.event_uuid, "co_org", "checkin_staff").error().code,
              "auth.forbidden");

    ListQuery mine;
    mine.mine = true;
    mine.when = "all";
    auto roles = [&](std::int64_t who) {
        std::vector<std::string> out;
        auto page = service_->List(As(who), mine);
        EXPECT_TRUE(page);
        for (const auto& ev : page->items)
            out.push_back(ev.caller_role + (ev.caller_manages ? "+manages" : ""));
        return out;
    };
    using Roles = std::vector<std::string>;
    EXPECT_EQ(roles(kOwner), (Roles{"owner+manages"}));
    EXPECT_EQ(roles(kCoOrganizer), (Roles{"co_organizer+manages"}));
    EXPECT_EQ(roles(kStaff), (Roles{"checkin_staff"}))
        << "staff see the event, marked as theirs to check in only";
    EXPECT_EQ(roles(kStranger), (Roles{}));
    const auto json_for_staff = ToJson(service_->List(As(kStaff), mine)->items.at(0), false);
    EXPECT_FALSE(json_for_staff.contains("online_link"));
    ASSERT_TRUE(service_->RevokeRole(As(kOwner), e.event_uuid, kStaff, "checkin_staff"));
    EXPECT_EQ(roles(kStaff), (Roles{}));
}

INSTANTIATE_TEST_SUITE_P(Stores, Events, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::events
