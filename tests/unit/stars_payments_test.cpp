// Telegram Stars payments against a fake messenger over a real SQLite store: the invoice link, the
// pre-checkout check, successful payments credited once through the order rules, and XTR refunds through
// refundStarPayment.
#include <gtest/gtest.h>

#include <memory>

#include "domain/bot/bot.hpp"
#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/refunds.hpp"
#include "domain/payments/stars.hpp"
#include "support/fake_messenger.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::payments {
namespace {

using identity::Role;
using test::As;

constexpr std::int64_t kOwner = 1;
constexpr std::int64_t kAnna = 2;
constexpr std::int64_t kAdmin = 3;
constexpr std::int64_t kBoris = 4;

class StarsTest : public ::testing::Test {
   protected:
    void SetUp() override {
        store_ = std::move(test::OpenTestStore("sqlite", dir_.path()).store);
        store_->Transact([](ports::Transaction& tx) {
            for (const std::int64_t id : {kOwner, kAnna, kAdmin, kBoris}) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                    "$2, "
                    "1, 1)",
                    {id, std::string(id == kAdmin ? "admin" : "user")});
            }
        });
        events_ = std::make_unique<events::EventService>(
            *store_,
            clock_,
            random_,
            moderation::Rules{},
            std::vector{money::Currency::kTon, money::Currency::kStars});
        orders_ = std::make_unique<orders::OrderService>(*store_, clock_, random_, orders::OrderSettings{});
        stars_ = std::make_unique<StarsPayments>(*store_, messenger_, *orders_, clock_);
        refunds_ = std::make_unique<Refunds>(*store_, clock_, nullptr);
        auto e = events_->Create(As(kOwner),
                                 {{"title", "Stars night"},
                                  {"start_date", clock_.NowUnix() + 86400},
                                  {"end_date", clock_.NowUnix() + 90000},
                                  {"participation_type", "in_person"},
                                  {"location", "Club"}});
        ASSERT_TRUE(e);
        event_ = e->event_uuid;
        auto xtr = events_->AddTicketType(
            As(kOwner), event_, {{"name", "Seat"}, {"price", "50"}, {"currency", "XTR"}, {"supply", 2}});
        ASSERT_TRUE(xtr) << xtr.error().message;
        xtr_type_ = xtr->id;
        auto ton = events_->AddTicketType(As(kOwner), event_, {{"name", "TON seat"}, {"price", "1000"}});
        ASSERT_TRUE(ton);
        ton_type_ = ton->id;
        ASSERT_TRUE(events_->Publish(As(kOwner), event_));
    }

    orders::Order Place(std::int64_t buyer, std::int64_t type, std::int64_t quantity = 2) {
        auto placed = orders_->Place(
            As(buyer), {{"event_uuid", event_}, {"ticket_type_id", type}, {"quantity", quantity}}, "");
        EXPECT_TRUE(placed) << (placed ? "" : placed.error().message);
        return placed->order;
    }

    static telegram::PreCheckoutQuery Query(const orders::Order& order, std::int64_t amount) {
        telegram::PreCheckoutQuery q;
        q.id = "pcq-1";
        q.from.id = order.user_id;
        q.currency = "XTR";
        q.total_amount = amount;
        q.invoice_payload = order.payment_comment;
        return q;
    }

    Result<std::optional<Credited>> Pay(const orders::Order& order,
                                        const std::string& charge,
                                        std::int64_t amount) {
        telegram::TgUser payer;
        payer.id = order.user_id;
        telegram::SuccessfulPayment payment;
        payment.currency = "XTR";
        payment.total_amount = amount;
        payment.invoice_payload = order.payment_comment;
        payment.telegram_payment_charge_id = charge;
        return stars_->RecordSuccessfulPayment(payer, payment, clock_.NowUnix());
    }

    std::string Scalar(const std::string& sql, const ports::SqlParams& params = {}) {
        const auto rs = store_->Transact([&](ports::Transaction& tx) { return tx.Execute(sql, params); });
        if (rs.empty()) return "";
        const auto& v = rs.rows[0][0];
        if (ports::IsNull(v)) return "null";
        if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
        return std::get<std::string>(v);
    }

    std::vector<test::FakeMessenger::Call> CallsOf(const std::string& method) const {
        std::vector<test::FakeMessenger::Call> out;
        for (const auto& c : messenger_.calls()) {
            if (c.method == method) out.push_back(c);
        }
        return out;
    }

    test::TempDir dir_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    test::FakeMessenger messenger_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<orders::OrderService> orders_;
    std::unique_ptr<StarsPayments> stars_;
    std::unique_ptr<Refunds> refunds_;
    std::string event_;
    std::int64_t xtr_type_ = 0;
    std::int64_t ton_type_ = 0;
};

