#include <gtest/gtest.h>

#include "ton/boc.hpp"
#include "ton/nft.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::Unhex;

const nlohmann::json& Vectors() {
    static const nlohmann::json kVectors = LoadVectors("nft.json").at(0);
    return kVectors;
}

CellPtr Code(const std::string& name) {
    auto roots = ParseBocText(Vectors().at("codes").at(name).at("boc").get<std::string>());
    EXPECT_TRUE(roots.ok());
    return roots.ok() ? roots->front() : Cell::Empty();
}

Address Raw(const nlohmann::json& text) { return *ParseRawAddress(text.get<std::string>()); }

std::string BocHex(const CellPtr& cell) { return ToHex(SerializeBoc(cell, BocOptions{false, false})); }

NftMintItem ItemFrom(const nlohmann::json& j, const std::string& index, const std::string& amount) {
    NftMintItem item;
    item.index = std::stoull(index);
    item.amount = Nanotons{std::stoull(amount)};
    item.owner = Raw(j.at("owner"));
    item.content = j.at("content");
    if (j.at("authority").is_string()) item.authority = Raw(j.at("authority"));
    return item;
}

// The embedded contracts (src/ton/generated/nft_codes.cpp) are the bytes tools/ton-vectors took from assets-sdk.
TEST(TonNft, EmbeddedCodesEqualTheVectors) {
    EXPECT_EQ(BocHex(NftCode(NftContract::kCollection)), BocHex(Code("collection")));
    EXPECT_EQ(BocHex(NftCode(NftContract::kItem)), BocHex(Code("nft_item")));
    EXPECT_EQ(BocHex(NftCode(NftContract::kSbtItem)), BocHex(Code("sbt_item")));
    EXPECT_NE(BocHex(NftCode(NftContract::kItem)), BocHex(NftCode(NftContract::kSbtItem)));
}

TEST(TonNft, CodeHashes) {
    EXPECT_EQ(ToHex(Code("collection")->hash()),
              Vectors().at("codes").at("collection").at("hash").get<std::string>());
    EXPECT_EQ(ToHex(Code("collection")->hash()),
              "64bb2d4661b5f2dc1a83bf5cbbe09e92ac0b460a1b879a5519386fca4c348bca");
    EXPECT_EQ(ToHex(Code("nft_item")->hash()),
              "ba4d975d2b66231c1f0a0ccca6e8ff8f7ba0610c4b7639584b8e98303dc3128c");
    EXPECT_EQ(ToHex(Code("sbt_item")->hash()),
              "2ffbf52beaf816157bfc9726dc2548327fa87ebfd2696eed27a9c2cda25c9edc");
}

