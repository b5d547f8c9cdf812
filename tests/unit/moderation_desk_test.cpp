// Moderation through the bot against a fake messenger over a real SQLite store: held events announced once
// per flagged version (also after a restart), and the Approve / Reject buttons deciding once, for admins
// only.
#include <gtest/gtest.h>

#include <memory>

#include "domain/bot/bot.hpp"
#include "domain/bot/moderation.hpp"
#include "domain/events/events.hpp"
#include "support/fake_messenger.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::bot {
namespace {

/// Moderation rules that hold an event whose texts use `word`.
moderation::Rules Rules(const std::string& word) {
    moderation::Rules rules;
    rules.banned_words = {word};
    return rules;
}

using identity::Principal;
using identity::Role;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAdmin = 3;
constexpr std::int64_t kStranger = 4;
constexpr std::int64_t kAdminChat = -100123;

class ModerationDeskTest : public ::testing::Test {
   protected:
    void SetUp() override {
        store_ = std::move(test::OpenTestStore("sqlite", dir_.path()).store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAdmin, kStranger}) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, username, role, created_at, updated_at) VALUES "
                    "($1, 'U', $2, $3, 1, 1)",
                    {id, "user" + std::to_string(id), std::string(id == kAdmin ? "admin" : "user")});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_, Rules("scam"));
        desk_ = std::make_unique<ModerationDesk>(
            *store_, messenger_, *events_, clock_, ModerationDeskSettings{.chat_id = kAdminChat});
        auto e = events_->Create(Principal{kOwner, Role::kUser, 0},
                                 {{"title", "Crypto scam meetup"},
                                  {"description", "Come and see"},
                                  {"start_date", clock_.NowUnix() + 86400},
                                  {"end_date", clock_.NowUnix() + 90000},
                                  {"participation_type", "in_person"},
                                  {"location", "Hall"}});
        ASSERT_TRUE(e);
        event_ = e->event_uuid;
        ASSERT_TRUE(events_->AddTicketType(
            Principal{kOwner, Role::kUser, 0}, event_, {{"name", "Free"}, {"price", "0"}}));
        auto held = events_->Publish(Principal{kOwner, Role::kUser, 0}, event_);
        ASSERT_TRUE(held);
        ASSERT_EQ(held->status, "pending_moderation");
    }

    std::vector<test::FakeMessenger::Call> CallsOf(const std::string& method) const {
        std::vector<test::FakeMessenger::Call> out;
        for (const auto& c : messenger_.calls()) {
            if (c.method == method) out.push_back(c);
        }
        return out;
    }

    std::string Status() {
        return store_->Transact([&](ports::Transaction& tx) {
            return ports::AsText(
                tx.Execute("SELECT status FROM events WHERE event_uuid = $1", {event_}).rows.at(0)[0]);
        });
    }

    /// The callback data of the last announcement's button (0: Approve, 1: Reject).
    std::string Button(int index) {
        const auto sends = CallsOf("sendMessage");
        EXPECT_FALSE(sends.empty());
        return sends.back().keyboard->at(0).at(static_cast<std::size_t>(index)).value;
    }

    static telegram::CallbackQuery Press(std::int64_t from, const std::string& data) {
        telegram::CallbackQuery q;
        q.id = "cb-" + data;
        q.from.id = from;
        q.from.username = "user" + std::to_string(from);
        q.data = data;
        q.chat_id = kAdminChat;
        q.message_id = 1;
        return q;
    }

    test::TempDir dir_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    test::FakeMessenger messenger_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<ModerationDesk> desk_;
    std::string event_;
};

TEST(ModerationCallback, RoundTrips) {
    EXPECT_EQ(ModerationCallbackData(42, true), "mod:approve:42");
    EXPECT_EQ(ModerationCallbackData(42, false), "mod:reject:42");
    const auto parsed = ParseModerationCallback("mod:reject:42");
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->report_id, 42);
    EXPECT_FALSE(parsed->approve);
    for (const char* bad :
         {"", "mod:approve:", "mod:approve:x", "mod:approve:-1", "mod:approve:1x", "other"}) {
        EXPECT_FALSE(ParseModerationCallback(bad)) << bad;
    }
}

TEST_F(ModerationDeskTest, AHeldEventIsAnnouncedOnceWithButtons) {
    const auto tally = desk_->AnnounceDue();
    EXPECT_EQ(tally.sent, 1);
    const auto sends = CallsOf("sendMessage");
    ASSERT_EQ(sends.size(), 1U);
    EXPECT_EQ(sends[0].chat_id, kAdminChat);
    EXPECT_NE(sends[0].text.find("Crypto scam meetup"), std::string::npos);
    EXPECT_NE(sends[0].text.find("banned_word:scam"), std::string::npos);
    EXPECT_NE(sends[0].text.find("@user1"), std::string::npos);
    ASSERT_TRUE(sends[0].keyboard);
    ASSERT_EQ(sends[0].keyboard->at(0).size(), 2U);
    EXPECT_EQ(sends[0].keyboard->at(0)[0].kind, ports::InlineButton::Kind::kCallback);
    EXPECT_EQ(Button(0).rfind("mod:approve:", 0), 0U);
    EXPECT_EQ(Button(1).rfind("mod:reject:", 0), 0U);

    EXPECT_EQ(desk_->AnnounceDue().sent, 0);
    // A restart (a new desk over the same database) announces nothing again.
    ModerationDesk restarted(*store_, messenger_, *events_, clock_, {.chat_id = kAdminChat});
    EXPECT_EQ(restarted.AnnounceDue().sent, 0);
    EXPECT_EQ(CallsOf("sendMessage").size(), 1U);
}

