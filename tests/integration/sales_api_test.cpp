// GET /api/v1/events/{uuid}/sales and /orders over the real binary on SQLite and the PostgreSQL fixture: a
// free order (paid at once, no chain needed) shows in the series and the list; others are refused.
#include <gtest/gtest.h>

#include <memory>

#include "support/api_client.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

class SalesApi : public ::testing::TestWithParam<std::string> {
   protected:
    void SetUp() override {
        if (GetParam() == "postgres") {
            pg_ = std::make_unique<PgDatabase>();
            env_["ONTON_DATABASE_URL"] = pg_->url();
            const auto migrated = RunOnton({"migrate"}, env_);
            ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
        } else {
            env_["ONTON_DATABASE_URL"] = "sqlite://" + (dir_.path() / "onton.db").string();
        }
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
        organizer_ = std::make_unique<ApiClient>(server_->port(), env_, 7101);
        guest_ = std::make_unique<ApiClient>(server_->port(), env_, 7102);
    }

    TempDir dir_;
    std::unique_ptr<PgDatabase> pg_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
    std::unique_ptr<ApiClient> organizer_;
    std::unique_ptr<ApiClient> guest_;
};

TEST_P(SalesApi, AFreeOrderShowsInTheSeriesAndTheList) {
    const auto type = organizer_->PublishEventWithType("0", 10);
    const auto placed = guest_->Post(
        "/api/v1/orders",
        {{"event_uuid", type.event_uuid}, {"ticket_type_id", type.ticket_type_id}, {"quantity", 2}});
    ASSERT_EQ(placed.result_int(), 201U) << placed.body();
    const auto order = json::parse(placed.body());
    ASSERT_EQ(order["state"], "paid");

    const auto sales = organizer_->Get("/api/v1/events/" + type.event_uuid + "/sales");
    ASSERT_EQ(sales.result_int(), 200U) << sales.body();
    const auto days = json::parse(sales.body())["days"];
    ASSERT_EQ(days.size(), 1U);
    EXPECT_EQ(days[0]["tickets"], 2);
    EXPECT_EQ(days[0]["orders"], 1);
    EXPECT_EQ(days[0]["revenue"], "0");
    EXPECT_EQ(days[0]["currency"], "TON");
    EXPECT_EQ(days[0]["start"].get<std::int64_t>() % 86400, 0);
    EXPECT_EQ(days[0]["day"].get<std::string>().size(), 10U);

    const auto list = organizer_->Get("/api/v1/events/" + type.event_uuid + "/orders");
    ASSERT_EQ(list.result_int(), 200U) << list.body();
    const auto items = json::parse(list.body())["items"];
    ASSERT_EQ(items.size(), 1U);
    EXPECT_EQ(items[0]["uuid"], order["uuid"]);
    EXPECT_EQ(items[0]["state"], "paid");
    EXPECT_EQ(items[0]["user_id"], 7102);
    EXPECT_EQ(items[0]["quantity"], 2);
    EXPECT_EQ(items[0]["refunds"], json::array());
}

TEST_P(SalesApi, OnlyTheEventsManagersMayAsk) {
    const auto type = organizer_->PublishEventWithType("1000", 10);
    for (const std::string what : {"sales", "orders"}) {
        const auto forbidden = guest_->Get("/api/v1/events/" + type.event_uuid + "/" + what);
        EXPECT_EQ(forbidden.result_int(), 403U) << what;
        EXPECT_EQ(json::parse(forbidden.body())["error"]["code"], "auth.forbidden");
        EXPECT_EQ(organizer_->Get("/api/v1/events/no-such-event/" + what).result_int(), 404U) << what;
        EXPECT_EQ(
            Request(server_->port(), "GET", "/api/v1/events/" + type.event_uuid + "/" + what).result_int(),
            401U)
            << what;
    }
}

INSTANTIATE_TEST_SUITE_P(Stores, SalesApi, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace onton::test
