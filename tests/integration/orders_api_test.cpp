// Buying and checking in over HTTP against the real binary: paid and free orders, idempotency, limits, payment
// instructions, tickets, check-in by staff, and who may see what.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <thread>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "ton/codec.hpp"
#include "ton/mnemonic.hpp"

namespace onton::test {
namespace {

using nlohmann::json;

constexpr const char* kWallet = "EQDrjaLahLkMB-hMCmkzOyBuHJ139ZUYmPHu6RRBKnbdLIYI";

class OrdersApi : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()},
                {"ONTON_PLATFORM_WALLET_ADDRESS", kWallet}};
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
        organizer_ = SignIn(601, "org");
        buyer_ = SignIn(602, "buyer");
        other_ = SignIn(603, "other");
        staff_ = SignIn(604, "staff");

        const std::int64_t now = std::time(nullptr);
        const auto event = Call("POST", "/api/v1/events", organizer_,
                                {{"title", "Gig"}, {"description", "Live"}, {"start_date", now + 86400},
                                 {"end_date", now + 90000}, {"participation_type", "in_person"}, {"location", "Bar"}});
        event_uuid_ = json::parse(event.body())["event_uuid"].get<std::string>();
        paid_type_ = TicketType({{"name", "Paid"}, {"price", "1500000000"}, {"supply", 3}, {"per_user_limit", 2}});
        free_type_ = TicketType({{"name", "Free"}, {"price", "0"}, {"supply", 100}});
        EXPECT_EQ(Call("POST", "/api/v1/events/" + event_uuid_ + "/publish", organizer_).result_int(), 200U);
        EXPECT_EQ(Call("POST", "/api/v1/events/" + event_uuid_ + "/roles", organizer_,
                       {{"user_id", 604}, {"role", "checkin_staff"}})
                      .result_int(),
                  204U);
    }

    std::int64_t TicketType(const json& body) {
        const auto res = Call("POST", "/api/v1/events/" + event_uuid_ + "/ticket-types", organizer_, body);
        EXPECT_EQ(res.result_int(), 201U) << res.body();
        return json::parse(res.body())["id"].get<std::int64_t>();
    }

    std::string SignIn(std::int64_t id, const std::string& username) {
        auto r = RunOnton({"admin", "init-data", "--user-id", std::to_string(id), "--username", username}, env_);
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        const auto res = Request(port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump());
        return json::parse(res.body())["token"].get<std::string>();
    }

    std::uint16_t port() const { return server_->port(); }

    HttpResponse Call(const std::string& method,
                      const std::string& target,
                      const std::string& token,
                      const json& body = nullptr,
                      const std::string& idempotency_key = "") {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
        return Request(port(), method, target, body.is_null() ? "" : body.dump(), "application/json", headers);
    }

    HttpResponse Buy(const std::string& token, std::int64_t type, std::int64_t quantity, const std::string& key = "") {
        return Call("POST", "/api/v1/orders", token,
                    {{"event_uuid", event_uuid_}, {"ticket_type_id", type}, {"quantity", quantity}}, key);
    }

    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
    std::string organizer_, buyer_, other_, staff_, event_uuid_;
    std::int64_t paid_type_ = 0;
    std::int64_t free_type_ = 0;
};

