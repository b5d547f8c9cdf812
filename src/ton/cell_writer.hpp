#pragma once
/// CellWriter: a Builder that keeps the first error and reports it from Build(), so that message layouts read
/// as one chain of stores instead of an error check per field. Internal to the ton library.

#include <optional>
#include <utility>

#include "ton/cell.hpp"

namespace onton::ton {

class CellWriter {
   public:
    CellWriter& Bit(bool bit) { return Keep(builder_.StoreBit(bit)); }
    CellWriter& Uint(std::uint64_t value, std::size_t bits) { return Keep(builder_.StoreUint(value, bits)); }
    CellWriter& Int(std::int64_t value, std::size_t bits) { return Keep(builder_.StoreInt(value, bits)); }
    CellWriter& Bytes(ByteView bytes) { return Keep(builder_.StoreBytes(bytes)); }
    CellWriter& Ref(CellPtr cell) { return Keep(builder_.StoreRef(std::move(cell))); }
    CellWriter& MaybeRef(const CellPtr& cell) { return Keep(builder_.StoreMaybeRef(cell)); }
    CellWriter& Coins(std::uint64_t nanotons) { return Keep(builder_.StoreCoins(nanotons)); }
    CellWriter& Addr(const Address& address) { return Keep(builder_.StoreAddress(address)); }
    CellWriter& AddrNone() { return Keep(builder_.StoreAddressNone()); }
    /// `addr_none` for nullopt, else the address.
    CellWriter& MaybeAddr(const std::optional<Address>& address) {
        return address ? Addr(*address) : AddrNone();
    }
    /// The bits and refs of `cell`, inline (@ton/core `storeBuilder(cell.asBuilder())`).
    CellWriter& Inline(const CellPtr& cell) {
        if (!cell) return Fail(Error{"ton.invalid_cell", "a cell to inline is null"});
        return Keep(builder_.StoreSlice(Slice(cell)));
    }
    CellWriter& Fail(Error error) {
        if (!error_) error_ = std::move(error);
        return *this;
    }

    [[nodiscard]] std::size_t available_bits() const { return builder_.available_bits(); }
    [[nodiscard]] std::size_t ref_count() const { return builder_.ref_count(); }
    [[nodiscard]] bool ok() const { return !error_.has_value(); }

    [[nodiscard]] Result<CellPtr> Build() const {
        if (error_) return *error_;
        return builder_.Build();
    }

   private:
    CellWriter& Keep(Result<void> result) {
        if (!result && !error_) error_ = result.error();
        return *this;
    }

    Builder builder_;
    std::optional<Error> error_;
};

}  // namespace onton::ton
