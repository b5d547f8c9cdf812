#include <gtest/gtest.h>

#include "ton/boc.hpp"
#include "ton/crc.hpp"
#include "ton_test_util.hpp"

namespace onton::ton {
namespace {

using test::LoadVectors;
using test::MakeCell;
using test::Uint32Cell;
using test::Unhex;

Bytes Unbase64(const std::string& text) { return *FromBase64(text); }

std::string ErrorCode(ByteView bytes) {
    auto parsed = ParseBoc(bytes);
    return parsed.ok() ? "ok" : parsed.error().code;
}

/// Recomputes the CRC32C trailer after a test edits a byte, so that the edit itself is what gets rejected.
void FixCrc(Bytes& boc) {
    const std::uint32_t crc = Crc32c(ByteView(boc).first(boc.size() - 4));
    for (std::size_t i = 0; i < 4; ++i)
        boc[boc.size() - 4 + i] = static_cast<std::uint8_t>((crc >> (8 * i)) & 0xFFU);
}

TEST(TonBoc, OfficialVectors) {
    const CellPtr u32 = Uint32Cell(123456789);
    Builder b34;
    ASSERT_TRUE(b34.StoreUint(123456789, 34).ok());
    const CellPtr c34 = *b34.Build();
    const CellPtr one_ref = Uint32Cell(987654321, {u32});
    const CellPtr three_refs = Uint32Cell(987654321, {u32, u32, u32});
    const BocOptions plain{false, false};
    const BocOptions crc{false, true};
    const std::vector<std::tuple<CellPtr, std::string, std::string>> cases = {
        {Cell::Empty(), "te6ccgEBAQEAAgAAAA==", "te6cckEBAQEAAgAAAEysuc0="},
        {u32, "te6ccgEBAQEABgAACAdbzRU=", "te6cckEBAQEABgAACAdbzRVRblCS"},
        {c34, "te6ccgEBAQEABwAACQHW80Vg", "te6cckEBAQEABwAACQHW80Vgb11ZoQ=="},
        {one_ref, "te6ccgEBAgEADQABCDreaLEBAAgHW80V", "te6cckEBAgEADQABCDreaLEBAAgHW80VSW/75w=="},
        {three_refs, "te6ccgEBAgEADwADCDreaLEBAQEACAdbzRU=", "te6cckEBAgEADwADCDreaLEBAQEACAdbzRWpQD2p"},
    };
    for (const auto& [cell, no_crc, with_crc] : cases) {
        EXPECT_EQ(ToBase64(SerializeBoc(cell, plain)), no_crc);
        EXPECT_EQ(ToBase64(SerializeBoc(cell, crc)), with_crc);
        EXPECT_EQ((*ParseBocRoot(Unbase64(no_crc)))->hash(), cell->hash());
        EXPECT_EQ((*ParseBocRoot(Unbase64(with_crc)))->hash(), cell->hash());
    }
    EXPECT_EQ(ToBase64(SerializeBoc(Cell::Empty(), BocOptions{true, false})), "te6ccoEBAQEAAgACAAA=");
    EXPECT_EQ(ToBase64(SerializeBoc(Cell::Empty(), BocOptions{true, true})), "te6ccsEBAQEAAgACAAC4Afhr");
    const CellPtr indexed = Uint32Cell(228, {Uint32Cell(1337), Uint32Cell(1338)});
    EXPECT_EQ(ToHex(SerializeBoc(indexed, BocOptions{true, false})),
              "b5ee9c7281010301001400080e140208000000e4010200080000053900080000053a");
    const auto two = ParseBocRoot(Unhex("b5ee9c7241010201000d00010800000001010008000000027d4b3cf8"));
    ASSERT_TRUE(two.ok());
    EXPECT_EQ((*two)->BitsHex(), "00000001");
    EXPECT_EQ((*two)->refs().at(0)->BitsHex(), "00000002");
}

TEST(TonBoc, MatchesTonCoreVectors) {
    const auto cases = LoadVectors("cells.json");
    ASSERT_GE(cases.size(), 200U);
    std::size_t cells_checked = 0;
    std::size_t two_byte_indexes = 0;
    std::uint16_t deepest = 0;
    for (const auto& c : cases) {
        std::vector<CellPtr> cells;
        for (const auto& spec : c.at("cells")) {
            std::vector<CellPtr> refs;
            for (const std::size_t r : spec.at("refs")) refs.push_back(cells.at(r));
            cells.push_back(MakeCell(spec.at("data"), spec.at("bits"), refs));
            const CellPtr& cell = cells.back();
            ASSERT_EQ(ToHex(cell->hash()), spec.at("hash").get<std::string>());
            ASSERT_EQ(cell->depth(), spec.at("depth").get<int>());
            ASSERT_EQ(cell->BitsHex(), spec.at("fift").get<std::string>());
            ++cells_checked;
        }
        const CellPtr root = cells.back();
        deepest = std::max(deepest, root->depth());
        if ((SerializeBoc(root)[4] & 0x07) == 2) ++two_byte_indexes;
        for (const auto& [key, boc] : c.at("boc").items()) {
            const BocOptions options{key.starts_with("idx"), key.ends_with("_crc")};
            ASSERT_EQ(ToHex(SerializeBoc(root, options)), boc.get<std::string>()) << key;
            auto parsed = ParseBocRoot(Unhex(boc));
            ASSERT_TRUE(parsed.ok()) << parsed.error().message;
            ASSERT_EQ((*parsed)->hash(), root->hash());
        }
    }
    EXPECT_GE(cells_checked, 6000U);
    EXPECT_GE(two_byte_indexes, 5U);  // trees of more than 255 distinct cells
    EXPECT_GE(deepest, 900);
}

TEST(TonBoc, SeveralRootsRoundTrip) {
    const CellPtr shared = Uint32Cell(1);
    const CellPtr a = Uint32Cell(2, {shared});
    const CellPtr b = Uint32Cell(3, {shared});
    const Bytes boc = SerializeBoc(std::vector<CellPtr>{a, b, shared}, BocOptions{true, true});
    auto roots = ParseBoc(boc);
    ASSERT_TRUE(roots.ok()) << roots.error().message;
    ASSERT_EQ(roots->size(), 3U);
    EXPECT_EQ((*roots)[0]->hash(), a->hash());
    EXPECT_EQ((*roots)[1]->hash(), b->hash());
    EXPECT_EQ((*roots)[2]->hash(), shared->hash());
    EXPECT_EQ(boc[6], 3);  // three distinct cells, the shared one written once
    EXPECT_EQ(ParseBocRoot(boc).error().code, "ton.boc_invalid");
}

TEST(TonBoc, SerializeRefusesMissingRoots) {
    EXPECT_THROW((void)SerializeBoc(std::vector<CellPtr>{}), std::invalid_argument);
    EXPECT_THROW((void)SerializeBoc(CellPtr{}), std::invalid_argument);
    EXPECT_TRUE(Slice(nullptr).empty());
}

TEST(TonBoc, DagWithExponentiallyManyPathsStaysLinear) {
    // 1000 cells, each referring four times to the next: 4^1000 paths, 1000 distinct cells. Any walk that
    // does not deduplicate by hash would never finish.
    CellPtr cell = Cell::Empty();
    for (int i = 0; i < 1000; ++i) cell = *Cell::Create({}, 0, {cell, cell, cell, cell});
    const Bytes boc = SerializeBoc(cell, BocOptions{true, true});
    EXPECT_EQ(boc.size(), 4 + 1 + 1 + 2 * 3 + 2 + 2 + 1001 * 2 + 1000 * (2 + 4 * 2) + 2 + 4U);
    auto parsed = ParseBocRoot(boc);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ((*parsed)->hash(), cell->hash());
    EXPECT_EQ((*parsed)->depth(), 1000);
}

TEST(TonBoc, LegacyMagics) {
    // Same cell data as te6ccoEBAQEAAgACAAA= with the old headers: no root list, the index always present.
    EXPECT_TRUE(ParseBocRoot(Unhex("68ff65f3 01 01 01 01 00 02 02 0000")).ok());
    Bytes crc = Unhex("acc3a728 01 01 01 01 00 02 02 0000 00000000");
    FixCrc(crc);
    EXPECT_EQ((*ParseBocRoot(crc))->hash(), Cell::Empty()->hash());
    crc[crc.size() - 1] ^= 1;
    EXPECT_EQ(ErrorCode(crc), "ton.boc_invalid");
    EXPECT_EQ(ErrorCode(Unhex("68ff65f3 01 01 01 02 00 02 02 0000")), "ton.boc_invalid");
}

TEST(TonBoc, ParseText) {
    EXPECT_TRUE(ParseBocText("  te6cckEBAQEAAgAAAEysuc0=\n").ok());
    EXPECT_TRUE(ParseBocText("b5ee9c7241010201000d00010800000001010008000000027d4b3cf8").ok());
    EXPECT_TRUE(ParseBocText("te6cckEBAQEAAgAAAEysuc0").ok());
    EXPECT_EQ(ParseBocText("").error().code, "ton.boc_invalid");
    EXPECT_EQ(ParseBocText("not a boc!").error().code, "ton.boc_invalid");
}

TEST(TonBoc, TruncatedAtEveryLength) {
    const CellPtr tree = Uint32Cell(228, {Uint32Cell(1337), Uint32Cell(1338, {Cell::Empty()})});
    for (const BocOptions options :
         {BocOptions{false, false}, BocOptions{true, true}, BocOptions{false, true}}) {
        const Bytes boc = SerializeBoc(tree, options);
        ASSERT_TRUE(ParseBoc(boc).ok());
        for (std::size_t n = 0; n < boc.size(); ++n) {
            EXPECT_EQ(ErrorCode(ByteView(boc).first(n)), "ton.boc_invalid") << n;
        }
        Bytes longer = boc;
        longer.push_back(0);
        EXPECT_EQ(ErrorCode(longer), "ton.boc_invalid");
    }
}

TEST(TonBoc, BadCrc) {
    Bytes boc = SerializeBoc(Uint32Cell(123456789), BocOptions{false, true});
    for (std::size_t i = 0; i < boc.size(); ++i) {
        Bytes bad = boc;
        bad[i] ^= 0x10;
        EXPECT_NE(ErrorCode(bad), "ok") << i;
    }
}

TEST(TonBoc, HeaderFields) {
    const Bytes good = Unhex("b5ee9c72 01 01 01 01 00 02 00 0000");
    ASSERT_EQ(ErrorCode(good), "ok");
    auto with = [&](std::size_t at, std::uint8_t value) {
        Bytes b = good;
        b[at] = value;
        return ErrorCode(b);
    };
    EXPECT_EQ(with(0, 0xb6), "ton.boc_invalid");   // magic
    EXPECT_EQ(with(4, 0x00), "ton.boc_invalid");   // size_bytes 0
    EXPECT_EQ(with(4, 0x05), "ton.boc_invalid");   // size_bytes 5
    EXPECT_EQ(with(4, 0x09), "ton.boc_invalid");   // reserved flag
    EXPECT_EQ(with(4, 0x21), "ton.boc_invalid");   // cache bits without index
    EXPECT_EQ(with(5, 0x00), "ton.boc_invalid");   // off_bytes 0
    EXPECT_EQ(with(5, 0x09), "ton.boc_invalid");   // off_bytes 9
    EXPECT_EQ(with(6, 0x00), "ton.boc_invalid");   // no cells
    EXPECT_EQ(with(6, 0x02), "ton.boc_invalid");   // 2 cells in 2 bytes of data
    EXPECT_EQ(with(7, 0x00), "ton.boc_invalid");   // no roots
    EXPECT_EQ(with(7, 0x02), "ton.boc_invalid");   // more roots than cells
    EXPECT_EQ(with(8, 0x01), "ton.boc_invalid");   // absent cells
    EXPECT_EQ(with(9, 0x03), "ton.boc_invalid");   // data size beyond the input
    EXPECT_EQ(with(9, 0x01), "ton.boc_invalid");   // data size below a cell
    EXPECT_EQ(with(10, 0x01), "ton.boc_invalid");  // root index out of range
}

TEST(TonBoc, HugeCountsAreRefusedBeforeAllocating) {
    // 4-byte counts of 4 billion cells and an 8-byte data size, in a 30-byte input.
    EXPECT_EQ(ErrorCode(Unhex("b5ee9c72 04 08 ffffffff 00000001 00000000 ffffffffffffffff 00000000")),
              "ton.boc_invalid");
    EXPECT_EQ(ErrorCode(Unhex("b5ee9c72 84 08 7fffffff 00000001 00000000 00000000000000ff 00000000")),
              "ton.boc_invalid");
}

TEST(TonBoc, RefsMustPointForwardAndInRange) {
    // Two cells: cell 0 (one ref) then cell 1; the ref byte is at the end of cell 0.
    const Bytes good = Unhex("b5ee9c72 01 01 02 01 00 05 00 0100 01 0000");
    ASSERT_EQ(ErrorCode(good), "ok");
    Bytes self = good;
    self[13] = 0x00;  // cell 0 refers to itself: a cycle
    EXPECT_EQ(ErrorCode(self), "ton.boc_invalid");
    Bytes out = good;
    out[13] = 0x02;  // no cell 2
    EXPECT_EQ(ErrorCode(out), "ton.boc_invalid");
    // Cell 1 refers back to cell 0: 0 -> 1 -> 0.
    const Bytes cycle = Unhex("b5ee9c72 01 01 02 01 00 06 00 0100 01 0100 00");
    EXPECT_EQ(ErrorCode(cycle), "ton.boc_invalid");
}

TEST(TonBoc, CellDescriptors) {
    auto one_cell = [](const std::string& cell_hex) {
        const Bytes cell = Unhex(cell_hex);
        Bytes boc = Unhex("b5ee9c72 01 01 01 01 00");
        boc.push_back(static_cast<std::uint8_t>(cell.size()));
        boc.push_back(0);
        boc.insert(boc.end(), cell.begin(), cell.end());
        return ErrorCode(boc);
    };
    EXPECT_EQ(one_cell("0001 80"), "ton.boc_invalid");  // a tag alone: 0 bits written with d2 = 1
    EXPECT_EQ(one_cell("0001 00"), "ton.boc_invalid");  // padded data without a tag
    EXPECT_EQ(one_cell("0001 08"), "ok");
    EXPECT_EQ(one_cell("0801 01"), "ton.exotic_cell");
    EXPECT_EQ(one_cell("2000"), "ton.boc_invalid");  // level mask on an ordinary cell
    EXPECT_EQ(one_cell("0700"), "ton.boc_invalid");  // 7 refs: an absent cell
    EXPECT_EQ(one_cell("0500 0000000000"), "ton.boc_invalid");
    EXPECT_EQ(one_cell("00ff" + std::string(256, 'f')), "ok");         // 1023 one bits and the tag
    EXPECT_EQ(one_cell("00ff" + std::string(254, '0') + "01"), "ok");  // 1023 bits exactly
    EXPECT_EQ(one_cell("0000 00"), "ton.boc_invalid");                 // a byte left in the data section
}

TEST(TonBoc, CellDataWithTagOnWholeBytesIsRefused) {
    // d2 odd (padded) but the tag sits at the top of the byte, so the bits are a whole number of bytes: the
    // canonical form would have used an even d2, and the hash would not match the bytes.
    EXPECT_EQ(ErrorCode(Unhex("b5ee9c72 01 01 01 01 00 04 00 0003 ab80")), "ton.boc_invalid");
}

TEST(TonBoc, StoredHashesAreChecked) {
    const CellPtr cell = Uint32Cell(7);
    Bytes boc = Unhex("b5ee9c72 01 01 01 01 00 28 00 1008");
    boc.insert(boc.end(), cell->hash().begin(), cell->hash().end());
    for (const std::uint8_t b : Bytes{0x00, 0x00, 0x00, 0x00, 0x00, 0x07}) boc.push_back(b);
    EXPECT_EQ(ErrorCode(boc), "ok");
    boc[13] ^= 1;  // a byte of the stored hash
    EXPECT_EQ(ErrorCode(boc), "ton.boc_invalid");
}

TEST(TonBoc, IndexMustMatch) {
    Bytes boc = SerializeBoc(Uint32Cell(1, {Uint32Cell(2)}), BocOptions{true, false});
    ASSERT_EQ(ErrorCode(boc), "ok");
    boc[11] ^= 1;  // the first index entry
    EXPECT_EQ(ErrorCode(boc), "ton.boc_invalid");
}

TEST(TonBoc, DepthLimitInBoc) {
    // A chain of 1026 empty cells, each referring to the next (depth 1025 at the root), with 2-byte indexes.
    const std::size_t n = 1026;
    Bytes boc = Unhex("b5ee9c72 02 02");
    const std::size_t data_size = (n - 1) * 4 + 2;
    for (const std::uint64_t v : {std::uint64_t{n}, std::uint64_t{1}, std::uint64_t{0}}) {
        boc.push_back(static_cast<std::uint8_t>(v >> 8));
        boc.push_back(static_cast<std::uint8_t>(v & 0xFF));
    }
    boc.push_back(static_cast<std::uint8_t>(data_size >> 8));
    boc.push_back(static_cast<std::uint8_t>(data_size & 0xFF));
    boc.push_back(0);
    boc.push_back(0);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        boc.push_back(1);
        boc.push_back(0);
        boc.push_back(static_cast<std::uint8_t>((i + 1) >> 8));
        boc.push_back(static_cast<std::uint8_t>((i + 1) & 0xFF));
    }
    boc.push_back(0);
    boc.push_back(0);
    EXPECT_EQ(ErrorCode(boc), "ton.depth_exceeded");
}

}  // namespace
}  // namespace onton::ton
