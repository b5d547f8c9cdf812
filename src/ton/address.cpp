#include "ton/address.hpp"

#include <charconv>

#include "ton/codec.hpp"
#include "ton/crc.hpp"

namespace onton::ton {
namespace {

constexpr std::uint8_t kBounceableTag = 0x11;
constexpr std::uint8_t kNonBounceableTag = 0x51;
constexpr std::uint8_t kTestnetFlag = 0x80;
constexpr std::size_t kFriendlyBytes = 36;
constexpr std::size_t kFriendlyChars = 48;

Error AddressError(const std::string& why) { return Error{"ton.invalid_address", "invalid address: " + why}; }

/// Workchain in decimal: an optional '-' and at most three digits, no '+', no leading zeros beyond "0".
Result<std::int8_t> ParseWorkchain(std::string_view text) {
    const bool negative = !text.empty() && text.front() == '-';
    const std::string_view digits = negative ? text.substr(1) : text;
    if (digits.empty() || digits.size() > 3) return AddressError("bad workchain");
    if (digits.size() > 1 && digits.front() == '0') return AddressError("bad workchain");
    int value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) return AddressError("bad workchain");
    if (negative) value = -value;
    if (value < -128 || value > 127 || (negative && value == 0))
        return AddressError("workchain out of range");
    return static_cast<std::int8_t>(value);
}

}  // namespace

std::string Address::ToRaw() const { return std::to_string(static_cast<int>(workchain)) + ":" + ToHex(hash); }

std::string Address::ToString(bool bounceable, bool testnet, bool url_safe) const {
    std::array<std::uint8_t, kFriendlyBytes> raw{};
    raw[0] = static_cast<std::uint8_t>((bounceable ? kBounceableTag : kNonBounceableTag) |
                                       (testnet ? kTestnetFlag : 0));
    raw[1] = static_cast<std::uint8_t>(workchain);
    std::copy(hash.begin(), hash.end(), raw.begin() + 2);
    const std::uint16_t crc = Crc16(std::span(raw).first(34));
    raw[34] = static_cast<std::uint8_t>(crc >> 8);
    raw[35] = static_cast<std::uint8_t>(crc & 0xFFU);
    return ToBase64(raw, url_safe);
}

Result<Address> ParseRawAddress(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return AddressError("no ':' in raw form");
    auto workchain = ParseWorkchain(text.substr(0, colon));
    if (!workchain) return workchain.error();
    const std::string_view hex = text.substr(colon + 1);
    if (hex.size() != 64) return AddressError("the account id must be 64 hex digits");
    auto bytes = FromHex(hex);
    if (!bytes) return AddressError("the account id is not hex");
    Address out;
    out.workchain = *workchain;
    std::copy(bytes->begin(), bytes->end(), out.hash.begin());
    return out;
}

Result<ParsedAddress> ParseFriendlyAddress(std::string_view text) {
    if (text.size() != kFriendlyChars) return AddressError("a user-friendly address has 48 characters");
    auto raw = FromBase64(text);
    if (!raw || raw->size() != kFriendlyBytes) return AddressError("not base64");
    const bool has_std = text.find_first_of("+/") != std::string_view::npos;
    const bool has_url = text.find_first_of("-_") != std::string_view::npos;
    if (has_std && has_url) return AddressError("mixed base64 alphabets");
    const std::uint16_t crc = Crc16(std::span(*raw).first(34));
    if ((*raw)[34] != (crc >> 8) || (*raw)[35] != (crc & 0xFFU)) return AddressError("CRC16 mismatch");
    const std::uint8_t tag = (*raw)[0];
    const std::uint8_t base_tag = tag & static_cast<std::uint8_t>(~kTestnetFlag);
    if (base_tag != kBounceableTag && base_tag != kNonBounceableTag) return AddressError("unknown flags");
    ParsedAddress out;
    out.user_friendly = true;
    out.bounceable = base_tag == kBounceableTag;
    out.testnet = (tag & kTestnetFlag) != 0;
    out.url_safe = !has_std;
    out.address.workchain = static_cast<std::int8_t>((*raw)[1]);
    std::copy(raw->begin() + 2, raw->begin() + 34, out.address.hash.begin());
    return out;
}

Result<ParsedAddress> ParseAddress(std::string_view text) {
    if (text.find(':') == std::string_view::npos) return ParseFriendlyAddress(text);
    auto raw = ParseRawAddress(text);
    if (!raw) return raw.error();
    ParsedAddress out;
    out.address = *raw;
    return out;
}

Result<std::string> NormalizeAddress(std::string_view text) {
    auto parsed = ParseAddress(text);
    if (!parsed) return parsed.error();
    return parsed->address.ToRaw();
}

}  // namespace onton::ton
