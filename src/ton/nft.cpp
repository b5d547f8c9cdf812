#include "ton/nft.hpp"

#include <algorithm>
#include <stdexcept>

#include "ton/boc.hpp"
#include "ton/cell_writer.hpp"
#include "ton/codec.hpp"

namespace onton::ton {

namespace generated {
extern const std::string_view kNftCollectionCodeBoc;
extern const std::string_view kNftItemCodeBoc;
extern const std::string_view kNftSbtItemCodeBoc;
}  // namespace generated

namespace {

CellPtr LoadNftCode(std::string_view boc_base64) {
    auto root = ParseBocText(boc_base64);
    if (!root || root->size() != 1) throw std::logic_error("embedded NFT code does not parse");
    return root->front();
}

Error InvalidStack(const std::string& why) {
    return Error{"ton.invalid_stack", "invalid get-method stack: " + why};
}
Error InvalidDict(const std::string& why) { return Error{"ton.invalid_dict", "invalid dictionary: " + why}; }

// storeStringTail: as many whole bytes as fit, the rest in a ref written the same way from an empty cell.
Result<void> WriteSnake(CellWriter& w, ByteView bytes) {
    const std::size_t fit = w.available_bits() / 8;
    if (bytes.size() <= fit) {
        w.Bytes(bytes);
        return Ok();
    }
    CellWriter tail;
    if (auto ok = WriteSnake(tail, bytes.subspan(fit)); !ok) return ok;
    auto tail_cell = tail.Build();
    if (!tail_cell) return tail_cell.error();
    w.Bytes(bytes.first(fit)).Ref(*tail_cell);
    return Ok();
}

Result<CellPtr> Snake(std::uint8_t prefix, bool with_prefix, std::string_view text) {
    // The recursion goes one level per 127 bytes: bound it well below the cell depth limit.
    if (text.size() > 64 * 1024) return Error{"ton.invalid_content", "content text above 64 KiB"};
    CellWriter w;
    if (with_prefix) w.Uint(prefix, 8);
    const Bytes bytes = ToBytes(text);
    if (auto ok = WriteSnake(w, bytes); !ok) return ok.error();
    return w.Build();
}

// --- dictionary ------------------------------------------------------------------------------------------

struct DictKey {
    std::uint64_t key;
    const CellPtr* value;
};

bool KeyBit(std::uint64_t key, std::size_t key_bits, std::size_t pos) {
    return ((key >> (key_bits - 1 - pos)) & 1U) != 0;
}

std::size_t LenBits(std::size_t n) {  // ceil(log2(n + 1))
    std::size_t bits = 0;
    while ((std::size_t{1} << bits) < n + 1) ++bits;
    return bits;
}

void WriteLabel(CellWriter& w,
                std::uint64_t key,
                std::size_t key_bits,
                std::size_t from,
                std::size_t len,
                std::size_t n) {
    const std::size_t short_len = 2 + 2 * len;
    const std::size_t long_len = 2 + LenBits(n) + len;
    bool same = true;
    for (std::size_t i = 1; i < len; ++i)
        same = same && KeyBit(key, key_bits, from + i) == KeyBit(key, key_bits, from);
    const std::size_t same_len = 3 + LenBits(n);
    enum { kShort, kLong, kSame } kind = kShort;
    std::size_t best = short_len;
    if (long_len < best) {
        best = long_len;
        kind = kLong;
    }
    if (same && same_len < best) kind = kSame;
    auto label_bits = [&] {
        for (std::size_t i = 0; i < len; ++i) w.Bit(KeyBit(key, key_bits, from + i));
    };
    switch (kind) {
        case kShort:
            w.Bit(false);
            for (std::size_t i = 0; i < len; ++i) w.Bit(true);
            w.Bit(false);
            label_bits();
            break;
        case kLong:
            w.Bit(true).Bit(false).Uint(len, LenBits(n));
            label_bits();
            break;
        case kSame:
            w.Bit(true).Bit(true).Bit(len > 0 && KeyBit(key, key_bits, from)).Uint(len, LenBits(n));
            break;
    }
}

// One edge over `keys` (sorted, all equal on the first `from` bits), `n` key bits left.
Result<CellPtr> WriteEdge(const std::vector<DictKey>& keys,
                          std::size_t key_bits,
                          std::size_t from,
                          std::size_t n) {
    // Common prefix of the remaining bits: the first and last keys are the extremes of the sorted range.
    std::size_t label = 0;
    if (keys.size() == 1) {
        label = n;
    } else {
        while (label < n && KeyBit(keys.front().key, key_bits, from + label) ==
                                KeyBit(keys.back().key, key_bits, from + label)) {
            ++label;
        }
    }
    CellWriter w;
    WriteLabel(w, keys.front().key, key_bits, from, label, n);
    if (keys.size() == 1) {
        w.Inline(*keys.front().value);
        return w.Build();
    }
    const std::size_t split_pos = from + label;
    const auto right_begin = std::find_if(
        keys.begin(), keys.end(), [&](const DictKey& k) { return KeyBit(k.key, key_bits, split_pos); });
    const std::vector<DictKey> left(keys.begin(), right_begin);
    const std::vector<DictKey> right(right_begin, keys.end());
    auto left_cell = WriteEdge(left, key_bits, split_pos + 1, n - label - 1);
    if (!left_cell) return left_cell.error();
    auto right_cell = WriteEdge(right, key_bits, split_pos + 1, n - label - 1);
    if (!right_cell) return right_cell.error();
    w.Ref(*left_cell).Ref(*right_cell);
    return w.Build();
}

// --- stack -----------------------------------------------------------------------------------------------

Result<StackEntry> ParseNum(const std::string& text) {
    std::string_view t = text;
    StackEntry e;
    e.kind = StackEntry::Kind::kNum;
    if (!t.empty() && t.front() == '-') {
        e.negative = true;
        t.remove_prefix(1);
    }
    if (t.empty() || t.size() > 80) return InvalidStack("bad number");
    Bytes magnitude;  // big-endian, grown by multiply-add in the given base
    auto mul_add = [&](unsigned base, unsigned digit) {
        unsigned carry = digit;
        for (auto it = magnitude.rbegin(); it != magnitude.rend(); ++it) {
            const unsigned v = static_cast<unsigned>(*it) * base + carry;
            *it = static_cast<std::uint8_t>(v & 0xffU);
            carry = v >> 8;
        }
        while (carry != 0) {
            magnitude.insert(magnitude.begin(), static_cast<std::uint8_t>(carry & 0xffU));
            carry >>= 8;
        }
    };
    unsigned base = 10;
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
        base = 16;
        t.remove_prefix(2);
    }
    for (const char c : t) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            digit = static_cast<unsigned>(c - 'a' + 10);
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            digit = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return InvalidStack("bad number");
        }
        mul_add(base, digit);
    }
    if (magnitude.empty()) e.negative = false;
    e.num = std::move(magnitude);
    return e;
}

