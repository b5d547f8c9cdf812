#include "ton/cell.hpp"

#include <openssl/sha.h>

#include <algorithm>

namespace onton::ton {
namespace {

Error Overflow(const std::string& what) { return Error{"ton.cell_overflow", "cell overflow: " + what}; }
Error Underflow(const std::string& what) { return Error{"ton.cell_underflow", "cell underflow: " + what}; }
Error OutOfRange(const std::string& what) {
    return Error{"ton.value_out_of_range", "value out of range: " + what};
}

std::size_t ByteLength(std::size_t bits) { return (bits + 7) / 8; }

/// Bit `k` (0 = least significant) of a big-endian number, sign-extended with `fill` beyond its bytes.
bool BigEndianBit(ByteView be, std::size_t k, bool fill) {
    if (k / 8 >= be.size()) return fill;
    return ((static_cast<unsigned>(be[be.size() - 1 - k / 8]) >> (k % 8)) & 1U) != 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Cell

Result<CellPtr> Cell::Create(ByteView data, std::size_t bit_size, std::vector<CellPtr> refs) {
    if (bit_size > kMaxBits) return Overflow("more than 1023 bits");
    if (data.size() < ByteLength(bit_size)) return Overflow("fewer data bytes than bits");
    if (refs.size() > kMaxRefs) return Overflow("more than 4 refs");
    for (const auto& ref : refs) {
        if (!ref) return Error{"ton.invalid_cell", "a cell reference is null"};
        if (ref->depth() + 1U > kMaxDepth) return Error{"ton.depth_exceeded", "cell depth above 1024"};
    }
    Bytes bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(ByteLength(bit_size)));
    if (bit_size % 8 != 0) bytes.back() &= static_cast<std::uint8_t>(0xFF00U >> (bit_size % 8));
    return std::make_shared<const Cell>(Token{}, std::move(bytes), bit_size, std::move(refs));
}

Cell::Cell(Token, Bytes data, std::size_t bit_size, std::vector<CellPtr> refs)
    : data_(std::move(data)), bit_size_(bit_size), refs_(std::move(refs)) {
    // The representation: d1 d2 padded-data, every child depth (u16 BE), then every child hash.
    std::array<std::uint8_t, 2 + 128 + kMaxRefs*(2 + 32)> repr{};
    std::size_t n = 0;
    repr[n++] = d1();
    repr[n++] = d2();
    const Bytes padded = PaddedData();
    std::copy(padded.begin(), padded.end(), repr.begin() + static_cast<std::ptrdiff_t>(n));
    n += padded.size();
    for (const auto& ref : refs_) {
        depth_ = std::max<std::uint16_t>(depth_, static_cast<std::uint16_t>(ref->depth() + 1));
        repr[n++] = static_cast<std::uint8_t>(ref->depth() >> 8);
        repr[n++] = static_cast<std::uint8_t>(ref->depth() & 0xFFU);
    }
    for (const auto& ref : refs_) {
        std::copy(ref->hash().begin(), ref->hash().end(), repr.begin() + static_cast<std::ptrdiff_t>(n));
        n += ref->hash().size();
    }
    SHA256(repr.data(), n, hash_.data());
}

bool Cell::Bit(std::size_t index) const {
    return ((static_cast<unsigned>(data_[index / 8]) >> (7 - index % 8)) & 1U) != 0;
}

std::uint8_t Cell::d2() const { return static_cast<std::uint8_t>(ByteLength(bit_size_) + bit_size_ / 8); }

Bytes Cell::PaddedData() const {
    Bytes out = data_;
    if (bit_size_ % 8 != 0) out.back() |= static_cast<std::uint8_t>(0x80U >> (bit_size_ % 8));
    return out;
}

std::string Cell::BitsHex() const {
    std::string hex = ToHex(PaddedData());
    std::transform(
        hex.begin(), hex.end(), hex.begin(), [](char c) { return c >= 'a' ? static_cast<char>(c - 32) : c; });
    const std::size_t rem = bit_size_ % 8;
    if (rem == 0) return hex;
    if (rem == 4) return hex.substr(0, hex.size() - 1);  // a whole nibble: no tag needed
    if (rem < 4) return hex.substr(0, hex.size() - 1) + "_";
    return hex + "_";
}

const CellPtr& Cell::Empty() {
    static const CellPtr kEmpty = *Create({}, 0, {});
    return kEmpty;
}

// ---------------------------------------------------------------------------------------------------------------
// Slice

Slice::Slice(CellPtr cell) : cell_(cell ? std::move(cell) : Cell::Empty()), bit_end_(cell_->bit_size()) {}

Result<void> Slice::Need(std::size_t bits) const {
    if (bits > remaining_bits()) {
        return Underflow("wanted " + std::to_string(bits) + " bits, " + std::to_string(remaining_bits()) +
                         " left");
    }
    return Ok();
}

Result<bool> Slice::LoadBit() {
    if (auto ok = Need(1); !ok) return ok.error();
    return cell_->Bit(bit_pos_++);
}

Result<std::uint64_t> Slice::LoadUint(std::size_t bits) {
    if (bits > 64) return OutOfRange("LoadUint takes at most 64 bits");
    if (auto ok = Need(bits); !ok) return ok.error();
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bits; ++i) value = (value << 1) | (PeekBit(i) ? 1U : 0U);
    bit_pos_ += bits;
    return value;
}

Result<std::int64_t> Slice::LoadInt(std::size_t bits) {
    if (bits == 0 || bits > 64) return OutOfRange("LoadInt takes 1 to 64 bits");
    auto raw = LoadUint(bits);
    if (!raw) return raw.error();
    std::uint64_t value = *raw;
    if (bits < 64 && ((value >> (bits - 1)) & 1U) != 0) value |= ~std::uint64_t{0} << bits;
    return static_cast<std::int64_t>(value);
}

Result<Bytes> Slice::LoadBigUint(std::size_t bits) {
    if (bits > 256) return OutOfRange("LoadBigUint takes at most 256 bits");
    if (auto ok = Need(bits); !ok) return ok.error();
    Bytes out(ByteLength(bits));
    for (std::size_t i = 0; i < bits; ++i) {
        const std::size_t k = bits - 1 - i;
        if (PeekBit(i)) out[out.size() - 1 - k / 8] |= static_cast<std::uint8_t>(1U << (k % 8));
    }
    bit_pos_ += bits;
    return out;
}

Result<Bytes> Slice::LoadBigInt(std::size_t bits) {
    if (bits == 0 || bits > 257) return OutOfRange("LoadBigInt takes 1 to 257 bits");
    if (auto ok = Need(bits); !ok) return ok.error();
    const bool negative = PeekBit(0);
    Bytes out(ByteLength(bits), 0);
    for (std::size_t k = 0; k < out.size() * 8; ++k) {
        const bool bit = k < bits ? PeekBit(bits - 1 - k) : negative;
        if (bit) out[out.size() - 1 - k / 8] |= static_cast<std::uint8_t>(1U << (k % 8));
    }
    bit_pos_ += bits;
    return out;
}

Result<Bytes> Slice::LoadBits(std::size_t bits) {
    if (auto ok = Need(bits); !ok) return ok.error();
    Bytes out(ByteLength(bits), 0);
    for (std::size_t i = 0; i < bits; ++i) {
        if (PeekBit(i)) out[i / 8] |= static_cast<std::uint8_t>(0x80U >> (i % 8));
    }
    bit_pos_ += bits;
    return out;
}

Result<Bytes> Slice::LoadBytes(std::size_t count) {
    if (count > Cell::kMaxBits / 8) return Underflow("more bytes than a cell holds");
    return LoadBits(count * 8);
}

Result<void> Slice::SkipBits(std::size_t bits) {
    if (auto ok = Need(bits); !ok) return ok;
    bit_pos_ += bits;
    return Ok();
}

Result<CellPtr> Slice::LoadRef() {
    if (remaining_refs() == 0) return Underflow("no refs left");
    return cell_->refs()[ref_pos_++];
}

Result<CellPtr> Slice::LoadMaybeRef() {
    Slice copy = *this;
    auto present = copy.LoadBit();
    if (!present) return present.error();
    CellPtr out;
    if (*present) {
        auto ref = copy.LoadRef();
        if (!ref) return ref.error();
        out = *ref;
    }
    *this = copy;
    return out;
}

Result<std::uint64_t> Slice::LoadCoins() {
    Slice copy = *this;
    auto length = copy.LoadUint(4);
    if (!length) return length.error();
    auto bytes = copy.LoadBytes(*length);
    if (!bytes) return bytes.error();
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes->size(); ++i) {
        if (bytes->size() - i > 8 && (*bytes)[i] != 0) return OutOfRange("coins above 2^64-1");
        value = (value << 8) | (*bytes)[i];
    }
    *this = copy;
    return value;
}

