#include "ton/boc.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <stdexcept>

#include "ton/crc.hpp"

namespace onton::ton {
namespace {

constexpr std::uint32_t kMagicGeneric = 0xb5ee9c72;
constexpr std::uint32_t kMagicIndexed = 0x68ff65f3;
constexpr std::uint32_t kMagicIndexedCrc = 0xacc3a728;

Error BocError(const std::string& why) { return Error{"ton.boc_invalid", "invalid bag of cells: " + why}; }

/// Bytes needed to write `value` (at least 1), as @ton/core computes the size and offset widths.
std::size_t WidthOf(std::uint64_t value) {
    std::size_t bytes = 1;
    while (bytes < 8 && (value >> (8 * bytes)) != 0) ++bytes;
    return bytes;
}

void PutBigEndian(Bytes& out, std::uint64_t value, std::size_t width) {
    for (std::size_t i = width; i > 0; --i)
        out.push_back(static_cast<std::uint8_t>((value >> (8 * (i - 1))) & 0xFFU));
}

/// The cells of the serialization in @ton/core's order: reverse post-order of a depth-first walk that enters
/// the refs last to first, each distinct hash once. The root therefore comes first and every ref points
/// forward.
class Ordering {
   public:
    explicit Ordering(const std::vector<CellPtr>& roots) {
        for (auto it = roots.rbegin(); it != roots.rend(); ++it) Visit(*it);
        std::reverse(order_.begin(), order_.end());
        for (std::size_t i = 0; i < order_.size(); ++i) index_[order_[i]->hash()] = i;
    }
    [[nodiscard]] const std::vector<CellPtr>& cells() const { return order_; }
    [[nodiscard]] std::size_t IndexOf(const CellPtr& cell) const { return index_.at(cell->hash()); }

   private:
    // Recursion is bounded by Cell::kMaxDepth.
    void Visit(const CellPtr& cell) {
        if (!seen_.insert(cell->hash()).second) return;
        for (auto it = cell->refs().rbegin(); it != cell->refs().rend(); ++it) Visit(*it);
        order_.push_back(cell);
    }

    std::set<CellHash> seen_;
    std::map<CellHash, std::size_t> index_;
    std::vector<CellPtr> order_;
};

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/// A bounds-checked big-endian reader over the input.
class Reader {
   public:
    explicit Reader(ByteView bytes) : bytes_(bytes) {}
    [[nodiscard]] std::size_t position() const { return pos_; }
    [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }

    Result<std::uint64_t> Read(std::size_t width, const char* what) {
        if (width > remaining()) return BocError(std::string("truncated at ") + what);
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes_[pos_++];
        return value;
    }
    Result<ByteView> Take(std::uint64_t count, const char* what) {
        if (count > remaining()) return BocError(std::string("truncated at ") + what);
        const ByteView out = bytes_.subspan(pos_, count);
        pos_ += out.size();
        return out;
    }

