// Delivery of queued notifications through the real Bot API client to a fake api.telegram.org on loopback, on
// SQLite and PostgreSQL: texts in the user's language with a button into the Mini App, a user who blocked the bot,
// temporary failures retried later, a claim lost with its process never sent twice, and two senders at once.
#include "domain/notifications/sender.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "adapters/telegram/bot_api.hpp"
#include "domain/notifications/queue.hpp"
#include "support/fake_bot_api.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"

namespace onton::notifications {
namespace {

using nlohmann::json;

constexpr std::int64_t kRu = 501;
constexpr std::int64_t kEn = 502;
constexpr const char* kMiniApp = "https://onton.example/app";

class Delivery : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        AddUser(kRu, "ru");
        AddUser(kEn, "en-GB");
        telegram_bot::BotApiSettings settings;
        settings.base_url = fake_.base_url();
        settings.token = "123456:test-token";
        client_ = std::make_unique<telegram_bot::BotApiClient>(settings);
    }

    void AddUser(std::int64_t id, const std::string& language) {
        db_.store->Transact([&](ports::Transaction& tx) {
            tx.Execute("INSERT INTO users (user_id, first_name, language_code, role, created_at, updated_at) "
                       "VALUES ($1, 'U', $2, 'user', 1, 1)",
                       {id, language});
        });
    }

    void QueueOne(std::int64_t user, const std::string& kind, const json& payload, const std::string& key) {
        db_.store->Transact([&](ports::Transaction& tx) { Queue(tx, user, kind, payload, key, clock_.NowUnix()); });
    }

    NotificationSender Sender(SenderSettings settings = {}) {
        settings.mini_app_url = kMiniApp;
        return NotificationSender(*db_.store, *client_, clock_, settings);
    }

    json Row(const std::string& key) {
        return db_.store->Transact([&](ports::Transaction& tx) {
            const auto rs = tx.Execute("SELECT status, attempts, claimed_at, telegram_message_id, last_error, "
                                       "scheduled_at FROM notifications WHERE dedupe_key = $1",
                                       {key});
            const auto& r = rs.rows.at(0);
            return json{{"status", ports::AsText(r[0])},
                        {"attempts", ports::AsInt(r[1])},
                        {"claimed", ports::AsOptionalInt(r[2]).has_value()},
                        {"message_id", ports::AsOptionalInt(r[3]).value_or(0)},
                        {"error", ports::AsOptionalText(r[4]).value_or("")},
                        {"scheduled_at", ports::AsInt(r[5])}};
        });
    }

    std::vector<test::RecordedRequest> Sends() {
        std::vector<test::RecordedRequest> out;
        for (auto& r : fake_.Requests()) {
            if (r.method == "sendMessage") out.push_back(std::move(r));
        }
        return out;
    }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeBotApi fake_;
    std::unique_ptr<telegram_bot::BotApiClient> client_;
};

TEST_P(Delivery, SendsInTheUsersLanguageWithAButtonIntoTheMiniApp) {
    QueueOne(kRu, "registration.approved", {{"event_uuid", "e-1"}, {"title", "Meetup"}}, "a");
    QueueOne(kEn, "waitlist.offered", {{"event_uuid", "e-2"}, {"title", "Conf"}}, "b");
    auto sender = Sender();
    const auto tally = sender.SendDue();
    EXPECT_EQ(tally.sent, 2);
    const auto sends = Sends();
    ASSERT_EQ(sends.size(), 2U);
    EXPECT_EQ(sends[0].body["chat_id"], kRu);
    EXPECT_NE(sends[0].body["text"].get<std::string>().find("одобрена"), std::string::npos) << sends[0].body.dump();
    EXPECT_EQ(sends[0].body["reply_markup"]["inline_keyboard"][0][0]["web_app"]["url"],
              std::string(kMiniApp) + "#/events/e-1");
    EXPECT_EQ(sends[1].body["chat_id"], kEn);
    EXPECT_NE(sends[1].body["text"].get<std::string>().find("held for you"), std::string::npos);
    EXPECT_EQ(Row("a")["status"], "sent");
    EXPECT_GT(Row("a")["message_id"].get<std::int64_t>(), 0);
    EXPECT_EQ(sender.SendDue().total(), 0) << "nothing is sent twice";
    EXPECT_EQ(Sends().size(), 2U);
}

TEST_P(Delivery, AUserWhoBlockedTheBotIsMarkedAndSkipped) {
    QueueOne(kEn, "order.paid", {{"event_uuid", "e-1"}, {"title", "Conf"}}, "p1");
    fake_.Enqueue(test::FakeReply::Blocked());
    auto sender = Sender();
    EXPECT_EQ(sender.SendDue().skipped, 1);
    EXPECT_EQ(Row("p1")["status"], "skipped");
    QueueOne(kEn, "order.paid", {{"event_uuid", "e-2"}, {"title", "Conf 2"}}, "p2");
    EXPECT_EQ(sender.SendDue().skipped, 1);
    EXPECT_EQ(Row("p2")["status"], "skipped");
    EXPECT_EQ(Sends().size(), 1U) << "the second was not even tried";
}