TEST_F(OrdersApi, PaidOrderCarriesPaymentInstructions) {
    const auto res = Buy(buyer_, paid_type_, 2, "key-1");
    ASSERT_EQ(res.result_int(), 201U) << res.body();
    const auto order = json::parse(res.body());
    EXPECT_EQ(order["state"], "created");
    EXPECT_EQ(order["total_price"], "3000000000");
    const auto& payment = order["payment"];
    EXPECT_EQ(payment["address"], kWallet);
    EXPECT_EQ(payment["amount"], "3000000000");
    EXPECT_EQ(payment["comment"].get<std::string>().rfind("onton-", 0), 0U);
    EXPECT_EQ(payment["link"], std::string("ton://transfer/") + kWallet + "?amount=3000000000&text=" +
                                   payment["comment"].get<std::string>());
    EXPECT_GT(payment["expires_at"].get<std::int64_t>(), std::time(nullptr) + 800);
    EXPECT_TRUE(order["tickets"].empty()) << "no ticket before payment";

    // The same key and body: the same order, not a second one.
    const auto again = Buy(buyer_, paid_type_, 2, "key-1");
    EXPECT_EQ(again.result_int(), 200U);
    EXPECT_EQ(again["Idempotent-Replayed"], "true");
    EXPECT_EQ(json::parse(again.body())["uuid"], order["uuid"]);
    // The same key, another body: refused.
    const auto mismatch = Buy(buyer_, paid_type_, 1, "key-1");
    EXPECT_EQ(mismatch.result_int(), 422U);
    EXPECT_EQ(ErrorCode(mismatch), "request.idempotency_mismatch");

    // Only the buyer sees the order.
    const auto uuid = order["uuid"].get<std::string>();
    EXPECT_EQ(Call("GET", "/api/v1/orders/" + uuid, buyer_).result_int(), 200U);
    EXPECT_EQ(Call("GET", "/api/v1/orders/" + uuid, other_).result_int(), 404U);
    EXPECT_EQ(Call("GET", "/api/v1/orders/" + uuid, "").result_int(), 401U);
    EXPECT_EQ(json::parse(Call("GET", "/api/v1/me/orders", buyer_).body())["items"].size(), 1U);
}

TEST_F(OrdersApi, LimitsSupplyAndCancellation) {
    EXPECT_EQ(ErrorCode(Buy(buyer_, paid_type_, 3)), "ticket.limit_exceeded");
    const auto first = Buy(buyer_, paid_type_, 2);
    ASSERT_EQ(first.result_int(), 201U);
    const auto over_limit = Buy(buyer_, paid_type_, 1);
    EXPECT_EQ(over_limit.result_int(), 409U);
    EXPECT_EQ(ErrorCode(over_limit), "ticket.limit_exceeded");
    ASSERT_EQ(Buy(other_, paid_type_, 1).result_int(), 201U);
    const auto sold_out = Buy(organizer_, paid_type_, 1);
    EXPECT_EQ(sold_out.result_int(), 409U);
    EXPECT_EQ(ErrorCode(sold_out), "ticket.sold_out");

    // Canceling gives the seats back.
    const auto uuid = json::parse(first.body())["uuid"].get<std::string>();
    EXPECT_EQ(Call("POST", "/api/v1/orders/" + uuid + "/cancel", other_).result_int(), 404U);
    const auto canceled = Call("POST", "/api/v1/orders/" + uuid + "/cancel", buyer_);
    ASSERT_EQ(canceled.result_int(), 200U);
    EXPECT_EQ(json::parse(canceled.body())["state"], "canceled");
    EXPECT_EQ(Buy(organizer_, paid_type_, 1).result_int(), 201U);
    const auto event = json::parse(Call("GET", "/api/v1/events/" + event_uuid_, "").body());
    EXPECT_EQ(event["ticket_types"][0]["reserved"], 2);
    EXPECT_EQ(event["ticket_types"][0]["available"], 1);
}