TEST(TonNft, CollectionsMatchAssetsSdk) {
    const auto& collections = Vectors().at("collections");
    ASSERT_GE(collections.size(), 12U);
    for (const auto& c : collections) {
        NftCollectionConfig config;
        config.owner = Raw(c.at("owner"));
        config.next_item_index = c.at("next_item_index");
        config.collection_content_url = c.at("collection_content_url");
        config.common_content_prefix = c.at("common_content_prefix");
        config.item_code = Code(c.at("item_code"));
        config.royalty = RoyaltyParams{c.at("royalty").at("numerator"),
                                       c.at("royalty").at("denominator"),
                                       Raw(c.at("royalty").at("destination"))};
        EXPECT_EQ(BocHex(*NftCollectionData(config)), c.at("data_boc").get<std::string>());
        const auto address = NftCollectionAddress(Code("collection"), config);
        ASSERT_TRUE(address.ok());
        EXPECT_EQ(address->ToRaw(), c.at("address").get<std::string>());
        for (const auto& item : c.at("items")) {
            EXPECT_EQ(NftItemAddress(config.item_code, *address, item.at("index"))->ToRaw(),
                      item.at("address").get<std::string>());
        }
        // The owner's v4r2 wallet deploys it (seqno 1): same external BOC as @ton/ton.
        const auto deploy_msg = NftCollectionDeployMessage(Code("collection"), config, Nanotons{100000000});
        ASSERT_TRUE(deploy_msg.ok());
        const auto& d = c.at("deploy");
        std::array<std::uint8_t, 32> seed{};
        const Bytes secret = Unhex(d.at("secret_key"));
        std::copy_n(secret.begin(), 32, seed.begin());
        const KeyPair keys = KeyPairFromSeed(seed);
        TransferRequest request;
        request.seqno = d.at("seqno");
        request.valid_until = d.at("valid_until");
        request.messages.push_back(OutMessage{*deploy_msg, 3});
        const auto ext = BuildTransfer(WalletV4R2(keys.public_key), keys, request);
        ASSERT_TRUE(ext.ok());
        EXPECT_EQ(ext->boc_base64, d.at("boc").get<std::string>());
        EXPECT_EQ(WalletAddress(WalletV4R2(keys.public_key))->ToRaw(), c.at("owner").get<std::string>());

        const auto data = ParseCollectionData(c.at("get_collection_data"));
        ASSERT_TRUE(data.ok()) << data.error().message;
        EXPECT_EQ(data->next_item_index, config.next_item_index);
        EXPECT_EQ(data->owner, config.owner);
        EXPECT_EQ(*ParseOffchainContent(data->content), config.collection_content_url);
        const auto nft = ParseNftData(c.at("get_nft_data"));
        ASSERT_TRUE(nft.ok()) << nft.error().message;
        EXPECT_TRUE(nft->initialized);
        EXPECT_EQ(nft->index, config.next_item_index);
        EXPECT_EQ(nft->collection, *address);
        ASSERT_TRUE(nft->owner.has_value());
        EXPECT_EQ(nft->owner->ToRaw(), "0:2cf55953e92efbeadab7ba725c3f93a0b23f842cbba72d7b8e6f510a70e422e3");
        EXPECT_EQ(nft->individual_content->hash(),
                  (*SnakeText(std::to_string(config.next_item_index) + ".json"))->hash());
    }
}

TEST(TonNft, MintBodiesMatchAssetsSdk) {
    const auto& mints = Vectors().at("mints");
    ASSERT_GE(mints.size(), 30U);
    for (const auto& m : mints) {
        const NftMintItem item = ItemFrom(m, m.at("index"), m.at("amount"));
        const auto body = NftMintBody(std::stoull(m.at("query_id").get<std::string>()), item);
        ASSERT_TRUE(body.ok());
        EXPECT_EQ(BocHex(*body), m.at("boc").get<std::string>());
        EXPECT_EQ(ToHex((*body)->hash()), m.at("hash").get<std::string>());
    }
    EXPECT_EQ(mints.at(0).at("hash"), "d1a135fb98c8d09707709d4b2cb2c187773ebbbaae99f89aec81991eedf81890");
}

TEST(TonNft, BatchMintBodiesMatchAssetsSdk) {
    const auto& batches = Vectors().at("batches");
    ASSERT_GE(batches.size(), 16U);
    for (const auto& b : batches) {
        std::vector<NftMintItem> items;
        for (const auto& i : b.at("items")) items.push_back(ItemFrom(i, i.at("index"), i.at("amount")));
        const auto body = NftBatchMintBody(std::stoull(b.at("query_id").get<std::string>()), items);
        ASSERT_TRUE(body.ok()) << body.error().message;
        EXPECT_EQ(ToHex((*body)->hash()), b.at("hash").get<std::string>()) << items.size() << " items";
        EXPECT_EQ(BocHex(*body), b.at("boc").get<std::string>());
    }
}

