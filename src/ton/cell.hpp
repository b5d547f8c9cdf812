#pragma once
/// Ordinary TON cells: up to 1023 data bits and 4 references, immutable and shared (`CellPtr`), with the
/// representation hash and depth computed once at creation exactly as the TVM does (d1, d2, padded data,
/// child depths, child hashes). `Builder` writes cells and `Slice` reads them; both check every bound and
/// report a violation as an error, never as undefined behaviour. Exotic cells (pruned branches, libraries,
/// Merkle proofs) are not representable here: the BOC parser refuses them with `ton.exotic_cell`.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "ton/address.hpp"
#include "ton/codec.hpp"

namespace onton::ton {

class Cell;
using CellPtr = std::shared_ptr<const Cell>;
using CellHash = std::array<std::uint8_t, 32>;

class Cell {
    struct Token {};

   public:
    static constexpr std::size_t kMaxBits = 1023;
    static constexpr std::size_t kMaxRefs = 4;
    static constexpr std::size_t kMaxDepth = 1024;  ///< the TVM's limit; deeper trees are refused

    /// Creates a cell from `bit_size` bits of `data` (most significant bit first; bits after `bit_size` are
    /// ignored) and its references. Errors: `ton.cell_overflow` (too many bits or refs, or `data` too short),
    /// `ton.invalid_cell` (a null reference), `ton.depth_exceeded`.
    static Result<CellPtr> Create(ByteView data, std::size_t bit_size, std::vector<CellPtr> refs);

    Cell(Token, Bytes data, std::size_t bit_size, std::vector<CellPtr> refs);

    [[nodiscard]] std::size_t bit_size() const { return bit_size_; }
    /// ceil(bit_size / 8) bytes; the bits after bit_size are zero.
    [[nodiscard]] const Bytes& data() const { return data_; }
    /// Bit `index` (< bit_size), most significant first.
    [[nodiscard]] bool Bit(std::size_t index) const;
    [[nodiscard]] const std::vector<CellPtr>& refs() const { return refs_; }
    /// Representation hash (SHA-256), computed at creation.
    [[nodiscard]] const CellHash& hash() const { return hash_; }
    /// 0 without refs, else 1 + the largest child depth.
    [[nodiscard]] std::uint16_t depth() const { return depth_; }
    /// Refs descriptor: refs count (ordinary cell, level 0).
    [[nodiscard]] std::uint8_t d1() const { return static_cast<std::uint8_t>(refs_.size()); }
    /// Bits descriptor: ceil(bits / 8) + floor(bits / 8).
    [[nodiscard]] std::uint8_t d2() const;
    /// The data with the completion tag: when bit_size % 8 != 0, one 1 bit and zeros up to the byte boundary.
    [[nodiscard]] Bytes PaddedData() const;
    /// The bits as Fift and @ton/core print them: upper-case hex, `_` marking a completion tag
    /// (`01D6F3456_`).
    [[nodiscard]] std::string BitsHex() const;

    /// The cell with no bits and no refs.
    static const CellPtr& Empty();

   private:
    Bytes data_;
    std::size_t bit_size_;
    std::vector<CellPtr> refs_;
    CellHash hash_{};
    std::uint16_t depth_ = 0;
};

/// A read cursor over a cell's bits and refs; keeps the cell alive. Every Load* either consumes exactly what
/// it returns or, on error (`ton.cell_underflow`, `ton.value_out_of_range`, `ton.unsupported_address`),
/// consumes nothing.
class Slice {
   public:
    /// Reads `cell` from its start; a null cell reads as the empty cell.
    explicit Slice(CellPtr cell);

    [[nodiscard]] std::size_t remaining_bits() const { return bit_end_ - bit_pos_; }
    [[nodiscard]] std::size_t remaining_refs() const { return cell_->refs().size() - ref_pos_; }
    [[nodiscard]] bool empty() const { return remaining_bits() == 0 && remaining_refs() == 0; }

