// The toncenter client against the real emulator (CTest fixture ton_emulator): what the platform will do with
// the chain, end to end, on transactions the TVM executed. The tests may run in parallel against one
// emulator, so each one uses its own wallets or finds its own transaction by a unique comment.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>

#include "adapters/chain/toncenter.hpp"
#include "support/emulator_control.hpp"

namespace onton::chain {
namespace {

using nlohmann::json;
using ports::ChainTransaction;
using ports::ChainTxId;
using ports::StackEntry;
using ports::TransactionsQuery;

using test::Control;
using test::Env;

ToncenterConfig EmulatorConfig() {
    ToncenterConfig config;
    config.base_url = Env("ONTON_TEST_TON_URL");
    config.requests_per_second = 0;  // loopback: no need to space requests
    config.initial_backoff = std::chrono::milliseconds(50);
    config.max_backoff = std::chrono::milliseconds(400);
    return config;
}

std::string UniqueComment(const std::string& prefix) {
    std::random_device rd;
    return prefix + std::to_string(rd()) + "-" + std::to_string(rd());
}

class ChainEmulator : public ::testing::Test {
   protected:
    void SetUp() override {
        ASSERT_FALSE(Env("ONTON_TEST_TON_URL").empty()) << "run under ctest: ONTON_TEST_TON_URL is not set";
        wallets_ = Control("GET", "/wallets");
        ASSERT_TRUE(wallets_.is_object());
        platform_ = wallets_["platform"]["address"].get<std::string>();
    }
    std::string Participant(std::size_t index) {
        return wallets_["wallets"][index]["address"].get<std::string>();
    }
    /// A wallet of this test alone, funded and deployed.
    json NewWallet(const std::string& version) {
        return Control("POST", "/wallets", json{{"version", version}, {"balance_nano", "50000000000"}});
    }

