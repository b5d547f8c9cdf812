// libFuzzer target: the readers of untrusted message and contract cells on arbitrary BOC bytes. Every root
// goes through NormalizedExternalHash (ext-in envelopes as toncenter returns them), ParseStateInit and
// PublicKeyFromStateInit (ton_proof's wallet state init) and ParseOffchainContent (TEP-64 content from
// get-methods), and the TEP-74 jetton readers (transfer, transfer_notification, excesses: what the payment
// watcher reads from any sender). A normalized hash must not depend on whether it is computed twice, and a
// state init that parses must rebuild to the same cell.
#include <cstdint>
#include <cstdlib>

#include "ton/boc.hpp"
#include "ton/jetton.hpp"
#include "ton/nft.hpp"
#include "ton/ton_proof.hpp"
#include "ton/wallet.hpp"

namespace {

void Check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace onton::ton;
    auto roots = ParseBoc(ByteView(data, size));
    if (!roots) return 0;
    for (const auto& root : *roots) {
        auto hash = NormalizedExternalHash(root);
        if (hash) Check(*NormalizedExternalHash(root) == *hash);
        auto init = ParseStateInit(root);
        if (init) {
            auto rebuilt = BuildStateInit(*init);
            Check(rebuilt.ok() && (*rebuilt)->hash() == root->hash());
        }
        (void)PublicKeyFromStateInit(root);
        (void)ParseOffchainContent(root);
        // A notification that parses must write back to a cell that parses to the same values.
        if (auto notification = ParseTransferNotification(root)) {
            auto rebuilt = BuildTransferNotification(*notification);
            if (rebuilt) {
                auto again = ParseTransferNotification(*rebuilt);
                Check(again.ok() && again->amount == notification->amount &&
                      again->comment == notification->comment);
            }
        }
        (void)ParseJettonTransfer(root);
        (void)ParseExcesses(root);
        (void)BodyOp(root);
    }
    return 0;
}
