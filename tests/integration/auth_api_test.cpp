// Sign-in over HTTP against the real binary, with initData from `onton admin init-data` and the local bot token:
// the same path a developer takes outside Telegram, through the real validation.
#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace onton::test {
namespace {

class AuthApi : public ::testing::Test {
protected:
    void SetUp() override {
        env_ = {{"ONTON_DATABASE_URL", "sqlite://" + (dir_.path() / "onton.db").string()}};
        server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    }

    std::string InitData(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"admin", "init-data"};
        args.insert(args.end(), extra.begin(), extra.end());
        const auto r = RunOnton(args, env_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto out = r.out;
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }

    HttpResponse SignIn(const std::string& init_data) {
        return Request(server_->port(), "POST", "/api/v1/auth/telegram", nlohmann::json{{"init_data", init_data}}.dump());
    }

    HttpResponse Get(const std::string& target, const std::string& token) {
        return Request(server_->port(), "GET", target, "", "", {{"Authorization", "Bearer " + token}});
    }

    TempDir dir_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> server_;
};

TEST_F(AuthApi, SignInMeAndLogout) {
    const auto init_data = InitData({"--user-id", "1001", "--username", "alice", "--language", "en"});
    const auto res = SignIn(init_data);
    ASSERT_EQ(res.result_int(), 200U) << res.body();
    const auto body = nlohmann::json::parse(res.body());
    const auto token = body["token"].get<std::string>();
    EXPECT_EQ(body["user"]["user_id"], 1001);
    EXPECT_EQ(body["user"]["username"], "alice");
    EXPECT_EQ(body["user"]["role"], "user");

    const auto me = Get("/api/v1/me", token);
    ASSERT_EQ(me.result_int(), 200U) << me.body();
    EXPECT_EQ(nlohmann::json::parse(me.body())["language_code"], "en");

    const auto out = Request(server_->port(), "POST", "/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(out.result_int(), 204U);
    const auto after = Get("/api/v1/me", token);
    EXPECT_EQ(after.result_int(), 401U);
    EXPECT_EQ(ErrorCode(after), "auth.invalid");
}

TEST_F(AuthApi, AdminRoleGrantedFromTheCli) {
    const auto token = nlohmann::json::parse(SignIn(InitData({"--user-id", "2002"})).body())["token"].get<std::string>();
    const auto missing = RunOnton({"admin", "grant-admin", "9999"}, env_);
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("never signed in"), std::string::npos) << missing.err;
    const auto granted = RunOnton({"admin", "grant-admin", "2002"}, env_);
    EXPECT_EQ(granted.exit_code, 0) << granted.err;
    EXPECT_EQ(nlohmann::json::parse(Get("/api/v1/me", token).body())["role"], "admin");
}

TEST_F(AuthApi, BadCredentialsAndBadRequests) {
    const auto init_data = InitData({"--user-id", "3003"});
    auto tampered = init_data;
    tampered.replace(tampered.find("3003"), 4, "3004");
    EXPECT_EQ(ErrorCode(SignIn(tampered)), "auth.invalid");
    EXPECT_EQ(SignIn(tampered).result_int(), 401U);
    EXPECT_EQ(SignIn("").result_int(), 401U);

    const auto no_field = Request(server_->port(), "POST", "/api/v1/auth/telegram", R"({"initData":"x"})");
    EXPECT_EQ(no_field.result_int(), 422U);
    EXPECT_EQ(ErrorCode(no_field), "request.validation_failed");
    EXPECT_EQ(nlohmann::json::parse(no_field.body())["error"]["details"]["field"], "init_data");

    const auto not_json = Request(server_->port(), "POST", "/api/v1/auth/telegram", "init_data=x",
                                  "application/x-www-form-urlencoded");
    EXPECT_EQ(not_json.result_int(), 415U);

    const auto anonymous = Request(server_->port(), "GET", "/api/v1/me");
    EXPECT_EQ(anonymous.result_int(), 401U);
    EXPECT_EQ(ErrorCode(anonymous), "auth.required");
    EXPECT_EQ(Get("/api/v1/me", "ont_not_a_real_token").result_int(), 401U);

    const auto widget = Request(server_->port(), "POST", "/api/v1/auth/telegram-login",
                                R"({"id":5,"first_name":"X","auth_date":1,"hash":"00"})");
    EXPECT_EQ(widget.result_int(), 401U);
    const auto widget_types = Request(server_->port(), "POST", "/api/v1/auth/telegram-login", R"({"id":[1]})");
    EXPECT_EQ(widget_types.result_int(), 422U);
}

TEST_F(AuthApi, InitDataWithASignatureFieldAsTelegramClientsSendIt) {
    // The Mini App SDK requires a `signature` field; --signature-seed adds one by a test key, which the server
    // verifies when that key is its ONTON_TELEGRAM_PUBLIC_KEY (and refuses under Telegram's real key).
    const std::string seed(64, '7');  // 32 bytes of 0x77
    // Its Ed25519 public key (computed independently with @ton/crypto keyPairFromSeed).
    const std::string public_hex = "c853ad0f0cd2b619aea92ceec4fd56a24d6499d584ce79257e45cfd8139b60a7";
    const auto init_data = InitData({"--user-id", "1002", "--signature-seed", seed});
    EXPECT_NE(init_data.find("&signature="), std::string::npos) << init_data;
    EXPECT_EQ(SignIn(init_data).result_int(), 401U) << "not Telegram's signature";

    server_.reset();
    env_["ONTON_TELEGRAM_PUBLIC_KEY"] = public_hex;
    server_ = std::make_unique<ServeProcess>(env_, dir_.path());
    const auto res = SignIn(InitData({"--user-id", "1002", "--signature-seed", seed}));
    ASSERT_EQ(res.result_int(), 200U) << res.body();
    EXPECT_EQ(nlohmann::json::parse(res.body())["user"]["user_id"], 1002);
    const auto other = InitData({"--user-id", "1003", "--signature-seed", std::string(64, '8')});
    EXPECT_EQ(SignIn(other).result_int(), 401U) << "another key's signature";
    EXPECT_EQ(RunOnton({"admin", "init-data", "--user-id", "1", "--signature-seed", "abc"}, env_).exit_code, 2);
}

TEST_F(AuthApi, InitDataCliValidatesItsArguments) {
    EXPECT_EQ(RunOnton({"admin", "init-data"}, env_).exit_code, 2);
    EXPECT_EQ(RunOnton({"admin", "init-data", "--user-id", "abc"}, env_).exit_code, 2);
    EXPECT_EQ(RunOnton({"admin", "init-data", "--user-id", "-5"}, env_).exit_code, 2);
    EXPECT_EQ(RunOnton({"admin", "frobnicate"}, env_).exit_code, 2);
    EXPECT_EQ(RunOnton({"admin", "--help"}, env_).exit_code, 0);
}

}  // namespace
}  // namespace onton::test
