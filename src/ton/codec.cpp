#include "ton/codec.hpp"

#include <array>

namespace onton::ton {
namespace {

constexpr std::string_view kStd = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int Base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

Error Base64Error(const std::string& why) { return Error{"ton.invalid_base64", "invalid base64: " + why}; }

}  // namespace

Bytes ToBytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

std::string ToHex(ByteView bytes) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0F]);
    }
    return out;
}

Result<Bytes> FromHex(std::string_view hex) {
    if (hex.size() % 2 != 0) return Error{"ton.invalid_hex", "invalid hex: odd length"};
    Bytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = HexValue(hex[2 * i]);
        const int lo = HexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return Error{"ton.invalid_hex", "invalid hex: not a hex digit"};
        out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return out;
}

std::string ToBase64(ByteView bytes, bool url_safe) {
    const std::string_view alphabet = url_safe ? kUrl : kStd;
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t chunk = static_cast<std::uint32_t>(bytes[i]) << 16;
        if (n > 1) chunk |= static_cast<std::uint32_t>(bytes[i + 1]) << 8;
        if (n > 2) chunk |= bytes[i + 2];
        for (std::size_t k = 0; k < 4; ++k) {
            out.push_back(k <= n ? alphabet[(chunk >> (18 - 6 * k)) & 0x3F] : '=');
        }
    }
    return out;
}

Result<Bytes> FromBase64(std::string_view text) {
    std::size_t padding = 0;
    while (!text.empty() && text.back() == '=' && padding < 2) {
        text.remove_suffix(1);
        ++padding;
    }
    if (padding > 0 && (text.size() + padding) % 4 != 0) return Base64Error("wrong padding");
    if (text.size() % 4 == 1) return Base64Error("wrong length");
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int acc_bits = 0;
    for (const char c : text) {
        const int v = Base64Value(c);
        if (v < 0) return Base64Error("unexpected character");
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        acc_bits += 6;
        if (acc_bits >= 8) {
            acc_bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> acc_bits) & 0xFFU));
        }
    }
    if ((acc & ((1U << acc_bits) - 1U)) != 0) return Base64Error("non-zero trailing bits");
    return out;
}

}  // namespace onton::ton