    ToncenterChain chain_{EmulatorConfig()};
    json wallets_;
    std::string platform_;
};

TEST_F(ChainEmulator, PlatformWalletInformation) {
    auto info = chain_.GetWalletInfo(platform_);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_TRUE(info->is_wallet);
    EXPECT_EQ(info->wallet_type, "wallet v5 r1");
    EXPECT_GE(info->seqno, 1u);  // deployed by its first external message
    EXPECT_EQ(info->wallet_id, 2147483409);
    EXPECT_EQ(info->status, ports::AccountStatus::kActive);
    EXPECT_GT(info->balance_nanotons, 0u);

    auto state = chain_.GetAccountState(platform_);
    ASSERT_TRUE(state.ok()) << state.error().message;
    EXPECT_EQ(state->status, ports::AccountStatus::kActive);
    EXPECT_FALSE(state->code_boc.empty());
    EXPECT_FALSE(state->data_boc.empty());
    EXPECT_GT(state->last_tx.lt, 0u);

    // The raw form of the same address reads the same account.
    auto raw = chain_.GetAccountState(wallets_["platform"]["address_raw"].get<std::string>());
    ASSERT_TRUE(raw.ok()) << raw.error().message;
    EXPECT_EQ(raw->code_boc, state->code_boc);
}

TEST_F(ChainEmulator, PaymentWithCommentIsSeenWithValueAndComment) {
    const std::string comment = UniqueComment("onton_order=");
    const json sent =
        Control("POST",
                "/transfer",
                json{{"from", 0}, {"to", platform_}, {"amount_nano", "1234567890"}, {"comment", comment}});
    const std::string payer = Participant(0);

    auto txs = chain_.GetTransactions(TransactionsQuery{platform_, 50, std::nullopt, 0, false});
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    const ChainTransaction* found = nullptr;
    for (const auto& tx : *txs) {
        if (tx.in_msg && tx.in_msg->comment == comment) found = &tx;
    }
    ASSERT_NE(found, nullptr) << "payment not in the platform wallet's last 50 transactions";
    EXPECT_EQ(found->in_msg->value_nanotons, 1234567890u);
    EXPECT_EQ(found->in_msg->source, payer);
    EXPECT_EQ(found->in_msg->destination, platform_);
    EXPECT_FALSE(found->in_msg->IsExternalIn());
    EXPECT_EQ(found->id.lt,
              std::stoull(sent["transactions"].back()["transaction_id"]["lt"].get<std::string>()));
    EXPECT_EQ(found->id.hash, sent["transactions"].back()["transaction_id"]["hash"].get<std::string>());

    // The payer's side: its external message in, the commented payment out.
    auto out = chain_.GetTransactions(TransactionsQuery{payer, 20, std::nullopt, 0, false});
    ASSERT_TRUE(out.ok()) << out.error().message;
    bool seen = false;
    for (const auto& tx : *out) {
        if (tx.out_msgs.size() == 1 && tx.out_msgs[0].comment == comment) {
            seen = true;
            EXPECT_TRUE(tx.in_msg && tx.in_msg->IsExternalIn());
            EXPECT_EQ(tx.out_msgs[0].value_nanotons, 1234567890u);
        }
    }
    EXPECT_TRUE(seen);
}

TEST_F(ChainEmulator, PagingByLtAndHashReturnsOlderWithoutRepeats) {
    const json payer = NewWallet("v4r2");
    const json payee = NewWallet("v5r1");
    const std::string to = payee["address"].get<std::string>();
    for (int i = 0; i < 5; ++i) {
        Control("POST",
                "/transfer",
                json{{"from", payer["index"]},
                     {"to", to},
                     {"amount_nano", std::to_string(1000 + i)},
                     {"comment", "p" + std::to_string(i)}});
    }
    auto all = chain_.GetTransactions(TransactionsQuery{to, 100, std::nullopt, 0, false});
    ASSERT_TRUE(all.ok()) << all.error().message;
    // Funding, deploy, then the five payments, newest first.
    ASSERT_EQ(all->size(), 7u);
    EXPECT_EQ(all->front().in_msg->comment, std::optional<std::string>("p4"));
    EXPECT_EQ(all->front().in_msg->value_nanotons, 1004u);

    std::vector<ChainTxId> paged;
    std::optional<ChainTxId> before;
    for (int guard = 0; guard < 10; ++guard) {
        auto page = chain_.GetTransactions(TransactionsQuery{to, 2, before, 0, false});
        ASSERT_TRUE(page.ok()) << page.error().message;
        for (const auto& tx : *page) paged.push_back(tx.id);
        if (page->size() < 2) break;
        before = page->back().id;
    }
    ASSERT_EQ(paged.size(), all->size());
    std::set<std::uint64_t> distinct;
    for (std::size_t i = 0; i < paged.size(); ++i) {
        EXPECT_EQ(paged[i], all->at(i).id) << i;
        distinct.insert(paged[i].lt);
    }
    EXPECT_EQ(distinct.size(), paged.size());

    // A stored cursor: only what is newer than the third newest.
    auto newer = chain_.GetTransactions(TransactionsQuery{to, 100, std::nullopt, all->at(2).id.lt, false});
    ASSERT_TRUE(newer.ok()) << newer.error().message;
    ASSERT_EQ(newer->size(), 2u);
    EXPECT_EQ(newer->at(1).id, all->at(1).id);
}

TEST_F(ChainEmulator, RunGetMethodSeqno) {
    const json wallet = NewWallet("v5r1");
    const std::string address = wallet["address"].get<std::string>();
    auto before = chain_.RunGetMethod(address, "seqno", {});
    ASSERT_TRUE(before.ok()) << before.error().message;
    EXPECT_EQ(before->exit_code, 0);
    ASSERT_EQ(before->stack.size(), 1u);
    EXPECT_EQ(before->stack[0].AsInt64(), std::optional<std::int64_t>(1));

    Control("POST", "/transfer", json{{"from", wallet["index"]}, {"to", platform_}, {"amount_nano", "1"}});
    auto after = chain_.RunGetMethod(address, "seqno", {});
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_EQ(after->stack.at(0).AsInt64(), std::optional<std::int64_t>(2));
    auto info = chain_.GetWalletInfo(address);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->seqno, 2u);