Result<StackEntry> ParseCellText(const nlohmann::json& value) {
    const nlohmann::json* text = &value;
    if (value.is_object()) {
        if (!value.contains("bytes")) return InvalidStack("cell without bytes");
        text = &value.at("bytes");
    }
    if (!text->is_string()) return InvalidStack("cell bytes are not a string");
    auto bytes = FromBase64(text->get_ref<const std::string&>());
    if (!bytes) return InvalidStack("cell bytes are not base64");
    auto root = ParseBocRoot(*bytes);
    if (!root) return InvalidStack("cell is not a one-root BOC: " + root.error().message);
    StackEntry e;
    e.kind = StackEntry::Kind::kCell;
    e.cell = *root;
    return e;
}

Result<StackEntry> ParseEntry(const std::string& type, const nlohmann::json* value) {
    if (type == "null") {
        return StackEntry{};
    }
    if (value == nullptr) return InvalidStack("entry without a value");
    if (type == "num" || type == "int") {
        if (!value->is_string()) return InvalidStack("number is not a string");
        return ParseNum(value->get_ref<const std::string&>());
    }
    if (type == "cell" || type == "slice" || type == "builder" || type == "tvm.Cell" || type == "tvm.Slice") {
        return ParseCellText(*value);
    }
    return InvalidStack("unsupported entry type " + type.substr(0, 32));
}

Result<std::uint64_t> AsUint64(const StackEntry& e) {
    if (e.kind != StackEntry::Kind::kNum || e.negative || e.num.size() > 8)
        return InvalidStack("expected a u64");
    std::uint64_t v = 0;
    for (const auto b : e.num) v = (v << 8) | b;
    return v;
}

Result<std::optional<Address>> AsAddress(const StackEntry& e) {
    if (e.kind == StackEntry::Kind::kNull) return std::optional<Address>{};
    if (e.kind != StackEntry::Kind::kCell) return InvalidStack("expected an address slice");
    Slice s(e.cell);
    auto a = s.LoadAddress();
    if (!a) return InvalidStack("expected an address slice: " + a.error().message);
    return *a;
}

}  // namespace

const CellPtr& NftCode(NftContract contract) {
    static const CellPtr kCollection = LoadNftCode(generated::kNftCollectionCodeBoc);
    static const CellPtr kItem = LoadNftCode(generated::kNftItemCodeBoc);
    static const CellPtr kSbtItem = LoadNftCode(generated::kNftSbtItemCodeBoc);
    switch (contract) {
        case NftContract::kCollection:
            return kCollection;
        case NftContract::kItem:
            return kItem;
        case NftContract::kSbtItem:
            break;
    }
    return kSbtItem;
}

