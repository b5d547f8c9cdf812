// Ticket types and orders in TON, USDT and Telegram Stars over both real stores: an order keeps its ticket
// type's currency, amounts stay in that currency's smallest unit, and fixed-amount promo codes apply only to
// their own currency.
#include <gtest/gtest.h>

#include <memory>

#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "support/event_setup.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "support/principal.hpp"

namespace onton::orders {
namespace {

using money::Currency;
using nlohmann::json;
using test::As;

constexpr std::int64_t kOwner = 40;
constexpr std::int64_t kBuyer = 41;

class Currencies : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        clock_.Set(1'800'000'000);
        db_ = test::OpenTestStore(GetParam(), dir_.path());
        for (const auto id : {kOwner, kBuyer}) {
            db_.store->Transact([&](ports::Transaction& tx) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, 'U', "
                    "'user', 1, 1)",
                    {id});
            });
        }
        events_ = std::make_unique<events::EventService>(
            *db_.store,
            clock_,
            random_,
            moderation::Rules{},
            std::vector<Currency>{Currency::kTon, Currency::kUsdt, Currency::kStars});
        // USDT is taken (a jetton master is configured; nothing here reads the chain).
        OrderSettings settings;
        settings.usdt_jetton_master = "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs";
        orders_ = std::make_unique<OrderService>(*db_.store, clock_, random_, settings);
        event_uuid_ = test::CreateDraftEvent(*events_, As(kOwner), clock_.NowUnix(), "Three currencies");
        ton_ = Type("Toncoin", "2000000000", "TON");
        usdt_ = Type("Tether", "12500000", "USDT");
        stars_ = Type("Stars", "300", "XTR");
        ASSERT_TRUE(events_->Publish(As(kOwner), event_uuid_));
    }

    std::int64_t Type(const std::string& name, const std::string& price, const std::string& currency) {
        const auto t = events_->AddTicketType(
            As(kOwner),
            event_uuid_,
            {{"name", name}, {"price", price}, {"currency", currency}, {"supply", 10}});
        EXPECT_TRUE(t) << t.error().message;
        return t ? t->id : 0;
    }

    Result<OrderService::Placed> Buy(std::int64_t type,
                                     const std::string& promo = "",
                                     std::int64_t quantity = 1) {
        json body = {{"event_uuid", event_uuid_}, {"ticket_type_id", type}, {"quantity", quantity}};
        if (!promo.empty()) body["promo_code"] = promo;
        return orders_->Place(As(kBuyer), body, "");
    }

    Result<PromoCode> Promo(json body) { return orders_->CreatePromoCode(As(kOwner), event_uuid_, body); }

    test::TempDir dir_;
    test::TestStore db_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<events::EventService> events_;
    std::unique_ptr<OrderService> orders_;
    std::string event_uuid_;
    std::int64_t ton_ = 0;
    std::int64_t usdt_ = 0;
    std::int64_t stars_ = 0;
};

