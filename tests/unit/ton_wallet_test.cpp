#include <gtest/gtest.h>

#include "ton/boc.hpp"
#include "ton/comment.hpp"
#include "ton/wallet.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::Unhex;

PublicKey KeyFromHex(const std::string& hex) {
    PublicKey key{};
    const Bytes bytes = Unhex(hex);
    std::copy(bytes.begin(), bytes.end(), key.begin());
    return key;
}

KeyPair KeysFromSecret(const std::string& hex) {
    const Bytes secret = Unhex(hex);
    std::array<std::uint8_t, 32> seed{};
    std::copy_n(secret.begin(), seed.size(), seed.begin());
    return KeyPairFromSeed(seed);
}

CellPtr CellFromBase64(const std::string& text) {
    auto roots = ParseBocText(text);
    EXPECT_TRUE(roots.ok() && roots->size() == 1) << text;
    return roots.ok() ? roots->front() : Cell::Empty();
}

TEST(TonWallet, EmbeddedCodeHashes) {
    EXPECT_EQ(ToHex(WalletCode(WalletVersion::kV4R2)->hash()),
              "feb5ff6820e2ff0d9483e7e0d62c817d846789fb4ae580c878866d959dabd5c0");
    EXPECT_EQ(ToHex(WalletCode(WalletVersion::kV5R1)->hash()),
              "20834b7b72b112147e1b2fb457b84e74d1a30f04f737d4f62a668e9552d2b72f");
}

TEST(TonWallet, WalletIds) {
    const PublicKey key{};
    EXPECT_EQ(WalletV4R2(key).wallet_id, 0x29a9a317U);
    EXPECT_EQ(WalletV4R2(key, -1).wallet_id, 698983190U);
    EXPECT_EQ(WalletV4R2(key, 0, 7U).wallet_id, 7U);
    EXPECT_EQ(WalletV5R1(key, Network::kMainnet).wallet_id, 0x7FFFFF11U);
    EXPECT_EQ(WalletV5R1(key, Network::kTestnet).wallet_id, 0x7FFFFFFDU);
}

TEST(TonWallet, AddressesMatchTonTon) {
    const auto cases = LoadVectors("wallets.json");
    ASSERT_GE(cases.size(), 40U);
    for (const auto& c : cases) {
        const PublicKey key = KeyFromHex(c.at("public_key"));
        for (const std::int8_t wc : {std::int8_t{0}, std::int8_t{-1}}) {
            const auto& v = c.at(wc == 0 ? "v4r2_wc0" : "v4r2_wc-1");
            const WalletSpec spec = WalletV4R2(key, wc);
            EXPECT_EQ(spec.wallet_id, v.at("wallet_id").get<std::uint32_t>());
            EXPECT_EQ(WalletAddress(spec)->ToRaw(), v.at("address").get<std::string>());
            EXPECT_EQ(ToHex(SerializeBoc(*WalletData(spec), BocOptions{false, false})),
                      v.at("data").get<std::string>());
        }
        for (const auto& [name, network] :
             {std::pair{"v5r1_mainnet", Network::kMainnet}, std::pair{"v5r1_testnet", Network::kTestnet}}) {
            const WalletSpec spec = WalletV5R1(key, network);
            EXPECT_EQ(WalletAddress(spec)->ToRaw(), c.at(name).at("address").get<std::string>());
            EXPECT_EQ(ToHex(SerializeBoc(*WalletData(spec), BocOptions{false, false})),
                      c.at(name).at("data").get<std::string>());
        }
        EXPECT_EQ(WalletAddress(WalletV5R1(key, Network::kMainnet, 0, 7))->ToRaw(),
                  c.at("v5r1_mainnet_subwallet7").at("address").get<std::string>());
    }
}

TEST(TonWallet, TransfersMatchTonTon) {
    const auto cases = LoadVectors("transfers.json");
    ASSERT_GE(cases.size(), 60U);
    for (const auto& c : cases) {
        const KeyPair keys = KeysFromSecret(c.at("secret_key"));
        ASSERT_EQ(ToHex(keys.public_key), c.at("public_key").get<std::string>());
        const WalletSpec spec =
            c.at("version") == "v4r2"
                ? WalletV4R2(keys.public_key)
                : WalletV5R1(keys.public_key,
                             c.at("network") == "mainnet" ? Network::kMainnet : Network::kTestnet);
        EXPECT_EQ(WalletAddress(spec)->ToRaw(), c.at("wallet").get<std::string>());
        TransferRequest request;
        request.seqno = c.at("seqno");
        request.valid_until = c.at("valid_until");
        for (const auto& m : c.at("messages")) {
            OutMessage out;
            out.mode = c.at("send_mode");
            out.message.destination = *ParseRawAddress(m.at("to").get<std::string>());
            out.message.value = Nanotons{std::stoull(m.at("value").get<std::string>())};
            out.message.bounce = m.at("bounce");
            if (m.at("comment").is_string())
                out.message.body = *BuildComment(m.at("comment").get<std::string>());
            if (m.at("body_boc").is_string()) out.message.body = *ParseBocRoot(Unhex(m.at("body_boc")));
            if (m.at("init").is_object()) {
                out.message.init = StateInit{CellFromBase64(m.at("init").at("code")),
                                             CellFromBase64(m.at("init").at("data"))};
            }
            request.messages.push_back(out);
        }
        const auto signed_ext = BuildTransfer(spec, keys, request);
        ASSERT_TRUE(signed_ext.ok()) << signed_ext.error().message;
        EXPECT_EQ(ToHex(signed_ext->body->hash()), c.at("body_hash").get<std::string>());
        EXPECT_EQ(signed_ext->boc_base64, c.at("boc").get<std::string>());
        EXPECT_EQ(ToHex(signed_ext->hash), c.at("hash").get<std::string>());
        EXPECT_EQ(ToHex(signed_ext->normalized_hash), c.at("normalized_hash").get<std::string>());
        // The normalized hash is the same whether computed from our cell or from the parsed BOC.
        auto parsed = ParseBocText(c.at("boc").get<std::string>());
        ASSERT_TRUE(parsed.ok());
        EXPECT_EQ(ToHex(*NormalizedExternalHash(parsed->front())),
                  c.at("normalized_hash").get<std::string>());
    }
}

