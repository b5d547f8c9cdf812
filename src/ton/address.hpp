#pragma once
/// TON account addresses (TEP-2): the raw form `wc:hex` and the 48-character user-friendly form (flags,
/// workchain, hash, CRC16) in both base64 alphabets. The canonical stored and compared form is
/// `Address::ToRaw()`, lower-case `0:<64 hex>`: the friendly flags (bounceable, testnet) say how to send, not
/// who the account is.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace onton::ton {

/// An `addr_std` address without anycast: a workchain (0 basechain, -1 masterchain) and a 256-bit account id.
struct Address {
    std::int8_t workchain = 0;
    std::array<std::uint8_t, 32> hash{};

    /// Canonical form: `<wc>:<64 lower-case hex>`, e.g. `0:2cf5…22e3`, `-1:3333…33`.
    [[nodiscard]] std::string ToRaw() const;
    /// User-friendly form: 36 bytes (tag 0x11 bounceable or 0x51 non-bounceable, | 0x80 testnet; workchain;
    /// hash; CRC16 big-endian) in base64 (`url_safe`: `-` and `_`); always 48 characters.
    [[nodiscard]] std::string ToString(bool bounceable = true,
                                       bool testnet = false,
                                       bool url_safe = true) const;

    friend bool operator==(const Address&, const Address&) = default;
};

/// An address together with the flags its text form carried.
struct ParsedAddress {
    Address address;
    bool user_friendly = false;  ///< false for the raw form, which has no flags
    bool bounceable = true;      ///< raw form: true
    bool testnet = false;        ///< raw form: false
    bool url_safe = false;  ///< friendly form written with `-`/`_` (or with neither alphabet's special chars)
};

/// Parses the raw form `wc:hex` (workchain -128..127 in decimal, 64 hex digits of either case).
/// Error `ton.invalid_address`.
Result<Address> ParseRawAddress(std::string_view text);
/// Parses a 48-character user-friendly address in either base64 alphabet; checks the tag and the CRC16.
/// Error `ton.invalid_address`.
Result<ParsedAddress> ParseFriendlyAddress(std::string_view text);
/// Parses any form: raw when the text contains `:`, user-friendly otherwise. Error `ton.invalid_address`.
Result<ParsedAddress> ParseAddress(std::string_view text);
/// The canonical raw form of any accepted address text: what to store and compare. Error
/// `ton.invalid_address`.
Result<std::string> NormalizeAddress(std::string_view text);

}  // namespace onton::ton