TEST_P(Currencies, AnOrderKeepsItsTicketTypesCurrencyAndUnits) {
    const struct {
        std::int64_t* type;
        Currency currency;
        std::int64_t total;
    } cases[] = {{&ton_, Currency::kTon, 4'000'000'000},
                 {&usdt_, Currency::kUsdt, 25'000'000},
                 {&stars_, Currency::kStars, 600}};
    for (const auto& c : cases) {
        auto placed = Buy(*c.type, "", 2);
        ASSERT_TRUE(placed) << placed.error().message;
        EXPECT_EQ(placed->order.currency, c.currency);
        EXPECT_EQ(placed->order.total_price, c.total);
        // Read back from the store, not only from the placing transaction's answer.
        auto read = orders_->Get(As(kBuyer), placed->order.uuid);
        ASSERT_TRUE(read);
        EXPECT_EQ(read->currency, c.currency);
        const auto body = ToJson(*read, orders_->settings());
        EXPECT_EQ(body["currency"], money::Code(c.currency));
        EXPECT_EQ(body["total_price"], std::to_string(c.total));
        ASSERT_TRUE(body.contains("payment")) << body.dump();
        if (c.currency == Currency::kStars) {
            // Stars are paid through a Bot API invoice (POST /api/v1/orders/{uuid}/stars-invoice), never to an address.
            EXPECT_EQ(body["payment"]["method"], "stars_invoice");
            EXPECT_EQ(body["payment"]["amount"], "600");
            EXPECT_TRUE(body["payment"]["address"].is_null()) << body.dump();
        }
        if (c.currency == Currency::kTon) {
            EXPECT_EQ(body["payment"]["method"], "ton_transfer");
        }
        if (c.currency == Currency::kUsdt) {
            // Jettons, in micro-USDT, of the configured master.
            EXPECT_EQ(body["payment"]["method"], "jetton_transfer");
            EXPECT_EQ(body["payment"]["amount"], "25000000");
            EXPECT_EQ(body["payment"]["jetton_master"], "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs");
        }
    }
    auto mine = orders_->ListMine(As(kBuyer));
    ASSERT_TRUE(mine);
    ASSERT_EQ(mine->size(), 3U);
    auto stats = orders_->Stats(As(kOwner), event_uuid_);
    ASSERT_TRUE(stats);
    ASSERT_EQ(stats->size(), 3U);
    EXPECT_EQ((*stats)[1].currency, Currency::kUsdt);
    EXPECT_EQ(ToJson((*stats)[2])["currency"], "XTR");
}

TEST_P(Currencies, AFixedDiscountFitsOnlyItsOwnCurrency) {
    // No currency and no ticket type: a fixed amount is in TON, as before currencies existed.
    auto ton_off = Promo({{"code", "TONOFF"}, {"discount_amount", "500000000"}});
    ASSERT_TRUE(ton_off) << ton_off.error().message;
    EXPECT_EQ(ton_off->currency, Currency::kTon);
    EXPECT_EQ(ToJson(*ton_off)["currency"], "TON");
    // For one ticket type, the type's currency.
    auto usdt_off = Promo({{"code", "USDTOFF"}, {"discount_amount", "2500000"}, {"ticket_type_id", usdt_}});
    ASSERT_TRUE(usdt_off) << usdt_off.error().message;
    EXPECT_EQ(usdt_off->currency, Currency::kUsdt);
    auto stars_off = Promo({{"code", "STARSOFF"}, {"discount_amount", "100"}, {"currency", "XTR"}});
    ASSERT_TRUE(stars_off) << stars_off.error().message;
    // A percentage fits every currency.
    ASSERT_TRUE(Promo({{"code", "TENPC"}, {"discount_percent", 10}}));

    auto mismatch =
        Promo({{"code", "BAD1"}, {"discount_amount", "1"}, {"currency", "TON"}, {"ticket_type_id", usdt_}});
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().details["field"], "currency");
    auto percent_currency = Promo({{"code", "BAD2"}, {"discount_percent", 5}, {"currency", "TON"}});
    ASSERT_FALSE(percent_currency);
    EXPECT_EQ(percent_currency.error().details["field"], "currency");
    auto unknown = Promo({{"code", "BAD3"}, {"discount_amount", "1"}, {"currency", "EUR"}});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().details["field"], "currency");

    auto usdt_order = Buy(usdt_, "USDTOFF");
    ASSERT_TRUE(usdt_order) << usdt_order.error().message;
    EXPECT_EQ(usdt_order->order.total_price, 10'000'000);
    auto stars_order = Buy(stars_, "STARSOFF");
    ASSERT_TRUE(stars_order) << stars_order.error().message;
    EXPECT_EQ(stars_order->order.total_price, 200);
    auto percent = Buy(stars_, "TENPC");
    ASSERT_TRUE(percent) << percent.error().message;
    EXPECT_EQ(percent->order.total_price, 270);

    // 0.5 TON off a USDT ticket would be 500 USDT off it: refused, and no seat is held for the refusal.
    const auto before = events_->Get(As(kOwner), event_uuid_)->ticket_types[1].reserved;
    auto wrong = Buy(usdt_, "TONOFF");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, "promo.invalid");
    EXPECT_NE(wrong.error().message.find("USDT"), std::string::npos) << wrong.error().message;
    EXPECT_EQ(events_->Get(As(kOwner), event_uuid_)->ticket_types[1].reserved, before);
    EXPECT_EQ(Buy(ton_, "STARSOFF").error().code, "promo.invalid");
    auto ton_order = Buy(ton_, "TONOFF");
    ASSERT_TRUE(ton_order) << ton_order.error().message;
    EXPECT_EQ(ton_order->order.total_price, 1'500'000'000);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         Currencies,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

}  // namespace
}  // namespace onton::orders