    auto key = chain_.RunGetMethod(address, "get_public_key", {});
    ASSERT_TRUE(key.ok()) << key.error().message;
    ASSERT_EQ(key->stack.size(), 1u);
    EXPECT_EQ(key->stack[0].number,
              "0x" + wallet["public_key"].get<std::string>().substr(
                         wallet["public_key"].get<std::string>().find_first_not_of('0')));

    auto missing = chain_.RunGetMethod(address, "no_such_method", {});
    ASSERT_TRUE(missing.ok()) << missing.error().message;
    EXPECT_NE(missing->exit_code, 0);

    // A get-method with an argument: v4r2's is_plugin_installed(wc, addr_hash) → 0 (false).
    const json v4 = NewWallet("v4r2");
    auto plugin = chain_.RunGetMethod(v4["address"].get<std::string>(),
                                      "is_plugin_installed",
                                      {StackEntry::Num("0"), StackEntry::Num("0x1234")});
    ASSERT_TRUE(plugin.ok()) << plugin.error().message;
    EXPECT_EQ(plugin->exit_code, 0);
    EXPECT_EQ(plugin->stack.at(0).AsInt64(), std::optional<std::int64_t>(0));
}

TEST_F(ChainEmulator, SendMessageExecutesAndRefusesTheReplay) {
    const json wallet = NewWallet("v4r2");
    const std::string comment = UniqueComment("sent-by-cpp-");
    const json signed_msg = Control(
        "POST",
        "/external",
        json{{"from", wallet["index"]}, {"to", platform_}, {"amount_nano", "777"}, {"comment", comment}});
    const std::string boc = signed_msg["boc"].get<std::string>();

    auto sent = chain_.SendMessage(boc);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->hash, signed_msg["hash"].get<std::string>());
    EXPECT_EQ(sent->hash_norm.size(), 44u);

    auto info = chain_.GetWalletInfo(wallet["address"].get<std::string>());
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->seqno, 2u);
    auto txs = chain_.GetTransactions(
        TransactionsQuery{wallet["address"].get<std::string>(), 1, std::nullopt, 0, false});
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    ASSERT_EQ(txs->size(), 1u);
    ASSERT_EQ(txs->front().out_msgs.size(), 1u);
    EXPECT_EQ(txs->front().out_msgs[0].comment, comment);
    EXPECT_EQ(txs->front().in_msg->hash, sent->hash);

    auto replay = chain_.SendMessage(boc);
    ASSERT_FALSE(replay.ok());
    EXPECT_EQ(replay.error().code, "chain.rejected");
    auto garbage = chain_.SendMessage("bm90IGEgYm9j");
    ASSERT_FALSE(garbage.ok());
    EXPECT_EQ(garbage.error().code, "chain.rejected");
}

TEST_F(ChainEmulator, UnknownAccountAndBadAddress) {
    const std::string nobody = "0:" + std::string(64, '7');
    auto state = chain_.GetAccountState(nobody);
    ASSERT_TRUE(state.ok()) << state.error().message;
    EXPECT_EQ(state->status, ports::AccountStatus::kUninit);
    EXPECT_EQ(state->balance_nanotons, 0u);
    auto info = chain_.GetWalletInfo(nobody);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_FALSE(info->is_wallet);
    auto txs = chain_.GetTransactions(TransactionsQuery{nobody, 10, std::nullopt, 0, false});
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    EXPECT_TRUE(txs->empty());

    auto bad = chain_.GetAccountState("not-an-address");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "chain.rejected");
    EXPECT_EQ(bad.error().details["http_status"], 416);
}

}  // namespace
}  // namespace onton::chain
