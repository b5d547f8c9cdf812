// The rules of placing an order, one by one, on both stores with a fake clock: the sale window, the per-user
// limit, the supply (and capacity returned by expiry exactly once), promo codes, idempotency (same body: the
// same order; another body: request.idempotency_mismatch, which the API answers 422), free orders (inserted
// created, moved to paid by the state machine), and the online check-in phrase (Argon2id, attempts limited
// per user).
#include <gtest/gtest.h>

#include <latch>
#include <memory>
#include <thread>

#include "common/secret_hash.hpp"
#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "http/error_table.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::orders {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kBen = 3;
constexpr std::int64_t kDay = 86400;

std::string CodeOf(const Result<OrderService::Placed>& r) { return r ? "ok" : r.error().code; }

class OrderRules : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kBen}) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'U', 1, 1)",
                    {id});
            }
        });
        events_ = std::make_unique<events::EventService>(*store_, clock_, random_);
        orders_ = std::make_unique<OrderService>(*store_, clock_, random_, OrderSettings{});
    }

    /// A published event starting in 10 days with one ticket type of `type` (name and price added when
    /// absent).
    std::pair<std::string, std::int64_t> Event(json type, const std::string& participation = "in_person") {
        json body = {{"title", "Rules"},
                     {"start_date", clock_.NowUnix() + 10 * kDay},
                     {"end_date", clock_.NowUnix() + 10 * kDay + 3600},
                     {"participation_type", participation}};
        if (participation == "online") {
            body["online_link"] = "https://meet.example/x";
        } else {
            body["location"] = "Hall";
        }
        auto e = events_->Create(As(kOwner), body);
        EXPECT_TRUE(e) << e.error().message;
        if (!type.contains("name")) type["name"] = "Seat";
        if (!type.contains("price")) type["price"] = "1000";
        auto t = events_->AddTicketType(As(kOwner), e->event_uuid, type);
        EXPECT_TRUE(t) << t.error().message;
        EXPECT_TRUE(events_->Publish(As(kOwner), e->event_uuid));
        return {e->event_uuid, t->id};
    }

    Result<OrderService::Placed> Buy(std::int64_t who,
                                     const std::pair<std::string, std::int64_t>& offer,
                                     std::int64_t quantity = 1,
                                     const std::string& key = "",
                                     const std::string& promo = "") {
        json body = {{"event_uuid", offer.first}, {"ticket_type_id", offer.second}, {"quantity", quantity}};
        if (!promo.empty()) body["promo_code"] = promo;
        return orders_->Place(As(who), body, key);
    }

    std::int64_t Int(const std::string& sql, const ports::SqlParams& params) {
        return store_->Transact(
            [&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql, params).rows.at(0)[0]); });
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<OrderService> orders_;
};

TEST_P(OrderRules, SaleWindow) {
    const auto start = clock_.NowUnix() + kDay;
    const auto end = clock_.NowUnix() + 2 * kDay;
    const auto offer = Event({{"sale_start", start}, {"sale_end", end}});
    auto early = Buy(kAnna, offer);
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, "ticket.sale_closed");
    EXPECT_EQ(early.error().details["reason"], "not_started");
    EXPECT_EQ(early.error().details["sale_start"], start);

    clock_.Advance(kDay - 1);
    EXPECT_EQ(CodeOf(Buy(kAnna, offer)), "ticket.sale_closed") << "one second before the start";
    clock_.Advance(1);
    EXPECT_EQ(CodeOf(Buy(kAnna, offer)), "ok") << "from the start, inclusive";
    clock_.Advance(kDay - 1);
    EXPECT_EQ(CodeOf(Buy(kBen, offer)), "ok") << "the last second of the window";
    clock_.Advance(1);
    auto late = Buy(kBen, offer);
    ASSERT_FALSE(late);
    EXPECT_EQ(late.error().code, "ticket.sale_closed");
    EXPECT_EQ(late.error().details["reason"], "ended") << "the end is exclusive";
}