Result<Address> ParseAddressEntry(const StackEntry& entry) {
    auto address = AsAddress(entry);
    if (!address) return address.error();
    if (!*address) return InvalidStack("expected an address, got addr_none");
    return **address;
}

Result<CellPtr> SnakeText(std::string_view text) { return Snake(0, false, text); }

Result<CellPtr> OffchainContent(std::string_view uri) { return Snake(0x01, true, uri); }

Result<std::string> ParseOffchainContent(const CellPtr& content) {
    const Error invalid{"ton.invalid_content", "not TEP-64 off-chain content"};
    if (!content) return invalid;
    std::string out;
    CellPtr cell = content;
    bool first = true;
    for (std::size_t depth = 0; cell; ++depth) {
        if (depth > Cell::kMaxDepth || cell->bit_size() % 8 != 0 || cell->refs().size() > 1) return invalid;
        Slice s(cell);
        auto bytes = s.LoadBytes(cell->bit_size() / 8);
        if (!bytes) return invalid;
        std::size_t skip = 0;
        if (first) {
            if (bytes->empty() || (*bytes)[0] != 0x01) return invalid;
            skip = 1;
            first = false;
        }
        out.append(bytes->begin() + static_cast<std::ptrdiff_t>(skip), bytes->end());
        cell = cell->refs().empty() ? nullptr : cell->refs()[0];
    }
    return out;
}

Result<CellPtr> NftCollectionData(const NftCollectionConfig& config) {
    if (!config.item_code) return Error{"ton.invalid_collection", "the item code is missing"};
    auto collection_content = OffchainContent(config.collection_content_url);
    if (!collection_content) return collection_content.error();
    auto common_content = SnakeText(config.common_content_prefix);
    if (!common_content) return common_content.error();
    CellWriter content;
    content.Ref(*collection_content).Ref(*common_content);
    auto content_cell = content.Build();
    if (!content_cell) return content_cell.error();
    CellWriter royalty;
    royalty.Uint(config.royalty.numerator, 16)
        .Uint(config.royalty.denominator, 16)
        .Addr(config.royalty.destination);
    auto royalty_cell = royalty.Build();
    if (!royalty_cell) return royalty_cell.error();
    CellWriter w;
    w.Addr(config.owner)
        .Uint(config.next_item_index, 64)
        .Ref(*content_cell)
        .Ref(config.item_code)
        .Ref(*royalty_cell);
    return w.Build();
}

Result<StateInit> NftCollectionStateInit(const CellPtr& collection_code, const NftCollectionConfig& config) {
    if (!collection_code) return Error{"ton.invalid_collection", "the collection code is missing"};
    auto data = NftCollectionData(config);
    if (!data) return data.error();
    return StateInit{collection_code, *data};
}

Result<Address> NftCollectionAddress(const CellPtr& collection_code,
                                     const NftCollectionConfig& config,
                                     std::int8_t workchain) {
    auto init = NftCollectionStateInit(collection_code, config);
    if (!init) return init.error();
    auto cell = BuildStateInit(*init);
    if (!cell) return cell.error();
    return ContractAddress(workchain, *cell);
}

Result<InternalMessage> NftCollectionDeployMessage(const CellPtr& collection_code,
                                                   const NftCollectionConfig& config,
                                                   Nanotons value,
                                                   std::int8_t workchain) {
    auto init = NftCollectionStateInit(collection_code, config);
    if (!init) return init.error();
    auto address = NftCollectionAddress(collection_code, config, workchain);
    if (!address) return address.error();
    InternalMessage message;
    message.destination = *address;
    message.value = value;
    message.bounce = false;
    message.init = *init;
    message.body = Cell::Empty();
    return message;
}

Result<CellPtr> NftItemInitContent(const NftMintItem& item) {
    auto content = SnakeText(item.content);
    if (!content) return content.error();
    CellWriter w;
    w.Addr(item.owner).Ref(*content);
    if (item.authority) w.Addr(*item.authority);
    return w.Build();
}

Result<CellPtr> NftMintBody(std::uint64_t query_id, const NftMintItem& item) {
    auto init_content = NftItemInitContent(item);
    if (!init_content) return init_content.error();
    CellWriter w;
    w.Uint(nft_op::kMint, 32)
        .Uint(query_id, 64)
        .Uint(item.index, 64)
        .Coins(item.amount.value)
        .Ref(*init_content);
    return w.Build();
}