    Result<bool> LoadBit();
    /// An unsigned integer of `bits` (0..64) bits.
    Result<std::uint64_t> LoadUint(std::size_t bits);
    /// A two's-complement signed integer of `bits` (1..64) bits.
    Result<std::int64_t> LoadInt(std::size_t bits);
    /// An unsigned integer of `bits` (0..256) bits as ceil(bits/8) big-endian bytes.
    Result<Bytes> LoadBigUint(std::size_t bits);
    /// A signed integer of `bits` (1..257) bits as ceil(bits/8) big-endian two's-complement bytes.
    Result<Bytes> LoadBigInt(std::size_t bits);
    /// `bits` raw bits packed most significant first; the unused low bits of the last byte are zero.
    Result<Bytes> LoadBits(std::size_t bits);
    /// `count` whole bytes (from any bit position).
    Result<Bytes> LoadBytes(std::size_t count);
    Result<void> SkipBits(std::size_t bits);
    Result<CellPtr> LoadRef();
    /// `Maybe ^Cell`: a bit, then a ref when it is 1; nullptr when it is 0.
    Result<CellPtr> LoadMaybeRef();
    /// `Coins` (VarUInteger 16): 4-bit byte length, then the value; values above 2^64-1 give
    /// `ton.value_out_of_range`.
    Result<std::uint64_t> LoadCoins();
    /// `Coins` of any size (up to 2^120-1, e.g. jetton amounts) as minimal big-endian bytes (empty for zero).
    Result<Bytes> LoadCoinsBytes();
    /// `MsgAddressInt` std without anycast, or `addr_none` (nullopt). Anycast, `addr_var` and `addr_extern`
    /// give `ton.unsupported_address`.
    Result<std::optional<Address>> LoadAddress();
    /// The unread part as a new cell (remaining bits and refs).
    Result<CellPtr> ToCell() const;

    [[nodiscard]] const CellPtr& cell() const { return cell_; }
    [[nodiscard]] std::size_t bit_position() const { return bit_pos_; }
    [[nodiscard]] std::size_t ref_position() const { return ref_pos_; }

   private:
    [[nodiscard]] Result<void> Need(std::size_t bits) const;
    [[nodiscard]] bool PeekBit(std::size_t offset) const { return cell_->Bit(bit_pos_ + offset); }

    CellPtr cell_;
    std::size_t bit_pos_ = 0;
    std::size_t bit_end_ = 0;
    std::size_t ref_pos_ = 0;
};

/// Writes one cell. Every Store* either appends all it was given or, on error (`ton.cell_overflow`,
/// `ton.value_out_of_range`, `ton.invalid_cell`), appends nothing, so a builder is always in a valid state.
class Builder {
   public:
    [[nodiscard]] std::size_t bit_size() const { return bit_size_; }
    [[nodiscard]] std::size_t ref_count() const { return refs_.size(); }
    [[nodiscard]] std::size_t available_bits() const { return Cell::kMaxBits - bit_size_; }
    [[nodiscard]] std::size_t available_refs() const { return Cell::kMaxRefs - refs_.size(); }

    Result<void> StoreBit(bool bit);
    /// `value` as an unsigned integer of `bits` (0..64) bits; it must fit.
    Result<void> StoreUint(std::uint64_t value, std::size_t bits);
    /// `value` as a two's-complement integer of `bits` (1..64) bits; it must fit.
    Result<void> StoreInt(std::int64_t value, std::size_t bits);
    /// A big-endian unsigned integer (any number of bytes, leading zeros allowed) in `bits` (0..256) bits.
    Result<void> StoreBigUint(ByteView big_endian, std::size_t bits);
    /// A big-endian two's-complement integer (sign taken from the first byte) in `bits` (1..257) bits.
    Result<void> StoreBigInt(ByteView big_endian, std::size_t bits);
    /// `bits` bits of `data`, most significant first.
    Result<void> StoreBits(ByteView data, std::size_t bits);
    Result<void> StoreBytes(ByteView bytes);
    Result<void> StoreRef(CellPtr cell);
    /// `Maybe ^Cell`: 0, or 1 and the ref.
    Result<void> StoreMaybeRef(const CellPtr& cell);
    /// `Coins` (VarUInteger 16) in the shortest form: 4-bit byte length, then the bytes.
    Result<void> StoreCoins(std::uint64_t nanotons);
    /// `Coins` from a big-endian number of any width whose value is below 2^120 (leading zeros are dropped).
    Result<void> StoreCoinsBytes(ByteView big_endian);
    /// `addr_std$10 anycast:0 workchain:int8 hash:bits256` (267 bits).
    Result<void> StoreAddress(const Address& address);
    /// `addr_none$00`.
    Result<void> StoreAddressNone();
    /// The unread bits and refs of `slice`.
    Result<void> StoreSlice(const Slice& slice);
    /// A cell of what was stored. The builder stays usable. Error: `ton.depth_exceeded`.
    [[nodiscard]] Result<CellPtr> Build() const;

   private:
    [[nodiscard]] Result<void> Room(std::size_t bits, std::size_t refs = 0) const;
    void Append(bool bit);

    std::array<std::uint8_t, 128> data_{};
    std::size_t bit_size_ = 0;
    std::vector<CellPtr> refs_;
};

}  // namespace onton::ton
