// IdentityService over the real stores (SQLite file and the fixture's PostgreSQL): sign-in with Mini App initData
// and the Login Widget, sessions, roles, the local bot token.
#include "domain/identity/identity.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

#include "adapters/storage/store_factory.hpp"
#include "support/fakes.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "telegram/init_data.hpp"
#include "telegram/login_widget.hpp"

namespace onton::identity {
namespace {

constexpr const char* kBotToken = "123456789:TEST-token-for-identity-tests-only";

class Identity : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        auto opened = test::OpenTestStore(GetParam(), dir_.path());
        pg_ = std::move(opened.pg);
        store_ = std::move(opened.store);
        IdentitySettings s;
        s.bot_token = kBotToken;
        s.init_data_max_age_seconds = 3600;
        s.session_ttl_seconds = 7200;
        service_ = std::make_unique<IdentityService>(*store_, clock_, random_, s);
    }

    std::string InitData(std::int64_t user_id, const std::string& username, std::int64_t auth_date = 0) {
        nlohmann::json user = {{"id", user_id},
                               {"first_name", "Ada"},
                               {"last_name", "Lovelace"},
                               {"username", username},
                               {"language_code", "ru"},
                               {"is_premium", true}};
        return telegram::SignInitData(
            {{"user", user.dump()}, {"auth_date", std::to_string(auth_date == 0 ? clock_.NowUnix() : auth_date)}},
            kBotToken);
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom random_;
    std::unique_ptr<IdentityService> service_;
};

TEST_P(Identity, ConcurrentLookupsOfUncachedSessionsEachGetTheirOwnUser) {
    constexpr int kUsers = 40;
    std::vector<std::string> tokens;
    for (int i = 0; i < kUsers; ++i) {
        auto signed_in = service_->SignInWithInitData(InitData(1000 + i, "u" + std::to_string(i)));
        ASSERT_TRUE(signed_in) << signed_in.error().message;
        tokens.push_back(signed_in->token);
    }
    // A second service: nothing cached, so every lookup reads the store, many of them in the same read.
    IdentitySettings s;
    s.bot_token = kBotToken;
    IdentityService cold(*store_, clock_, random_, s);
    ASSERT_TRUE(service_->SignOut(tokens[3]));
    std::vector<std::string> seen(kUsers * 2);
    std::vector<std::thread> threads;
    for (int t = 0; t < kUsers * 2; ++t) {
        threads.emplace_back([&, t] {
            // Each token twice at once, and every fifth an unknown one in between.
            const std::string token = t % 5 == 4 ? std::string("ont_unknown_") + std::to_string(t) : tokens[static_cast<std::size_t>(t % kUsers)];
            auto principal = cold.Authenticate(token);
            seen[static_cast<std::size_t>(t)] = principal ? std::to_string(principal->user_id) : principal.error().code;
        });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < kUsers * 2; ++t) {
        const auto expected = t % 5 == 4 ? std::string("auth.invalid")
                              : t % kUsers == 3 ? std::string("auth.invalid")  // signed out
                                                : std::to_string(1000 + t % kUsers);
        EXPECT_EQ(seen[static_cast<std::size_t>(t)], expected) << t;
    }
}

TEST_P(Identity, AsynchronousLookupsWaitWithoutAThreadAndAreReadTogether) {
    constexpr int kUsers = 300;  // more than one read takes (256 tokens)
    std::vector<std::string> tokens;
    for (int i = 0; i < kUsers; ++i) {
        auto signed_in = service_->SignInWithInitData(InitData(5000 + i, "a" + std::to_string(i)));
        ASSERT_TRUE(signed_in) << signed_in.error().message;
        tokens.push_back(signed_in->token);
    }
    ASSERT_TRUE(service_->SignOut(tokens[7]));
    IdentitySettings s;
    s.bot_token = kBotToken;
    IdentityService cold(*store_, clock_, random_, s);

    // The offload only queues: every lookup must return at once, and the whole wave must need one reader.
    std::vector<std::function<void()>> offloaded;
    const IdentityService::Offload offload = [&offloaded](std::function<void()> task) {
        offloaded.push_back(std::move(task));
    };
    const auto asked = kUsers + kUsers / 10 + 1;  // every token, every tenth twice, and an unknown one
    std::vector<std::string> seen(asked);
    int answered = 0;
    const auto ask = [&](std::size_t slot, const std::string& token) {
        cold.AuthenticateAsync(
            token,
            [&seen, &answered, slot](IdentityService::AuthOutcome outcome) {
                ASSERT_FALSE(outcome.error);
                seen[slot] = *outcome.result ? std::to_string((*outcome.result)->user_id)
                                             : outcome.result->error().code;
                ++answered;
            },
            offload);
    };
    std::size_t slot = 0;
    for (int i = 0; i < kUsers; ++i) ask(slot++, tokens[static_cast<std::size_t>(i)]);
    for (int i = 0; i < kUsers; i += 10) ask(slot++, tokens[static_cast<std::size_t>(i)]);
    ask(slot++, "ont_not_a_session");
    ASSERT_EQ(slot, static_cast<std::size_t>(asked));
    EXPECT_EQ(answered, 0) << "nobody is answered before the read runs";
    ASSERT_EQ(offloaded.size(), 1U) << "one reader serves the whole wave";

    offloaded.front()();
    EXPECT_EQ(offloaded.size(), 1U);
    ASSERT_EQ(answered, asked);
    for (int i = 0; i < kUsers; ++i) {
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], i == 7 ? "auth.invalid" : std::to_string(5000 + i)) << i;
    }
    for (std::size_t k = kUsers; k + 1 < seen.size(); ++k) {
        const auto i = static_cast<int>(k - kUsers) * 10;
        EXPECT_EQ(seen[k], i == 7 ? "auth.invalid" : std::to_string(5000 + i)) << k;
    }
    EXPECT_EQ(seen.back(), "auth.invalid");

    // Now cached: answered on the caller's thread, with nothing offloaded.
    ask(0, tokens[1]);
    EXPECT_EQ(answered, asked + 1);
    EXPECT_EQ(offloaded.size(), 1U);
}

