// TEP-74 jetton messages and get-method results against @ton-community/assets-sdk's own writers
// (tests/vectors/ton/jetton.json, from tools/ton-vectors/jetton.js), and the parsers on hostile input.
#include <gtest/gtest.h>

#include <random>

#include "ton/boc.hpp"
#include "ton/comment.hpp"
#include "ton/jetton.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using nlohmann::json;
using test::LoadVectors;
using test::Unhex;

const nlohmann::json& Vectors() {
    static const nlohmann::json kVectors = LoadVectors("jetton.json").at(0);
    return kVectors;
}

Address Raw(const nlohmann::json& text) { return *ParseRawAddress(text.get<std::string>()); }

CellPtr CellOf(const nlohmann::json& hex) {
    if (hex.is_null()) return nullptr;
    auto root = ParseBocRoot(Unhex(hex.get<std::string>()));
    EXPECT_TRUE(root.ok());
    return root.ok() ? *root : nullptr;
}

std::string BocHex(const CellPtr& cell) { return ToHex(SerializeBoc(cell, BocOptions{false, false})); }

/// The amount of a vector when it fits 64 bits; nullopt for the ones above (which the parsers refuse).
std::optional<std::uint64_t> Amount(const nlohmann::json& text) {
    const auto s = text.get<std::string>();
    if (s.size() > 20 || (s.size() == 20 && s > "18446744073709551615")) return std::nullopt;
    return std::stoull(s);
}

TEST(TonJetton, TransfersMatchAssetsSdkByteForByte) {
    const auto& cases = Vectors().at("transfers");
    ASSERT_EQ(cases.size(), 40U);
    int built = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.dump());
        const auto amount = Amount(c.at("amount"));
        auto parsed = ParseJettonTransfer(CellOf(c.at("boc")));
        if (!amount) {
            ASSERT_FALSE(parsed.ok());
            EXPECT_EQ(parsed.error().code, "ton.value_out_of_range");
            continue;
        }
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        EXPECT_EQ(parsed->query_id, std::stoull(c.at("query_id").get<std::string>()));
        EXPECT_EQ(parsed->amount, *amount);
        EXPECT_EQ(parsed->destination.ToRaw(), c.at("destination"));
        EXPECT_EQ(parsed->response_destination ? json(parsed->response_destination->ToRaw()) : json(nullptr),
                  c.at("response_destination"));
        EXPECT_EQ(parsed->forward_ton_amount.value,
                  std::stoull(c.at("forward_ton_amount").get<std::string>()));
        EXPECT_EQ(parsed->forward_payload ? json(BocHex(parsed->forward_payload)) : json(nullptr),
                  c.at("forward_payload"));

        JettonTransfer t;
        t.query_id = parsed->query_id;
        t.amount = *amount;
        t.destination = Raw(c.at("destination"));
        if (c.at("response_destination").is_string())
            t.response_destination = Raw(c.at("response_destination"));
        t.custom_payload = CellOf(c.at("custom_payload"));
        t.forward_ton_amount = Nanotons{parsed->forward_ton_amount.value};
        t.forward_payload = CellOf(c.at("forward_payload"));
        const auto kind = c.at("forward_payload_kind").get<std::string>();
        t.forward_payload_inline = kind.find("inline") != std::string::npos;
        EXPECT_EQ(parsed->forward_payload_inline, t.forward_payload_inline);
        auto body = BuildJettonTransfer(t);
        ASSERT_TRUE(body.ok()) << body.error().message;
        EXPECT_EQ(BocHex(*body), c.at("boc"));
        EXPECT_EQ(ToHex((*body)->hash()), c.at("hash"));
        ++built;
    }
    EXPECT_GE(built, 30);
}

