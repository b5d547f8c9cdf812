#include "domain/orders/ticket_code.hpp"

#include <algorithm>

#include "common/encoding.hpp"
#include "ton/codec.hpp"

namespace onton::orders {
namespace {

constexpr std::string_view kSignedPrefix = "onton:t2:";
constexpr std::string_view kUnsignedPrefix = "onton:ticket:";
constexpr std::size_t kMaxCode = 64;

bool IsCodeChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool IsCode(std::string_view code) {
    return !code.empty() && code.size() <= kMaxCode && std::all_of(code.begin(), code.end(), IsCodeChar);
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() &&
           (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r')) {
        text.remove_prefix(1);
    }
    while (!text.empty() &&
           (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

ton::ByteView View(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::optional<ScannedCode> ParseScannedCode(std::string_view text) {
    text = Trim(text);
    if (text.starts_with(kSignedPrefix)) {
        text.remove_prefix(kSignedPrefix.size());
        const auto dot = text.find('.');
        if (dot == std::string_view::npos) return std::nullopt;
        const auto code = text.substr(0, dot);
        const auto signature = text.substr(dot + 1);
        if (!IsCode(code) || signature.empty() || signature.size() > 100) return std::nullopt;
        return ScannedCode{std::string(code), std::string(signature)};
    }
    if (text.starts_with(kUnsignedPrefix)) text.remove_prefix(kUnsignedPrefix.size());
    if (!IsCode(text)) return std::nullopt;
    return ScannedCode{std::string(text), std::nullopt};
}

std::string TicketSignedMessage(std::string_view event_uuid, std::string_view code) {
    std::string out = "onton-ticket-v2\n";
    out += event_uuid;
    out += "\n";
    out += code;
    return out;
}

Result<TicketSigner> TicketSigner::FromSeed(std::string_view seed) {
    if (seed.size() != 32)
        return Error{"ticket.invalid_key", "the ticket signing key must be a 32-byte Ed25519 seed"};
    std::array<std::uint8_t, 32> bytes{};
    std::copy(seed.begin(), seed.end(), bytes.begin());
    return TicketSigner(ton::KeyPairFromSeed(bytes));
}

std::string TicketSigner::QrPayload(std::string_view event_uuid, std::string_view code) const {
    const auto message = TicketSignedMessage(event_uuid, code);
    const auto signature = ton::Sign(View(message), keys_);
    return std::string(kSignedPrefix) + std::string(code) + "." +
           Base64Url(std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()));
}

bool TicketSigner::Verify(std::string_view event_uuid,
                          std::string_view code,
                          std::string_view signature) const {
    // Only the URL-safe alphabet this signer writes: a signature in another spelling is not one of ours.
    if (!std::all_of(signature.begin(), signature.end(), [](char c) { return IsCodeChar(c) || c == '='; }))
        return false;
    const auto decoded = ton::FromBase64(signature);
    if (!decoded || decoded->size() != 64) return false;
    ton::Signature sig{};
    std::copy(decoded->begin(), decoded->end(), sig.begin());
    return ton::Verify(View(TicketSignedMessage(event_uuid, code)), sig, keys_.public_key);
}

std::string TicketSigner::PublicKey() const {
    return Base64Url(
        std::string_view(reinterpret_cast<const char*>(keys_.public_key.data()), keys_.public_key.size()));
}

}  // namespace onton::orders