TEST(TonNft, Refusals) {
    NftMintItem item;
    EXPECT_EQ(NftBatchMintBody(0, {}).error().code, "ton.invalid_batch");
    EXPECT_EQ(NftBatchMintBody(0, {item, item}).error().code, "ton.invalid_batch");
    EXPECT_EQ(NftBatchMintBody(0, std::vector<NftMintItem>(250)).error().code, "ton.invalid_batch");
    EXPECT_EQ(SerializeDict({}, 64).error().code, "ton.invalid_dict");
    EXPECT_EQ(SerializeDict({{256, Cell::Empty()}}, 8).error().code, "ton.invalid_dict");
    EXPECT_EQ(SerializeDict({{1, nullptr}}, 8).error().code, "ton.invalid_dict");
    EXPECT_EQ(SerializeDict({{1, Cell::Empty()}}, 0).error().code, "ton.invalid_dict");
    NftCollectionConfig config;
    EXPECT_FALSE(NftCollectionData(config).ok());  // no item code
    config.item_code = Cell::Empty();
    EXPECT_FALSE(NftCollectionStateInit(nullptr, config).ok());
    EXPECT_EQ(ParseOffchainContent(*SnakeText("https://x")).error().code, "ton.invalid_content");
    EXPECT_EQ(*ParseOffchainContent(*OffchainContent(std::string(300, 'u'))), std::string(300, 'u'));
}

TEST(TonNft, StackParsing) {
    using nlohmann::json;
    const std::string addr_boc = ToBase64(SerializeBoc(*[] {
        Builder b;
        EXPECT_TRUE(b.StoreAddress(Address{}).ok());
        return b.Build();
    }()));
    // v3 shape, decimal and hex numbers, tvm.Cell, null owner.
    auto v3 = ParseCollectionData(json::parse(R"([{"type":"num","value":"0x1A"},{"type":"cell","value":")" +
                                              addr_boc + R"("},{"type":"null"}])"));
    ASSERT_TRUE(v3.ok()) << v3.error().message;
    EXPECT_EQ(v3->next_item_index, 26U);
    EXPECT_FALSE(v3->owner.has_value());
    auto tvm = ParseStack(json::parse(R"([["tvm.Cell",")" + addr_boc + R"("],["num","-0x1"],["num","12"]])"));
    ASSERT_TRUE(tvm.ok());
    EXPECT_TRUE((*tvm)[1].negative);
    EXPECT_EQ((*tvm)[2].num, Bytes{12});
    // Uninitialised item: init? 0, owner and content null.
    auto uninit = ParseNftData(json::parse(R"([["num","0x0"],["num","0x5"],["cell",{"bytes":")" + addr_boc +
                                           R"("}],["null"],["null"]])"));
    ASSERT_TRUE(uninit.ok()) << uninit.error().message;
    EXPECT_FALSE(uninit->initialized);
    EXPECT_EQ(uninit->individual_content, nullptr);

    for (const char* bad : {R"({})",
                            R"([["num"]])",
                            R"([["num","0xZZ"],["null"],["null"]])",
                            R"([["num","-0x5"],["null"],["null"]])",
                            R"([["num","0x10000000000000000"],["null"],["null"]])",
                            R"([["num","1"],["cell",{"bytes":"!!"}],["null"]])",
                            R"([["num","1"],["cell",{"bytes":"te6cc"}],["null"]])",
                            R"([["num","1"],["tuple",[]],["null"]])",
                            R"([["num","1"],["null"]])",
                            R"([["num","1"],["num","2"],["num","3"]])",
                            R"([5, 6, 7])"}) {
        const auto r = ParseCollectionData(json::parse(bad));
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, "ton.invalid_stack") << bad;
    }
}

TEST(TonNft, DictLabels) {
    // A single 64-bit key: one leaf, hml_long (10 ‖ len:7 ‖ 64 bits) is shorter than hml_short.
    const auto one = SerializeDict({{5, Cell::Empty()}}, 64);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ((*one)->bit_size(), 2U + 7U + 64U);
    // Keys 0 and 1 of 8 bits: a 7-bit label of zeros is hml_same (11 0 len:4), then two empty-label leaves.
    const auto two = SerializeDict({{0, Cell::Empty()}, {1, Cell::Empty()}}, 8);
    ASSERT_TRUE(two.ok());
    EXPECT_EQ((*two)->bit_size(), 3U + 4U);
    EXPECT_EQ((*two)->refs().size(), 2U);
}

}  // namespace
}  // namespace onton::ton