TEST(StarsText, TruncatesWholeCharacters) {
    EXPECT_EQ(TruncateText("short", 32), "short");
    EXPECT_EQ(TruncateText("abcdef", 4), "abc\xE2\x80\xA6");
    // Cyrillic letters are two bytes each: never cut in the middle of one.
    EXPECT_EQ(TruncateText("\xD0\x9A\xD0\xBE\xD0\xBD\xD1\x86\xD0\xB5\xD1\x80\xD1\x82", 3),
              "\xD0\x9A\xD0\xBE\xE2\x80\xA6");
    EXPECT_EQ(StarsPaymentHash("ch_1"), "xtr:ch_1");
}

TEST_F(StarsTest, AnXtrOrderSaysItIsPaidByInvoice) {
    const auto order = Place(kAnna, xtr_type_);
    const auto body = orders::ToJson(order, orders_->settings());
    EXPECT_EQ(body["currency"], "XTR");
    EXPECT_EQ(body["total_price"], "100");
    EXPECT_EQ(body["payment"]["method"], "stars_invoice");
    EXPECT_EQ(body["payment"]["amount"], "100");
    EXPECT_EQ(body["payment"]["comment"], order.payment_comment);
}

TEST_F(StarsTest, InvoiceLinkForTheBuyersOwnOrder) {
    const auto order = Place(kAnna, xtr_type_);
    auto link = stars_->CreateInvoiceLink(As(kAnna), order.uuid);
    ASSERT_TRUE(link) << link.error().message;
    EXPECT_EQ(link->link, "https://t.me/$fake-invoice-1");
    EXPECT_EQ(link->amount, 100);
    const auto calls = CallsOf("createInvoiceLink");
    ASSERT_EQ(calls.size(), 1U);
    EXPECT_EQ(calls[0].text, order.payment_comment) << "the payload is the order's comment";
    EXPECT_EQ(calls[0].chat_id, 100) << "the whole order's total in Stars";
}

TEST_F(StarsTest, InvoiceRefusedForAnotherBuyerAnotherCurrencyOrAnExpiredOrder) {
    const auto order = Place(kAnna, xtr_type_);
    EXPECT_EQ(stars_->CreateInvoiceLink(As(kBoris), order.uuid).error().code, "not_found");
    EXPECT_EQ(stars_->CreateInvoiceLink(As(kAdmin, Role::kAdmin), order.uuid).error().code, "not_found");
    const auto ton = Place(kAnna, ton_type_, 1);
    EXPECT_EQ(stars_->CreateInvoiceLink(As(kAnna), ton.uuid).error().code, "conflict");
    clock_.Advance(16 * 60);
    EXPECT_EQ(stars_->CreateInvoiceLink(As(kAnna), order.uuid).error().code, "state.invalid_transition");
    messenger_.Fail(test::FakeMessenger::Failure(ports::kMessengerUnavailable));
    clock_.Set(1'800'000'000);
    EXPECT_EQ(stars_->CreateInvoiceLink(As(kAnna), order.uuid).error().code, "payment.provider_unavailable");
}

TEST_F(StarsTest, PreCheckoutAcceptsOnlyAPayableOrderOfThatAmount) {
    const auto order = Place(kAnna, xtr_type_);
    EXPECT_EQ(stars_->CheckPreCheckout(Query(order, 100)), "");
    EXPECT_EQ(stars_->CheckPreCheckout(Query(order, 99)), "The amount does not match the order.");
    auto other = Query(order, 100);
    other.invoice_payload = "onton-nosuchorder";
    EXPECT_EQ(stars_->CheckPreCheckout(other), "This order does not exist.");
    other = Query(order, 100);
    other.currency = "USD";
    EXPECT_NE(stars_->CheckPreCheckout(other), "");
    const auto ton = Place(kBoris, ton_type_, 1);
    EXPECT_EQ(stars_->CheckPreCheckout(Query(ton, 1000)), "This order is not paid in Telegram Stars.");

    ASSERT_TRUE(stars_->AnswerPreCheckout(Query(order, 100)));
    ASSERT_TRUE(stars_->AnswerPreCheckout(Query(order, 1)));
    EXPECT_EQ(messenger_.answers(), (std::vector<std::string>{"ok", "The amount does not match the order."}));

    ASSERT_TRUE(Pay(order, "ch-1", 100));
    EXPECT_EQ(stars_->CheckPreCheckout(Query(order, 100)), "This order is paid already.");
}

TEST_F(StarsTest, PreCheckoutOfAnExpiredOrderDependsOnFreeSeats) {
    const auto order = Place(kAnna, xtr_type_);
    clock_.Advance(16 * 60);
    ASSERT_EQ(orders_->ExpireDue(), 1);
    EXPECT_EQ(stars_->CheckPreCheckout(Query(order, 100)), "") << "both seats are free again";
    Place(kBoris, xtr_type_);  // takes them
    EXPECT_EQ(stars_->CheckPreCheckout(Query(order, 100)), "This order expired and its seats are sold out.");
}

TEST_F(StarsTest, ASuccessfulPaymentPaysTheOrderExactlyOnce) {
    const auto order = Place(kAnna, xtr_type_);
    auto first = Pay(order, "ch-1", 100);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_TRUE(first->has_value());
    EXPECT_EQ((*first)->outcome, "paid");
    EXPECT_EQ((*first)->refund_due, 0);
    auto again = Pay(order, "ch-1", 100);
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->has_value()) << "the same charge is not credited twice";

    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "paid");
    EXPECT_EQ(Scalar("SELECT payment_tx_hash FROM orders WHERE uuid = $1", {order.uuid}), "xtr:ch-1");
    EXPECT_EQ(Scalar("SELECT count(*) FROM tickets WHERE order_uuid = $1", {order.uuid}), "2");
    EXPECT_EQ(Scalar("SELECT count(*) FROM transactions"), "1");
    EXPECT_EQ(
        Scalar("SELECT currency || ' ' || value || ' ' || outcome || ' ' || counterparty FROM transactions"),
        "XTR 100 paid 2");
    EXPECT_EQ(
        Scalar("SELECT sold || '/' || reserved FROM ticket_types WHERE ticket_type_id = $1", {xtr_type_}),
        "2/0");
    EXPECT_EQ(Scalar("SELECT count(*) FROM outbox WHERE topic = 'order.paid'"), "1");
    // A second charge for the settled order is owed back in full.
    auto second = Pay(order, "ch-2", 100);
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)->outcome, "already_settled");
    EXPECT_EQ((*second)->refund_due, 100);
}

