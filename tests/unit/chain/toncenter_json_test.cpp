// The toncenter JSON reader against replies captured from tools/ton-emulator (tests/unit/chain/fixtures, regenerated
// by tools/ton-emulator/scripts/capture-fixtures.js), and against every way of breaking them.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "adapters/chain/toncenter.hpp"
#include "adapters/chain/toncenter_json.hpp"

namespace onton::chain {
namespace {

using nlohmann::json;
using ports::AccountStatus;
using ports::StackEntry;

std::string ReadFixture(const std::string& name) {
    std::ifstream in(std::string(ONTON_CHAIN_FIXTURES_DIR) + "/" + name + ".json");
    EXPECT_TRUE(in.good()) << name;
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// The `result` of a captured 200 reply, through the same classification the client uses.
json Result200(const std::string& name, std::string_view method = "x") {
    auto verdict = ClassifyReply(method, 200, ReadFixture(name));
    EXPECT_EQ(verdict.kind, ReplyVerdict::Kind::kOk) << name << ": " << verdict.error.message;
    return verdict.result;
}

TEST(ToncenterJson, TransactionsOfTheRecipientCarryValueAndComment) {
    auto txs = ParseTransactions(Result200("get_transactions"));
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    ASSERT_EQ(txs->size(), 4u);
    const auto& newest = txs->at(0);
    EXPECT_EQ(newest.account, "EQDECwg7W3apmGHeKTJ5_EMX6aGrsb9OnueVJyu5iU6r5pbf");
    EXPECT_EQ(newest.id.lt, 14000000u);
    EXPECT_EQ(newest.id.hash, "uEPbwjei9KhWltOR6axwmqGA1rDXKLDK+7c+iivDCiA=");
    EXPECT_GT(newest.utime, 1700000000);
    EXPECT_FALSE(newest.data_boc.empty());
    ASSERT_TRUE(newest.in_msg.has_value());
    EXPECT_FALSE(newest.in_msg->IsExternalIn());
    EXPECT_EQ(newest.in_msg->source, "EQAxCn1cIHDXmjZGQS1BR9phGU3EswdpR5Qfc-ILv8-em8vi");
    EXPECT_EQ(newest.in_msg->destination, newest.account);
    EXPECT_EQ(newest.in_msg->value_nanotons, 7u);
    EXPECT_EQ(newest.in_msg->comment, std::optional<std::string>("second"));
    EXPECT_TRUE(newest.out_msgs.empty());

    const auto& paid = txs->at(1);
    ASSERT_TRUE(paid.in_msg.has_value());
    EXPECT_EQ(paid.in_msg->value_nanotons, 1250000000u);
    EXPECT_EQ(paid.in_msg->comment, std::optional<std::string>("onton_order=42 \xE2\x9C\x93"));
    EXPECT_GT(paid.in_msg->fwd_fee_nanotons, 0u);
    EXPECT_GT(paid.fee_nanotons, 0u);
    for (std::size_t i = 1; i < txs->size(); ++i) EXPECT_GT(txs->at(i - 1).id.lt, txs->at(i).id.lt);

    // The oldest ones are the deploy (an external message with a raw body and a StateInit) and the funding.
    const auto& deploy = txs->at(2);
    ASSERT_TRUE(deploy.in_msg.has_value());
    EXPECT_TRUE(deploy.in_msg->IsExternalIn());
    EXPECT_FALSE(deploy.in_msg->comment.has_value());
    EXPECT_FALSE(deploy.in_msg->body_boc.empty());
    EXPECT_FALSE(deploy.in_msg->init_state_boc.empty());
}

TEST(ToncenterJson, SenderTransactionHasExternalInAndCommentedOutMessage) {
    auto txs = ParseTransactions(Result200("get_transactions_sender"));
    ASSERT_TRUE(txs.ok()) << txs.error().message;
    ASSERT_EQ(txs->size(), 1u);
    const auto& tx = txs->front();
    ASSERT_TRUE(tx.in_msg.has_value());
    EXPECT_TRUE(tx.in_msg->IsExternalIn());
    EXPECT_EQ(tx.in_msg->value_nanotons, 0u);
    ASSERT_EQ(tx.out_msgs.size(), 1u);
    EXPECT_EQ(tx.out_msgs[0].value_nanotons, 1250000000u);
    EXPECT_EQ(tx.out_msgs[0].comment, std::optional<std::string>("onton_order=42 \xE2\x9C\x93"));
    EXPECT_EQ(tx.out_msgs[0].destination, "EQDECwg7W3apmGHeKTJ5_EMX6aGrsb9OnueVJyu5iU6r5pbf");
}

TEST(ToncenterJson, GetMethodResults) {
    auto seqno = ParseRunGetMethod(Result200("run_get_method_seqno"));
    ASSERT_TRUE(seqno.ok()) << seqno.error().message;
    EXPECT_EQ(seqno->exit_code, 0);
    EXPECT_GT(seqno->gas_used, 0u);
    ASSERT_EQ(seqno->stack.size(), 1u);
    EXPECT_EQ(seqno->stack[0].kind, StackEntry::Kind::kNum);
    EXPECT_EQ(seqno->stack[0].AsInt64(), std::optional<std::int64_t>(1));

    auto plugins = ParseRunGetMethod(Result200("run_get_method_plugins"));
    ASSERT_TRUE(plugins.ok()) << plugins.error().message;
    ASSERT_EQ(plugins->stack.size(), 1u);
    EXPECT_EQ(plugins->stack[0].kind, StackEntry::Kind::kNull);

    auto missing = ParseRunGetMethod(Result200("run_get_method_missing"));
    ASSERT_TRUE(missing.ok()) << missing.error().message;
    EXPECT_EQ(missing->exit_code, 11);
    EXPECT_TRUE(missing->stack.empty());
}

TEST(ToncenterJson, GetMethodStackShapesToncenterUses) {
    auto result = ParseRunGetMethod(json::parse(R"({"gas_used": 5, "exit_code": 0, "stack": [
        ["num", "-0x10"], ["cell", {"bytes": "te6cckEBAQEAAgAAAEysuc0=", "object": {}}], ["slice", "te6cckEBAQEAAgAAAEysuc0="],
        ["tuple", {"@type": "tvm.tuple", "elements": [
            {"@type": "tvm.stackEntryNumber", "number": {"@type": "tvm.numberDecimal", "number": "42"}},
            {"@type": "tvm.stackEntryCell", "cell": {"@type": "tvm.cell", "bytes": "te6cckEBAQEAAgAAAEysuc0="}},
            {"@type": "tvm.stackEntryTuple", "tuple": {"@type": "tvm.tuple", "elements": []}}]}],
        ["list", {"@type": "tvm.list", "elements": []}], ["weird", 1]]})"));
    ASSERT_TRUE(result.ok()) << result.error().message;
    ASSERT_EQ(result->stack.size(), 6u);
    EXPECT_EQ(result->stack[0].AsInt64(), std::optional<std::int64_t>(-16));
    EXPECT_EQ(result->stack[1].kind, StackEntry::Kind::kCell);
    EXPECT_EQ(result->stack[1].boc, "te6cckEBAQEAAgAAAEysuc0=");
    EXPECT_EQ(result->stack[2].kind, StackEntry::Kind::kSlice);
    ASSERT_EQ(result->stack[3].kind, StackEntry::Kind::kTuple);
    ASSERT_EQ(result->stack[3].items.size(), 3u);
    EXPECT_EQ(result->stack[3].items[0].AsInt64(), std::optional<std::int64_t>(42));
    EXPECT_EQ(result->stack[3].items[1].kind, StackEntry::Kind::kCell);
    EXPECT_EQ(result->stack[3].items[2].kind, StackEntry::Kind::kTuple);
    EXPECT_EQ(result->stack[4].kind, StackEntry::Kind::kTuple);
    EXPECT_EQ(result->stack[5].kind, StackEntry::Kind::kUnsupported);
}

TEST(ToncenterJson, AccountStates) {
    auto active = ParseAddressInformation(Result200("address_information_active"));
    ASSERT_TRUE(active.ok()) << active.error().message;
    EXPECT_EQ(active->status, AccountStatus::kActive);
    EXPECT_GT(active->balance_nanotons, 900'000'000'000u);
    EXPECT_FALSE(active->code_boc.empty());
    EXPECT_FALSE(active->data_boc.empty());
    EXPECT_GT(active->last_tx.lt, 0u);
    EXPECT_EQ(active->last_tx.hash.size(), 44u);

    auto uninit = ParseAddressInformation(Result200("address_information_uninit"));
    ASSERT_TRUE(uninit.ok()) << uninit.error().message;
    EXPECT_EQ(uninit->status, AccountStatus::kUninit);
    EXPECT_EQ(uninit->balance_nanotons, 0u);
    EXPECT_TRUE(uninit->code_boc.empty());
    EXPECT_EQ(uninit->last_tx.lt, 0u);
}

TEST(ToncenterJson, WalletInformation) {
    auto v4 = ParseWalletInformation(Result200("wallet_information_v4"));
    ASSERT_TRUE(v4.ok()) << v4.error().message;
    EXPECT_TRUE(v4->is_wallet);
    EXPECT_EQ(v4->wallet_type, "wallet v4 r2");
    EXPECT_EQ(v4->seqno, 2u);
    EXPECT_EQ(v4->wallet_id, 698983191);
    EXPECT_EQ(v4->status, AccountStatus::kActive);

    auto v5 = ParseWalletInformation(Result200("wallet_information_v5"));
    ASSERT_TRUE(v5.ok()) << v5.error().message;
    EXPECT_EQ(v5->wallet_type, "wallet v5 r1");
    EXPECT_EQ(v5->wallet_id, 2147483409);
    EXPECT_EQ(v5->seqno, 1u);

    auto not_wallet = ParseWalletInformation(json::parse(
        R"({"wallet": false, "balance": "0", "account_state": "uninitialized",
            "last_transaction_id": {"lt": "0", "hash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}})"));
    ASSERT_TRUE(not_wallet.ok()) << not_wallet.error().message;
    EXPECT_FALSE(not_wallet->is_wallet);
    EXPECT_EQ(not_wallet->seqno, 0u);
}

TEST(ToncenterJson, SentMessageHashes) {
    auto sent = ParseSentMessage(Result200("send_boc_return_hash"));
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent->hash, "hiUnAIYQeH60yYuF4HtJnHaNQQK4ot8KnlR0sMWZny0=");
    EXPECT_EQ(sent->hash_norm, "vAUMbqwD3fnIB/5YgbFicY+JJJvdZ5TPDdWSVxTlYQs=");
}

TEST(ToncenterJson, ClassifiesErrorReplies) {
    const std::string refused = ReadFixture("send_boc_rejected");
    auto send = ClassifyReply("sendBocReturnHash", 500, refused);
    EXPECT_EQ(send.kind, ReplyVerdict::Kind::kFail);
    EXPECT_EQ(send.error.code, "chain.rejected");
    EXPECT_EQ(send.error.details["http_status"], 500);
    EXPECT_NE(send.error.details["error"].get<std::string>().find("exit code 33"), std::string::npos);
    // The same text to another method, or a 5xx without toncenter's envelope, is transient.
    EXPECT_EQ(ClassifyReply("getTransactions", 500, refused).kind, ReplyVerdict::Kind::kRetry);
    auto gateway = ClassifyReply("sendBoc", 502, "<html>Bad Gateway</html>");
    EXPECT_EQ(gateway.kind, ReplyVerdict::Kind::kRetry);
    EXPECT_EQ(gateway.error.code, "chain.unavailable");

    auto limited = ClassifyReply("getTransactions", 429, ReadFixture("rate_limited"));
    EXPECT_EQ(limited.kind, ReplyVerdict::Kind::kRateLimited);
    EXPECT_EQ(limited.error.code, "chain.rate_limited");
    EXPECT_EQ(limited.error.details["error"], "Ratelimit exceed");

    auto bad_address = ClassifyReply("getAddressInformation", 416, ReadFixture("bad_address"));
    EXPECT_EQ(bad_address.kind, ReplyVerdict::Kind::kFail);
    EXPECT_EQ(bad_address.error.code, "chain.rejected");
    EXPECT_EQ(ClassifyReply("x", 401, R"({"ok":false,"error":"API key does not exist","code":401})").error.code,
              "chain.rejected");

    for (const char* body : {"", "not json", "[]", R"({"result": 1})", R"({"ok": "yes", "result": 1})", R"({"ok": true})"}) {
        auto v = ClassifyReply("x", 200, body);
        EXPECT_EQ(v.kind, ReplyVerdict::Kind::kFail) << body;
        EXPECT_EQ(v.error.code, "chain.bad_response") << body;
    }
    EXPECT_EQ(ClassifyReply("x", 200, R"({"ok": false, "error": "no", "code": 500})").error.code, "chain.rejected");
    EXPECT_EQ(ClassifyReply("x", 302, "").error.code, "chain.bad_response");
}

TEST(ToncenterJson, WrongTypesAreBadResponses) {
    auto txs = Result200("get_transactions");
    auto expect_bad = [](const Result<std::vector<ports::ChainTransaction>>& r, const std::string& what) {
        ASSERT_FALSE(r.ok()) << what;
        EXPECT_EQ(r.error().code, "chain.bad_response") << what;
    };
    expect_bad(ParseTransactions(json::object()), "object instead of array");
    {
        auto t = txs;
        t[0]["in_msg"]["value"] = json::object();
        expect_bad(ParseTransactions(t), "value object");
    }
    {
        auto t = txs;
        t[0]["in_msg"]["value"] = "-5";
        expect_bad(ParseTransactions(t), "negative value");
    }
    {
        auto t = txs;
        t[0].erase("transaction_id");
        expect_bad(ParseTransactions(t), "no transaction_id");
    }
    {
        auto t = txs;
        t[0]["transaction_id"]["lt"] = "99999999999999999999999";
        expect_bad(ParseTransactions(t), "lt overflow");
    }
    {
        auto t = txs;
        t[0]["in_msg"]["msg_data"]["text"] = "!!!";
        expect_bad(ParseTransactions(t), "text not base64");
    }
    {
        auto t = txs;
        t[0]["out_msgs"] = "none";
        expect_bad(ParseTransactions(t), "out_msgs string");
    }
    {
        // Numbers where toncenter writes strings are accepted, as pytonlib versions differ.
        auto t = txs;
        t[0]["in_msg"]["value"] = 7;
        t[0]["transaction_id"]["lt"] = 14000000;
        auto ok = ParseTransactions(t);
        ASSERT_TRUE(ok.ok()) << ok.error().message;
        EXPECT_EQ(ok->front().in_msg->value_nanotons, 7u);
    }
    auto get = Result200("run_get_method_seqno");
    get["exit_code"] = "zero";
    EXPECT_EQ(ParseRunGetMethod(get).error().code, "chain.bad_response");
    get = Result200("run_get_method_seqno");
    get["stack"][0] = "num";
    EXPECT_EQ(ParseRunGetMethod(get).error().code, "chain.bad_response");
    auto wallet = Result200("wallet_information_v4");
    wallet["wallet"] = "true";
    EXPECT_EQ(ParseWalletInformation(wallet).error().code, "chain.bad_response");
    wallet = Result200("wallet_information_v4");
    wallet["seqno"] = 4294967296LL;
    EXPECT_EQ(ParseWalletInformation(wallet).error().code, "chain.bad_response");
    auto state = Result200("address_information_active");
    state["state"] = "exploded";
    EXPECT_EQ(ParseAddressInformation(state).error().code, "chain.bad_response");
    EXPECT_EQ(ParseSentMessage(json::array()).error().code, "chain.bad_response");
}

/// Replaces every value in `doc`, one at a time, with each of a few wrong-typed values and parses the result: the
/// reader must answer ok or chain.bad_response every time, never throw or crash.
template <typename Parse>
void MutateEveryLeaf(const json& doc, Parse parse) {
    const json replacements[] = {json(), json(true), json(-1), json(1.5), json("x"), json::array(), json::object(),
                                 json("18446744073709551616")};
    int checked = 0;
    const json flat = doc.flatten();
    for (const auto& [path, value] : flat.items()) {
        const json::json_pointer pointer(path);
        for (const auto& replacement : replacements) {
            json mutated = doc;
            mutated[pointer] = replacement;
            auto result = parse(mutated);
            if (!result.ok()) {
                EXPECT_EQ(result.error().code, "chain.bad_response") << path;
            }
            ++checked;
        }
        json without = doc;
        json& parent = without[pointer.parent_pointer()];
        if (parent.is_object()) {
            parent.erase(pointer.back());
        } else if (parent.is_array()) {
            parent.erase(std::stoul(pointer.back()));
        }
        auto result = parse(without);
        if (!result.ok()) {
            EXPECT_EQ(result.error().code, "chain.bad_response") << path;
        }
    }
    EXPECT_GT(checked, 0);
}

TEST(ToncenterJson, NoMutationOfACapturedReplyThrows) {
    MutateEveryLeaf(Result200("get_transactions"), [](const json& j) { return ParseTransactions(j); });
    MutateEveryLeaf(Result200("run_get_method_seqno"), [](const json& j) { return ParseRunGetMethod(j); });
    MutateEveryLeaf(Result200("address_information_active"), [](const json& j) { return ParseAddressInformation(j); });
    MutateEveryLeaf(Result200("wallet_information_v5"), [](const json& j) { return ParseWalletInformation(j); });
    MutateEveryLeaf(Result200("send_boc_return_hash"), [](const json& j) { return ParseSentMessage(j); });
}

TEST(ToncenterJson, StackArgumentsInToncenterForm) {
    auto stack = StackToJson({StackEntry::Num("0x2a"), StackEntry::Cell("te6cckEBAQEAAgAAAEysuc0="),
                              StackEntry::Slice("te6cckEBAQEAAgAAAEysuc0=")});
    ASSERT_TRUE(stack.ok());
    EXPECT_EQ(stack.value(), json::parse(R"([["num","0x2a"],["tvm.Cell","te6cckEBAQEAAgAAAEysuc0="],
                                             ["tvm.Slice","te6cckEBAQEAAgAAAEysuc0="]])"));
    EXPECT_EQ(StackToJson({StackEntry{}}).error().code, "chain.unsupported_stack");
}

TEST(ToncenterJson, StackNumbers) {
    EXPECT_EQ(StackEntry::Num("0x7fffffffffffffff").AsInt64(), std::optional<std::int64_t>(INT64_MAX));
    EXPECT_EQ(StackEntry::Num("-0x8000000000000000").AsInt64(), std::optional<std::int64_t>(INT64_MIN));
    EXPECT_EQ(StackEntry::Num("0x8000000000000000").AsInt64(), std::nullopt);
    EXPECT_EQ(StackEntry::Num("-17").AsInt64(), std::optional<std::int64_t>(-17));
    EXPECT_EQ(StackEntry::Num("0x").AsInt64(), std::nullopt);
    EXPECT_EQ(StackEntry::Num("").AsInt64(), std::nullopt);
    EXPECT_EQ(StackEntry::Num("12a").AsInt64(), std::nullopt);
    EXPECT_EQ(StackEntry::Cell("x").AsInt64(), std::nullopt);
}

TEST(ToncenterJson, Base64BothAlphabets) {
    EXPECT_EQ(DecodeBase64("b3JkZXItNDI="), std::optional<std::string>("order-42"));
    EXPECT_EQ(DecodeBase64("b3JkZXItNDI"), std::optional<std::string>("order-42"));
    EXPECT_EQ(DecodeBase64("-_8="), std::optional<std::string>("\xfb\xff"));
    EXPECT_EQ(DecodeBase64("+/8="), std::optional<std::string>("\xfb\xff"));
    EXPECT_EQ(DecodeBase64(""), std::optional<std::string>(""));
    EXPECT_EQ(DecodeBase64("a"), std::nullopt);
    EXPECT_EQ(DecodeBase64("ab$="), std::nullopt);
}

TEST(RequestSpacer, SpacesRequestsAndHonoursPushBack) {
    using std::chrono::milliseconds;
    RequestSpacer spacer(2.0);
    const auto t0 = RequestSpacer::Clock::time_point{} + std::chrono::hours(1);
    EXPECT_EQ(spacer.Reserve(t0), RequestSpacer::Clock::duration::zero());
    EXPECT_EQ(spacer.Reserve(t0), milliseconds(500));
    EXPECT_EQ(spacer.Reserve(t0 + milliseconds(100)), milliseconds(900));
    EXPECT_EQ(spacer.Reserve(t0 + std::chrono::seconds(5)), RequestSpacer::Clock::duration::zero());
    spacer.PushBack(t0 + std::chrono::seconds(10));
    EXPECT_EQ(spacer.Reserve(t0 + std::chrono::seconds(6)), std::chrono::seconds(4));

    RequestSpacer unlimited(0);
    EXPECT_EQ(unlimited.Reserve(t0), RequestSpacer::Clock::duration::zero());
    EXPECT_EQ(unlimited.Reserve(t0), RequestSpacer::Clock::duration::zero());
    unlimited.PushBack(t0 + std::chrono::seconds(1));
    EXPECT_EQ(unlimited.Reserve(t0), std::chrono::seconds(1));
    EXPECT_EQ(unlimited.Reserve(t0 + std::chrono::seconds(2)), RequestSpacer::Clock::duration::zero());
}

}  // namespace
}  // namespace onton::chain
