// libFuzzer target: the ton_proof parser and verifier, the nonce checker and the get-method stack parsers on
// arbitrary text. Whatever parses is also verified (with its own domain allowed and its own timestamp as now,
// so the run reaches the state-init and signature code), and every root of a parsed state init is fed to the
// normalized-hash reader, the other walker of untrusted message cells.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "ton/boc.hpp"
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
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const Bytes kSecret = ToBytes("fuzz secret");
    (void)CheckNonce(kSecret, text, "ctx", 0);

    if (size <= kMaxTonProofJson) {
        const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
        if (!json.is_discarded()) {
            (void)ParseCollectionData(json);
            (void)ParseNftData(json);
        }
    }

    auto proof = ParseTonProof(text);
    if (!proof) {
        Check(proof.error().code == "ton_proof.invalid");
        return 0;
    }
    TonProofPolicy policy;
    policy.allowed_domains = {proof->domain};
    auto verdict = VerifyTonProof(*proof, policy, proof->timestamp);
    if (verdict) Check(verdict->address == proof->address);
    (void)VerifyTonProofWithKey(*proof, PublicKey{}, policy, proof->timestamp);
    (void)CheckNonce(kSecret, proof->payload, "ctx", proof->timestamp);
    if (proof->state_init) {
        (void)NormalizedExternalHash(proof->state_init);
        for (const auto& ref : proof->state_init->refs()) (void)NormalizedExternalHash(ref);
    }
    return 0;
}