TEST_F(StarsTest, UnderpaidThenLateAndSoldOutFollowTheOrderRules) {
    const auto order = Place(kAnna, xtr_type_);
    // Stars invoices carry the exact total, but the rules stay those of every currency.
    auto part = Pay(order, "ch-part", 40);
    ASSERT_TRUE(part);
    EXPECT_EQ((*part)->outcome, "underpaid");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "created");
    clock_.Advance(16 * 60);
    ASSERT_EQ(orders_->ExpireDue(), 1);
    Place(kBoris, xtr_type_);
    auto late = Pay(order, "ch-rest", 60);
    ASSERT_TRUE(late);
    EXPECT_EQ((*late)->outcome, "refund_due");
    EXPECT_EQ(Scalar("SELECT count(*) FROM transactions WHERE outcome = 'refund_due' AND refund_due = value"),
              "2")
        << "the earlier partial payment is owed back too";
}

TEST_F(StarsTest, ALatePaymentWithSeatsFreeIsPaid) {
    const auto order = Place(kAnna, xtr_type_);
    clock_.Advance(16 * 60);
    ASSERT_EQ(orders_->ExpireDue(), 1);
    auto late = Pay(order, "ch-late", 100);
    ASSERT_TRUE(late);
    EXPECT_EQ((*late)->outcome, "late_paid");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "paid");
}

TEST_F(StarsTest, StarsWithATonOrdersCommentAreWrongCurrencyAndGoBack) {
    const auto ton = Place(kAnna, ton_type_, 1);
    auto paid = Pay(ton, "ch-ton", 1000);
    ASSERT_TRUE(paid);
    EXPECT_EQ((*paid)->outcome, "wrong_currency");
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {ton.uuid}), "created");
    EXPECT_EQ(refunds_->Step().recorded, 1);
    const auto tally = stars_->RefundStep();
    EXPECT_EQ(tally.sent, 1);
    const auto calls = CallsOf("refundStarPayment");
    ASSERT_EQ(calls.size(), 1U);
    EXPECT_EQ(calls[0].chat_id, kAnna);
    EXPECT_EQ(calls[0].text, "ch-ton");
}

TEST_F(StarsTest, AnotherCurrencyIsRefused) {
    const auto order = Place(kAnna, xtr_type_);
    telegram::TgUser payer;
    payer.id = kAnna;
    telegram::SuccessfulPayment payment;
    payment.currency = "USD";
    payment.total_amount = 100;
    payment.invoice_payload = order.payment_comment;
    payment.telegram_payment_charge_id = "ch-usd";
    EXPECT_EQ(stars_->RecordSuccessfulPayment(payer, payment, 1).error().code,
              "payment.unsupported_currency");
}

