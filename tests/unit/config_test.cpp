#include "app/config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace onton::app {
namespace {

EnvLookup Env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
}

std::string Joined(const Config& c) {
    std::string all;
    for (const auto& line : c.Describe()) all += line + "\n";
    return all;
}

class TempFile {
public:
    explicit TempFile(const std::string& text)
        : path_(std::filesystem::temp_directory_path() /
                ("onton-config-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml")) {
        std::ofstream(path_) << text;
    }
    ~TempFile() { std::filesystem::remove(path_); }
    [[nodiscard]] std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

TEST(Config, DefaultsAreTheEmbeddedPlatform) {
    const auto c = LoadConfig(Env({}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->http.port, 8080);
    EXPECT_EQ(c->database.url, "sqlite://./var/onton.db");
    EXPECT_TRUE(c->auto_migrate);
    EXPECT_TRUE(c->redis_url.empty());
    EXPECT_TRUE(c->amqp_url.empty());
    EXPECT_TRUE(c->ton_api_url.empty());
    ASSERT_EQ(c->http.cors_origins.size(), 1U);
    EXPECT_EQ(c->http.cors_origins[0], "http://localhost:8080");
}

TEST(Config, EnvironmentSetsTypedValues) {
    const auto c = LoadConfig(Env({{"ONTON_HTTP_PORT", "0"},
                                   {"ONTON_HTTP_IO_THREADS", "4"},
                                   {"ONTON_HTTP_IDLE_TIMEOUT_MS", "1500"},
                                   {"ONTON_HTTP_ACCESS_LOG", "off"},
                                   {"ONTON_CORS_ORIGINS", "https://a.example, http://localhost:5173"},
                                   {"ONTON_DATABASE_URL", "postgres://u:pw@127.0.0.1:5432/onton"}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->http.port, 0);
    EXPECT_EQ(c->http.io_threads, 4);
    EXPECT_EQ(c->http.idle_timeout, std::chrono::milliseconds(1500));
    EXPECT_FALSE(c->http.access_log);
    EXPECT_EQ(c->http.cors_origins, (std::vector<std::string>{"https://a.example", "http://localhost:5173"}));
    EXPECT_FALSE(c->auto_migrate) << "PostgreSQL is migrated by `onton migrate` unless asked";
}

struct BadValue {
    std::string name;
    std::string value;
    friend void PrintTo(const BadValue& v, std::ostream* os) { *os << v.name << "='" << v.value << "'"; }
};

class ConfigRejects : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigRejects, NamesTheSetting) {
    const auto c = LoadConfig(Env({{GetParam().name, GetParam().value}}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "config.invalid");
    EXPECT_NE(c.error().message.find(GetParam().name), std::string::npos) << c.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Values,
    ConfigRejects,
    ::testing::Values(BadValue{"ONTON_HTTP_PORT", "80a"},
                      BadValue{"ONTON_HTTP_PORT", "65536"},
                      BadValue{"ONTON_HTTP_PORT", "-1"},
                      BadValue{"ONTON_HTTP_PORT", ""},
                      BadValue{"ONTON_HTTP_HOST", "localhost:80"},
                      BadValue{"ONTON_HTTP_IO_THREADS", "0"},
                      BadValue{"ONTON_HTTP_ACCESS_LOG", "maybe"},
                      BadValue{"ONTON_CORS_ORIGINS", "https://a.example/path"},
                      BadValue{"ONTON_DATABASE_URL", "mysql://x"},
                      BadValue{"ONTON_DATABASE_POOL_SIZE", "0"},
                      BadValue{"ONTON_REDIS_URL", "http://x"},
                      BadValue{"ONTON_AMQP_URL", "redis://x"},
                      BadValue{"ONTON_TON_API_URL", "ftp://x"},
                      BadValue{"ONTON_PLATFORM_WALLET_MNEMONIC", "too few words"},
                      BadValue{"ONTON_PLATFORM_WALLET_VERSION", "v3r2"},
                      BadValue{"ONTON_NFT_SWEEP_SECONDS", "0"},
                      BadValue{"ONTON_REFUNDS_SWEEP_SECONDS", "0"},
                      BadValue{"ONTON_WALLET_MESSAGE_TTL_SECONDS", "4"},
                      BadValue{"ONTON_BOT_TOKEN", "no-colon"},
                      BadValue{"ONTON_TICKET_SIGNING_KEY", "c2hvcnQ="},
                      BadValue{"ONTON_TICKET_SIGNING_KEY", "not base64!"},
                      BadValue{"ONTON_PUBLIC_URL", "localhost"},
                      BadValue{"ONTON_TONCONNECT_WALLETS_URL", "wallets.json"},
                      BadValue{"ONTON_TONCONNECT_WALLETS_URL", "//other.host/wallets.json"},
                      BadValue{"ONTON_TONCONNECT_MANIFEST_URL", "javascript:alert(1)"},
                      BadValue{"ONTON_USDT_JETTON_MASTER", "USDT"},
                      BadValue{"ONTON_USDT_JETTON_MASTER",
                               "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDt"},
                      BadValue{"ONTON_SERVE_WORKERS", "relay,mailer"},
                      BadValue{"ONTON_AMQP_PREFIX", "has space"},
                      BadValue{"ONTON_AMQP_PREFIX", ""},
                      BadValue{"ONTON_WALLET_LEASE_SECONDS", "1"},
                                            BadValue{"ONTON_LOG_LEVEL", "loud"},
                      BadValue{"ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS", "0"},
                      BadValue{"ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS", "-5"},
                      BadValue{"ONTON_TELEGRAM_PUBLIC_KEY", ""},
                      BadValue{"ONTON_TELEGRAM_PUBLIC_KEY", "e7bf03a2"},
                      BadValue{"ONTON_TELEGRAM_PUBLIC_KEY",
                               "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242"},
                      BadValue{"ONTON_TELEGRAM_PUBLIC_KEY",
                               "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d00"},
                      BadValue{"ONTON_TELEGRAM_PUBLIC_KEY",
                               "g7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d"}),
    [](const auto& param_info) { return param_info.param.name + "_" + std::to_string(param_info.index); });

TEST(Config, WorkersLeaseAndQueuePrefix) {
    const auto defaults = LoadConfig(Env({}));
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_EQ(defaults->amqp_prefix, "onton");
    EXPECT_EQ(defaults->lease_seconds, 20);
    const auto c = LoadConfig(Env({{"ONTON_AMQP_PREFIX", "crash-12.a_b"},
                                   {"ONTON_WALLET_LEASE_SECONDS", "3"},
                                   {"ONTON_SERVE_WORKERS", "expiry, reminders,nft"}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->amqp_prefix, "crash-12.a_b");
    EXPECT_EQ(c->lease_seconds, 3);
    EXPECT_EQ(c->serve_workers, "expiry, reminders,nft");
    const auto bad = LoadConfig(Env({{"ONTON_SERVE_WORKERS", "mailer"}}));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("valid workers: expiry, payments, relay"), std::string::npos)
        << bad.error().message;
}

TEST(Config, UsdtJettonMasterIsUnsetByDefaultAndTakesAnyAddressForm) {
    const auto unset = LoadConfig(Env({}));
    ASSERT_TRUE(unset);
    EXPECT_EQ(unset->usdt_jetton_master, "");
    const auto mainnet =
        LoadConfig(Env({{"ONTON_USDT_JETTON_MASTER", "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs"}}));
    ASSERT_TRUE(mainnet) << mainnet.error().message;
    EXPECT_EQ(mainnet->usdt_jetton_master, "EQCxE6mUtQJKFnGfaROTKOt1lZbDiiX1kCixRv7Nw2Id_sDs");
    const auto raw =
        LoadConfig(Env({{"ONTON_USDT_JETTON_MASTER",
                         "0:b113a994b5024a16719f69139328eb759596c38a25f59028b146fecdc3621dfe"}}));
    ASSERT_TRUE(raw) << raw.error().message;
    bool described = false;
    for (const auto& line : mainnet->Describe()) described |= line.find("ton.usdt_jetton_master = EQCx") == 0;
    EXPECT_TRUE(described);
}

TEST(Config, SecretsAreNeverDescribed) {
    const std::string mnemonic =
        "abandon ability able about above absent absorb abstract absurd abuse access accident account accuse "
        "achieve acid acoustic acquire across act action actor actress actual";
    const auto c =
        LoadConfig(Env({{"ONTON_BOT_TOKEN", "123456:SECRET-token-value"},
                        {"ONTON_TON_API_KEY", "tonkey-secret"},
                        {"ONTON_PLATFORM_WALLET_MNEMONIC", mnemonic},
                        {"ONTON_DATABASE_URL", "postgres://user:hunter2@db:5432/onton"},
                        {"ONTON_AMQP_URL", "amqp://guest:rabbitpw@127.0.0.1:5672/"},
                        {"ONTON_TICKET_SIGNING_KEY", "U0VDUkVUU0VFRHNlY3JldHNlZWRTRUNSRVRTRUVEISE="}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->bot_token.value, "123456:SECRET-token-value");
    const auto text = Joined(*c);
    for (const auto* secret : {"SECRET-token-value",
                               "tonkey-secret",
                               "abandon",
                               "hunter2",
                               "rabbitpw",
                               "U0VDUkVUU0VFRHNlY3JldHNlZWRTRUNSRVRTRUVEISE"}) {
        EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked in:\n" << text;
    }
    EXPECT_NE(text.find("telegram.bot_token = (set)"), std::string::npos);
    EXPECT_NE(text.find("ton.api_key = (set)"), std::string::npos);
    EXPECT_NE(text.find("orders.ticket_signing_key = (set)"), std::string::npos);
}

TEST(Config, MnemonicErrorDoesNotEchoTheWords) {
    const auto c = LoadConfig(Env({{"ONTON_PLATFORM_WALLET_MNEMONIC", "secretword1 secretword2"}}));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().message.find("secretword"), std::string::npos) << c.error().message;
}

TEST(Config, TomlFileWithEnvironmentOverride) {
    TempFile file(R"(
[http]
port = 9000
cors_origins = ["https://x.example"]
access_log = false

[database]
url = "sqlite:///tmp/onton-config-test.db"
pool_size = 3
)");
    const auto c = LoadConfig(Env({{"ONTON_HTTP_PORT", "9100"}}), file.path());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->http.port, 9100) << "environment wins over the file";
    EXPECT_EQ(c->database.pool_size, 3);
    EXPECT_EQ(c->database.url, "sqlite:///tmp/onton-config-test.db");
    EXPECT_FALSE(c->http.access_log);
    EXPECT_EQ(c->http.cors_origins, std::vector<std::string>{"https://x.example"});
}

TEST(Config, TomlFileFromOntonConfigVariable) {
    TempFile file("[http]\nport = 9200\n");
    const auto c = LoadConfig(Env({{"ONTON_CONFIG", file.path()}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->http.port, 9200);
}

TEST(Config, TomlErrorsNameFileAndKey) {
    {
        TempFile file("[http]\nprot = 9000\n");
        const auto c = LoadConfig(Env({}), file.path());
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("unknown setting http.prot"), std::string::npos) << c.error().message;
    }
    {
        TempFile file("[http]\nport = 700000\n");
        const auto c = LoadConfig(Env({}), file.path());
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("http.port"), std::string::npos) << c.error().message;
    }
    {
        TempFile file("[http\nport = 1\n");
        const auto c = LoadConfig(Env({}), file.path());
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("line 1"), std::string::npos) << c.error().message;
    }
    {
        const auto c = LoadConfig(Env({}), "/nonexistent/onton.toml");
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("/nonexistent/onton.toml"), std::string::npos) << c.error().message;
    }
}

TEST(Config, TonConnectUrls) {
    const auto defaults = LoadConfig(Env({}));
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->tonconnect_wallets_url, "");
    EXPECT_EQ(defaults->tonconnect_manifest_url, "");
    const auto c = LoadConfig(Env({{"ONTON_TONCONNECT_WALLETS_URL", "https://cdn.example/wallets-v2.json"},
                                   {"ONTON_TONCONNECT_MANIFEST_URL", "/tonconnect-manifest.json"}}));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->tonconnect_wallets_url, "https://cdn.example/wallets-v2.json");
    EXPECT_EQ(c->tonconnect_manifest_url, "/tonconnect-manifest.json");
    EXPECT_NE(Joined(*c).find("tonconnect_wallets_url = https://cdn.example/wallets-v2.json"), std::string::npos);
}

TEST(Config, MnemonicAndKeyFileAreExclusive) {
    std::string words;
    for (int i = 0; i < 24; ++i) words += "word ";
    const auto c = LoadConfig(
        Env({{"ONTON_PLATFORM_WALLET_MNEMONIC", words}, {"ONTON_PLATFORM_WALLET_KEY_FILE", "/etc/onton/key"}}));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("exclusive"), std::string::npos);
}