Result<Bytes> Slice::LoadCoinsBytes() {
    Slice copy = *this;
    auto length = copy.LoadUint(4);
    if (!length) return length.error();
    auto bytes = copy.LoadBytes(*length);
    if (!bytes) return bytes.error();
    *this = copy;
    const auto first = std::find_if(bytes->begin(), bytes->end(), [](std::uint8_t b) { return b != 0; });
    return Bytes(first, bytes->end());
}

Result<std::optional<Address>> Slice::LoadAddress() {
    Slice copy = *this;
    auto tag = copy.LoadUint(2);
    if (!tag) return tag.error();
    if (*tag == 0) {
        *this = copy;
        return std::optional<Address>();
    }
    if (*tag != 2) return Error{"ton.unsupported_address", "only addr_std and addr_none are supported"};
    auto anycast = copy.LoadBit();
    if (!anycast) return anycast.error();
    if (*anycast) return Error{"ton.unsupported_address", "anycast addresses are not supported"};
    auto workchain = copy.LoadInt(8);
    if (!workchain) return workchain.error();
    auto hash = copy.LoadBits(256);
    if (!hash) return hash.error();
    Address out;
    out.workchain = static_cast<std::int8_t>(*workchain);
    std::copy(hash->begin(), hash->end(), out.hash.begin());
    *this = copy;
    return std::optional<Address>(out);
}

