#include <gtest/gtest.h>

#include "ton/cell.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::MakeCell;
using test::Uint32Cell;
using test::Unhex;

std::string HashHex(const CellPtr& cell) { return ToHex(cell->hash()); }

TEST(TonCell, OfficialHashes) {
    // ton-org/ton-core serialization.spec.ts, re-derived in ton-telegram.md §3.2.
    EXPECT_EQ(ToBase64(Cell::Empty()->hash()), "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=");
    EXPECT_EQ(ToBase64(Uint32Cell(123456789)->hash()), "keNT38owvINaYYHwYjE1R8HYk0c1NSMH72u+/aMJ+1c=");
    Builder b34;
    ASSERT_TRUE(b34.StoreUint(123456789, 34).ok());
    const CellPtr c34 = *b34.Build();
    EXPECT_EQ(c34->BitsHex(), "01D6F3456_");
    EXPECT_EQ(ToBase64(c34->hash()), "Rk+nt8kkAyN9S1v4H0zwFbGs2INwpMHvESvPQbrI6d0=");
    const CellPtr child = Uint32Cell(123456789);
    const CellPtr one_ref = Uint32Cell(987654321, {child});
    EXPECT_EQ(ToBase64(one_ref->hash()), "goaQYcsXO2c/gd3qvMo3ncEjzpbU7urNQ7hPDo0qC1c=");
    EXPECT_EQ(one_ref->depth(), 1);
    const CellPtr three_refs = Uint32Cell(987654321, {child, child, child});
    EXPECT_EQ(ToBase64(three_refs->hash()), "cks0wbfqFZE9/yb0sWMWQGoj0XBOLkUi+aX5xpJ6jjA=");
}

TEST(TonCell, CreateChecksLimits) {
    EXPECT_EQ(Cell::Create(Bytes(128, 0), 1024, {}).error().code, "ton.cell_overflow");
    EXPECT_EQ(Cell::Create(Bytes(1, 0), 9, {}).error().code, "ton.cell_overflow");
    EXPECT_EQ(Cell::Create({}, 0, std::vector<CellPtr>(5, Cell::Empty())).error().code, "ton.cell_overflow");
    EXPECT_EQ(Cell::Create({}, 0, {nullptr}).error().code, "ton.invalid_cell");
    EXPECT_TRUE(Cell::Create(Bytes(128, 0xff), 1023, std::vector<CellPtr>(4, Cell::Empty())).ok());
    // Bits after the length are ignored: the same cell whatever they held.
    EXPECT_EQ(Cell::Create(Bytes{0xff}, 3, {}).value()->hash(),
              Cell::Create(Bytes{0xe0}, 3, {}).value()->hash());
}

TEST(TonCell, DepthLimit) {
    CellPtr chain = Cell::Empty();
    for (int i = 0; i < 1024; ++i) chain = *Cell::Create({}, 0, {chain});
    EXPECT_EQ(chain->depth(), 1024);
    EXPECT_EQ(Cell::Create({}, 0, {chain}).error().code, "ton.depth_exceeded");
    Builder b;
    ASSERT_TRUE(b.StoreRef(chain).ok());
    EXPECT_EQ(b.Build().error().code, "ton.depth_exceeded");
}

TEST(TonBuilder, BoundsErrorsLeaveTheBuilderUnchanged) {
    Builder b;
    ASSERT_TRUE(b.StoreBytes(Bytes(127, 0xaa)).ok());
    ASSERT_TRUE(b.StoreUint(5, 3).ok());
    EXPECT_EQ(b.available_bits(), 4U);
    EXPECT_EQ(b.StoreUint(0, 5).error().code, "ton.cell_overflow");
    EXPECT_EQ(b.StoreAddressNone().ok(), true);
    EXPECT_EQ(b.StoreCoins(1).error().code, "ton.cell_overflow");  // 4 + 8 bits, 2 left
    EXPECT_EQ(b.bit_size(), 1021U);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.StoreRef(Cell::Empty()).ok());
    EXPECT_EQ(b.StoreRef(Cell::Empty()).error().code, "ton.cell_overflow");
    EXPECT_EQ(b.StoreMaybeRef(Cell::Empty()).error().code, "ton.cell_overflow");
    EXPECT_EQ(b.bit_size(), 1021U);
    EXPECT_EQ(b.ref_count(), 4U);
    EXPECT_TRUE(b.Build().ok());
}