TEST_F(StarsTest, AnAdminRefundReturnsTheStarsOnce) {
    const auto order = Place(kAnna, xtr_type_);
    ASSERT_TRUE(Pay(order, "ch-1", 100));
    ASSERT_TRUE(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), order.uuid));
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "refunded");
    EXPECT_EQ(
        Scalar("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND status = 'refunded'", {order.uuid}),
        "2");
    EXPECT_EQ(Scalar("SELECT currency || ' ' || amount || ' ' || state FROM refunds"), "XTR 100 pending");
    EXPECT_EQ(refunds_->Step().queued, 0) << "the wallet never sends Stars";

    messenger_.Fail(test::FakeMessenger::Failure(ports::kMessengerUnavailable));
    auto tally = stars_->RefundStep();
    EXPECT_EQ(tally.waiting, 1);
    EXPECT_EQ(Scalar("SELECT state FROM refunds"), "pending");
    tally = stars_->RefundStep();
    EXPECT_EQ(tally.sent, 1);
    EXPECT_EQ(Scalar("SELECT state FROM refunds"), "sent");
    EXPECT_EQ(stars_->RefundStep().sent, 0);
    EXPECT_EQ(CallsOf("refundStarPayment").size(), 2U) << "one retry after the outage, then nothing";
    EXPECT_EQ(refunds_->RefundOrder(As(kAdmin, Role::kAdmin), order.uuid).error().code,
              "state.invalid_transition");
}

TEST_F(StarsTest, AChargeTelegramRefundedAlreadyIsSettledAndARefusalIsFailed) {
    const auto first = Place(kAnna, xtr_type_, 1);
    const auto second = Place(kBoris, xtr_type_, 1);
    ASSERT_TRUE(Pay(first, "ch-a", 50));
    ASSERT_TRUE(Pay(second, "ch-b", 50));
    ASSERT_TRUE(events_->Cancel(As(kOwner), event_));
    EXPECT_EQ(refunds_->RefundCanceledEvents(), 2);
    messenger_.Fail(Error{std::string(ports::kMessengerBadRequest),
                          "Telegram refundStarPayment: Bad Request: CHARGE_ALREADY_REFUNDED",
                          {{"method", "refundStarPayment"}}});
    messenger_.Fail(Error{std::string(ports::kMessengerBadRequest),
                          "Telegram refundStarPayment: Bad Request: CHARGE_NOT_FOUND",
                          {{"method", "refundStarPayment"}}});
    const auto tally = stars_->RefundStep();
    EXPECT_EQ(tally.sent, 1);
    EXPECT_EQ(tally.failed, 1);
    EXPECT_EQ(Scalar("SELECT last_error FROM refunds WHERE state = 'failed'"),
              "Telegram refundStarPayment: Bad Request: CHARGE_NOT_FOUND");
    EXPECT_EQ(stars_->RefundStep().sent + stars_->RefundStep().failed, 0);
}

TEST_F(StarsTest, TheBotRoutesPaymentUpdates) {
    bot::BotService bot(*store_, messenger_, clock_, {}, {.stars = stars_.get(), .moderation = nullptr});
    const auto order = Place(kAnna, xtr_type_);
    telegram::Update pre;
    pre.kind = telegram::UpdateKind::kPreCheckoutQuery;
    pre.pre_checkout_query = Query(order, 100);
    ASSERT_TRUE(bot.Handle(pre));
    EXPECT_EQ(messenger_.answers(), (std::vector<std::string>{"ok"}));

    telegram::Update paid;
    paid.kind = telegram::UpdateKind::kMessage;
    paid.message.emplace();
    paid.message->from.emplace();
    paid.message->from->id = kAnna;
    paid.message->chat.id = kAnna;
    paid.message->successful_payment =
        telegram::SuccessfulPayment{"XTR", 100, order.payment_comment, "ch-bot", ""};
    ASSERT_TRUE(bot.Handle(paid));
    ASSERT_TRUE(bot.Handle(paid));
    EXPECT_EQ(Scalar("SELECT state FROM orders WHERE uuid = $1", {order.uuid}), "paid");
    EXPECT_EQ(Scalar("SELECT count(*) FROM transactions"), "1");

    bot::BotService without(*store_, messenger_, clock_, {});
    ASSERT_TRUE(without.Handle(pre));
    EXPECT_EQ(messenger_.answers().back(), "Payments in Telegram Stars are not taken now.");
}

}  // namespace
}  // namespace onton::payments