TEST_P(Identity, SignInCreatesUserAndSession) {
    auto signed_in = service_->SignInWithInitData(InitData(42, "ada"));
    ASSERT_TRUE(signed_in) << signed_in.error().message;
    EXPECT_EQ(signed_in->user.user_id, 42);
    EXPECT_EQ(signed_in->user.username, "ada");
    EXPECT_EQ(signed_in->user.language_code, "ru");
    EXPECT_TRUE(signed_in->user.is_premium);
    EXPECT_EQ(signed_in->user.role, Role::kUser);
    EXPECT_EQ(signed_in->expires_at, clock_.NowUnix() + 7200);
    EXPECT_EQ(signed_in->token.rfind("ont_", 0), 0U);

    auto principal = service_->Authenticate(signed_in->token);
    ASSERT_TRUE(principal) << principal.error().message;
    EXPECT_EQ(principal->user_id, 42);
}

TEST_P(Identity, TokenIsStoredOnlyAsItsHash) {
    auto signed_in = service_->SignInWithInitData(InitData(7, "seven"));
    ASSERT_TRUE(signed_in);
    const auto rows = store_->Transact([](ports::Transaction& tx) {
        return tx.Execute("SELECT token_hash FROM sessions WHERE user_id = $1", {std::int64_t{7}});
    });
    ASSERT_EQ(rows.rows.size(), 1U);
    const auto& stored = ports::AsText(rows.rows[0][0]);
    EXPECT_NE(stored, signed_in->token);
    EXPECT_EQ(stored, Sha256Hex(signed_in->token));
}

TEST_P(Identity, SecondSignInUpdatesProfileAndKeepsRole) {
    ASSERT_TRUE(service_->SignInWithInitData(InitData(5, "old_name")));
    ASSERT_TRUE(service_->GrantAdmin(5));
    clock_.Advance(10);
    auto again = service_->SignInWithInitData(InitData(5, "new_name"));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->user.username, "new_name");
    EXPECT_EQ(again->user.role, Role::kAdmin) << "sign-in must not reset a granted role";
    EXPECT_EQ(again->user.updated_at, clock_.NowUnix());
    EXPECT_LT(again->user.created_at, again->user.updated_at);
}

TEST_P(Identity, RejectsForgedTamperedAndStaleInitData) {
    const auto forged = telegram::SignInitData(
        {{"user", R"({"id":1,"first_name":"Eve"})"}, {"auth_date", std::to_string(clock_.NowUnix())}},
        "999:another-bots-token");
    auto r1 = service_->SignInWithInitData(forged);
    ASSERT_FALSE(r1);
    EXPECT_EQ(r1.error().code, "auth.invalid");

    auto good = InitData(1, "eve");
    good.replace(good.find("eve"), 3, "bob");
    auto r2 = service_->SignInWithInitData(good);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().code, "auth.invalid");

    auto r3 = service_->SignInWithInitData(InitData(1, "eve", clock_.NowUnix() - 3601));
    ASSERT_FALSE(r3);
    EXPECT_EQ(r3.error().code, "auth.expired");

    const auto no_user = telegram::SignInitData({{"auth_date", std::to_string(clock_.NowUnix())}}, kBotToken);
    auto r4 = service_->SignInWithInitData(no_user);
    ASSERT_FALSE(r4);
    EXPECT_EQ(r4.error().code, "request.validation_failed");

    const auto users = store_->Transact(
        [](ports::Transaction& tx) { return tx.Execute("SELECT count(*) FROM users"); });
    EXPECT_EQ(ports::AsInt(users.rows[0][0]), 0) << "a rejected sign-in writes nothing";
}