TEST(TonWallet, DocumentedV4Transfer) {
    const auto keys =
        MnemonicToKeyPair(SplitMnemonic("hospital stove relief fringe tongue always charge angry urge "
                                        "sentence again match nerve inquiry senior "
                                        "coconut label tumble carry category beauty bean road solution"));
    ASSERT_TRUE(keys.ok());
    const WalletSpec spec = WalletV4R2(keys->public_key);
    EXPECT_EQ(WalletAddress(spec)->ToRaw(),
              "0:1867eadc85b6872b8214902bdcca5dd5f2ca5c0273bc20144236f4b76ab7be09");
    TransferRequest request;
    request.valid_until = 1800000000;
    OutMessage out;
    out.message.destination =
        *ParseRawAddress("0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3");
    out.message.value = Nanotons{500000000};
    out.message.bounce = false;
    out.message.body = *BuildComment("order-42");
    request.messages.push_back(out);
    const auto ext = BuildTransfer(spec, *keys, request);
    ASSERT_TRUE(ext.ok());
    EXPECT_EQ(ToHex(ext->body->hash()), "b1f715c2a4058ce414fbfe722cd591a09c25bb36565564ec6585aa6cea41ea56");
    EXPECT_EQ(ToHex(ext->hash), "2ad3c129fb9b0325a0a935b264c4a9644194aad62db5c74e645249e86723b6d7");
    EXPECT_EQ(ToHex(ext->normalized_hash),
              "f5fca819526694dc7d5d1194e9da71304922dac4b96e035b3b7bb83b7b6920ca");
    EXPECT_EQ(ext->message->bit_size(), 907U);
    const auto v5 = BuildTransfer(WalletV5R1(keys->public_key), *keys, request);
    ASSERT_TRUE(v5.ok());
    EXPECT_EQ(ToHex(v5->body->hash()), "5ce8b20b0983d1896a2a01048cc9bec376e2ea6de6f5e0acc81df87a804e4e5f");
    EXPECT_EQ(v5->body->bit_size(), 642U);
}

TEST(TonWallet, TransferRefusals) {
    std::array<std::uint8_t, 32> seed{};
    const KeyPair keys = KeyPairFromSeed(seed);
    const WalletSpec v4 = WalletV4R2(keys.public_key);
    TransferRequest request;
    EXPECT_EQ(BuildTransfer(v4, keys, request).error().code, "ton.invalid_transfer");  // no messages
    request.messages.resize(5);
    EXPECT_EQ(BuildTransfer(v4, keys, request).error().code, "ton.invalid_transfer");  // v4r2 sends at most 4
    request.messages.resize(5);
    EXPECT_TRUE(BuildTransfer(WalletV5R1(keys.public_key), keys, request).ok());
    request.messages.resize(256);
    EXPECT_EQ(BuildTransfer(WalletV5R1(keys.public_key), keys, request).error().code, "ton.invalid_transfer");
    request.messages.resize(1);
    seed[0] = 1;
    EXPECT_EQ(BuildTransfer(v4, KeyPairFromSeed(seed), request).error().code,
              "ton.invalid_transfer");  // other key
}

TEST(TonWallet, NormalizedHashRefusesOtherMessages) {
    EXPECT_EQ(NormalizedExternalHash(nullptr).error().code, "ton.invalid_message");
    EXPECT_EQ(NormalizedExternalHash(Cell::Empty()).error().code, "ton.invalid_message");
    InternalMessage internal;
    EXPECT_EQ(NormalizedExternalHash(*BuildInternalMessage(internal)).error().code, "ton.invalid_message");
    const CellPtr truncated = test::MakeCell("80", 4);  // ext_in tag, then nothing
    EXPECT_FALSE(NormalizedExternalHash(truncated).ok());
}

TEST(TonWallet, StateInitRoundTrip) {
    const WalletSpec spec = WalletV4R2(PublicKey{});
    const auto init = *WalletStateInit(spec);
    const auto cell = *BuildStateInit(init);
    EXPECT_EQ(cell->bit_size(), 5U);
    const auto parsed = ParseStateInit(cell);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->code->hash(), init.code->hash());
    EXPECT_EQ(ParseStateInit(Cell::Empty()).error().code, "ton.invalid_state_init");
    EXPECT_EQ(ParseStateInit(nullptr).error().code, "ton.invalid_state_init");
    EXPECT_EQ(BuildStateInit(StateInit{nullptr, nullptr}).error().code, "ton.invalid_state_init");
}

TEST(TonWallet, TransferLinks) {
    const Address a = *ParseRawAddress("0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3");
    EXPECT_EQ(
        TransferLink(a, Nanotons{500000000}, "order-42"),
        "ton://transfer/UQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi41-E?amount=500000000&text=order-42");
    EXPECT_EQ(TransferLink(a, Nanotons{1}, "", true, true),
              "ton://transfer/kQAs9VlT6S776tq3unJcP5Ogsj-ELLunLXuOb1EKcOQi47nL?amount=1");
    EXPECT_EQ(UrlEncode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
}

}  // namespace
}  // namespace onton::ton