TEST(TonJetton, NotificationsMatchAssetsSdkAndYieldTheComment) {
    const auto& cases = Vectors().at("notifications");
    ASSERT_EQ(cases.size(), 40U);
    int with_comment = 0;
    for (const auto& c : cases) {
        SCOPED_TRACE(c.dump());
        const auto amount = Amount(c.at("amount"));
        auto parsed = ParseTransferNotification(CellOf(c.at("boc")));
        if (!amount) {
            ASSERT_FALSE(parsed.ok());
            EXPECT_EQ(parsed.error().code, "ton.value_out_of_range");
            continue;
        }
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        EXPECT_EQ(parsed->query_id, std::stoull(c.at("query_id").get<std::string>()));
        EXPECT_EQ(parsed->amount, *amount);
        EXPECT_EQ(parsed->sender ? json(parsed->sender->ToRaw()) : json(nullptr), c.at("sender"));
        EXPECT_EQ(parsed->forward_payload ? json(BocHex(parsed->forward_payload)) : json(nullptr),
                  c.at("forward_payload"));
        EXPECT_EQ(parsed->comment ? json(*parsed->comment) : json(nullptr), c.at("comment"));
        with_comment += parsed->comment ? 1 : 0;

        const bool inline_payload =
            c.at("forward_payload_kind").get<std::string>().find("inline") != std::string::npos;
        auto body = BuildTransferNotification(*parsed, inline_payload);
        ASSERT_TRUE(body.ok()) << body.error().message;
        EXPECT_EQ(BocHex(*body), c.at("boc"));
    }
    EXPECT_GE(with_comment, 10);
}

TEST(TonJetton, TheFirstNotificationIsAFiveUsdtPayment) {
    const auto& c = Vectors().at("notifications").at(0);
    auto parsed = ParseTransferNotification(CellOf(c.at("boc")));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->amount, 5'000'000U);
    EXPECT_EQ(parsed->comment, "onton:ab12cd34");
    EXPECT_EQ(BodyOp(CellOf(c.at("boc"))), jetton_op::kTransferNotification);
}

TEST(TonJetton, Excesses) {
    for (const auto& c : Vectors().at("excesses")) {
        const auto query_id = std::stoull(c.at("query_id").get<std::string>());
        auto body = BuildExcesses(query_id);
        ASSERT_TRUE(body.ok());
        EXPECT_EQ(BocHex(*body), c.at("boc"));
        EXPECT_EQ(ParseExcesses(*body).value(), query_id);
    }
    EXPECT_FALSE(ParseExcesses(test::Uint32Cell(jetton_op::kExcesses)).ok()) << "no query id";
}

TEST(TonJetton, MasterAndWalletGetMethods) {
    const auto& masters = Vectors().at("masters");
    ASSERT_EQ(masters.size(), 6U);
    for (const auto& m : masters) {
        SCOPED_TRACE(m.at("address").get<std::string>());
        auto data = ParseJettonData(m.at("get_jetton_data"));
        ASSERT_TRUE(data.ok()) << data.error().message;
        EXPECT_EQ(data->mintable, m.at("mintable").get<bool>());
        EXPECT_EQ(data->admin ? json(data->admin->ToRaw()) : json(nullptr), m.at("admin"));
        EXPECT_EQ(BocHex(data->content), m.at("content_boc"));
        EXPECT_EQ(ToHex(data->wallet_code->hash()), m.at("wallet_code_hash"));
        for (const auto& w : m.at("wallets")) {
            auto argument = WalletAddressArgument(Raw(w.at("owner")));
            ASSERT_TRUE(argument.ok());
            EXPECT_EQ(BocHex(*argument), w.at("argument_boc"));
            auto address = ParseWalletAddress(w.at("get_wallet_address"));
            ASSERT_TRUE(address.ok()) << address.error().message;
            EXPECT_EQ(address->ToRaw(), w.at("address"));
            // The wallet address is the hash of StateInit(wallet code, data): the minter's derivation.
            auto init = BuildStateInit(StateInit{data->wallet_code, CellOf(w.at("data_boc"))});
            ASSERT_TRUE(init.ok());
            EXPECT_EQ(ContractAddress(0, *init).ToRaw(), w.at("address"));
            auto wallet = ParseJettonWalletData(w.at("get_wallet_data"));
            ASSERT_TRUE(wallet.ok()) << wallet.error().message;
            EXPECT_EQ(wallet->balance, std::stoull(w.at("balance").get<std::string>()));
            EXPECT_EQ(wallet->owner.ToRaw(), w.at("owner"));
            EXPECT_EQ(wallet->master.ToRaw(), m.at("address"));
        }
    }
    EXPECT_EQ(ParseWalletAddress(nlohmann::json::array()).error().code, "ton.invalid_stack");
    EXPECT_EQ(ParseJettonData(nlohmann::json::parse(R"([["num","0x1"]])")).error().code, "ton.invalid_stack");
    EXPECT_EQ(ParseWalletAddress(nlohmann::json::parse(R"([["num","0x1"]])")).error().code,
              "ton.invalid_stack");
}