TEST_F(ModerationDeskTest, AnOutageIsRetriedAndARefusalIsNot) {
    messenger_.Fail(test::FakeMessenger::Failure(ports::kMessengerUnavailable));
    EXPECT_EQ(desk_->AnnounceDue().retrying, 1);
    EXPECT_EQ(desk_->AnnounceDue().sent, 1);

    // A second held event whose announcement the chat refuses (the bot is not in it): failed, not retried.
    auto e = events_->Create(Principal{kOwner, Role::kUser, 0},
                             {{"title", "Another scam"},
                              {"start_date", clock_.NowUnix() + 86400},
                              {"end_date", clock_.NowUnix() + 90000},
                              {"participation_type", "online"},
                              {"online_link", "https://meet.example/x"}});
    ASSERT_TRUE(e);
    ASSERT_TRUE(events_->AddTicketType(
        Principal{kOwner, Role::kUser, 0}, e->event_uuid, {{"name", "Free"}, {"price", "0"}}));
    ASSERT_TRUE(events_->Publish(Principal{kOwner, Role::kUser, 0}, e->event_uuid));
    messenger_.Fail(test::FakeMessenger::Failure(ports::kMessengerBlocked));
    EXPECT_EQ(desk_->AnnounceDue().failed, 1);
    EXPECT_EQ(desk_->AnnounceDue().sent + desk_->AnnounceDue().failed, 0);
}

TEST_F(ModerationDeskTest, AnAdminApprovesOnceAndASecondClickIsAlreadyDecided) {
    ASSERT_EQ(desk_->AnnounceDue().sent, 1);
    const auto approve = Button(0);
    auto handled = desk_->HandleCallback(Press(kAdmin, approve));
    ASSERT_TRUE(handled);
    EXPECT_TRUE(*handled);
    EXPECT_EQ(Status(), "published");
    const auto edits = CallsOf("editMessageText");
    ASSERT_EQ(edits.size(), 1U);
    EXPECT_EQ(edits[0].chat_id, kAdminChat);
    EXPECT_NE(edits[0].text.find("Approved by @user3"), std::string::npos);
    EXPECT_FALSE(edits[0].keyboard) << "the buttons go";
    EXPECT_EQ(messenger_.answers().back(), "Approved.");

    ASSERT_TRUE(desk_->HandleCallback(Press(kAdmin, approve)));
    EXPECT_EQ(messenger_.answers().back(), "Already decided: approved.");
    ASSERT_TRUE(desk_->HandleCallback(Press(kAdmin, Button(1))));
    EXPECT_EQ(messenger_.answers().back(), "Already decided: approved.");
    EXPECT_EQ(Status(), "published");
    EXPECT_EQ(CallsOf("editMessageText").size(), 1U);
}

TEST_F(ModerationDeskTest, ARejectionTellsTheReasonsAndANewFlagIsAnnouncedAgain) {
    ASSERT_EQ(desk_->AnnounceDue().sent, 1);
    ASSERT_TRUE(desk_->HandleCallback(Press(kAdmin, Button(1))));
    EXPECT_EQ(Status(), "rejected");
    EXPECT_EQ(messenger_.answers().back(), "Rejected.");
    const auto reason = store_->Transact([&](ports::Transaction& tx) {
        return ports::AsText(
            tx.Execute("SELECT payload FROM notifications WHERE kind = 'event.rejected'").rows.at(0)[0]);
    });
    EXPECT_NE(reason.find("banned_word:scam"), std::string::npos);
    // The organizer publishes again, still flagged: a new version, a new announcement.
    ASSERT_EQ(events_->Publish(Principal{kOwner, Role::kUser, 0}, event_)->status, "pending_moderation");
    EXPECT_EQ(desk_->AnnounceDue().sent, 1);
    EXPECT_EQ(CallsOf("sendMessage").size(), 2U);
}

TEST_F(ModerationDeskTest, OnlyAdminsDecide) {
    ASSERT_EQ(desk_->AnnounceDue().sent, 1);
    for (const auto who : {kStranger, kOwner, std::int64_t{999}}) {
        ASSERT_TRUE(desk_->HandleCallback(Press(who, Button(0))));
        EXPECT_EQ(messenger_.answers().back(), "Only Onton admins can moderate events.");
    }
    EXPECT_EQ(Status(), "pending_moderation");
    EXPECT_TRUE(CallsOf("editMessageText").empty());
}

TEST_F(ModerationDeskTest, TheBotRoutesButtons) {
    BotService bot(*store_, messenger_, clock_, {}, {.stars = nullptr, .moderation = desk_.get()});
    ASSERT_EQ(desk_->AnnounceDue().sent, 1);
    telegram::Update update;
    update.kind = telegram::UpdateKind::kCallbackQuery;
    update.callback_query = Press(kAdmin, Button(0));
    ASSERT_TRUE(bot.Handle(update));
    EXPECT_EQ(Status(), "published");
    update.callback_query = Press(kAdmin, "something-else");
    ASSERT_TRUE(bot.Handle(update));
    EXPECT_EQ(CallsOf("answerCallbackQuery").size(), 2U) << "any other button is answered too";
}

}  // namespace
}  // namespace onton::bot