TEST_P(OrderRules, NoSalesOnceTheEventIsOverOrWhenItIsNotPublished) {
    const auto offer = Event(json::object());
    clock_.Advance(10 * kDay + 3600);
    EXPECT_EQ(CodeOf(Buy(kAnna, offer)), "ticket.sale_closed");

    auto draft = events_->Create(As(kOwner),
                                 {{"title", "Draft"},
                                  {"start_date", clock_.NowUnix() + kDay},
                                  {"end_date", clock_.NowUnix() + kDay + 60},
                                  {"participation_type", "in_person"},
                                  {"location", "Hall"}});
    ASSERT_TRUE(draft);
    auto type = events_->AddTicketType(As(kOwner), draft->event_uuid, {{"name", "A"}, {"price", "5"}});
    ASSERT_TRUE(type);
    auto refused = Buy(kAnna, {draft->event_uuid, type->id});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "ticket.sale_closed");
    EXPECT_EQ(refused.error().details["reason"], "event_draft");
    EXPECT_EQ(CodeOf(Buy(kAnna, {draft->event_uuid, type->id + 1000})), "not_found");
}

TEST_P(OrderRules, PerUserLimitCountsLiveOrdersOnly) {
    const auto offer = Event({{"per_user_limit", 3}});
    auto two = Buy(kAnna, offer, 2);
    ASSERT_TRUE(two) << two.error().message;
    auto over = Buy(kAnna, offer, 2);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, "ticket.limit_exceeded");
    EXPECT_EQ(over.error().details["limit"], 3);
    EXPECT_EQ(over.error().details["held"], 2);
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 3)), "ok") << "the limit is per person";
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 1)), "ok") << "up to the limit";
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 1)), "ticket.limit_exceeded");
    // A canceled order no longer counts; an expired one neither.
    ASSERT_TRUE(orders_->Cancel(As(kAnna), two->order.uuid));
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 2)), "ok");
    clock_.Advance(orders_->settings().order_ttl_seconds);
    EXPECT_EQ(orders_->ExpireDue(), 3);
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 3)), "ok");
    // A quantity beyond the platform's maximum is a validation error, not a limit.
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 0)), "request.validation_failed");
    EXPECT_EQ(CodeOf(Buy(kBen, offer, orders_->settings().max_quantity + 1)), "request.validation_failed");
}

TEST_P(OrderRules, SupplyAndExpiryReturnSeatsOnce) {
    const auto offer = Event({{"supply", 3}});
    auto first = Buy(kAnna, offer, 2);
    ASSERT_TRUE(first);
    auto over = Buy(kBen, offer, 2);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, "ticket.sold_out");
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1)), "ok") << "exactly what is left";
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1)), "ticket.sold_out");
    EXPECT_EQ(Int("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 3);

    // The unpaid orders expire and their seats come back once, however often the sweeper runs.
    clock_.Advance(orders_->settings().order_ttl_seconds - 1);
    EXPECT_EQ(orders_->ExpireDue(), 0) << "not before the expiry";
    clock_.Advance(1);
    EXPECT_EQ(orders_->ExpireDue(), 2);
    EXPECT_EQ(orders_->ExpireDue(), 0);
    EXPECT_EQ(Int("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 0);
    EXPECT_EQ(
        Int("SELECT count(*) FROM orders WHERE ticket_type_id = $1 AND state = 'expired'", {offer.second}),
        2);
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 3)), "ok");
    // A payment for an expired order is no longer a reason to hold a seat: MarkPaid leaves it alone.
    EXPECT_FALSE(orders_->MarkPaid(first->order.uuid, "tx-late"));
}

