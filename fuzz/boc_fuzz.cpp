// libFuzzer target: the bag-of-cells parser on arbitrary bytes. Besides "no crash, no leak, no UB" it checks
// that whatever parses survives a round trip: serialized again (every option) it parses to the same hashes.
// Each parsed root is also read as a comment, the other parser that walks untrusted cells.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ton/boc.hpp"
#include "ton/comment.hpp"

namespace {

void Check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace onton::ton;
    const ByteView input(data, size);
    auto roots = ParseBoc(input);
    if (!roots) return 0;
    for (const bool with_index : {false, true}) {
        for (const bool with_crc : {false, true}) {
            const Bytes again = SerializeBoc(*roots, BocOptions{with_index, with_crc});
            auto reparsed = ParseBoc(again);
            Check(reparsed.ok());
            Check(reparsed->size() == roots->size());
            for (std::size_t i = 0; i < roots->size(); ++i)
                Check((*reparsed)[i]->hash() == (*roots)[i]->hash());
        }
    }
    for (const auto& root : *roots) {
        auto text = ParseComment(root);
        if (text) Check(ParseComment(*BuildComment(*text)).value() == *text);
    }
    return 0;
}