TEST_F(OrdersApi, FreeTicketsAreIssuedAtOnceAndCheckedInOnce) {
    const auto res = Buy(buyer_, free_type_, 2);
    ASSERT_EQ(res.result_int(), 201U) << res.body();
    const auto order = json::parse(res.body());
    EXPECT_EQ(order["state"], "paid");
    EXPECT_FALSE(order.contains("payment"));
    ASSERT_EQ(order["tickets"].size(), 2U);

    const auto mine = json::parse(Call("GET", "/api/v1/me/tickets", buyer_).body())["items"];
    ASSERT_EQ(mine.size(), 2U);
    const auto code = mine[0]["check_in_code"].get<std::string>();
    const auto qr = mine[0]["qr_payload"].get<std::string>();
    EXPECT_EQ(qr.rfind("onton:t2:" + code + ".", 0), 0U) << qr << ": the QR carries the code, signed";
    EXPECT_EQ(json::parse(Call("GET", "/api/v1/me/tickets", other_).body())["items"].size(), 0U);

    const auto scan = [&](const std::string& token, const std::string& c) {
        return Call("POST", "/api/v1/events/" + event_uuid_ + "/check-in", token, {{"code", c}});
    };
    // Neither the guest nor a stranger may scan.
    EXPECT_EQ(scan(buyer_, code).result_int(), 403U);
    EXPECT_EQ(scan(other_, code).result_int(), 403U);

    const auto admitted = scan(staff_, qr);
    ASSERT_EQ(admitted.result_int(), 200U) << admitted.body();
    const auto a = json::parse(admitted.body());
    EXPECT_EQ(a["result"], "admitted");
    EXPECT_EQ(a["guest"]["user_id"], 602);
    const auto again = json::parse(scan(organizer_, code).body());
    EXPECT_EQ(again["result"], "already_used");
    EXPECT_EQ(again["checked_in_by"], 604);
    EXPECT_EQ(again["checked_in_by_name"], "User 604 (@staff)") << "the desk says who let the guest in";
    EXPECT_EQ(json::parse(scan(staff_, "T-not-a-real-code").body())["result"], "invalid");

    const auto undo = Call("POST", "/api/v1/events/" + event_uuid_ + "/check-in/undo", staff_, {{"code", code}});
    EXPECT_EQ(json::parse(undo.body())["result"], "undone");
    EXPECT_EQ(json::parse(scan(staff_, code).body())["result"], "admitted");
}

TEST_F(OrdersApi, SignedQrCodesHoldOnlyForTheirEvent) {
    const auto ticket = json::parse(json::parse(Buy(buyer_, free_type_, 1).body())["tickets"][0].dump());
    const auto code = ticket["check_in_code"].get<std::string>();
    const auto qr = ticket["qr_payload"].get<std::string>();
    const auto signature = qr.substr(qr.rfind('.') + 1);

    // The public key verifies the QR's signature over the event and the code, so a scanner can check it
    // offline.
    const auto key = Call("GET", "/api/v1/events/" + event_uuid_ + "/check-in-key", staff_);
    ASSERT_EQ(key.result_int(), 200U) << key.body();
    const auto k = json::parse(key.body());
    EXPECT_EQ(k["algorithm"], "ed25519");
    const auto public_key = ton::FromBase64(k["public_key"].get<std::string>());
    const auto sig = ton::FromBase64(signature);
    ASSERT_TRUE(public_key && sig);
    ASSERT_EQ(public_key->size(), 32U);
    ASSERT_EQ(sig->size(), 64U);
    ton::PublicKey pk{};
    ton::Signature s{};
    std::copy(public_key->begin(), public_key->end(), pk.begin());
    std::copy(sig->begin(), sig->end(), s.begin());
    const auto message = "onton-ticket-v2\n" + event_uuid_ + "\n" + code;
    EXPECT_TRUE(ton::Verify(ton::ToBytes(message), s, pk));
    EXPECT_EQ(Call("GET", "/api/v1/events/" + event_uuid_ + "/check-in-key", other_).result_int(), 403U);

    const auto scan = [&](const std::string& event, const std::string& c) {
        return json::parse(
            Call("POST", "/api/v1/events/" + event + "/check-in", staff_, {{"code", c}}).body());
    };
    // A second event of the same organizer, with the same staff: the first event's ticket is not for it.
    const std::int64_t now = std::time(nullptr);
    const auto other_event = json::parse(Call("POST",
                                              "/api/v1/events",
                                              organizer_,
                                              {{"title", "Other gig"},
                                               {"description", ""},
                                               {"start_date", now + 86400},
                                               {"end_date", now + 90000},
                                               {"participation_type", "in_person"},
                                               {"location", "Bar"}})
                                             .body())["event_uuid"]
                                 .get<std::string>();
    ASSERT_EQ(Call("POST",
                   "/api/v1/events/" + other_event + "/roles",
                   organizer_,
                   {{"user_id", 604}, {"role", "checkin_staff"}})
                  .result_int(),
              204U);
    const auto elsewhere = scan(other_event, qr);
    EXPECT_EQ(elsewhere["result"], "invalid");
    EXPECT_EQ(elsewhere["reason"], "not_for_this_event");

    // A forged signature (one character changed) and a signature moved onto another code are refused.
    auto forged = qr;
    forged.back() = forged.back() == 'A' ? 'B' : 'A';
    EXPECT_EQ(scan(event_uuid_, forged)["reason"], "not_for_this_event");
    const auto other_ticket = json::parse(Buy(other_, free_type_, 1).body())["tickets"][0];
    const auto swapped = "onton:t2:" + other_ticket["check_in_code"].get<std::string>() + "." + signature;
    EXPECT_EQ(scan(event_uuid_, swapped)["reason"], "not_for_this_event");
    EXPECT_EQ(scan(event_uuid_, "onton:t2:garbage")["reason"], "malformed");
    EXPECT_EQ(scan(event_uuid_, "no spaces allowed")["reason"], "malformed");
    EXPECT_EQ(scan(event_uuid_, "Tunknown")["reason"], "unknown_code");
    // None of that admitted anyone; the genuine QR does, once.
    EXPECT_EQ(scan(event_uuid_, qr)["result"], "admitted");
    EXPECT_EQ(scan(event_uuid_, qr)["result"], "already_used");
    // The earlier unsigned form and the typed code still work.
    EXPECT_EQ(scan(event_uuid_, "onton:ticket:" + other_ticket["check_in_code"].get<std::string>())["result"],
              "admitted");
    EXPECT_EQ(scan(event_uuid_, "  " + code + " ")["result"], "already_used");
}