TEST_P(Identity, LoginWidgetSignIn) {
    std::vector<std::pair<std::string, std::string>> fields = {{"id", "77"},
                                                               {"first_name", "Grace"},
                                                               {"username", "grace"},
                                                               {"auth_date", std::to_string(clock_.NowUnix())}};
    fields.emplace_back("hash", telegram::SignLoginWidget(fields, kBotToken));
    auto signed_in = service_->SignInWithLoginWidget(fields);
    ASSERT_TRUE(signed_in) << signed_in.error().message;
    EXPECT_EQ(signed_in->user.user_id, 77);
    EXPECT_EQ(signed_in->user.first_name, "Grace");

    fields[1].second = "Mallory";
    auto tampered = service_->SignInWithLoginWidget(fields);
    ASSERT_FALSE(tampered);
    EXPECT_EQ(tampered.error().code, "auth.invalid");
}

TEST_P(Identity, SessionsExpireAndSignOutRevokes) {
    auto a = service_->SignInWithInitData(InitData(3, "three"));
    auto b = service_->SignInWithInitData(InitData(3, "three"));
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->token, b->token);

    ASSERT_TRUE(service_->SignOut(a->token));
    ASSERT_TRUE(service_->SignOut(a->token)) << "signing out twice is fine";
    auto revoked = service_->Authenticate(a->token);
    ASSERT_FALSE(revoked);
    EXPECT_EQ(revoked.error().code, "auth.invalid");
    EXPECT_TRUE(service_->Authenticate(b->token)) << "other sessions stay valid";

    clock_.Advance(7200);
    auto expired = service_->Authenticate(b->token);
    ASSERT_FALSE(expired);
    EXPECT_EQ(expired.error().code, "auth.expired");

    EXPECT_EQ(service_->Authenticate("").error().code, "auth.required");
    EXPECT_EQ(service_->Authenticate("ont_made_up").error().code, "auth.invalid");
}

TEST_P(Identity, GrantAdminNeedsAKnownUser) {
    auto missing = service_->GrantAdmin(404);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "not_found");
    auto signed_in = service_->SignInWithInitData(InitData(8, "eight"));
    ASSERT_TRUE(signed_in);
    auto granted = service_->GrantAdmin(8);
    ASSERT_TRUE(granted);
    EXPECT_EQ(granted->role, Role::kAdmin);
    auto principal = service_->Authenticate(signed_in->token);
    ASSERT_TRUE(principal);
    EXPECT_TRUE(principal->IsAdmin()) << "the role applies to existing sessions at once";
}

TEST_P(Identity, LocalBotTokenIsGeneratedOnceAndShared) {
    const auto first = ResolveBotToken(*store_, random_, clock_, "");
    const auto second = ResolveBotToken(*store_, random_, clock_, "");
    EXPECT_EQ(first, second);
    const auto colon = first.find(':');
    ASSERT_NE(colon, std::string::npos);
    EXPECT_EQ(colon, 10U);
    EXPECT_EQ(first.size(), 46U);
    EXPECT_EQ(ResolveBotToken(*store_, random_, clock_, "1:configured"), "1:configured");
}

TEST_P(Identity, CachedSessionsAreBoundedInTime) {
    auto signed_in = service_->SignInWithInitData(InitData(9, "nine"));
    ASSERT_TRUE(signed_in);
    ASSERT_TRUE(service_->Authenticate(signed_in->token));
    // Another process signs the session out behind this one's back: the cached answer holds for at most the
    // cache time (10 s by default), then the database answer wins.
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE sessions SET revoked_at = 1 WHERE token_hash = $1", {Sha256Hex(signed_in->token)});
    });
    EXPECT_TRUE(service_->Authenticate(signed_in->token));
    clock_.Advance(service_->settings().session_cache_seconds);
    auto after = service_->Authenticate(signed_in->token);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().code, "auth.invalid");
}

INSTANTIATE_TEST_SUITE_P(Stores, Identity, ::testing::Values("sqlite", "postgres"));

TEST(BearerToken, ParsesTheHeader) {
    EXPECT_EQ(BearerToken("Bearer abc"), "abc");
    EXPECT_EQ(BearerToken("bearer  abc "), "abc");
    EXPECT_EQ(BearerToken("Basic abc"), "");
    EXPECT_EQ(BearerToken("Bearer "), "");
    EXPECT_EQ(BearerToken(""), "");
}

}  // namespace
}  // namespace onton::identity