TEST_P(OrderRules, PromoCodes) {
    const auto offer = Event({{"price", "1000"}});
    const auto other_type =
        events_->AddTicketType(As(kOwner), offer.first, {{"name", "VIP"}, {"price", "5000"}});
    ASSERT_TRUE(other_type);
    const auto now = clock_.NowUnix();
    ASSERT_TRUE(
        orders_->CreatePromoCode(As(kOwner), offer.first, {{"code", "quarter"}, {"discount_percent", 25}}));
    ASSERT_TRUE(orders_->CreatePromoCode(
        As(kOwner), offer.first, {{"code", "ONCE"}, {"discount_amount", "300"}, {"max_uses", 1}}));
    ASSERT_TRUE(orders_->CreatePromoCode(
        As(kOwner), offer.first, {{"code", "LATER"}, {"discount_percent", 10}, {"valid_from", now + kDay}}));
    ASSERT_TRUE(orders_->CreatePromoCode(
        As(kOwner),
        offer.first,
        {{"code", "VIPONLY"}, {"discount_percent", 10}, {"ticket_type_id", other_type->id}}));
    ASSERT_TRUE(
        orders_->CreatePromoCode(As(kOwner), offer.first, {{"code", "ALL"}, {"discount_percent", 100}}));
    EXPECT_EQ(orders_->CreatePromoCode(As(kAnna), offer.first, {{"code", "MINE"}, {"discount_percent", 100}})
                  .error()
                  .code,
              "auth.forbidden");

    auto quarter = Buy(kAnna, offer, 2, "", "Quarter");  // codes are case-insensitive
    ASSERT_TRUE(quarter) << quarter.error().message;
    EXPECT_EQ(quarter->order.total_price, 1500);
    auto once = Buy(kAnna, offer, 1, "", "once");
    ASSERT_TRUE(once) << once.error().message;
    EXPECT_EQ(once->order.total_price, 700);
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1, "", "ONCE")), "promo.exhausted");
    EXPECT_EQ(Int("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 3)
        << "the refused order took no seat";
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1, "", "LATER")), "promo.invalid");
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1, "", "VIPONLY")), "promo.invalid");
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1, "", "NOSUCH")), "promo.invalid");
    clock_.Advance(kDay);
    auto later = Buy(kBen, offer, 1, "", "LATER");
    ASSERT_TRUE(later);
    EXPECT_EQ(later->order.total_price, 900);

    // A canceled order gives its use back.
    ASSERT_TRUE(orders_->Cancel(As(kAnna), once->order.uuid));
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 1, "", "ONCE")), "ok");

    // 100 % off: a free order, paid at once with its ticket.
    auto free = Buy(kBen, offer, 1, "", "ALL");
    ASSERT_TRUE(free);
    EXPECT_EQ(free->order.total_price, 0);
    EXPECT_EQ(free->order.state, OrderState::kPaid);
    EXPECT_EQ(free->order.tickets.size(), 1U);
}

TEST_P(OrderRules, IdempotencyKey) {
    const auto offer = Event({{"supply", 10}});
    auto first = Buy(kAnna, offer, 2, "key-1");
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->created);
    auto again = Buy(kAnna, offer, 2, "key-1");
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->order.uuid, first->order.uuid);
    EXPECT_EQ(again->order.payment_comment, first->order.payment_comment);

    auto other_body = Buy(kAnna, offer, 3, "key-1");
    ASSERT_FALSE(other_body);
    EXPECT_EQ(other_body.error().code, "request.idempotency_mismatch");
    EXPECT_EQ(http::StatusForCode(other_body.error().code), boost::beast::http::status::unprocessable_entity);
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 2, "key-1", "SOMECODE")), "request.idempotency_mismatch")
        << "a promo code is part of the body";

    // Keys are per buyer; without a key every request is a new order.
    auto bens = Buy(kBen, offer, 2, "key-1");
    ASSERT_TRUE(bens);
    EXPECT_TRUE(bens->created);
    EXPECT_NE(bens->order.uuid, first->order.uuid);
    EXPECT_NE(Buy(kBen, offer, 1)->order.uuid, Buy(kBen, offer, 1)->order.uuid);
    EXPECT_EQ(Int("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 6);
    // The replay answers even after the seats are gone.
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 5)), "ticket.sold_out");
    EXPECT_EQ(CodeOf(Buy(kAnna, offer, 2, "key-1")), "ok");
}