TEST_F(OrdersApi, GuestListCsvAndStats) {
    ASSERT_EQ(Buy(buyer_, free_type_, 2).result_int(), 201U);
    const auto sneaky = SignIn(605, "=HYPERLINK(1)");
    ASSERT_EQ(Buy(sneaky, free_type_, 1).result_int(), 201U);
    ASSERT_EQ(Buy(other_, paid_type_, 1).result_int(), 201U);  // reserved, not paid
    const auto code = json::parse(Call("GET", "/api/v1/me/tickets", buyer_).body())["items"][0]["check_in_code"];
    ASSERT_EQ(json::parse(Call("POST", "/api/v1/events/" + event_uuid_ + "/check-in", staff_, {{"code", code}}).body())
                  ["result"],
              "admitted");

    const auto base = "/api/v1/events/" + event_uuid_;
    const auto guests = Call("GET", base + "/guests", staff_);
    ASSERT_EQ(guests.result_int(), 200U) << guests.body();
    const auto items = json::parse(guests.body())["items"];
    ASSERT_EQ(items.size(), 3U);
    EXPECT_EQ(items[0]["holder"]["username"], "buyer");
    EXPECT_FALSE(items[0].contains("check_in_code")) << "staff scan codes, they do not read them";
    EXPECT_EQ(json::parse(Call("GET", base + "/guests?status=used", organizer_).body())["items"].size(), 1U);
    EXPECT_EQ(json::parse(Call("GET", base + "/guests?q=BUY", organizer_).body())["items"].size(), 2U);
    EXPECT_EQ(Call("GET", base + "/guests?status=lost", organizer_).result_int(), 422U);
    EXPECT_EQ(Call("GET", base + "/guests", other_).result_int(), 403U);
    EXPECT_EQ(Call("GET", base + "/guests", buyer_).result_int(), 403U);

    const auto csv = Call("GET", base + "/guests.csv", organizer_);
    ASSERT_EQ(csv.result_int(), 200U);
    EXPECT_EQ(csv[boost::beast::http::field::content_type], "text/csv; charset=utf-8");
    const auto& text = csv.body();
    EXPECT_EQ(text.rfind("ticket_id,user_id,username,first_name,last_name,ticket_type,status,checked_in_at,order_uuid\r\n", 0),
              0U);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
    EXPECT_NE(text.find(",'=HYPERLINK(1),"), std::string::npos) << "no formula injection:\n" << text;

    const auto stats = Call("GET", base + "/stats", organizer_);
    ASSERT_EQ(stats.result_int(), 200U) << stats.body();
    const auto s = json::parse(stats.body());
    EXPECT_EQ(s["totals"]["sold"], 3);
    EXPECT_EQ(s["totals"]["reserved"], 1);
    EXPECT_EQ(s["totals"]["checked_in"], 1);
    EXPECT_EQ(s["totals"]["revenue"], "0") << "an unpaid order is no revenue";
    EXPECT_EQ(Call("GET", base + "/stats", staff_).result_int(), 403U) << "staff check in; they do not see sales";
}

