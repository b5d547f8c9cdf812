// Moderation on both stores: an event whose texts fail the rules waits in pending_moderation, hidden, until an
// admin approves or rejects it; the organizer is told either way; edits of a published event are checked again.
#include <gtest/gtest.h>

#include <memory>

#include "domain/events/events.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::events {
namespace {

using identity::Role;
using nlohmann::json;
using test::As;

constexpr std::int64_t kOrganizer = 1;
constexpr std::int64_t kAdmin = 2;
constexpr std::int64_t kGuest = 3;

class Moderation : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOrganizer, kAdmin, kGuest}) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)", {id});
            }
        });
        moderation::Rules rules;
        rules.banned_words = {"casino"};
        events_ = std::make_unique<EventService>(*store_, clock_, random_, rules);
    }

    std::string Draft(const std::string& title, std::int64_t owner = kOrganizer) {
        const auto role = owner == kAdmin ? Role::kAdmin : Role::kUser;
        auto e = events_->Create(As(owner, role), {{"title", title},
                                                   {"start_date", clock_.NowUnix() + 86400},
                                                   {"end_date", clock_.NowUnix() + 90000},
                                                   {"participation_type", "in_person"},
                                                   {"location", "Hall"}});
        EXPECT_TRUE(e);
        EXPECT_TRUE(events_->AddTicketType(As(owner, role), e->event_uuid, {{"name", "Seat"}, {"price", "0"}, {"supply", 5}}));
        return e->event_uuid;
    }

    std::vector<std::string> QueuedFor(std::int64_t user) {
        std::vector<std::string> out;
        const auto rs = store_->Transact([&](ports::Transaction& tx) {
            return tx.Execute("SELECT kind, payload FROM notifications WHERE user_id = $1 ORDER BY notification_id", {user});
        });
        for (const auto& row : rs.rows) {
            out.push_back(ports::AsText(row[0]) + ":" + json::parse(ports::AsText(row[1])).value("reason", ""));
        }
        return out;
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<EventService> events_;
};

TEST_P(Moderation, AFlaggedEventWaitsHiddenUntilAnAdminApproves) {
    const auto uuid = Draft("Casino night");
    const auto held = events_->Publish(As(kOrganizer), uuid);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->status, "pending_moderation");
    EXPECT_EQ(events_->Publish(As(kOrganizer), uuid)->status, "pending_moderation") << "publishing again changes nothing";
    EXPECT_EQ(events_->Get(As(kGuest), uuid).error().code, "not_found") << "hidden from everyone else";
    EXPECT_EQ(events_->Get(std::nullopt, uuid).error().code, "not_found");

    EXPECT_EQ(events_->PendingModeration(As(kOrganizer)).error().code, "auth.forbidden");
    const auto pending = events_->PendingModeration(As(kAdmin, Role::kAdmin));
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 1U);
    EXPECT_EQ(pending->at(0).event_uuid, uuid);
    EXPECT_EQ(pending->at(0).reason, "banned_word:casino");

    EXPECT_EQ(events_->Moderate(As(kOrganizer), uuid, true, "").error().code, "auth.forbidden");
    const auto approved = events_->Moderate(As(kAdmin, Role::kAdmin), uuid, true, "");
    ASSERT_TRUE(approved);
    EXPECT_EQ(approved->status, "published");
    EXPECT_TRUE(events_->Get(std::nullopt, uuid));
    EXPECT_TRUE(events_->PendingModeration(As(kAdmin, Role::kAdmin))->empty());
    EXPECT_EQ(QueuedFor(kOrganizer), (std::vector<std::string>{"event.approved:"}));
    EXPECT_EQ(events_->Moderate(As(kAdmin, Role::kAdmin), uuid, true, "").error().code, "state.invalid_transition");
}

TEST_P(Moderation, ARejectionNeedsAReasonTheOrganizerIsTold) {
    const auto uuid = Draft("Casino night");
    ASSERT_EQ(events_->Publish(As(kOrganizer), uuid)->status, "pending_moderation");
    EXPECT_EQ(events_->Moderate(As(kAdmin, Role::kAdmin), uuid, false, "").error().code, "request.validation_failed");
    const auto rejected = events_->Moderate(As(kAdmin, Role::kAdmin), uuid, false, "gambling is not allowed");
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->status, "rejected");
    EXPECT_EQ(QueuedFor(kOrganizer), (std::vector<std::string>{"event.rejected:gambling is not allowed"}));
    // The organizer fixes the text and publishes again.
    ASSERT_TRUE(events_->Update(As(kOrganizer), uuid, {{"title", "Board games night"}}));
    EXPECT_EQ(events_->Publish(As(kOrganizer), uuid)->status, "published");
}

TEST_P(Moderation, CleanEventsAndAdminsEventsPublishAtOnce) {
    EXPECT_EQ(events_->Publish(As(kOrganizer), Draft("Board games night"))->status, "published");
    EXPECT_EQ(events_->Publish(As(kAdmin, Role::kAdmin), Draft("Casino history", kAdmin))->status, "published");
}

TEST_P(Moderation, EditingAPublishedEventIntoSpamHoldsItAgain) {
    const auto uuid = Draft("Board games night");
    ASSERT_EQ(events_->Publish(As(kOrganizer), uuid)->status, "published");
    const auto edited = events_->Update(As(kOrganizer), uuid, {{"description", "Now with a casino"}});
    ASSERT_TRUE(edited);
    EXPECT_EQ(edited->status, "pending_moderation");
    EXPECT_EQ(events_->Get(std::nullopt, uuid).error().code, "not_found");
    EXPECT_EQ(events_->PendingModeration(As(kAdmin, Role::kAdmin))->size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(Stores, Moderation, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::events