Result<CellPtr> Slice::ToCell() const {
    Slice copy = *this;
    auto bits = copy.LoadBits(remaining_bits());
    std::vector<CellPtr> refs(cell_->refs().begin() + static_cast<std::ptrdiff_t>(ref_pos_),
                              cell_->refs().end());
    return Cell::Create(*bits, remaining_bits(), std::move(refs));
}

// ---------------------------------------------------------------------------------------------------------------
// Builder

Result<void> Builder::Room(std::size_t bits, std::size_t refs) const {
    if (bits > available_bits()) {
        return Overflow("wanted " + std::to_string(bits) + " bits, " + std::to_string(available_bits()) +
                        " left");
    }
    if (refs > available_refs()) return Overflow("more than 4 refs");
    return Ok();
}

void Builder::Append(bool bit) {
    if (bit) data_[bit_size_ / 8] |= static_cast<std::uint8_t>(0x80U >> (bit_size_ % 8));
    ++bit_size_;
}

Result<void> Builder::StoreBit(bool bit) {
    if (auto ok = Room(1); !ok) return ok;
    Append(bit);
    return Ok();
}

Result<void> Builder::StoreUint(std::uint64_t value, std::size_t bits) {
    if (bits > 64) return OutOfRange("StoreUint takes at most 64 bits");
    if (bits < 64 && (value >> bits) != 0)
        return OutOfRange(std::to_string(value) + " needs more than " + std::to_string(bits) + " bits");
    if (auto ok = Room(bits); !ok) return ok;
    for (std::size_t i = bits; i > 0; --i) Append(((value >> (i - 1)) & 1U) != 0);
    return Ok();
}

Result<void> Builder::StoreInt(std::int64_t value, std::size_t bits) {
    if (bits == 0 || bits > 64) return OutOfRange("StoreInt takes 1 to 64 bits");
    if (bits < 64) {
        const std::int64_t limit = std::int64_t{1} << (bits - 1);
        if (value < -limit || value >= limit) {
            return OutOfRange(std::to_string(value) + " needs more than " + std::to_string(bits) + " bits");
        }
    }
    if (auto ok = Room(bits); !ok) return ok;
    const auto raw = static_cast<std::uint64_t>(value);
    for (std::size_t i = bits; i > 0; --i) Append(((raw >> (i - 1)) & 1U) != 0);
    return Ok();
}