TEST_F(OrdersApi, TransferMovesTheTicketAndVoidsTheOldCode) {
    ASSERT_EQ(Buy(buyer_, free_type_, 1).result_int(), 201U);
    const auto ticket = json::parse(Call("GET", "/api/v1/me/tickets", buyer_).body())["items"][0];
    const auto id = ticket["id"].get<std::int64_t>();
    const auto old_code = ticket["check_in_code"].get<std::string>();
    const auto path = "/api/v1/tickets/" + std::to_string(id) + "/transfer";

    EXPECT_EQ(Call("POST", path, other_, {{"to_user_id", 604}}).result_int(), 404U) << "only the holder";
    EXPECT_EQ(Call("POST", path, buyer_, {{"to_user_id", 777777}}).result_int(), 404U) << "unknown recipient";
    EXPECT_EQ(Call("POST", path, buyer_, {{"to_user_id", 602}}).result_int(), 422U) << "not to yourself";
    const auto moved = Call("POST", path, buyer_, {{"to_user_id", 603}});
    ASSERT_EQ(moved.result_int(), 200U) << moved.body();
    EXPECT_EQ(json::parse(moved.body())["holder_id"], 603);
    EXPECT_FALSE(json::parse(moved.body()).contains("check_in_code"));
    EXPECT_EQ(Call("POST", path, buyer_, {{"to_user_id", 603}}).result_int(), 409U) << "twice is impossible";

    const auto theirs = json::parse(Call("GET", "/api/v1/me/tickets", other_).body())["items"];
    ASSERT_EQ(theirs.size(), 1U);
    const auto new_code = theirs[0]["check_in_code"].get<std::string>();
    EXPECT_NE(new_code, old_code);
    const auto scan = [&](const std::string& c) {
        return json::parse(
            Call("POST", "/api/v1/events/" + event_uuid_ + "/check-in", staff_, {{"code", c}}).body())["result"];
    };
    EXPECT_EQ(scan(old_code), "invalid") << "the old code no longer admits";
    EXPECT_EQ(scan(new_code), "admitted");

    const auto locked_type = TicketType({{"name", "Personal"}, {"price", "0"}, {"transferable", false}});
    ASSERT_EQ(Buy(buyer_, locked_type, 1).result_int(), 201U);
    const auto personal = json::parse(Call("GET", "/api/v1/me/tickets", buyer_).body())["items"];
    const auto personal_id = personal[personal.size() - 1]["id"].get<std::int64_t>();
    EXPECT_EQ(Call("POST", "/api/v1/tickets/" + std::to_string(personal_id) + "/transfer", buyer_, {{"to_user_id", 603}})
                  .result_int(),
              409U);
}