TEST(Config, TonProofSettings) {
    const auto defaults = LoadConfig(Env({}));
    ASSERT_TRUE(defaults);
    EXPECT_TRUE(defaults->ton_proof_domains.empty());
    EXPECT_EQ(defaults->ton_proof_max_age_seconds, 900);
    EXPECT_EQ(defaults->ton_proof_payload_ttl_seconds, 900);
    EXPECT_FALSE(defaults->ton_network);

    const auto set = LoadConfig(Env({{"ONTON_TON_PROOF_DOMAINS", "app.onton.org, localhost:5173"},
                                     {"ONTON_TON_PROOF_MAX_AGE_SECONDS", "60"},
                                     {"ONTON_TON_PROOF_PAYLOAD_TTL_SECONDS", "300"},
                                     {"ONTON_TON_NETWORK", "testnet"}}));
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->ton_proof_domains, (std::vector<std::string>{"app.onton.org", "localhost:5173"}));
    EXPECT_EQ(set->ton_proof_max_age_seconds, 60);
    EXPECT_EQ(set->ton_proof_payload_ttl_seconds, 300);
    EXPECT_EQ(set->ton_network, ton::Network::kTestnet);
    EXPECT_NE(Joined(*set).find("ton.network = testnet, proof_domains = app.onton.org,localhost:5173"),
              std::string::npos)
        << Joined(*set);

    EXPECT_FALSE(LoadConfig(Env({{"ONTON_TON_NETWORK", "devnet"}})));
    EXPECT_FALSE(LoadConfig(Env({{"ONTON_TON_PROOF_DOMAINS", "https://app.onton.org/"}})));
    EXPECT_FALSE(LoadConfig(Env({{"ONTON_TON_PROOF_MAX_AGE_SECONDS", "5"}})));
    EXPECT_FALSE(LoadConfig(Env({{"ONTON_TON_PROOF_PAYLOAD_TTL_SECONDS", "0"}})));
}

}  // namespace
}  // namespace onton::app