   private:
    ByteView bytes_;
    std::size_t pos_ = 0;
};

struct Header {
    bool has_index = false;
    bool has_crc = false;
    bool has_cache_bits = false;
    bool legacy = false;
    std::size_t size_bytes = 0;
    std::size_t off_bytes = 0;
    std::uint64_t cells = 0;
    std::uint64_t roots = 0;
    std::uint64_t cells_size = 0;
};

/// A cell as read from the data section, before its children exist.
struct RawCell {
    ByteView data;
    std::size_t bit_size = 0;
    std::array<std::size_t, Cell::kMaxRefs> refs{};
    std::size_t ref_count = 0;
    ByteView stored_hash;  ///< present when the cell carried its hash (d1 bit 16)
    std::uint16_t stored_depth = 0;
};

Result<Header> ReadHeader(Reader& in) {
    Header h;
    auto magic = in.Read(4, "magic");
    if (!magic) return magic.error();
    auto first = in.Read(1, "flags");
    if (!first) return first.error();
    if (*magic == kMagicGeneric) {
        h.has_index = (*first & 0x80U) != 0;
        h.has_crc = (*first & 0x40U) != 0;
        h.has_cache_bits = (*first & 0x20U) != 0;
        if ((*first & 0x18U) != 0) return BocError("reserved flags set");
        h.size_bytes = *first & 0x07U;
    } else if (*magic == kMagicIndexed || *magic == kMagicIndexedCrc) {
        h.legacy = true;
        h.has_index = true;
        h.has_crc = *magic == kMagicIndexedCrc;
        h.size_bytes = *first;
    } else {
        return BocError("unknown magic");
    }
    if (h.size_bytes < 1 || h.size_bytes > 4) return BocError("cell index width must be 1 to 4 bytes");
    if (h.has_cache_bits && !h.has_index) return BocError("cache bits without an index");
    auto off = in.Read(1, "offset width");
    if (!off) return off.error();
    if (*off < 1 || *off > 8) return BocError("offset width must be 1 to 8 bytes");
    h.off_bytes = *off;
    auto cells = in.Read(h.size_bytes, "cell count");
    auto roots = cells ? in.Read(h.size_bytes, "root count") : cells;
    auto absent = roots ? in.Read(h.size_bytes, "absent count") : roots;
    auto cells_size = absent ? in.Read(h.off_bytes, "data size") : absent;
    if (!cells_size) return cells_size.error();
    h.cells = *cells;
    h.roots = *roots;
    h.cells_size = *cells_size;
    if (h.cells == 0) return BocError("no cells");
    if (h.roots == 0 || h.roots > h.cells) return BocError("root count must be 1 to the cell count");
    if (h.legacy && h.roots != 1) return BocError("a legacy BOC has one root");
    if (*absent != 0) return BocError("absent cells are not supported");
    // Every cell takes at least 2 bytes: refuse absurd counts before allocating anything for them.
    if (h.cells > in.remaining() / 2 || h.cells_size > in.remaining() || h.cells_size < 2 * h.cells) {
        return BocError("cell count or data size does not fit the input");
    }
    return h;
}

Result<std::size_t> ReadCellIndex(Reader& in, const Header& h, std::size_t min, const char* what) {
    auto index = in.Read(h.size_bytes, what);
    if (!index) return index.error();
    if (*index >= h.cells) return BocError(std::string(what) + " out of range");
    if (*index < min) return BocError(std::string(what) + " points backwards (cycle or wrong order)");
    return *index;
}

/// Bit length of padded data: drop the trailing zeros and the completion tag.
Result<std::size_t> PaddedBitLength(ByteView data) {
    if (data.empty() || data.back() == 0) return BocError("cell data without a completion tag");
    std::size_t bits = data.size() * 8;
    std::uint8_t last = data.back();
    while ((last & 1U) == 0) {
        last = static_cast<std::uint8_t>(last >> 1);
        --bits;
    }
    return bits - 1;
}

Result<RawCell> ReadCell(Reader& in, const Header& h, std::size_t self) {
    auto d1 = in.Read(1, "cell descriptor");
    auto d2 = d1 ? in.Read(1, "cell descriptor") : d1;
    if (!d2) return d2.error();
    if ((*d1 & 0x08U) != 0) return Error{"ton.exotic_cell", "exotic cells are not supported"};
    if ((*d1 >> 5) != 0) return BocError("an ordinary cell has level 0");
    RawCell cell;
    cell.ref_count = *d1 & 0x07U;
    if (cell.ref_count > Cell::kMaxRefs) return BocError("more than 4 refs (or an absent cell)");
    if ((*d1 & 0x10U) != 0) {
        auto hash = in.Take(32, "stored hash");
        if (!hash) return hash.error();
        auto depth = in.Read(2, "stored depth");
        if (!depth) return depth.error();
        cell.stored_hash = *hash;
        cell.stored_depth = static_cast<std::uint16_t>(*depth);
    }
    auto data = in.Take((*d2 + 1) / 2, "cell data");
    if (!data) return data.error();
    cell.data = *data;
    if (*d2 % 2 == 0) {
        cell.bit_size = data->size() * 8;
    } else {
        auto bits = PaddedBitLength(*data);
        if (!bits) return bits.error();
        cell.bit_size = *bits;
    }
    if (cell.bit_size > Cell::kMaxBits) return BocError("more than 1023 bits");
    if (cell.bit_size % 8 == 0 && *d2 % 2 != 0) return BocError("completion tag on whole bytes");
    for (std::size_t r = 0; r < cell.ref_count; ++r) {
        auto ref = ReadCellIndex(in, h, self + 1, "cell ref");
        if (!ref) return ref.error();
        cell.refs[r] = *ref;
    }
    return cell;
}

/// Reads the cells, checking each end offset against the index when there is one.
Result<std::vector<RawCell>> ReadCells(ByteView data, ByteView index, const Header& h) {
    Reader in(data);
    Reader idx(index);
    std::vector<RawCell> cells;
    cells.reserve(h.cells);
    for (std::size_t i = 0; i < h.cells; ++i) {
        auto cell = ReadCell(in, h, i);
        if (!cell) return cell.error();
        cells.push_back(*cell);
        if (!h.has_index) continue;
        auto end = idx.Read(h.off_bytes, "index");
        if (!end) return end.error();
        const std::uint64_t offset = h.has_cache_bits ? *end >> 1 : *end;
        if (offset != in.position()) return BocError("index does not match the cells");
    }
    if (in.remaining() != 0) return BocError("cell data size does not match the cells");
    return cells;
}

/// Creates the cells last to first: refs point forward, so every child exists before its parent.
Result<std::vector<CellPtr>> BuildCells(const std::vector<RawCell>& raw) {
    std::vector<CellPtr> built(raw.size());
    for (std::size_t i = raw.size(); i > 0; --i) {
        const RawCell& r = raw[i - 1];
        std::vector<CellPtr> refs;
        for (std::size_t k = 0; k < r.ref_count; ++k) refs.push_back(built[r.refs[k]]);
        auto cell = Cell::Create(r.data, r.bit_size, std::move(refs));
        if (!cell) return cell.error();
        if (!r.stored_hash.empty() &&
            (!std::equal(r.stored_hash.begin(), r.stored_hash.end(), (*cell)->hash().begin()) ||
             r.stored_depth != (*cell)->depth())) {
            return BocError("stored hash or depth does not match the cell");
        }
        built[i - 1] = *cell;
    }
    return built;
}

Result<void> CheckCrc(ByteView bytes, const Header& h) {
    if (!h.has_crc) return Ok();
    if (bytes.size() < 4) return BocError("truncated at CRC32C");
    const ByteView body = bytes.first(bytes.size() - 4);
    const ByteView tail = bytes.last(4);
    const std::uint32_t stored =
        static_cast<std::uint32_t>(tail[0]) | static_cast<std::uint32_t>(tail[1]) << 8 |
        static_cast<std::uint32_t>(tail[2]) << 16 | static_cast<std::uint32_t>(tail[3]) << 24;
    if (Crc32c(body) != stored) return BocError("CRC32C mismatch");
    return Ok();
}

}  // namespace

Bytes SerializeBoc(const CellPtr& root, BocOptions options) {
    return SerializeBoc(std::vector<CellPtr>{root}, options);
}

Bytes SerializeBoc(const std::vector<CellPtr>& roots, BocOptions options) {
    if (roots.empty() || std::find(roots.begin(), roots.end(), nullptr) != roots.end()) {
        throw std::invalid_argument("SerializeBoc needs at least one root and no null root");
    }
    const Ordering ordering(roots);
    const auto& cells = ordering.cells();
    const std::size_t size_bytes = WidthOf(std::max(cells.size(), roots.size()));
    std::vector<std::uint64_t> ends;
    std::uint64_t total = 0;
    for (const auto& c : cells) {
        total += 2 + c->data().size() + c->refs().size() * size_bytes;
        ends.push_back(total);
    }
    const std::size_t off_bytes = WidthOf(total);

    Bytes out;
    PutBigEndian(out, kMagicGeneric, 4);
    out.push_back(static_cast<std::uint8_t>((options.with_index ? 0x80U : 0U) |
                                            (options.with_crc32c ? 0x40U : 0U) | size_bytes));
    out.push_back(static_cast<std::uint8_t>(off_bytes));
    PutBigEndian(out, cells.size(), size_bytes);
    PutBigEndian(out, roots.size(), size_bytes);
    PutBigEndian(out, 0, size_bytes);
    PutBigEndian(out, total, off_bytes);
    for (const auto& root : roots) PutBigEndian(out, ordering.IndexOf(root), size_bytes);
    if (options.with_index) {
        for (const auto end : ends) PutBigEndian(out, end, off_bytes);
    }
    for (const auto& c : cells) {
        out.push_back(c->d1());
        out.push_back(c->d2());
        const Bytes padded = c->PaddedData();
        out.insert(out.end(), padded.begin(), padded.end());
        for (const auto& ref : c->refs()) PutBigEndian(out, ordering.IndexOf(ref), size_bytes);
    }
    if (options.with_crc32c) {
        const std::uint32_t crc = Crc32c(out);
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>((crc >> (8 * i)) & 0xFFU));
    }
    return out;
}