TEST_F(OrdersApi, PromoCodes) {
    const auto base = "/api/v1/events/" + event_uuid_ + "/promo-codes";
    EXPECT_EQ(Call("POST", base, other_, {{"code", "HALF"}, {"discount_percent", 50}}).result_int(), 403U);
    EXPECT_EQ(Call("POST", base, organizer_, {{"code", "X"}, {"discount_percent", 50}}).result_int(), 422U);
    EXPECT_EQ(Call("POST", base, organizer_, {{"code", "BOTH"}, {"discount_percent", 5}, {"discount_amount", "1"}})
                  .result_int(),
              422U);
    const auto half = Call("POST", base, organizer_, {{"code", "half"}, {"discount_percent", 50}, {"max_uses", 1}});
    ASSERT_EQ(half.result_int(), 201U) << half.body();
    EXPECT_EQ(json::parse(half.body())["code"], "HALF");
    EXPECT_EQ(Call("POST", base, organizer_, {{"code", "HALF"}, {"discount_percent", 10}}).result_int(), 409U);
    ASSERT_EQ(Call("POST", base, organizer_, {{"code", "FREEBIE"}, {"discount_amount", "99000000000"}}).result_int(),
              201U);

    const auto with = [&](const std::string& token, const std::string& code) {
        return Call("POST", "/api/v1/orders", token,
                    {{"event_uuid", event_uuid_}, {"ticket_type_id", paid_type_}, {"quantity", 1}, {"promo_code", code}});
    };
    const auto discounted = with(buyer_, "Half");
    ASSERT_EQ(discounted.result_int(), 201U) << discounted.body();
    EXPECT_EQ(json::parse(discounted.body())["total_price"], "750000000");
    EXPECT_EQ(json::parse(discounted.body())["payment"]["amount"], "750000000");
    const auto used_up = with(other_, "HALF");
    EXPECT_EQ(used_up.result_int(), 409U);
    EXPECT_EQ(ErrorCode(used_up), "promo.exhausted");
    // A refused promo leaves no reservation behind.
    EXPECT_EQ(json::parse(Call("GET", "/api/v1/events/" + event_uuid_, "").body())["ticket_types"][0]["reserved"], 1);
    EXPECT_EQ(ErrorCode(with(other_, "NOPE")), "promo.invalid");

    // Canceling returns the use.
    const auto uuid = json::parse(discounted.body())["uuid"].get<std::string>();
    ASSERT_EQ(Call("POST", "/api/v1/orders/" + uuid + "/cancel", buyer_).result_int(), 200U);
    EXPECT_EQ(with(other_, "HALF").result_int(), 201U);

    // A discount down to zero makes the order free: paid at once, with its ticket.
    const auto free = with(staff_, "FREEBIE");
    ASSERT_EQ(free.result_int(), 201U) << free.body();
    EXPECT_EQ(json::parse(free.body())["state"], "paid");
    EXPECT_EQ(json::parse(free.body())["tickets"].size(), 1U);
    const auto listed = json::parse(Call("GET", base, organizer_).body())["items"];
    EXPECT_EQ(listed.size(), 2U);
}

TEST_F(OrdersApi, OnlineCheckInByPhrase) {
    const std::int64_t now = std::time(nullptr);
    const auto created = Call("POST", "/api/v1/events", organizer_,
                              {{"title", "Webinar"}, {"description", ""}, {"start_date", now + 86400},
                               {"end_date", now + 90000}, {"participation_type", "online"},
                               {"online_link", "https://meet.example/w"}});
    const auto online = json::parse(created.body())["event_uuid"].get<std::string>();
    const auto type = json::parse(Call("POST", "/api/v1/events/" + online + "/ticket-types", organizer_,
                                       {{"name", "Seat"}, {"price", "0"}})
                                      .body())["id"];
    ASSERT_EQ(Call("POST", "/api/v1/events/" + online + "/publish", organizer_).result_int(), 200U);
    ASSERT_EQ(Call("POST", "/api/v1/orders", buyer_, {{"event_uuid", online}, {"ticket_type_id", type}}).result_int(),
              201U);
    const auto self = [&](const std::string& token, const std::string& phrase) {
        return Call("POST", "/api/v1/events/" + online + "/self-check-in", token, {{"phrase", phrase}});
    };
    EXPECT_EQ(ErrorCode(self(buyer_, "anything")), "conflict") << "no phrase set yet";
    EXPECT_EQ(Call("PUT", "/api/v1/events/" + online + "/checkin-phrase", buyer_, {{"phrase", "blue whale"}})
                  .result_int(),
              403U);
    ASSERT_EQ(Call("PUT", "/api/v1/events/" + online + "/checkin-phrase", organizer_, {{"phrase", "Blue  Whale"}})
                  .result_int(),
              204U);
    EXPECT_EQ(self(other_, "blue whale").result_int(), 403U) << "no ticket, no check-in";

    const auto wrong = json::parse(self(buyer_, "red whale").body());
    EXPECT_EQ(wrong["result"], "wrong_phrase");
    EXPECT_EQ(wrong["attempts_left"], 4);
    const auto right = json::parse(self(buyer_, "  BLUE whale ").body());
    EXPECT_EQ(right["result"], "admitted");
    EXPECT_EQ(json::parse(self(buyer_, "blue whale").body())["result"], "already_used");

    // Guessing is rate-limited.
    for (int i = 0; i < 4; ++i) EXPECT_EQ(json::parse(self(buyer_, "guess").body())["result"], "wrong_phrase");
    const auto limited = self(buyer_, "blue whale");
    EXPECT_EQ(limited.result_int(), 429U);
    EXPECT_EQ(ErrorCode(limited), "rate_limited");
    EXPECT_FALSE(std::string(limited["Retry-After"]).empty());

    // In-person events check in at the door only.
    EXPECT_EQ(ErrorCode(Call("POST", "/api/v1/events/" + event_uuid_ + "/self-check-in", buyer_, {{"phrase", "x"}})),
              "conflict");
}