namespace onton::app {
namespace {

TEST(Config, InitDataMaxAgeIsAtLeastOneSecond) {
    const auto defaults = LoadConfig(Env({}));
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->init_data_max_age_seconds, 86400);
    const auto one = LoadConfig(Env({{"ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS", "1"}}));
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(one->init_data_max_age_seconds, 1);
    for (const auto* bad : {"0", "-1"}) {
        const auto c = LoadConfig(Env({{"ONTON_AUTH_INIT_DATA_MAX_AGE_SECONDS", bad}}));
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().message.find("expected an integer from 1 to"), std::string::npos)
            << c.error().message;
    }
    TempFile file("[auth]\ninit_data_max_age_seconds = 0\n");
    const auto from_file = LoadConfig(Env({}), file.path());
    ASSERT_FALSE(from_file);
    EXPECT_NE(from_file.error().message.find("auth.init_data_max_age_seconds"), std::string::npos)
        << from_file.error().message;
}

TEST(Config, TelegramPublicKeyWhenSetIs32BytesOfHex) {
    const auto defaults = LoadConfig(Env({}));
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->telegram_public_key,
              "e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d")
        << "Telegram's production key";
    // The test environment's key, in upper case: accepted and kept in lower case.
    const auto test_key = LoadConfig(Env(
        {{"ONTON_TELEGRAM_PUBLIC_KEY", "40055058A4EE38156A06562E52EECE92A771BCD8346A8C4615CB7376EDDF72EC"}}));
    ASSERT_TRUE(test_key) << test_key.error().message;
    EXPECT_EQ(test_key->telegram_public_key,
              "40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec");
    EXPECT_NE(Joined(*test_key).find("telegram.public_key = 40055058a4ee"), std::string::npos);

    // Set but empty is a mistake, not a way to switch the signature check off.
    const auto empty = LoadConfig(Env({{"ONTON_TELEGRAM_PUBLIC_KEY", ""}}));
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("64 hex digits (32 bytes)"), std::string::npos)
        << empty.error().message;
    TempFile file("[telegram]\npublic_key = \"abc\"\n");
    const auto from_file = LoadConfig(Env({}), file.path());
    ASSERT_FALSE(from_file);
    EXPECT_NE(from_file.error().message.find("telegram.public_key"), std::string::npos)
        << from_file.error().message;
}

}  // namespace
}  // namespace onton::app