TEST(TonJetton, WrongOpsAndTruncationsAreErrors) {
    const auto good = CellOf(Vectors().at("notifications").at(0).at("boc"));
    EXPECT_EQ(ParseJettonTransfer(good).error().code, "ton.invalid_jetton_message")
        << "a notification is no transfer";
    EXPECT_EQ(ParseTransferNotification(nullptr).error().code, "ton.invalid_jetton_message");
    EXPECT_EQ(ParseTransferNotification(Cell::Empty()).error().code, "ton.invalid_jetton_message");
    auto comment = BuildComment("onton:x");
    ASSERT_TRUE(comment.ok());
    EXPECT_EQ(ParseTransferNotification(*comment).error().code, "ton.invalid_jetton_message");
    EXPECT_EQ(BodyOp(*comment), 0U);
    EXPECT_EQ(BodyOp(Cell::Empty()), std::nullopt);
    // Every prefix of a real notification (bits cut, its ref dropped) is refused or reads as what is left.
    for (std::size_t bits = 0; bits < good->bit_size(); ++bits) {
        auto cut = Cell::Create(good->data(), bits, {});
        ASSERT_TRUE(cut.ok());
        EXPECT_FALSE(ParseTransferNotification(*cut).ok()) << bits << " bits";
    }
    // The Either bit says "in a ref" but there is none.
    auto no_ref = Cell::Create(good->data(), good->bit_size(), {});
    ASSERT_TRUE(no_ref.ok());
    EXPECT_EQ(ParseTransferNotification(*no_ref).error().code, "ton.invalid_jetton_message");
}

// Hostile input: random cells (random bits and refs, sometimes with a valid op in front) never crash the
// parsers (ASan and UBSan watch); they give a value or an error.
TEST(TonJetton, RandomCellsNeverCrashTheParsers) {
    std::mt19937_64 rng(74);
    const std::uint32_t ops[] = {
        jetton_op::kTransfer, jetton_op::kTransferNotification, jetton_op::kExcesses, 0, 7};
    int parsed = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::size_t bits = rng() % 1024;
        Bytes data((bits + 7) / 8);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        if (bits >= 32 && rng() % 2 == 0) {
            const auto op = ops[rng() % 5];
            for (int k = 0; k < 4; ++k)
                data[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(op >> (24 - 8 * k));
        }
        std::vector<CellPtr> refs;
        for (std::size_t r = rng() % 3; r > 0; --r)
            refs.push_back(test::Uint32Cell(static_cast<std::uint32_t>(rng())));
        auto cell = Cell::Create(data, bits, refs);
        ASSERT_TRUE(cell.ok());
        parsed += ParseTransferNotification(*cell).ok() ? 1 : 0;
        parsed += ParseJettonTransfer(*cell).ok() ? 1 : 0;
        parsed += ParseExcesses(*cell).ok() ? 1 : 0;
        (void)BodyOp(*cell);
    }
    EXPECT_GT(parsed, 0) << "some random bodies behind a valid op do parse";
}

}  // namespace
}  // namespace onton::ton