TEST_F(OrdersApi, ApprovalBeforeOrdering) {
    const std::int64_t now = std::time(nullptr);
    const auto created = Call("POST", "/api/v1/events", organizer_,
                              {{"title", "Closed dinner"}, {"description", ""}, {"start_date", now + 86400},
                               {"end_date", now + 90000}, {"participation_type", "in_person"}, {"location", "Home"},
                               {"requires_approval", true}});
    ASSERT_EQ(created.result_int(), 201U) << created.body();
    const auto uuid = json::parse(created.body())["event_uuid"].get<std::string>();
    const auto type = json::parse(Call("POST", "/api/v1/events/" + uuid + "/ticket-types", organizer_,
                                       {{"name", "Seat"}, {"price", "0"}})
                                      .body())["id"];
    ASSERT_EQ(Call("POST", "/api/v1/events/" + uuid + "/publish", organizer_).result_int(), 200U);
    const auto base = "/api/v1/events/" + uuid + "/registrations";
    const auto order = [&](const std::string& token) {
        return Call("POST", "/api/v1/orders", token, {{"event_uuid", uuid}, {"ticket_type_id", type}});
    };

    const auto before = order(buyer_);
    EXPECT_EQ(before.result_int(), 403U);
    EXPECT_EQ(ErrorCode(before), "registration.required");
    EXPECT_EQ(json::parse(before.body())["error"]["details"]["registration"], "none");

    const auto applied = Call("POST", base, buyer_, {{"answer", "I bring wine"}});
    ASSERT_EQ(applied.result_int(), 200U) << applied.body();
    EXPECT_EQ(json::parse(applied.body())["status"], "pending");
    ASSERT_EQ(Call("POST", base, other_, json::object()).result_int(), 200U);
    EXPECT_EQ(json::parse(order(buyer_).body())["error"]["details"]["registration"], "pending");

    EXPECT_EQ(Call("GET", base, buyer_).result_int(), 403U) << "guests do not see each other";
    const auto pending = json::parse(Call("GET", base + "?status=pending", organizer_).body())["items"];
    ASSERT_EQ(pending.size(), 2U);
    EXPECT_EQ(pending[0]["answer"], "I bring wine");

    EXPECT_EQ(Call("POST", base + "/602/approve", buyer_).result_int(), 403U) << "no self-approval";
    const auto approved = Call("POST", base + "/602/approve", organizer_);
    ASSERT_EQ(approved.result_int(), 200U) << approved.body();
    EXPECT_EQ(json::parse(approved.body())["status"], "approved");
    EXPECT_EQ(order(buyer_).result_int(), 201U);

    EXPECT_EQ(Call("POST", base + "/603/reject", organizer_, json::object()).result_int(), 422U) << "a reason is due";
    const auto rejected = Call("POST", base + "/603/reject", organizer_, {{"reason", "Table is full"}});
    ASSERT_EQ(rejected.result_int(), 200U);
    EXPECT_EQ(Call("POST", base + "/603/approve", organizer_).result_int(), 409U) << "decided already";
    const auto mine = json::parse(Call("GET", base + "/me", other_).body());
    EXPECT_EQ(mine["status"], "rejected");
    EXPECT_EQ(mine["reason"], "Table is full");
    EXPECT_EQ(json::parse(order(other_).body())["error"]["details"]["registration"], "rejected");
    // Re-applying after a rejection puts the guest back in the queue.
    EXPECT_EQ(json::parse(Call("POST", base, other_, json::object()).body())["status"], "pending");
    // Open events need no registration.
    EXPECT_EQ(ErrorCode(Call("POST", "/api/v1/events/" + event_uuid_ + "/registrations", buyer_, json::object())),
              "conflict");
}