TEST(TonBuilder, ValueRangeErrors) {
    Builder b;
    EXPECT_EQ(b.StoreUint(8, 3).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreUint(1, 0).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreUint(1, 65).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreInt(4, 3).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreInt(-5, 3).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreInt(0, 0).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreBigUint(Bytes{0x01, 0x00}, 8).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreBigUint(Bytes(33, 0), 257).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreBigInt(Bytes{0x00, 0x80}, 8).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreBigInt(Bytes{0xff, 0x7f}, 8).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreBits(Bytes{0xff}, 9).error().code, "ton.value_out_of_range");
    EXPECT_EQ(b.StoreRef(nullptr).error().code, "ton.invalid_cell");
    EXPECT_EQ(b.bit_size(), 0U);
    EXPECT_TRUE(b.StoreInt(-4, 3).ok());
    EXPECT_TRUE(b.StoreInt(3, 3).ok());
    EXPECT_TRUE(b.StoreBigUint(Bytes{0x00, 0x00, 0xff}, 8).ok());  // leading zero bytes are fine
    EXPECT_TRUE(b.StoreBigInt(Bytes{0xff, 0xff, 0x80}, 8).ok());
    EXPECT_EQ(b.Build().value()->BitsHex(), "8FFE02_");
}

TEST(TonSlice, LoadsAndUnderflowErrors) {
    Builder b;
    ASSERT_TRUE(b.StoreUint(0xabc, 12).ok());
    ASSERT_TRUE(b.StoreInt(-2, 5).ok());
    ASSERT_TRUE(b.StoreCoins(1'000'000'000).ok());
    ASSERT_TRUE(b.StoreMaybeRef(Cell::Empty()).ok());
    ASSERT_TRUE(b.StoreMaybeRef(nullptr).ok());
    ASSERT_TRUE(b.StoreAddressNone().ok());
    Slice s(*b.Build());
    EXPECT_EQ(s.LoadUint(65).error().code, "ton.value_out_of_range");
    EXPECT_EQ(*s.LoadUint(12), 0xabcU);
    EXPECT_EQ(*s.LoadInt(5), -2);
    EXPECT_EQ(*s.LoadCoins(), 1'000'000'000U);
    EXPECT_EQ(*s.LoadMaybeRef(), Cell::Empty());
    EXPECT_EQ(*s.LoadMaybeRef(), nullptr);
    EXPECT_FALSE(s.LoadAddress().value().has_value());
    EXPECT_EQ(s.remaining_bits(), 0U);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.LoadBit().error().code, "ton.cell_underflow");
    EXPECT_EQ(s.LoadRef().error().code, "ton.cell_underflow");
    EXPECT_EQ(s.LoadBytes(1000).error().code, "ton.cell_underflow");
    EXPECT_EQ(s.LoadBigUint(300).error().code, "ton.value_out_of_range");
    EXPECT_EQ(s.SkipBits(1).error().code, "ton.cell_underflow");
}

TEST(TonSlice, FailedLoadsConsumeNothing) {
    Builder b;
    ASSERT_TRUE(b.StoreUint(0b100, 3).ok());  // a Maybe bit of 1 but no ref; an addr_std tag without the rest
    Slice s(*b.Build());
    EXPECT_EQ(s.LoadMaybeRef().error().code, "ton.cell_underflow");
    EXPECT_EQ(s.LoadAddress().error().code, "ton.cell_underflow");
    EXPECT_EQ(s.LoadCoins().error().code, "ton.cell_underflow");
    EXPECT_EQ(s.remaining_bits(), 3U);
}

TEST(TonSlice, AddressKinds) {
    Address a;
    a.workchain = -1;
    a.hash.fill(0x33);
    Builder b;
    ASSERT_TRUE(b.StoreAddress(a).ok());
    EXPECT_EQ(b.bit_size(), 267U);
    Slice s(*b.Build());
    EXPECT_EQ(s.LoadAddress().value(), std::optional<Address>(a));
    for (const std::uint64_t tag : {0b01U, 0b11U}) {  // addr_extern, addr_var
        Builder x;
        ASSERT_TRUE(x.StoreUint(tag, 2).ok());
        EXPECT_EQ(Slice(*x.Build()).LoadAddress().error().code, "ton.unsupported_address");
    }
    Builder anycast;
    ASSERT_TRUE(anycast.StoreUint(0b101, 3).ok());
    EXPECT_EQ(Slice(*anycast.Build()).LoadAddress().error().code, "ton.unsupported_address");
}

TEST(TonSlice, CoinsAboveUint64AreRefused) {
    Builder b;
    ASSERT_TRUE(b.StoreUint(9, 4).ok());
    ASSERT_TRUE(b.StoreBytes(Bytes{0x01, 0, 0, 0, 0, 0, 0, 0, 0}).ok());
    Slice s(*b.Build());
    EXPECT_EQ(s.LoadCoins().error().code, "ton.value_out_of_range");
    Builder padded;  // a non-minimal length with a leading zero byte still fits
    ASSERT_TRUE(padded.StoreUint(9, 4).ok());
    ASSERT_TRUE(padded.StoreBytes(Bytes{0x00, 0xff, 0, 0, 0, 0, 0, 0, 1}).ok());
    EXPECT_EQ(*Slice(*padded.Build()).LoadCoins(), 0xff00000000000001U);
}

TEST(TonBuilder, CoinsBytesLimits) {
    Builder b;
    EXPECT_EQ(b.StoreCoinsBytes(Bytes(16, 0x01)).error().code, "ton.value_out_of_range");
    ASSERT_TRUE(b.StoreCoinsBytes(Bytes(15, 0xff)).ok());  // 2^120 - 1
    ASSERT_TRUE(b.StoreCoinsBytes(Bytes{0, 0, 0}).ok());   // zero: the length nibble alone
    EXPECT_EQ(b.bit_size(), 4U + 120U + 4U);
    Slice s(*b.Build());
    EXPECT_EQ(*s.LoadCoinsBytes(), Bytes(15, 0xff));
    EXPECT_EQ(*s.LoadCoinsBytes(), Bytes{});
}

TEST(TonSlice, SliceToCellAndStoreSlice) {
    const CellPtr child = Uint32Cell(7);
    const CellPtr cell = Uint32Cell(0xdeadbeef, {child, Cell::Empty()});
    Slice s(cell);
    ASSERT_TRUE(s.SkipBits(8).ok());
    ASSERT_TRUE(s.LoadRef().ok());
    const CellPtr rest = *s.ToCell();
    EXPECT_EQ(rest->bit_size(), 24U);
    EXPECT_EQ(rest->BitsHex(), "ADBEEF");
    ASSERT_EQ(rest->refs().size(), 1U);
    Builder b;
    ASSERT_TRUE(b.StoreSlice(Slice(cell)).ok());
    EXPECT_EQ((*b.Build())->hash(), cell->hash());
}

/// Replays one @ton/core builder case: stores with Builder, then reads every value back with Slice.
void ReplayBuilderCase(const nlohmann::json& c) {
    Builder b;
    for (const auto& op : c.at("ops")) {
        const std::string kind = op.at("op");
        if (kind == "uint") {
            const std::size_t bits = op.at("bits");
            const Bytes value = Unhex(op.at("value"));
            ASSERT_TRUE(b.StoreBigUint(value, bits).ok()) << op.dump();
        } else if (kind == "int") {
            ASSERT_TRUE(b.StoreBigInt(Unhex(op.at("value")), op.at("bits")).ok()) << op.dump();
        } else if (kind == "coins") {
            const Bytes value = Unhex(op.at("value"));
            if (value.size() <= 8) {
                std::uint64_t v = 0;
                for (const auto byte : value) v = (v << 8) | byte;
                Builder small = b;
                ASSERT_TRUE(small.StoreCoins(v).ok());
                ASSERT_TRUE(b.StoreCoinsBytes(value).ok());
                EXPECT_EQ((*small.Build())->hash(), (*b.Build())->hash());
            } else {
                ASSERT_TRUE(b.StoreCoinsBytes(value).ok());
            }
        } else if (kind == "address") {
            ASSERT_TRUE(b.StoreAddress(*ParseRawAddress(op.at("value").get<std::string>())).ok());
        } else if (kind == "address_none") {
            ASSERT_TRUE(b.StoreAddressNone().ok());
        } else if (kind == "bytes") {
            ASSERT_TRUE(b.StoreBytes(Unhex(op.at("value"))).ok());
        } else if (kind == "bit") {
            ASSERT_TRUE(b.StoreBit(op.at("value") == 1).ok());
        }
    }
    const CellPtr cell = *b.Build();
    EXPECT_EQ(cell->bit_size(), c.at("bits").get<std::size_t>());
    EXPECT_EQ(cell->BitsHex(), c.at("fift").get<std::string>());
    EXPECT_EQ(HashHex(cell), c.at("hash").get<std::string>());

    Slice s(cell);
    for (const auto& op : c.at("ops")) {
        const std::string kind = op.at("op");
        if (kind == "uint") {
            const std::size_t bits = op.at("bits");
            if (bits <= 64) {
                Slice copy = s;
                const Bytes expected = Unhex(op.at("value"));
                std::uint64_t v = 0;
                for (const auto byte : expected) v = (v << 8) | byte;
                EXPECT_EQ(*copy.LoadUint(bits), v);
            }
            EXPECT_EQ(ToHex(*s.LoadBigUint(bits)), op.at("value").get<std::string>()) << op.dump();
        } else if (kind == "int") {
            EXPECT_EQ(ToHex(*s.LoadBigInt(op.at("bits"))), op.at("value").get<std::string>()) << op.dump();
        } else if (kind == "coins") {
            const std::string expected = op.at("value");
            const std::size_t zeros = expected.find_first_not_of('0');
            EXPECT_EQ(ToHex(*s.LoadCoinsBytes()),
                      zeros == std::string::npos ? "" : expected.substr(zeros - zeros % 2));
        } else if (kind == "address") {
            EXPECT_EQ(s.LoadAddress().value()->ToRaw(), op.at("value").get<std::string>());
        } else if (kind == "address_none") {
            EXPECT_FALSE(s.LoadAddress().value().has_value());
        } else if (kind == "bytes") {
            EXPECT_EQ(ToHex(*s.LoadBytes(op.at("value").get<std::string>().size() / 2)),
                      op.at("value").get<std::string>());
        } else if (kind == "bit") {
            EXPECT_EQ(*s.LoadBit(), op.at("value") == 1);
        }
    }
    EXPECT_EQ(s.remaining_bits(), 0U);
}

TEST(TonBuilder, MatchesTonCoreVectors) {
    const auto cases = LoadVectors("builder.json");
    ASSERT_GE(cases.size(), 300U);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.at("hash").get<std::string>());
        ReplayBuilderCase(c);
    }
}

TEST(TonBuilder, SmallIntegersMatchTheBigPath) {
    for (std::size_t bits = 1; bits <= 64; ++bits) {
        const std::int64_t value = bits == 64 ? INT64_MIN : -(std::int64_t{1} << (bits - 1));
        Builder a;
        Builder big;
        ASSERT_TRUE(a.StoreInt(value, bits).ok());
        const auto raw = static_cast<std::uint64_t>(value);
        Bytes be;
        for (int i = 7; i >= 0; --i) be.push_back(static_cast<std::uint8_t>((raw >> (8 * i)) & 0xFFU));
        ASSERT_TRUE(big.StoreBigInt(be, bits).ok()) << bits;
        EXPECT_EQ((*a.Build())->hash(), (*big.Build())->hash());
        EXPECT_EQ(*Slice(*a.Build()).LoadInt(bits), value);
    }
}

}  // namespace
}  // namespace onton::ton