Result<std::vector<CellPtr>> ParseBoc(ByteView bytes) {
    Reader in(bytes);
    auto header = ReadHeader(in);
    if (!header) return header.error();
    const Header& h = *header;
    if (auto crc = CheckCrc(bytes, h); !crc) return crc.error();
    std::vector<std::size_t> root_indexes;
    if (h.legacy) root_indexes.push_back(0);
    for (std::size_t i = 0; !h.legacy && i < h.roots; ++i) {
        auto root = ReadCellIndex(in, h, 0, "root index");
        if (!root) return root.error();
        root_indexes.push_back(*root);
    }
    ByteView index;
    if (h.has_index) {
        auto taken = in.Take(h.cells * h.off_bytes, "index");
        if (!taken) return taken.error();
        index = *taken;
    }
    auto data = in.Take(h.cells_size, "cell data");
    if (!data) return data.error();
    if (in.remaining() != (h.has_crc ? 4U : 0U)) return BocError("bytes left over after the cells");
    auto raw = ReadCells(*data, index, h);
    if (!raw) return raw.error();
    auto built = BuildCells(*raw);
    if (!built) return built.error();
    std::vector<CellPtr> roots;
    for (const auto i : root_indexes) roots.push_back((*built)[i]);
    return roots;
}

Result<CellPtr> ParseBocRoot(ByteView bytes) {
    auto roots = ParseBoc(bytes);
    if (!roots) return roots.error();
    if (roots->size() != 1) return BocError("expected exactly one root");
    return roots->front();
}

Result<std::vector<CellPtr>> ParseBocText(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return BocError("empty text");
    text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
    auto bytes = FromHex(text);
    if (!bytes) bytes = FromBase64(text);
    if (!bytes) return BocError("neither hex nor base64");
    return ParseBoc(*bytes);
}

}  // namespace onton::ton