Result<void> Builder::StoreBigUint(ByteView big_endian, std::size_t bits) {
    if (bits > 256) return OutOfRange("StoreBigUint takes at most 256 bits");
    for (std::size_t k = bits; k < big_endian.size() * 8; ++k) {
        if (BigEndianBit(big_endian, k, false))
            return OutOfRange("needs more than " + std::to_string(bits) + " bits");
    }
    if (auto ok = Room(bits); !ok) return ok;
    for (std::size_t k = bits; k > 0; --k) Append(BigEndianBit(big_endian, k - 1, false));
    return Ok();
}

Result<void> Builder::StoreBigInt(ByteView big_endian, std::size_t bits) {
    if (bits == 0 || bits > 257) return OutOfRange("StoreBigInt takes 1 to 257 bits");
    const bool negative = !big_endian.empty() && (big_endian[0] & 0x80U) != 0;
    // It fits when every bit from the new sign bit up equals the sign.
    for (std::size_t k = bits - 1; k < big_endian.size() * 8; ++k) {
        if (BigEndianBit(big_endian, k, negative) != negative) {
            return OutOfRange("needs more than " + std::to_string(bits) + " bits");
        }
    }
    if (auto ok = Room(bits); !ok) return ok;
    for (std::size_t k = bits; k > 0; --k) Append(BigEndianBit(big_endian, k - 1, negative));
    return Ok();
}

Result<void> Builder::StoreBits(ByteView data, std::size_t bits) {
    if (data.size() < ByteLength(bits)) return OutOfRange("fewer data bytes than bits");
    if (auto ok = Room(bits); !ok) return ok;
    for (std::size_t i = 0; i < bits; ++i)
        Append(((static_cast<unsigned>(data[i / 8]) >> (7 - i % 8)) & 1U) != 0);
    return Ok();
}

Result<void> Builder::StoreBytes(ByteView bytes) {
    if (bytes.size() > Cell::kMaxBits / 8) return Overflow("more bytes than a cell holds");
    return StoreBits(bytes, bytes.size() * 8);
}

Result<void> Builder::StoreRef(CellPtr cell) {
    if (!cell) return Error{"ton.invalid_cell", "a cell reference is null"};
    if (auto ok = Room(0, 1); !ok) return ok;
    refs_.push_back(std::move(cell));
    return Ok();
}

Result<void> Builder::StoreMaybeRef(const CellPtr& cell) {
    if (!cell) return StoreBit(false);
    if (auto ok = Room(1, 1); !ok) return ok;
    Append(true);
    refs_.push_back(cell);
    return Ok();
}

Result<void> Builder::StoreCoins(std::uint64_t nanotons) {
    std::size_t length = 0;
    while (length < 8 && (nanotons >> (8 * length)) != 0) ++length;
    if (auto ok = Room(4 + 8 * length); !ok) return ok;
    (void)StoreUint(length, 4);
    return StoreUint(nanotons, 8 * length);
}

Result<void> Builder::StoreCoinsBytes(ByteView big_endian) {
    while (!big_endian.empty() && big_endian.front() == 0) big_endian = big_endian.subspan(1);
    if (big_endian.size() > 15) return OutOfRange("coins at or above 2^120");
    if (auto ok = Room(4 + 8 * big_endian.size()); !ok) return ok;
    (void)StoreUint(big_endian.size(), 4);
    return StoreBytes(big_endian);
}

Result<void> Builder::StoreAddress(const Address& address) {
    if (auto ok = Room(267); !ok) return ok;
    (void)StoreUint(0b100, 3);  // addr_std$10, anycast nothing$0
    (void)StoreInt(address.workchain, 8);
    return StoreBits(address.hash, 256);
}

Result<void> Builder::StoreAddressNone() { return StoreUint(0, 2); }

Result<void> Builder::StoreSlice(const Slice& slice) {
    if (auto ok = Room(slice.remaining_bits(), slice.remaining_refs()); !ok) return ok;
    for (std::size_t i = 0; i < slice.remaining_bits(); ++i)
        Append(slice.cell()->Bit(slice.bit_position() + i));
    const auto& refs = slice.cell()->refs();
    refs_.insert(refs_.end(), refs.begin() + static_cast<std::ptrdiff_t>(slice.ref_position()), refs.end());
    return Ok();
}

Result<CellPtr> Builder::Build() const { return Cell::Create(data_, bit_size_, refs_); }

}  // namespace onton::ton
