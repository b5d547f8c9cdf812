// libFuzzer target: the address parser (raw and user-friendly) and the BOC text decoder on arbitrary text. An
// accepted address must print to forms that parse back to the same account and flags, and normalise to its
// raw form.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ton/address.hpp"
#include "ton/boc.hpp"

namespace {

void Check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace onton::ton;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)ParseBocText(text);
    auto parsed = ParseAddress(text);
    if (!parsed) return 0;
    const Address& a = parsed->address;
    Check(ParseRawAddress(a.ToRaw()).value() == a);
    Check(NormalizeAddress(text).value() == a.ToRaw());
    for (const bool bounceable : {false, true}) {
        for (const bool testnet : {false, true}) {
            for (const bool url_safe : {false, true}) {
                const auto again = ParseAddress(a.ToString(bounceable, testnet, url_safe));
                Check(again.ok() && again->address == a && again->bounceable == bounceable &&
                      again->testnet == testnet);
            }
        }
    }
    if (parsed->user_friendly) {
        Check(a.ToString(parsed->bounceable, parsed->testnet, parsed->url_safe) == text);
    }
    return 0;
}