TEST_P(OrderRules, FreeOrdersAreInsertedCreatedAndPaidByTheStateMachine) {
    const auto offer = Event({{"price", "0"}, {"supply", 5}});
    auto free = Buy(kAnna, offer, 2);
    ASSERT_TRUE(free) << free.error().message;
    EXPECT_EQ(free->order.state, OrderState::kPaid);
    EXPECT_EQ(free->order.paid_at, clock_.NowUnix());
    EXPECT_EQ(free->order.tickets.size(), 2U);
    const auto row = store_->Transact([&](ports::Transaction& tx) {
        return tx.Execute(
            "SELECT state, paid_at, updated_at, payment_comment, expires_at FROM orders WHERE uuid = $1",
            {free->order.uuid});
    });
    ASSERT_EQ(row.rows.size(), 1U);
    EXPECT_EQ(ports::AsText(row.rows[0][0]), "paid");
    EXPECT_EQ(ports::AsOptionalInt(row.rows[0][1]), clock_.NowUnix()) << "set by the transition";
    EXPECT_EQ(ports::AsInt(row.rows[0][2]), clock_.NowUnix());
    EXPECT_FALSE(ports::AsOptionalText(row.rows[0][3])) << "nothing to pay, no comment";
    EXPECT_FALSE(ports::AsOptionalInt(row.rows[0][4])) << "and no expiry";
    EXPECT_EQ(Int("SELECT sold FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 2);
    EXPECT_EQ(Int("SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {offer.second}), 0);
    EXPECT_EQ(Int("SELECT count(*) FROM outbox WHERE topic = 'order.paid' AND message_key = $1",
                  {free->order.uuid}),
              1);
    // Paid, so the machine lets it go no further than refunded: never back to created, never expired.
    EXPECT_FALSE(IsAllowed(OrderState::kPaid, OrderState::kCreated));
    clock_.Advance(orders_->settings().order_ttl_seconds + 1);
    EXPECT_EQ(orders_->ExpireDue(), 0);
    EXPECT_EQ(CodeOf(Buy(kBen, offer, 4)), "ticket.sold_out");
}

TEST_P(OrderRules, CheckInPhraseIsArgon2idAndGuessesAreLimitedPerUser) {
    const auto offer = Event({{"price", "0"}}, "online");
    ASSERT_TRUE(Buy(kAnna, offer));
    ASSERT_TRUE(Buy(kBen, offer));
    ASSERT_TRUE(orders_->SetCheckInPhrase(As(kOwner), offer.first, "Blue  Whale"));
    const auto stored = store_->Transact([&](ports::Transaction& tx) {
        return ports::AsText(
            tx.Execute("SELECT checkin_phrase_hash FROM events WHERE event_uuid = $1", {offer.first})
                .rows.at(0)[0]);
    });
    EXPECT_TRUE(IsSecretHash(stored)) << stored;
    EXPECT_EQ(stored.rfind("$argon2id$", 0), 0U);
    EXPECT_TRUE(VerifySecret(stored, "blue whale")) << "normalised before hashing";
    EXPECT_EQ(stored.find("whale"), std::string::npos);

    // Anna guesses: each wrong phrase costs an attempt; the fifth leaves none; then even the right one waits.
    for (std::int64_t i = 1; i <= OrderService::kPhraseAttempts; ++i) {
        auto wrong = orders_->SelfCheckIn(As(kAnna), offer.first, "guess " + std::to_string(i));
        ASSERT_TRUE(wrong) << wrong.error().message;
        EXPECT_EQ(wrong->result, "wrong_phrase");
        EXPECT_EQ(wrong->attempts_left, OrderService::kPhraseAttempts - i);
    }
    auto limited = orders_->SelfCheckIn(As(kAnna), offer.first, "blue whale");
    ASSERT_FALSE(limited);
    EXPECT_EQ(limited.error().code, "rate_limited");
    EXPECT_EQ(limited.error().details["retry_after"], OrderService::kPhraseWindowSeconds);
    // Per user: Ben's attempts are his own.
    auto ben = orders_->SelfCheckIn(As(kBen), offer.first, " BLUE whale ");
    ASSERT_TRUE(ben) << ben.error().message;
    EXPECT_EQ(ben->result, "admitted");
    // The window passes: Anna may try again, and the right phrase does not use up an attempt.
    clock_.Advance(OrderService::kPhraseWindowSeconds);
    auto anna = orders_->SelfCheckIn(As(kAnna), offer.first, "blue whale");
    ASSERT_TRUE(anna) << anna.error().message;
    EXPECT_EQ(anna->result, "admitted");
    EXPECT_EQ(orders_->SelfCheckIn(As(kAnna), offer.first, "blue whale")->result, "already_used");
    EXPECT_EQ(Int("SELECT attempts FROM checkin_phrase_attempts WHERE user_id = $1", {kAnna}), 0);
}

TEST_P(OrderRules, ParallelGuessesCannotPassTheLimit) {
    const auto offer = Event({{"price", "0"}}, "online");
    ASSERT_TRUE(Buy(kAnna, offer));
    ASSERT_TRUE(orders_->SetCheckInPhrase(As(kOwner), offer.first, "blue whale"));
    constexpr int kGuessers = 12;
    std::vector<std::string> results(kGuessers);
    std::latch start(kGuessers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kGuessers; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                auto r = orders_->SelfCheckIn(As(kAnna), offer.first, "guess " + std::to_string(i));
                results[static_cast<std::size_t>(i)] = r ? r->result : r.error().code;
            } catch (const std::exception& e) {
                results[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::count(results.begin(), results.end(), "wrong_phrase"), OrderService::kPhraseAttempts);
    EXPECT_EQ(std::count(results.begin(), results.end(), "rate_limited"),
              kGuessers - OrderService::kPhraseAttempts);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         OrderRules,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace onton::orders