TEST_F(OrdersApi, BadOrdersAreRejected) {
    EXPECT_EQ(Buy("", paid_type_, 1).result_int(), 401U);
    EXPECT_EQ(json::parse(Buy(buyer_, paid_type_, 0).body())["error"]["details"]["field"], "quantity");
    EXPECT_EQ(json::parse(Buy(buyer_, paid_type_, 11).body())["error"]["details"]["field"], "quantity");
    EXPECT_EQ(Buy(buyer_, 999999, 1).result_int(), 404U);
    const auto extra = Call("POST", "/api/v1/orders", buyer_,
                            {{"event_uuid", event_uuid_}, {"ticket_type_id", paid_type_}, {"price", "0"}});
    EXPECT_EQ(json::parse(extra.body())["error"]["details"]["field"], "price") << "no field is silently ignored";
    const auto string_id = Call("POST", "/api/v1/orders", buyer_, {{"event_uuid", event_uuid_}, {"ticket_type_id", "1"}});
    EXPECT_EQ(string_id.result_int(), 422U);

    EXPECT_EQ(Call("POST", "/api/v1/events/" + event_uuid_ + "/cancel", organizer_).result_int(), 200U);
    const auto closed = Buy(buyer_, free_type_, 1);
    EXPECT_EQ(closed.result_int(), 409U);
    EXPECT_EQ(ErrorCode(closed), "ticket.sale_closed");
}

}  // namespace
}  // namespace onton::test

namespace onton::test {
namespace {

using nlohmann::json;

TEST(OrdersExpiry, ServeExpiresUnpaidOrdersAndFreesTheirSeats) {
    TempDir dir;
    const std::map<std::string, std::string> env = {
        {"ONTON_DATABASE_URL", "sqlite://" + (dir.path() / "onton.db").string()},
        {"ONTON_ORDER_TTL_SECONDS", "1"},
        {"ONTON_ORDER_EXPIRY_SWEEP_SECONDS", "1"}};
    ServeProcess server(env, dir.path());
    auto r = RunOnton({"admin", "init-data", "--user-id", "701"}, env);
    while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    const auto token =
        json::parse(Request(server.port(), "POST", "/api/v1/auth/telegram", json{{"init_data", r.out}}.dump()).body())
            ["token"]
                .get<std::string>();
    const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer " + token}};
    const std::int64_t now = std::time(nullptr);
    const auto event_uuid =
        json::parse(Request(server.port(), "POST", "/api/v1/events",
                            json{{"title", "T"}, {"description", ""}, {"start_date", now + 86400},
                                 {"end_date", now + 90000}, {"participation_type", "in_person"}, {"location", "X"}}
                                .dump(),
                            "application/json", auth)
                        .body())["event_uuid"]
            .get<std::string>();
    const auto type = json::parse(Request(server.port(), "POST", "/api/v1/events/" + event_uuid + "/ticket-types",
                                          json{{"name", "P"}, {"price", "5"}, {"supply", 1}}.dump(), "application/json",
                                          auth)
                                      .body())["id"];
    ASSERT_EQ(Request(server.port(), "POST", "/api/v1/events/" + event_uuid + "/publish", "", "application/json", auth)
                  .result_int(),
              200U);
    const auto order = json::parse(Request(server.port(), "POST", "/api/v1/orders",
                                           json{{"event_uuid", event_uuid}, {"ticket_type_id", type}}.dump(),
                                           "application/json", auth)
                                       .body());
    ASSERT_EQ(order["state"], "created");
    // The sweeper runs every second; wait (bounded) for it to expire the order, then the seat is free again.
    std::string state;
    for (int i = 0; i < 300 && state != "expired"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        state = json::parse(Request(server.port(), "GET", "/api/v1/orders/" + order["uuid"].get<std::string>(), "", "",
                                    auth)
                                .body())["state"];
    }
    EXPECT_EQ(state, "expired");
    const auto event = json::parse(Request(server.port(), "GET", "/api/v1/events/" + event_uuid).body());
    EXPECT_EQ(event["ticket_types"][0]["reserved"], 0);
    EXPECT_EQ(event["ticket_types"][0]["available"], 1);
}

}  // namespace
}  // namespace onton::test