TEST_P(Delivery, TemporaryFailuresAreRetriedLaterThenGiveUp) {
    QueueOne(kEn, "order.paid", {{"title", "Conf"}}, "t");
    fake_.Enqueue(test::FakeReply::ServerError());
    SenderSettings settings;
    settings.max_attempts = 2;
    settings.retry_base_seconds = 30;
    auto sender = Sender(settings);
    EXPECT_EQ(sender.SendDue().retrying, 1);
    auto row = Row("t");
    EXPECT_EQ(row["status"], "pending");
    EXPECT_FALSE(row["claimed"].get<bool>());
    EXPECT_EQ(row["scheduled_at"], clock_.NowUnix() + 30);
    EXPECT_EQ(sender.SendDue().total(), 0) << "not due yet";
    clock_.Advance(30);
    fake_.Enqueue(test::FakeReply::ServerError());
    EXPECT_EQ(sender.SendDue().failed, 1) << "the second attempt was the last";
    EXPECT_EQ(Row("t")["status"], "failed");
    EXPECT_NE(Row("t")["error"].get<std::string>().find("messenger.unavailable"), std::string::npos);

    QueueOne(kEn, "order.paid", {{"title", "Conf"}}, "t2");
    fake_.Enqueue(test::FakeReply::ServerError());
    EXPECT_EQ(sender.SendDue().retrying, 1);
    clock_.Advance(30);
    EXPECT_EQ(sender.SendDue().sent, 1) << "recovers once Telegram answers";
    EXPECT_EQ(Row("t2")["attempts"], 2);
}

TEST_P(Delivery, AClaimLostWithItsProcessIsNeverSentAgain) {
    QueueOne(kEn, "order.paid", {{"title", "Conf"}}, "lost");
    // A process claimed it and died before marking it: what Telegram got is unknown.
    db_.store->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE notifications SET claimed_at = $1, attempts = 1 WHERE dedupe_key = 'lost'", {clock_.NowUnix()});
    });
    auto sender = Sender();
    EXPECT_EQ(sender.SendDue().total(), 0);
    EXPECT_EQ(sender.SettleAbandoned(), 0) << "a fresh claim may still be in flight";
    clock_.Advance(16 * 60);
    EXPECT_EQ(sender.SettleAbandoned(), 1);
    EXPECT_EQ(Row("lost")["status"], "failed");
    EXPECT_NE(Row("lost")["error"].get<std::string>().find("uncertain"), std::string::npos);
    EXPECT_TRUE(Sends().empty());
}

TEST_P(Delivery, TwoSendersAtOnceSendEachNotificationOnce) {
    constexpr int kCount = 24;
    for (int i = 0; i < kCount; ++i) {
        QueueOne(i % 2 == 0 ? kEn : kRu, "order.paid", {{"title", "T" + std::to_string(i)}}, "n" + std::to_string(i));
    }
    SenderSettings settings;
    settings.batch = 5;
    auto a = Sender(settings);
    auto b = Sender(settings);
    std::atomic<std::int64_t> sent{0};
    auto drain = [&sent](NotificationSender& s) {
        for (;;) {
            const auto tally = s.SendDue();
            sent += tally.sent;
            if (tally.total() == 0) break;
        }
    };
    std::thread ta([&] { drain(a); });
    std::thread tb([&] { drain(b); });
    ta.join();
    tb.join();
    EXPECT_EQ(sent.load(), kCount);
    const auto sends = Sends();
    ASSERT_EQ(sends.size(), static_cast<std::size_t>(kCount));
    std::set<std::string> texts;
    for (const auto& s : sends) texts.insert(s.body["text"].get<std::string>());
    EXPECT_EQ(texts.size(), static_cast<std::size_t>(kCount)) << "no notification went twice";
}

TEST(NotificationRender, EnglishRussianAndUnknownKinds) {
    const json payload = {{"event_uuid", "u"}, {"title", "Meetup"}, {"reason", "full"}};
    const auto en = Render("registration.rejected", payload, "en", "https://x/app");
    EXPECT_NE(en.text.find("declined"), std::string::npos);
    EXPECT_NE(en.text.find("Reason: full"), std::string::npos);
    const auto ru = Render("registration.rejected", payload, "ru-RU", "https://x/app");
    EXPECT_NE(ru.text.find("Причина: full"), std::string::npos);
    const auto other = Render("something.new", json::object(), "de", "https://x/app");
    EXPECT_NE(other.text.find("notification"), std::string::npos);
    ASSERT_EQ(other.keyboard.size(), 1U);
    EXPECT_EQ(other.keyboard[0][0].value, "https://x/app");
    EXPECT_TRUE(Render("order.paid", payload, "en", "").keyboard.empty()) << "no Mini App URL, no button";
}

TEST(NotificationRender, EventMessagesInBothLanguages) {
    const json day = {{"event_uuid", "u1"}, {"title", "Meetup"}, {"lead", "24h"}};
    const json hour = {{"event_uuid", "u1"}, {"title", "Meetup"}, {"lead", "1h"}};
    EXPECT_NE(Render("event.reminder", day, "en", "").text.find("within 24 hours"), std::string::npos);
    EXPECT_NE(Render("event.reminder", hour, "en", "").text.find("within the hour"), std::string::npos);
    EXPECT_NE(Render("event.reminder", hour, "ru", "").text.find("меньше чем через час"), std::string::npos);
    const auto changed = Render("event.changed", day, "en", "https://x/app");
    EXPECT_NE(changed.text.find("changed \"Meetup\""), std::string::npos);
    EXPECT_EQ(changed.keyboard.at(0).at(0).value, "https://x/app#/events/u1");
    EXPECT_NE(Render("event.canceled", day, "ru", "").text.find("отменено"), std::string::npos);
    const auto in = Render("ticket.checked_in", day, "en", "https://x/app");
    EXPECT_NE(in.text.find("checked in"), std::string::npos);
    EXPECT_EQ(in.keyboard.at(0).at(0).value, "https://x/app#/tickets");
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         Delivery,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace onton::notifications