Result<CellPtr> NftBatchMintBody(std::uint64_t query_id, const std::vector<NftMintItem>& items) {
    if (items.empty() || items.size() > kMaxBatchMint) {
        return Error{"ton.invalid_batch", "a batch mint has 1 to 249 items"};
    }
    std::map<std::uint64_t, CellPtr> values;
    for (const auto& item : items) {
        auto init_content = NftItemInitContent(item);
        if (!init_content) return init_content.error();
        CellWriter v;
        v.Coins(item.amount.value).Ref(*init_content);
        auto cell = v.Build();
        if (!cell) return cell.error();
        if (!values.emplace(item.index, *cell).second) {
            return Error{"ton.invalid_batch", "duplicate item index " + std::to_string(item.index)};
        }
    }
    auto dict = SerializeDict(values, 64);
    if (!dict) return dict.error();
    CellWriter w;
    w.Uint(nft_op::kBatchMint, 32).Uint(query_id, 64).Ref(*dict);
    return w.Build();
}

Result<CellPtr> SerializeDict(const std::map<std::uint64_t, CellPtr>& values, std::size_t key_bits) {
    if (values.empty()) return InvalidDict("no entries");
    if (key_bits == 0 || key_bits > 64) return InvalidDict("key width must be 1..64 bits");
    std::vector<DictKey> keys;
    keys.reserve(values.size());
    for (const auto& [key, value] : values) {
        if (key_bits < 64 && (key >> key_bits) != 0) return InvalidDict("a key does not fit its width");
        if (!value) return InvalidDict("a null value");
        keys.push_back(DictKey{key, &value});
    }
    return WriteEdge(keys, key_bits, 0, key_bits);
}

Result<Address> NftItemAddress(const CellPtr& item_code,
                               const Address& collection,
                               std::uint64_t index,
                               std::int8_t workchain) {
    CellWriter data;
    data.Uint(index, 64).Addr(collection);
    auto data_cell = data.Build();
    if (!data_cell) return data_cell.error();
    auto init = BuildStateInit(StateInit{item_code, *data_cell});
    if (!init) return init.error();
    return ContractAddress(workchain, *init);
}

Result<std::vector<StackEntry>> ParseStack(const nlohmann::json& stack) {
    if (!stack.is_array()) return InvalidStack("not an array");
    if (stack.size() > 256) return InvalidStack("too many entries");
    std::vector<StackEntry> out;
    for (const auto& item : stack) {
        Result<StackEntry> entry = InvalidStack("bad entry");
        if (item.is_array() && !item.empty() && item.size() <= 2 && item[0].is_string()) {
            entry = ParseEntry(item[0].get_ref<const std::string&>(), item.size() == 2 ? &item[1] : nullptr);
        } else if (item.is_object() && item.contains("type") && item.at("type").is_string()) {
            const auto it = item.find("value");
            entry =
                ParseEntry(item.at("type").get_ref<const std::string&>(), it == item.end() ? nullptr : &*it);
        }
        if (!entry) return entry.error();
        out.push_back(*entry);
    }
    return out;
}

Result<CollectionData> ParseCollectionData(const nlohmann::json& stack) {
    auto entries = ParseStack(stack);
    if (!entries) return entries.error();
    if (entries->size() != 3) return InvalidStack("get_collection_data returns 3 values");
    auto next = AsUint64((*entries)[0]);
    if (!next) return next.error();
    if ((*entries)[1].kind != StackEntry::Kind::kCell)
        return InvalidStack("collection content is not a cell");
    auto owner = AsAddress((*entries)[2]);
    if (!owner) return owner.error();
    return CollectionData{*next, (*entries)[1].cell, *owner};
}

Result<NftData> ParseNftData(const nlohmann::json& stack) {
    auto entries = ParseStack(stack);
    if (!entries) return entries.error();
    if (entries->size() != 5) return InvalidStack("get_nft_data returns 5 values");
    const auto& e = *entries;
    if (e[0].kind != StackEntry::Kind::kNum) return InvalidStack("init? is not a number");
    NftData data;
    data.initialized = !e[0].num.empty();  // -1 (true) or 0
    auto index = AsUint64(e[1]);
    if (!index) return index.error();
    data.index = *index;
    auto collection = AsAddress(e[2]);
    if (!collection) return collection.error();
    data.collection = *collection;
    auto owner = AsAddress(e[3]);
    if (!owner) return owner.error();
    data.owner = *owner;
    if (e[4].kind == StackEntry::Kind::kCell) {
        data.individual_content = e[4].cell;
    } else if (e[4].kind != StackEntry::Kind::kNull) {
        return InvalidStack("individual content is not a cell");
    }
    return data;
}

}  // namespace onton::ton
