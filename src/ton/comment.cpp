#include "ton/comment.hpp"

namespace onton::ton {
namespace {

Error InvalidComment(const std::string& why) {
    return Error{"ton.invalid_comment", "invalid comment: " + why};
}

/// Writes `bytes` into `builder`, the overflow into a chain of refs; the chain is built from its tail.
Result<CellPtr> Snake(Builder builder, ByteView bytes) {
    const std::size_t here = std::min(bytes.size(), builder.available_bits() / 8);
    std::vector<ByteView> chunks{bytes.first(here)};
    for (ByteView rest = bytes.subspan(here); !rest.empty();) {
        const std::size_t n = std::min(rest.size(), Cell::kMaxBits / 8);
        chunks.push_back(rest.first(n));
        rest = rest.subspan(n);
    }
    CellPtr tail;
    for (std::size_t i = chunks.size(); i > 1; --i) {
        Builder b;
        (void)b.StoreBytes(chunks[i - 1]);
        if (tail) (void)b.StoreRef(tail);
        auto cell = b.Build();
        if (!cell) return cell.error();
        tail = *cell;
    }
    if (auto ok = builder.StoreBytes(chunks[0]); !ok) return ok.error();
    if (tail) {
        if (auto ok = builder.StoreRef(tail); !ok) return ok.error();
    }
    return builder.Build();
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (b0 < 0x80) {
            ++i;
            continue;
        }
        if ((b0 & 0xE0U) == 0xC0U) {
            len = 2;
            cp = b0 & 0x1FU;
        } else if ((b0 & 0xF0U) == 0xE0U) {
            len = 3;
            cp = b0 & 0x0FU;
        } else if ((b0 & 0xF8U) == 0xF0U) {
            len = 4;
            cp = b0 & 0x07U;
        } else {
            return false;
        }
        if (i + len > text.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(text[i + k]);
            if ((b & 0xC0U) != 0x80U) return false;
            cp = (cp << 6) | (b & 0x3FU);
        }
        constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

Result<CellPtr> BuildComment(std::string_view text) {
    if (text.size() > kMaxCommentBytes)
        return InvalidComment("longer than " + std::to_string(kMaxCommentBytes) + " bytes");
    if (!IsValidUtf8(text)) return InvalidComment("not UTF-8");
    Builder builder;
    (void)builder.StoreUint(0, 32);
    const Bytes bytes = ToBytes(text);
    return Snake(builder, bytes);
}

Result<std::string> ParseComment(const CellPtr& body) {
    if (!body) return Error{"ton.not_a_comment", "no body"};
    Slice slice(body);
    auto op = slice.LoadUint(32);
    if (!op || *op != 0) return Error{"ton.not_a_comment", "the body does not start with op 0"};
    std::string text;
    // The chain is at most Cell::kMaxDepth long, so a hostile body cannot make this loop long.
    while (true) {
        if (slice.remaining_bits() % 8 != 0) return InvalidComment("a cell holds a partial byte");
        if (slice.remaining_refs() > 1) return InvalidComment("a cell has more than one ref");
        auto bytes = slice.LoadBytes(slice.remaining_bits() / 8);
        text.append(bytes->begin(), bytes->end());
        if (text.size() > kMaxCommentBytes) return InvalidComment("too long");
        if (slice.remaining_refs() == 0) break;
        slice = Slice(*slice.LoadRef());
    }
    if (!IsValidUtf8(text)) return InvalidComment("not UTF-8");
    return text;
}

}  // namespace onton::ton
